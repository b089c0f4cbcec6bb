#!/usr/bin/env bash
# bench/groups/converge.sh - how long do N agents take to hold the same group
# after they post EVENTS chat messages at the same time?
#
#   bench/groups/converge.sh [--agents N] [--events E] [--json] [--keep-logs DIR]
#
# Loopback only: agent i listens on 127.0.91.i with --no-public, bootstrapped
# with the first agent's address. Agent 1 makes a closed group and one invite
# for any number of uses; every other agent joins with it. Then every agent
# posts E/N messages at once (`coop group chat G` reading them from a pipe),
# and the script polls every agent's `coop group show --json` until all hold
# E posts and the same heads and state hash. Timed from the start of the
# posting to that moment. Everything runs under `timeout`; the agents are
# stopped and the temp dir removed at exit (also on Ctrl-C or failure);
# --keep-logs copies each agent's coopd.log (and the chat errors) first.
set -u -o pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${COOP_BIN:-$ROOT/build/bin}
COOP=$BIN/coop
AGENTS=16 EVENTS=10000 JSON=0 LOGS=""
while [ $# -gt 0 ]; do
  case $1 in
    --agents) AGENTS=${2:-}; shift 2 ;;
    --events) EVENTS=${2:-}; shift 2 ;;
    --json) JSON=1; shift ;;
    --keep-logs) LOGS=${2:-}; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
    *) echo "converge.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ $AGENTS =~ ^[0-9]+$ ]] && [ "$AGENTS" -ge 2 ] && [ "$AGENTS" -le 64 ] ||
  { echo "converge.sh: --agents wants a number from 2 to 64" >&2; exit 2; }
[[ $EVENTS =~ ^[0-9]+$ ]] && [ "$EVENTS" -ge "$AGENTS" ] ||
  { echo "converge.sh: --events wants a number of at least --agents" >&2; exit 2; }
for t in "$COOP" "$BIN/coopd" "$BIN/coop-group" /usr/bin/jq; do
  [ -x "$t" ] || { echo "converge.sh: missing $t (build coop first or set COOP_BIN; apt-get install -y jq)" >&2; exit 2; }
done

PY=/usr/bin/python3 SETTLE=0 BENCH=groups
. "$HERE/../lib.sh"
as() { local n=$1; shift; COOP_HOME=$TMP/a$n timeout 120 "$@"; }
for n in $(seq 1 "$AGENTS"); do HOMES+=("$TMP/a$n"); done
PATH=$BIN:$PATH

log "== starting $AGENTS agents"
as 1 "$COOP" agent start --listen 127.0.91.1:0 --no-public >/dev/null || { log "agent 1 did not start"; exit 1; }
FIRST=$(as 1 "$COOP" agent status --json | jq -r .listen)
for n in $(seq 2 "$AGENTS"); do
  as "$n" "$COOP" agent start --listen "127.0.91.$n:0" --no-public --peer "$FIRST" >/dev/null &
done
wait
for n in $(seq 2 "$AGENTS"); do
  as "$n" "$COOP" agent status >/dev/null || { log "agent $n did not start"; exit 1; }
done

log "== making the group and joining it"
GROUP=$(as 1 "$COOP" group create bench --json | jq -r .group)
TOKEN=$(as 1 "$COOP" group invite bench --uses 0 --expires 0)
T_JOIN=$(now)
for n in $(seq 2 "$AGENTS"); do
  as "$n" "$COOP" group join "$TOKEN" --wait 90s >/dev/null &
done
fails=0
for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
[ "$fails" = 0 ] || { log "$fails agent(s) could not join"; exit 1; }
JOIN_S=$(elapsed "$T_JOIN" "$(now)")

# heads_of N: agent N's posts, heads and state hash, one line.
view_of() { as "$1" "$COOP" group show "$GROUP" --json | jq -c '[.chat, .heads, .state_hash]'; }
members_seen() { [ "$(as "$1" "$COOP" group show "$GROUP" --json | jq '.members | length')" = "$AGENTS" ]; }
deadline=$((SECONDS + 120))
for n in $(seq 1 "$AGENTS"); do
  until members_seen "$n"; do
    [ $SECONDS -ge $deadline ] && { log "agent $n never saw all $AGENTS members"; exit 1; }
    sleep 0.2
  done
done

log "== $AGENTS agents post $EVENTS messages at once"
PER=$((EVENTS / AGENTS)) EXTRA=$((EVENTS % AGENTS))
T0=$(now)
for n in $(seq 1 "$AGENTS"); do
  count=$((PER + (n <= EXTRA ? 1 : 0)))
  seq 1 "$count" | sed "s/^/agent $n message /" | COOP_HOME=$TMP/a$n timeout 600 "$COOP" group chat "$GROUP" >/dev/null 2>"$TMP/chat$n.err" &
done
fails=0
for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
[ "$fails" = 0 ] || { log "$fails agent(s) failed to post: $(cat "$TMP"/chat*.err | sort | uniq -c | head -3)"; exit 1; }
POSTED_S=$(elapsed "$T0" "$(now)")
log "   posted in ${POSTED_S}s; waiting for every agent to hold all of them"

deadline=$((SECONDS + 600))
while :; do
  first="" same=1
  for n in $(seq 1 "$AGENTS"); do
    v=$(view_of "$n") || { same=0; break; }
    [ "$(jq '.[0]' <<<"$v")" = "$EVENTS" ] || { same=0; break; }
    if [ -z "$first" ]; then first=$v; elif [ "$v" != "$first" ]; then same=0; break; fi
  done
  [ $same = 1 ] && break
  [ $SECONDS -ge $deadline ] && { log "no convergence within 600 s"; exit 1; }
  sleep 0.1
done
CONVERGED_S=$(elapsed "$T0" "$(now)")
# With --keep-logs, each agent's sync counters go along (status.out).
if [ -n "$LOGS" ]; then
  for n in $(seq 1 "$AGENTS"); do as "$n" "$COOP" agent status --json >"$TMP/a$n/status.out" 2>&1; done
fi
RATE=$(awk -v e="$EVENTS" -v s="$CONVERGED_S" 'BEGIN{printf "%.0f", e/s}')

if [ $JSON = 1 ]; then
  jq -cn --argjson agents "$AGENTS" --argjson events "$EVENTS" --argjson join "$JOIN_S" \
    --argjson posted "$POSTED_S" --argjson converged "$CONVERGED_S" --argjson rate "$RATE" \
    '{benchmark:"groups-converge", agents:$agents, events:$events, join_s:$join, posted_s:$posted,
      converged_s:$converged, events_per_s:$rate, target_s:10, pass:($converged < 10)}'
else
  printf '\n%d agents, %d chat messages posted at once (%d each), loopback\n' "$AGENTS" "$EVENTS" "$PER"
  printf '%-40s %8s s\n' "all joined (from the first join)" "$JOIN_S"
  printf '%-40s %8s s\n' "all posted" "$POSTED_S"
  printf '%-40s %8s s   (%s events/s)\n' "every agent holds every message" "$CONVERGED_S" "$RATE"
  awk -v s="$CONVERGED_S" 'BEGIN{printf "target: converged in under 10 s: %s\n", (s < 10 ? "PASS" : "FAIL")}'
fi
