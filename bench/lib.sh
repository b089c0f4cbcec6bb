# bench/lib.sh - what the benchmark scripts share: progress and clocks, a temp
# dir, and process bookkeeping so that nothing outlives a run. Source it after
# setting BENCH (the temp dir's name), BIN, COOP, PY, LOGS and SETTLE; warm and
# fresh_dir also read SEED (the file shared) and BYTES (its size).

log() { echo "$*" >&2; }   # progress goes to stderr; stdout has only the result
now() { echo "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", b-a}'; }
since() { elapsed "$1" "$(now)"; }

# ------------------------------------------------------------------ process bookkeeping
TMP=$(mktemp -d "/tmp/coop-bench-$BENCH.XXXXXX") || exit 1
PGIDS=()      # process groups we started with setsid (pid == pgid)
HOMES=()      # COOP_HOMEs whose agents must be stopped
alive_group() { kill -0 -- "-$1" 2>/dev/null; }
stop_group() {  # TERM the group, give it 3 s, then KILL
  local g=$1 i
  alive_group "$g" || return 0
  kill -TERM -- "-$g" 2>/dev/null
  for i in $(seq 30); do alive_group "$g" || return 0; sleep 0.1; done
  kill -KILL -- "-$g" 2>/dev/null
}
# coopd processes of this benchmark: started by `coop agent start` (double fork,
# setsid), found by their COOP_HOME under our temp dir.
our_coopds() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/exe" 2>/dev/null)" = "$BIN/coopd" ] || continue
    tr '\0' '\n' < "$p/environ" 2>/dev/null | grep -qx "COOP_HOME=$TMP/.*" && echo "${p#/proc/}"
  done
}
kill_coopd() {  # $1 = pid; only if it still is a coopd of ours
  [ "$(readlink "/proc/$1/exe" 2>/dev/null)" = "$BIN/coopd" ] && kill -KILL "$1" 2>/dev/null
  return 0
}
stop_agent() {  # $1 = COOP_HOME
  COOP_HOME=$1 timeout --foreground 25 "$COOP" agent stop >/dev/null 2>&1
}
CLEANED=0
cleanup() {
  [ $CLEANED = 1 ] && return; CLEANED=1
  trap - INT TERM HUP
  local h g p
  for h in "${HOMES[@]}"; do [ -d "$h" ] && stop_agent "$h"; done
  for g in "${PGIDS[@]}"; do stop_group "$g"; done
  for p in $(our_coopds); do kill -KILL "$p" 2>/dev/null; done
  if [ -n "$LOGS" ]; then
    mkdir -p "$LOGS" && (cd "$TMP" && find . -type f \( -name '*.log' -o -name '*.out' -o -name '*.err' -o -name '*.jsonl' \
      -o -name '*.cpu' \) -exec cp --parents {} "$LOGS" \;) && log "logs copied to $LOGS"
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Every process we start runs as `setsid timeout SECONDS COMMAND`: timeout is
# the leader of a new process group (pid == pgid), so stop_group reaches the
# command and anything it forks, and nothing outlives its time limit.
# (timeout must be outermost: started below another process it would move
# into a process group of its own and escape.)
spawn() {  # $1 = log file, $2 = time limit in seconds, rest = command; sets LAST_PID
  local out=$1 limit=$2; shift 2
  setsid timeout -k 5 "$limit" "$@" > "$out" 2>&1 < /dev/null &
  PGIDS+=("$!")
  LAST_PID=$!
}
# Run a command to completion, interruptible by Ctrl-C; sets RC, T_START and
# T_END (unix times just before the process starts and at its exit), SECS
# (the wall time between) and BUSY (the machine's CPU ticks meanwhile).
run_timed() {  # $1 = log file, $2 = time limit in seconds, rest = command
  local out=$1 limit=$2; shift 2
  local b0; b0=$(busy_ticks)
  T_START=$(now)
  setsid timeout -k 5 "$limit" "$@" > "$out" 2>&1 < /dev/null &
  local pid=$!
  PGIDS+=("$pid")
  wait $pid; RC=$?
  T_END=$(now)
  SECS=$(elapsed "$T_START" "$T_END")
  BUSY=$(( $(busy_ticks) - b0 ))
}
# CPU time used by the whole machine (all cores) since boot, in clock ticks:
# over a timed run, minus what the measured programs used, it shows how much
# other work (a compiler, other tests) competed for the cores.
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }
cpu_ticks() {  # utime+stime of pid $1 in clock ticks (0 if gone)
  awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0
}
child_of() { pgrep -P "$1" | head -1; }   # the real program under `timeout`
free_port() {  # $1 = IP
  "$PY" -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"
}
wait_for_line() {  # $1 = file, $2 = regex, $3 = seconds, $4 = pid that must stay alive; polls every 10 ms
  local end; end=$(( $(date +%s) + $3 ))
  while [ "$(date +%s)" -lt "$end" ]; do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    kill -0 "$4" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}
# Wait (at most $SETTLE s) until the machine is idle (under 10 % of every core
# busy over a second): other work on these cores slows every client, but not
# every one equally.
wait_idle() {
  local end=$(( $(date +%s) + SETTLE )) b0 b1
  while [ "$(date +%s)" -lt "$end" ]; do
    b0=$(busy_ticks); sleep 1; b1=$(busy_ticks)
    [ $((b1 - b0)) -lt $(( $(nproc) * 10 )) ] && return 0
  done
  [ "$SETTLE" -gt 0 ] && log "   (machine still busy after ${SETTLE}s; measuring anyway)"
  return 0
}

# ------------------------------------------------------------------ before a timed download
warm() { wait_idle; cat "$SEED" > /dev/null; }
# The download folder is emptied and everything synced; then BYTES bytes are
# written to a scratch file and deleted again, just before the leecher starts.
# Why: this VM's balloon device (free page reporting) hands freed guest pages
# back to the host, and the first write to such a page costs a host fault:
# filling the page cache with 1 GiB took 1.7-2.9 s of system time on fresh
# pages but 0.23 s on pages freed a moment before. Without this step the
# first leecher of a run (and some others, at random) paid that extra cost.
fresh_dir() {
  rm -rf "$1"; mkdir -p "$1"; sync
  head -c "$BYTES" /dev/zero > "$TMP/prefault.bin"; rm -f "$TMP/prefault.bin"
}
