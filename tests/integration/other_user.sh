# The agent's socket is 0600 and the agent refuses connections from other
# users; a file the agent's user cannot read is refused with its name.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
  log "SKIP: needs root and setpriv to run an agent as another user"
  exit 77
fi
nobody=65534
chmod 755 "$WORK"
mkdir -p "$WORK/n"
chown "$nobody:$nobody" "$WORK/n"
as_nobody() { setpriv --reuid=$nobody --regid=$nobody --clear-groups env COOP_HOME="$WORK/n" HOME="$WORK/n" "$@"; }
stop_nobody() { as_nobody timeout 20 coop agent stop >/dev/null 2>&1 || true; }
trap 'stop_nobody; cleanup' EXIT

as_nobody coop agent start --listen "$(ip 2):0" --no-public >/dev/null || fail "the agent did not start as nobody"
[ "$(stat -c %a "$WORK/n/agent.sock")" = 600 ] || fail "the socket is not mode 0600"
[ "$(stat -c %a "$WORK/n/coop.db")" = 600 ] || fail "the database is not mode 0600"

# root may open the socket file, but the agent checks who is calling.
expect_error 1 "this agent belongs to uid $nobody" env COOP_HOME="$WORK/n" coop agent status
as_nobody coop agent status --json | jq -e .running >/dev/null || fail "the agent stopped after refusing a stranger"

# A file its user cannot read: refused, named, nothing shared.
echo secret > "$WORK/private.txt"
chmod 600 "$WORK/private.txt"
expect_error 1 "cannot read $WORK/private.txt: Permission denied" as_nobody coop share "$WORK/private.txt"
[ "$(as_nobody coop share --list --json | jq length)" = 0 ] || fail "an unreadable file was shared"
log "ok"
