# A nested folder arrives intact: every file, every subfolder, same bytes.
. "$(dirname "$0")/lib.sh"

src="$WORK/album"
mkdir -p "$src/photos/2026/summer" "$src/notes" "$src/empty-not-shared"
random_file "$src/photos/2026/summer/beach.jpg" 3
random_file "$src/photos/2026/city.jpg" 1
head -c 12345 /dev/urandom > "$src/notes/odd-size.txt"
echo "hello" > "$src/readme.txt"
head -c 1 /dev/urandom > "$src/notes/one-byte"

start_agent seeder 2
start_agent leecher 3 --peer "$(listen_of seeder)"

magnet=$(as seeder coop share "$src" --json | jq -r .magnet)
as leecher coop fetch "$magnet" -o "$WORK/dl" --no-seed >/dev/null || fail "fetch of the folder failed"

(cd "$src" && find . -type f -exec sha256sum {} + | sort -k2) > "$WORK/want"
(cd "$WORK/dl/album" && find . -type f -exec sha256sum {} + | sort -k2) > "$WORK/got"
diff -u "$WORK/want" "$WORK/got" || fail "the folder arrived different"
[ "$(wc -l < "$WORK/got")" -eq 5 ] || fail "expected 5 files, got $(wc -l < "$WORK/got")"

# --no-seed: complete, and no longer in the leecher's session.
[ "$(as leecher coop fetch --list --json | jq -r '.[0].seeding')" = false ] || fail "--no-seed still seeds"
[ "$(as leecher coop agent status --json | jq -r .torrents)" = 0 ] || fail "--no-seed left the torrent in the session"
log "ok"
