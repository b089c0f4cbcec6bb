# Shared by the integration tests: start real agents, each with its own
# COOP_HOME and loopback address, drive them with `coop`, clean up always.
# Source it first thing: `. "$(dirname "$0")/lib.sh"`.
set -euo pipefail

: "${COOP_BIN:?COOP_BIN must point at the folder holding coop and coopd (ctest sets it)}"
export PATH="$COOP_BIN:$PATH"
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "/tmp/coop-$TEST_NAME.XXXXXX")
# Each test gets its own 127.X.Y.0/24 so parallel tests never meet.
_hash=$(printf '%s' "$TEST_NAME" | cksum | cut -d' ' -f1)
NET="127.$((_hash % 250 + 2)).$((_hash / 250 % 250 + 2))"
HOMES=()

log() { printf '[%s] %s\n' "$TEST_NAME" "$*" >&2; }
fail() {
  printf '[%s] FAIL: %s\n' "$TEST_NAME" "$*" >&2
  for h in "${HOMES[@]}"; do
    [ -f "$h/coopd.log" ] && { echo "--- $h/coopd.log (tail)" >&2; tail -n 20 "$h/coopd.log" >&2; }
  done
  exit 1
}

cleanup() {
  local rc=$?
  for h in "${HOMES[@]}"; do
    local pid
    pid=$(cat "$h/agent.lock" 2>/dev/null | head -n1 || true)
    COOP_HOME=$h timeout 20 coop agent stop >/dev/null 2>&1 || true
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$rc" -eq 0 ] && [ -z "${KEEP:-}" ]; then rm -rf "$WORK"; else log "kept $WORK"; fi
}
trap cleanup EXIT

# ip N: this test's Nth loopback address.
ip() { echo "$NET.$1"; }

# home NAME: the COOP_HOME of agent NAME.
home() { echo "$WORK/$1"; }

# as NAME CMD...: runs CMD with agent NAME's COOP_HOME.
as() { local name=$1; shift; COOP_HOME="$WORK/$name" "$@"; }

# start_agent NAME N [coop agent start options...]: agent NAME on ip N, any port.
start_agent() {
  local name=$1 n=$2; shift 2
  HOMES+=("$WORK/$name")
  as "$name" coop agent start --listen "$(ip "$n"):0" --no-public "$@" >/dev/null ||
    fail "agent $name did not start"
}

# listen_of NAME: ADDR:PORT agent NAME listens on.
listen_of() { as "$1" coop agent status --json | jq -r .listen; }

# pid_of NAME: the pid of agent NAME.
pid_of() { as "$1" coop agent status --json | jq -r .pid; }

# wait_until SECONDS CMD...: polls CMD until it succeeds; fails the test at the deadline.
wait_until() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -ge "$deadline" ] && fail "timed out after ${limit}s waiting for: $*"
    sleep 0.2
  done
}

# expect_error CODE TEXT CMD...: CMD must exit with CODE and print one line
# on stderr containing TEXT.
expect_error() {
  local code=$1 text=$2; shift 2
  local out rc=0
  out=$("$@" 2>&1 >/dev/null) || rc=$?
  [ "$rc" -eq "$code" ] || fail "expected exit $code from '$*', got $rc: $out"
  printf '%s' "$out" | grep -qF -- "$text" || fail "expected '$text' in the error of '$*', got: $out"
  [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "expected one line of error from '$*', got: $out"
}

# random_file PATH MIB: MIB mebibytes from /dev/urandom.
random_file() { head -c "$(($2 * 1048576))" /dev/urandom > "$1"; }

sha() { sha256sum "$1" | cut -d' ' -f1; }
