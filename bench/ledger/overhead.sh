#!/usr/bin/env bash
# bench/ledger/overhead.sh - what does record-keeping cost a transfer? One file
# between two coop agents, timed with the ledger on and with it off, in the
# same run.
#
#   bench/ledger/overhead.sh [--size MIB] [--runs N] [--json] [--logs DIR] [--settle S]
#
# Loopback only: the seeder agent listens on 127.0.97.1, the leecher's on
# 127.0.97.2, both --no-public, each with a COOP_HOME of its own under a temp
# dir. Ledger off means COOP_LEDGER=off in both agents' environment: the agent
# leaves the ledger's BitTorrent extension off (no identity binding, no
# counting, no records). Every measurement starts a fresh pair of agents; the
# seeder shares the file, the leecher runs `coop fetch MAGNET --peer SEEDER`,
# timed from its start to its exit, and the download is compared with the
# original (cmp). After one untimed warm-up fetch, runs alternate on/off,
# off/on, ... so drift in the machine's speed falls on both. Everything runs
# under `timeout`; the agents are stopped and the temp dir under /tmp removed
# at exit (also on Ctrl-C or failure).
set -u -o pipefail
export LC_ALL=C
unset COOP_LEDGER   # "on" is the agent as it runs by default

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${COOP_BIN:-$ROOT/build/bin}
PY=/usr/bin/python3

SIZE=256 RUNS=3 JSON=0 LOGS="" SETTLE=30
TARGET=0.03   # the most throughput the ledger may cost: 3 %
usage() {  # $1 = exit code
  awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0" >&2
  cat >&2 <<'EOF'
options:
  --size MIB    size of the random test file (default 256)
  --runs N      measurements with the ledger on, and as many with it off (default 3);
                the report shows medians
  --json        print one JSON object on stdout instead of the table
  --logs DIR    copy the agents' logs and the fetch output to DIR before cleanup
  --settle S    before each timed fetch, wait up to S seconds (default 30) for the
                machine to be idle (< 10 % CPU busy over 1 s); 0 = don't wait
environment:
  COOP_BIN      folder with coop and coopd (default build/bin of this checkout)
EOF
  exit "${1:-2}"
}
while [ $# -gt 0 ]; do
  case $1 in
    --size) SIZE=${2:-}; shift 2 ;;
    --runs) RUNS=${2:-}; shift 2 ;;
    --json) JSON=1; shift ;;
    --logs) LOGS=${2:-}; shift 2 ;;
    --settle) SETTLE=${2:-}; shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "overhead.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ $SIZE =~ ^[1-9][0-9]*$ ]] || { echo "overhead.sh: --size wants a whole number of MiB" >&2; exit 2; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "overhead.sh: --runs wants a positive whole number" >&2; exit 2; }
[[ $SETTLE =~ ^[0-9]+$ ]] || { echo "overhead.sh: --settle wants whole seconds" >&2; exit 2; }

missing=""
for t in "$BIN/coop" "$BIN/coop-agent" "$BIN/coop-share" "$BIN/coop-fetch" "$BIN/coopd" /usr/bin/jq /usr/bin/setsid /usr/bin/cmp "$PY"; do
  [ -x "$t" ] || missing="$missing $t"
done
if [ -n "$missing" ]; then
  echo "overhead.sh: missing:$missing (apt-get install -y jq; build coop first, or set COOP_BIN)" >&2
  exit 1
fi
COOP=$BIN/coop
BYTES=$((SIZE * 1048576))
LEECH_TIMEOUT=$((60 + SIZE / 4))   # seconds; 256 MiB at 2 MiB/s still fits
SEED_IP=127.0.97.1 LEECH_IP=127.0.97.2

BENCH=ledger
. "$HERE/../lib.sh"

# An agent that never reads COOP_LEDGER runs the same either way: say so
# rather than report a ratio that compares a build with itself.
if grep -qa COOP_LEDGER "$BIN/coopd"; then SWITCH=true; else
  SWITCH=false
  log "note: $BIN/coopd does not read COOP_LEDGER; ledger on and off run the same agent"
fi

mkdir -p "$TMP/seed"
SEED=$TMP/seed/payload.bin
log "== making a $SIZE MiB random file in $TMP"
head -c "$BYTES" /dev/urandom > "$SEED" || exit 1

MEASURED=()   # one JSON object a measurement
record() {  # $1 = on|off, $2 = run, $3 = seconds or null, $4 = ok, $5 = detail JSON
  MEASURED+=("$(jq -cn --arg l "$1" --argjson r "$2" --argjson s "$3" --argjson ok "$4" --argjson d "$5" \
    '{ledger: $l, run: $r, seconds: $s, ok: $ok} + $d')")
  log "   ledger $1, run $2: ${3}s ok=$4 $5"
}
fail() { record "$1" "$2" null false "$(jq -cn --arg e "$3" '{error: $e}')"; }

measure() {  # $1 = on|off, $2 = run
  local mode=$1 r=$2 d=$TMP/$1$2 a b s listen magnet pa pb ca0 cb0 ca1 cb1 rc secs p
  local -a ledger_env=()
  [ "$mode" = off ] && ledger_env=(COOP_LEDGER=off)
  a=$d/seeder; b=$d/leecher
  mkdir -p "$d"; HOMES+=("$a" "$b")
  s=$(env "${ledger_env[@]}" COOP_HOME="$a" timeout --foreground 40 "$COOP" agent start --listen "$SEED_IP:0" \
        --no-public --json 2>"$d/seeder-start.err") || { fail "$mode" "$r" "the seeder agent did not start"; return; }
  pa=$(jq -r .pid <<< "$s"); listen=$(jq -r .listen <<< "$s")
  magnet=$(COOP_HOME=$a timeout --foreground $((60 + SIZE / 8)) "$COOP" share "$SEED" --json 2>"$d/share.err" | jq -r .magnet)
  if [[ $magnet != magnet:* ]]; then
    fail "$mode" "$r" "coop share failed"; stop_agent "$a"; kill_coopd "$pa"; return
  fi
  s=$(env "${ledger_env[@]}" COOP_HOME="$b" timeout --foreground 40 "$COOP" agent start --listen "$LEECH_IP:0" \
        --no-public --json 2>"$d/leecher-start.err") ||
    { fail "$mode" "$r" "the leecher agent did not start"; stop_agent "$a"; kill_coopd "$pa"; return; }
  pb=$(jq -r .pid <<< "$s")
  warm; fresh_dir "$d/dl"
  ca0=$(cpu_ticks "$pa"); cb0=$(cpu_ticks "$pb")
  run_timed "$d/fetch.out" "$LEECH_TIMEOUT" env COOP_HOME="$b" "$COOP" fetch "$magnet" --peer "$listen" \
    -o "$d/dl" --json
  rc=$RC secs=$SECS
  ca1=$(cpu_ticks "$pa"); cb1=$(cpu_ticks "$pb")
  local detail
  detail=$(jq -cn --argjson rc "$rc" --arg sa "$((ca1 - ca0))" --arg sb "$((cb1 - cb0))" --arg busy "$BUSY" \
    '{rc: $rc, seeder_cpu_s: (($sa|tonumber)/100), leecher_cpu_s: (($sb|tonumber)/100),
      other_cpu_s: ((($busy|tonumber) - ($sa|tonumber) - ($sb|tonumber)) / 100)}')
  if [ "$rc" != 0 ]; then
    fail "$mode" "$r" "coop fetch exited $rc"
  elif ! cmp -s "$SEED" "$d/dl/payload.bin"; then
    fail "$mode" "$r" "the fetched file differs from the one shared"
  else
    record "$mode" "$r" "$secs" true "$detail"
  fi
  stop_agent "$b"; stop_agent "$a"
  for p in $pa $pb; do kill_coopd "$p"; done
  rm -rf "$d/dl"
}

# One fetch untimed first: the first after the file is made runs cold
# (agent binaries, libraries, the seed's pages) and would always fall on "on".
log "== warm-up (not counted)"
measure on 0
MEASURED=()

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 1 "$RUNS"); do
  if [ $((r % 2)) = 1 ]; then order="on off"; else order="off on"; fi
  for mode in $order; do
    log "== run $r/$RUNS: ledger $mode"
    measure "$mode" "$r"
  done
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ report
out=$(printf '%s\n' "${MEASURED[@]}" | jq -sc --argjson size "$SIZE" --argjson bytes "$BYTES" --argjson runs "$RUNS" \
  --argjson switch "$SWITCH" --argjson target "$TARGET" --arg l0 "$LOAD0" --arg l1 "$LOAD1" --arg nproc "$(nproc)" \
  --arg coopv "$("$COOP" --version 2>/dev/null | head -1)" '
  def median: sort | if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
                     else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def round2: if . == null then null else . * 100 | round / 100 end;
  def mode(m): map(select(.ledger == m)) as $all | ($all | map(select(.ok) | .seconds)) as $good |
    ($good | median) as $s |
    {seconds: ($all | map(.seconds)), ok: ($all | map(.ok)),
     median_s: ($s | if . == null then null else . * 1000 | round / 1000 end),
     spread: (if ($good | length) >= 2 then (($good | max) - ($good | min)) / $s * 1000 | round / 1000 else null end),
     median_MiBps: (if $s then $bytes / 1048576 / $s * 10 | round / 10 else null end),
     median_cpu_s: {seeder: ($all | map(.seeder_cpu_s // empty) | median | round2),
                    leecher: ($all | map(.leecher_cpu_s // empty) | median | round2),
                    other: ($all | map(.other_cpu_s // empty) | median | round2)},
     runs_detail: $all};
  {on: mode("on"), off: mode("off")} as $res |
  (if $res.on.median_s and $res.off.median_s then $res.off.median_s / $res.on.median_s else null end) as $ratio |
  (($res.on.ok + $res.off.ok) | all) as $all_ok |
  {benchmark: "ledger_overhead", size_mib: $size, bytes: $bytes, runs: $runs, ledger_switch: $switch,
   host: {nproc: ($nproc | tonumber), loadavg_before: $l0, loadavg_after: $l1, coop: $coopv},
   results: $res,
   ratio: ($ratio | if . == null then null else . * 1000 | round / 1000 end),
   overhead: (if $ratio == null then null else (1 - $ratio) * 1000 | round / 1000 end),
   target_overhead: $target,
   within_noise: ([$res.on.spread, $res.off.spread] | map(. // 0) | max > $target),
   verdict: (if $ratio == null or ($all_ok | not) then "failed" elif 1 - $ratio < $target then "PASS"
             else "over target" end)}')

if [ $JSON = 1 ]; then
  echo "$out"
else
  echo
  echo "ledger overhead: one $SIZE MiB random file over loopback, seeder -> leecher, median of $RUNS run(s) each"
  echo "(wall time of coop fetch from start to exit, the download compared with cmp; load $LOAD0 -> $LOAD1)"
  echo
  printf '%-8s %8s %7s %8s %9s %9s  %s\n' ledger seconds MiB/s seedCPU leechCPU otherCPU "all runs (s)"
  jq -r '.results | to_entries[] | [.key, (.value.median_s // "FAIL"), (.value.median_MiBps // "-"),
         (.value.median_cpu_s.seeder // "-"), (.value.median_cpu_s.leecher // "-"), (.value.median_cpu_s.other // "-"),
         (.value.seconds | map(. // "fail") | map(tostring) | join(" "))] | @tsv' <<< "$out" |
    while IFS=$'\t' read -r m s mib sc lc oc all; do
      printf '%-8s %8s %7s %8s %9s %9s  %s\n' "$m" "$s" "$mib" "$sc" "$lc" "$oc" "$all"; done
  echo "(medians of the runs that succeeded; any failed run makes the verdict \"failed\". CPU columns:"
  echo " median CPU seconds during the timed fetch used by the seeder's agent, the leecher's agent,"
  echo " and everything else on the machine)"
  echo
  jq -r 'def pct: . * 1000 | round / 10 | tostring + " %";
    if .ratio == null then "on / off = n/a: every run of one side failed"
    else "on / off = \(.ratio) (throughput; overhead \(.overhead | pct), target < \(.target_overhead | pct)): \(.verdict)" end,
    if .within_noise then "(the runs of one side spread by \([.results[].spread // 0] | max | pct) of their median, more than the target:"
      + "\n the verdict is within the noise; add --runs or --size, or quiet the machine)" else empty end,
    if .ledger_switch then empty else "(this coopd does not read COOP_LEDGER: both rows ran the same agent)" end' <<< "$out"
fi
[ "$(jq -r .verdict <<< "$out")" != failed ]
