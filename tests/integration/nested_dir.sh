# A nested folder arrives intact: every file, every subfolder, same bytes.
# The leecher knows no other agent: `coop fetch --peer` alone finds the seeder.
. "$(dirname "$0")/lib.sh"

src="$WORK/album"
mkdir -p "$src/photos/2026/summer" "$src/notes" "$src/empty-not-shared"
random_file "$src/photos/2026/summer/beach.jpg" 3
random_file "$src/photos/2026/city.jpg" 1
head -c 12345 /dev/urandom > "$src/notes/odd-size.txt"
echo "hello" > "$src/readme.txt"
head -c 1 /dev/urandom > "$src/notes/one-byte"

start_agent seeder 2
start_agent leecher 3

magnet=$(as seeder coop share "$src" --json | jq -r .magnet)
as leecher coop fetch "$magnet" -o "$WORK/dl" --no-seed --peer "$(listen_of seeder)" >/dev/null || fail "fetch of the folder failed"

(cd "$src" && find . -type f -exec sha256sum {} + | sort -k2) > "$WORK/want"
(cd "$WORK/dl/album" && find . -type f -exec sha256sum {} + | sort -k2) > "$WORK/got"
diff -u "$WORK/want" "$WORK/got" || fail "the folder arrived different"
[ "$(wc -l < "$WORK/got")" -eq 5 ] || fail "expected 5 files, got $(wc -l < "$WORK/got")"

# --no-seed: complete, and no longer in the leecher's session.
[ "$(as leecher coop fetch --list --json | jq -r '.[0].seeding')" = false ] || fail "--no-seed still seeds"
[ "$(as leecher coop agent status --json | jq -r .torrents)" = 0 ] || fail "--no-seed left the torrent in the session"
log "ok"

# --detach leaves the download to the agent; the id then follows it to the end.
start_agent third 4 --peer "$(listen_of seeder)"
detached=$(as third coop fetch "$magnet" -o "$WORK/dl3" --detach --json)
id=$(jq -r .id <<<"$detached")
[[ $id =~ ^[0-9a-f]{16}$ ]] || fail "--detach printed no id: $detached"
as third coop fetch "${id:0:8}" --json | tail -n1 | jq -e '.event == "done"' >/dev/null || fail "following the detached download by id failed"
(cd "$WORK/dl3/album" && find . -type f -exec sha256sum {} + | sort -k2) > "$WORK/got3"
diff -u "$WORK/want" "$WORK/got3" || fail "the detached download arrived different"
log "ok (detached)"
