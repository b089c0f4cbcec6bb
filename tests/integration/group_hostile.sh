# Hostile peers against one agent's overlay (tests/tools/coop-rawpeer):
# silence, a garbage hello, a replayed handshake, garbage frames, a frame
# over the bound, forged events, replays and a flood of orphan events. Each is refused and
# counted in `coop agent status`, the link hung up on or dropped; the
# agent keeps answering, its group is exactly as before, its memory stays
# bounded, and an honest newcomer still joins and syncs.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_group.sh"
command -v coop-rawpeer >/dev/null ||
  fail "coop-rawpeer is not in $COOP_BIN; build it: cmake --build BUILD --target coop-rawpeer"

start_agent a 2
group=$(as a coop group create film-club --open --topic films --json | jq -r .group)
[[ $group =~ ^[0-9a-f]{64}$ ]] || fail "group create gave no id: $group"
as a coop group post film-club "first" >/dev/null || fail "a could not post"
as a coop group post film-club "second" >/dev/null || fail "a could not post"
overlay=$(as a coop agent status --json | jq -r .overlay.listen)
pid=$(pid_of a)
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
rss_start=$(rss_kib)
log_before=$(as a coop group log film-club --json)
view_before=$(shared_view a film-club)

# attack MODE [OPTIONS...]: coop-rawpeer must find that the agent behaved.
attack() {
  local mode=$1 out rc=0; shift
  out=$(coop-rawpeer "$mode" "$overlay" "$@") || rc=$?
  log "$mode: $out"
  [ "$rc" -eq 0 ] || fail "the agent mishandled $mode: $out"
}
attack silent
attack garbage-hello
attack bad-auth
attack garbage-frames --count 32
attack oversize
attack forged-events --group "$group"
attack replay --group "$group"
# Three rounds: the pending pool stays bounded however often it is filled.
for round in 1 2 3; do
  attack flood --group "$group"
  log "RSS after flood $round: $(rss_kib) KiB"
done

status=$(as a coop agent status --json) || fail "the agent no longer answers after the attacks"
# at_least PATH N: a counter of agent.status, at least N.
at_least() {
  local v
  v=$(jq "$1" <<<"$status")
  [ "$v" -ge "$2" ] || fail "status $1 is $v, expected at least $2: $(jq -c '{overlay, sync}' <<<"$status")"
}
at_least .overlay.faults.timeouts 1    # silent
at_least .overlay.faults.bad_frames 1  # garbage hello
at_least .overlay.faults.auth_failed 1
at_least .overlay.faults.oversize 1
at_least '.sync.faults.malformed + .sync.faults.unknown_type + .sync.faults.oversize' 8  # garbage frames
at_least .sync.faults.bad_signature 1
at_least .sync.rejections.bad_signature 1
at_least .sync.faults.bad_event 8
at_least .sync.rejections.bad_sequence 1
at_least .sync.faults.replay 1
at_least .sync.faults.flood 3
at_least .sync.pool_evicted 1          # the pool made room rather than grow
at_least .sync.drops 7
[ "$(jq .sync.errors <<<"$status")" = 0 ] || fail "the sync engine caught errors: $(jq -c .sync <<<"$status")"
[ "$(jq .sync.events_in <<<"$status")" = 0 ] ||
  fail "the agent took events from the attackers: $(jq -c .sync <<<"$status")"

[ "$(as a coop group log film-club --json)" = "$log_before" ] || fail "the group's log changed under attack"
[ "$(shared_view a film-club)" = "$view_before" ] || fail "the group's state changed under attack"
rss_end=$(rss_kib)
log "RSS ${rss_start} KiB at the start, ${rss_end} KiB after the floods"
[ "$rss_end" -le $((rss_start + 64 * 1024)) ] ||
  fail "the agent's memory grew from $rss_start KiB to $rss_end KiB under attack"

# An honest newcomer still joins, and both see each other's posts.
start_agent b 3
token=$(as a coop group invite film-club)
as b coop group join "$token" --wait 60s >/dev/null || fail "b could not join after the attacks"
as b coop group post film-club "b made it" >/dev/null || fail "b could not post"
wait_until 60 converged film-club 2 3 a b
[ "$(posts_of b film-club)" = "$(printf 'b made it\nfirst\nsecond')" ] ||
  fail "b's log lacks posts: $(posts_of b film-club)"
log "ok"
