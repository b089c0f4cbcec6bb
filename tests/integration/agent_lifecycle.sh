# The agent's life: start returns once it answers, status tells who and
# where it is, SIGTERM and `coop agent stop` end it cleanly, and any command
# brings it back with its saved settings, identity and shares.
. "$(dirname "$0")/lib.sh"

# The dispatcher.
coop --version | grep -qE '^coop [0-9]+\.[0-9]+\.[0-9]+$' || fail "coop --version: $(coop --version)"
for cmd in agent share fetch; do
  coop --help | grep -qE "^  $cmd +[a-z]" || fail "coop --help does not list $cmd"
done
coop help fetch | grep -q -- "--no-seed" || fail "coop help fetch does not show fetch's options"

start_agent a 2
status=$(as a coop agent status --json)
peer_id=$(jq -r .peer_id <<<"$status")
[[ $peer_id =~ ^[0-9a-f]{64}$ ]] || fail "peer_id is not an ed25519 key in hex: $status"
[[ $(jq -r .listen <<<"$status") =~ ^$(ip 2):[0-9]+$ ]] || fail "listen is not $(ip 2):PORT: $status"
[ "$(jq -r .listen <<<"$status" | cut -d: -f2)" != 0 ] || fail "port 0 was not replaced by the real port"
for key in torrents peers dht_nodes pid; do
  jq -e "has(\"$key\")" <<<"$status" >/dev/null || fail "status has no $key: $status"
done
[ "$(stat -c %a "$(home a)/agent.sock")" = 600 ] || fail "the socket is not 0600"

# Starting again is harmless without options, refused with new ones.
as a coop agent start >/dev/null || fail "a second start without options failed"
expect_error 1 "an agent already runs" as a coop agent start --listen "$(ip 3):0"

random_file "$WORK/f.bin" 1
id=$(as a coop share "$WORK/f.bin" --json | jq -r .id)

# SIGTERM: a clean stop; the socket goes away.
pid=$(pid_of a)
kill -TERM "$pid"
# The agent's lock dies with its process.
gone() { flock -n "$(home a)/agent.lock" true; }
wait_until 20 gone
grep -q "shutting down: SIGTERM" "$(home a)/coopd.log" || fail "no clean shutdown on SIGTERM in the log"
[ ! -e "$(home a)/agent.sock" ] || fail "the socket outlived the agent"
expect_error 1 "no agent runs for $(home a)" as a coop agent status

# Any command starts it again, with the saved address, identity and shares.
as a coop share --list --json | jq -e ".[0].id == \"$id\" and .[0].state == \"seeding\"" >/dev/null ||
  fail "the share did not come back: $(as a coop share --list --json)"
status=$(as a coop agent status --json)
[ "$(jq -r .peer_id <<<"$status")" = "$peer_id" ] || fail "the identity changed across a restart"
[[ $(jq -r .listen <<<"$status") == $(ip 2):* ]] || fail "the saved listen address was not used: $status"
[ "$(jq -r .no_public <<<"$status")" = true ] || fail "the saved --no-public was not used"

# coop agent stop: returns once the agent is gone.
as a coop agent stop --json | jq -e .stopped >/dev/null || fail "agent stop did not report"
gone || fail "coop agent stop returned before the agent exited"
as a coop agent stop --json | jq -e '.running == false' >/dev/null || fail "stop without an agent is not a no-op"
log "ok"
