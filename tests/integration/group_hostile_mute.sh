# Peers that never answer (tests/tools/coop-rawpeer): one subscribes,
# gives the agent an event whose parent only it could have, and answers
# nothing; another sends nothing at all once subscribed, not even
# keepalives. The agent times both out (the sync's answer timeout, the
# link's idle timeout: 30 s and 90 s by default, shortened here to 2 s and
# 10 s; the second well past the first, so the mute peer meets the answer
# timeout first), counts them, and its group stays as it was.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_group.sh"
command -v coop-rawpeer >/dev/null ||
  fail "coop-rawpeer is not in $COOP_BIN; build it: cmake --build BUILD --target coop-rawpeer"

HOMES+=("$(home x)")
expect_error 1 "--sync-answer-timeout 'soon' is not a duration like 5s or 2m (0 = the default, 30s)" \
  as x coop agent start --listen "$(ip 9):0" --no-public --sync-answer-timeout soon
start_agent a 2 --sync-answer-timeout 2s --link-idle-timeout 10s
group=$(as a coop group create quiet-room --open --json | jq -r .group)
[[ $group =~ ^[0-9a-f]{64}$ ]] || fail "group create gave no id: $group"
as a coop group post quiet-room "anyone there?" >/dev/null || fail "a could not post"
overlay=$(as a coop agent status --json | jq -r .overlay.listen)
log_before=$(as a coop group log quiet-room --json)
view_before=$(shared_view a quiet-room)

# The silent one first, while the agent has nothing to ask of anyone.
coop-rawpeer mute "$overlay" --group "$group" --idle --timeout 60 > "$WORK/idle.out" 2>&1 &
idle_pid=$!
sent_the_log() { [ "$(as a coop agent status --json | jq .sync.events_out)" -ge 2 ]; }
wait_until 30 sent_the_log

out=$(coop-rawpeer mute "$overlay" --group "$group" --timeout 30) || fail "the agent kept a peer that never answers: $out"
log "mute: $out"
rc=0
wait "$idle_pid" || rc=$?
log "mute --idle: $(cat "$WORK/idle.out")"
[ "$rc" -eq 0 ] || fail "the agent kept a silent peer: $(cat "$WORK/idle.out")"

status=$(as a coop agent status --json) || fail "the agent no longer answers"
unanswered=$(jq .sync.faults.unanswered <<<"$status")
timeouts=$(jq .overlay.faults.timeouts <<<"$status")
[ "$unanswered" -ge 1 ] || fail "no unanswered request counted: $(jq -c .sync <<<"$status")"
[ "$timeouts" -ge 1 ] || fail "no silent link counted: $(jq -c .overlay <<<"$status")"
[ "$(jq .sync.errors <<<"$status")" = 0 ] || fail "the sync engine caught errors: $(jq -c .sync <<<"$status")"
[ "$(as a coop group log quiet-room --json)" = "$log_before" ] || fail "the group's log changed"
[ "$(shared_view a quiet-room)" = "$view_before" ] || fail "the group's state changed"
log "ok"
