# Three members of a group: A shares a file and B, then C, fetch it. Both
# sides count the payload on each BitTorrent connection and sign records
# of it: every proposal is countersigned, each pair's totals are mirrored
# on both chains and match the bytes really moved (within the tolerance),
# the records reach the group, and every member computes the same effort.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_group.sh"

size_mib=24
size=$((size_mib * 1048576))
start_agent a 2
start_agent b 3 --peer "$(listen_of a)"
start_agent c 4 --peer "$(listen_of a)" --peer "$(listen_of b)"
key() { as "$1" coop agent status --json | jq -r .peer_id; }
ka=$(key a) kb=$(key b) kc=$(key c)

as a coop group create club >/dev/null
as b coop group join "$(as a coop group invite club)" --wait 60s >/dev/null || fail "b could not join"
as c coop group join "$(as a coop group invite club)" --wait 60s >/dev/null || fail "c could not join"
wait_until 120 converged club 3 0 a b c

random_file "$WORK/film.bin" "$size_mib"
magnet=$(as a coop share "$WORK/film.bin" --json | jq -r .magnet)
as b coop fetch "$magnet" --peer "$(listen_of a)" -o "$WORK/b-out" >/dev/null || fail "b could not fetch"
as c coop fetch "$magnet" --peer "$(listen_of a)" -o "$WORK/c-out" >/dev/null || fail "c could not fetch"
cmp -s "$WORK/film.bin" "$WORK/b-out/film.bin" || fail "b's copy differs"
cmp -s "$WORK/film.bin" "$WORK/c-out/film.bin" || fail "c's copy differs"

# peer_of NAME KEY: NAME's view of its ledger with KEY.
peer_of() { as "$1" coop ledger show --json --limit 0 | jq -c --arg k "$2" '.peers[] | select(.peer == $k)'; }
# settled NAME: NAME has no proposal waiting and has signed what it counted.
settled() {
  local show
  show=$(as "$1" coop ledger show --json --limit 0)
  jq -e '(.peers | length) > 0 and all(.peers[]; (.pending | not) and .transfers > 0)' <<<"$show" >/dev/null
}
# received_in_all NAME: the bytes NAME got, as it signed them, from everyone.
received_in_all() { as "$1" coop ledger show --json --limit 0 | jq '[.peers[].agreed_got] | add'; }
tolerance=$((1048576 + size / 50))
near() { local d=$(($1 - $2)); [ "${d#-}" -le "$tolerance" ]; }
all_received() {
  for n in b c; do near "$(received_in_all "$n")" "$size" || return 1; done
}
wait_until 60 settled a
wait_until 60 settled b
wait_until 60 settled c
wait_until 60 all_received

# Every record of ours is countersigned, on every agent.
for n in a b c; do
  unsigned=$(as "$n" coop ledger show --json --limit 0 | jq '[.records[] | select(.countersigned | not)] | length')
  [ "$unsigned" = 0 ] || fail "$n holds $unsigned proposals nobody countersigned"
done
# Each pair's totals are mirrored: what A gave B is what B got from A.
for pair in "a b" "a c" "b c"; do
  set -- $pair
  x=$(peer_of "$1" "$(key "$2")") y=$(peer_of "$2" "$(key "$1")")
  [ -z "$x" ] && [ -z "$y" ] && continue
  [ "$(jq .agreed_gave <<<"$x")" = "$(jq .agreed_got <<<"$y")" ] || fail "$1 and $2 signed different totals: $x / $y"
  [ "$(jq .agreed_got <<<"$x")" = "$(jq .agreed_gave <<<"$y")" ] || fail "$1 and $2 signed different totals: $x / $y"
done
gave_a=$(as a coop ledger show --json --limit 0 | jq '.totals.gave')
[ "$gave_a" -ge "$size" ] || fail "A signed only $gave_a bytes given, for two fetches of $size"

# The records reach the group, and every member computes the same effort.
effort_of() { as "$1" coop ledger effort --group club --json | jq -S '.groups[0].ledger'; }
same_effort() {
  local ea eb ec
  ea=$(effort_of a) eb=$(effort_of b) ec=$(effort_of c)
  [ "$(jq .transfers <<<"$ea")" -ge 2 ] && [ "$ea" = "$eb" ] && [ "$ea" = "$ec" ]
}
wait_until 120 same_effort
given=$(effort_of a | jq --arg k "$ka" '.effort[$k].given')
[ "$given" -ge "$size" ] || fail "the group credits A with $given bytes given"
for k in "$kb" "$kc"; do
  [ "$(effort_of a | jq --arg k "$k" '.effort[$k].received')" -ge $((size - tolerance)) ] ||
    fail "the group does not credit $k with what it received"
done
[ "$(effort_of a | jq --arg k "$ka" '.effort[$k].score > 0')" = true ] || fail "A's effort score is 0"
[ "$(as a coop agent status --json | jq '.ledger.enabled')" = true ] || fail "agent status says the ledger is off"
log "ok: records countersigned and mirrored, effort equal on every member"

# C's agent is replaced by a cheating build that forks its chain: a second
# record with the seq of its newest, claiming 40 GiB given to a key made up
# for it, posted into the group. Every member catches the fork: C is an
# offender with no effort, on all of them alike.
as c coop agent stop >/dev/null
forger=$(as c coop-ledger-forge club) || fail "the forge tool failed"
[ "$forger" = "$kc" ] || fail "the forge tool forked $forger, not C's chain"
restart c
caught_on() { [ "$(effort_of "$1" | jq --arg k "$kc" '.effort[$k].offender and .effort[$k].score == 0 and (.offenders[$k] | length) > 0')" = true ]; }
caught_everywhere() { caught_on a && caught_on b && caught_on c; }
wait_until 120 caught_everywhere
wait_until 60 same_effort
[ "$(effort_of a | jq --arg k "$ka" '.effort[$k].offender')" = false ] || fail "an honest member is named an offender"
# The members keep the proof: coop ledger verify lists it and fails.
proof_kept() {
  local out rc=0
  out=$(as "$1" coop ledger verify --json) || rc=$?
  [ "$rc" = 1 ] && jq -e --arg k "$kc" 'any(.proofs[]; .offender == $k and .kind == "fork" and .valid)' <<<"$out" >/dev/null
}
wait_until 30 proof_kept a
wait_until 30 proof_kept b
log "ok: the forked chain is caught on every member"
