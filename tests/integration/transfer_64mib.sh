# A 64 MiB random file shared by one agent arrives byte-identical at another;
# sharing the same path again is idempotent, and the lists show both sides.
. "$(dirname "$0")/lib.sh"

random_file "$WORK/movie.bin" 64
start_agent seeder 2
start_agent leecher 3 --peer "$(listen_of seeder)"

share=$(as seeder coop share "$WORK/movie.bin" --json)
magnet=$(jq -r .magnet <<<"$share")
id=$(jq -r .id <<<"$share")
[[ $magnet == magnet:\?xt=urn:btih:* ]] || fail "no magnet link in: $share"
[[ $magnet == *xt=urn:btmh:1220* ]] || fail "magnet has no v2 info-hash: $magnet"
[ "$(jq -r .existing <<<"$share")" = false ] || fail "first share reported as existing"

again=$(as seeder coop share "$WORK/movie.bin" --json)
[ "$(jq -r .id <<<"$again")" = "$id" ] || fail "sharing again gave another id"
[ "$(jq -r .existing <<<"$again")" = true ] || fail "sharing again was not recognised"
[ "$(as seeder coop share --list --json | jq length)" = 1 ] || fail "sharing twice made two shares"

as leecher coop fetch "$magnet" -o "$WORK/dl" > "$WORK/fetch.out" || fail "fetch failed"
[ "$(sha "$WORK/dl/movie.bin")" = "$(sha "$WORK/movie.bin")" ] || fail "the fetched file differs"
grep -qF "into $WORK/dl/movie.bin" "$WORK/fetch.out" || fail "fetch did not say where the file landed: $(cat "$WORK/fetch.out")"

row=$(as leecher coop fetch --list --json | jq -c ".[] | select(.id == \"$id\")")
[ "$(jq -r .state <<<"$row")" = complete ] || fail "fetch --list does not show it complete: $row"
[ "$(jq -r .size <<<"$row")" = $((64 * 1048576)) ] || fail "fetch --list has the wrong size: $row"

# The seeder counts what it gave.
uploaded() { [ "$(as seeder coop share --list --json | jq '.[0].uploaded')" -ge $((64 * 1048576)) ]; }
wait_until 20 uploaded

# Fetching what is already here returns at once, complete.
as leecher coop fetch "$id" --json | tail -n1 | jq -e '.event == "done"' >/dev/null || fail "re-fetch by id did not report done"

as seeder coop share --stop "$id" >/dev/null
[ "$(as seeder coop share --list --json | jq -r '.[0].state')" = stopped ] || fail "share --stop did not stop it"
log "ok"
