# Effort is repaid in upload priority. H has given S a file, so the group
# credits H with effort and Z with none. Then S, under an upload limit,
# seeds two files of one size and H and Z each fetch one, Z with a head
# start: H still finishes first, and Z gets its whole file (priority, not
# exclusion).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_group.sh"

start_agent s 2 --upload-limit 1M
start_agent h 3 --peer "$(listen_of s)"
start_agent z 4 --peer "$(listen_of s)"
kh=$(as h coop agent status --json | jq -r .peer_id)
kz=$(as z coop agent status --json | jq -r .peer_id)

# Z declares its capacity while in no group: it reaches the group once Z joins.
[ "$(as z coop ledger capacity --up 1MiB/s --json | jq -c '[.up, (.groups | length)]')" = "[1048576,0]" ] ||
  fail "capacity --up did not report what it saved"
as s coop group create club >/dev/null
as h coop group join "$(as s coop group invite club)" --wait 60s >/dev/null || fail "h could not join"
as z coop group join "$(as s coop group invite club)" --wait 60s >/dev/null || fail "z could not join"
wait_until 120 converged club 3 0 s h z
z_declared() { [ "$(as s coop ledger effort --group club --json | jq --arg z "$kz" '.groups[0].ledger.capacities[$z]')" = 1048576 ]; }
wait_until 60 z_declared

log "h gives s a file"
random_file "$WORK/gift.bin" 16
gift=$(as h coop share "$WORK/gift.bin" --json | jq -r .magnet)
as s coop fetch "$gift" --peer "$(listen_of h)" -o "$WORK/s-gift" >/dev/null || fail "s could not fetch h's file"
effort_on_s() { as s coop ledger effort --group club --json | jq '.groups[0].ledger.effort'; }
h_has_effort() { [ "$(effort_on_s | jq --arg h "$kh" --arg z "$kz" '.[$h].score > 0 and .[$z].score == 0')" = true ]; }
wait_until 120 h_has_effort
has_priority() { [ "$(as s coop agent status --json | jq '.ledger.priorities')" -ge 1 ]; }
wait_until 30 has_priority

log "s seeds two files under its upload limit; z fetches one, then h the other"
# Different files, so that h and z compete for s's upload and cannot trade pieces.
random_file "$WORK/for-h.bin" 4
random_file "$WORK/for-z.bin" 4
for_h=$(as s coop share "$WORK/for-h.bin" --json | jq -r .magnet)
for_z=$(as s coop share "$WORK/for-z.bin" --json | jq -r .magnet)
# Z starts first and gets a quarter ahead: with equal shares it would
# finish first.
as z coop fetch "$for_z" --peer "$(listen_of s)" -o "$WORK/z-out" --detach >/dev/null
progress_of() { as "$1" coop fetch --list --json | jq -r --arg f "$2" '.[] | select(.name == $f) | .progress'; }
z_ahead() { [ "$(jq -n --argjson p "$(progress_of z for-z.bin)" '$p >= 0.25')" = true ]; }
wait_until 60 z_ahead
as h coop fetch "$for_h" --peer "$(listen_of s)" -o "$WORK/h-out" --detach >/dev/null
# fetched NAME FILE: NAME's fetch of FILE is complete.
fetched() { [ "$(as "$1" coop fetch --list --json | jq -r --arg f "$2" '.[] | select(.name == $f) | .state')" = complete ]; }
first_done() { fetched h for-h.bin || fetched z for-z.bin; }
wait_until 120 first_done
fetched h for-h.bin || fail "z finished before h, whose effort should give it priority"
wait_until 180 fetched z for-z.bin
cmp -s "$WORK/for-h.bin" "$WORK/h-out/for-h.bin" || fail "h's copy differs"
cmp -s "$WORK/for-z.bin" "$WORK/z-out/for-z.bin" || fail "z's copy differs"
log "ok: the member with effort finished first, the one without was still served"
