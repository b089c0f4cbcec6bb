#!/usr/bin/env bash
# bench/transfer/run.sh - how fast does coop move one file between two agents,
# compared in the same run with aria2c -> aria2c and raw libtorrent -> libtorrent?
#
#   bench/transfer/run.sh [--size MIB] [--runs N] [--json] [--only LIST] [--extra]
#                         [--logs DIR] [--settle S] [--coop-log-level L]
#
# Loopback only: every socket binds an address in 127.0.0.0/8.
#   coop        agent A 127.0.0.2 (share)  ->  agent B 127.0.0.3 (fetch MAGNET)
#   aria2c      seed 127.0.0.4 -> leech 127.0.0.5, via opentracker on 127.0.0.8 (whitelist mode)
#   libtorrent  seed 127.0.0.6 -> leech 127.0.0.7, direct connect_peer, TCP only
# Each run starts fresh seeders and leechers for every client (so no client reuses
# verified-piece state from an earlier run); only the leecher is timed, from
# process start to exit after a complete, hash-checked download. The seed file
# is in the page cache; the download folder is removed and `sync` run before each leech.
# Everything runs under `timeout`, in process groups that are killed at exit
# (also on Ctrl-C or failure); the temp dir under /tmp is removed.
set -u -o pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${COOP_BIN:-$ROOT/build/bin}
PY=/usr/bin/python3                # Debian python: python3-libtorrent lives here
LTPEER=$HERE/lt_peer.py

SIZE=1024 RUNS=1 JSON=0 EXTRA=0 LOGS="" ONLY="coop aria2c libtorrent" SETTLE=30 COOP_LOG=()
usage() {  # $1 = exit code
  awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0" >&2
  cat >&2 <<'EOF'
options:
  --size MIB    size of the random test file (default 1024)
  --runs N      measurements per client (default 1); the table shows medians
  --json        print one JSON object on stdout instead of the table
  --only LIST   comma-separated subset of: coop,aria2c,libtorrent (default all)
  --extra       also time libtorrent -> libtorrent with coop's torrent format
                (v1+v2 hybrid, automatic piece size, fetched by magnet link), once
                with a seed-mode seeder (hashes each piece on first upload, as coop
                does) and once with every piece marked verified up front
  --logs DIR    copy all logs (coopd.log, leecher output) to DIR before cleanup
  --settle S    before each timed download, wait up to S seconds (default 30) for
                the machine to be idle (< 10 % CPU busy over 1 s); 0 = don't wait
  --coop-log-level L  start both agents with --log-level L (debug logs peer
                connects and disconnects in coopd.log; combine with --logs)
EOF
  exit "${1:-2}"
}
while [ $# -gt 0 ]; do
  case $1 in
    --size) SIZE=${2:-}; shift 2 ;;
    --runs) RUNS=${2:-}; shift 2 ;;
    --json) JSON=1; shift ;;
    --only) ONLY=$(echo "${2:-}" | tr ',' ' '); shift 2 ;;
    --extra) EXTRA=1; shift ;;
    --logs) LOGS=${2:-}; shift 2 ;;
    --settle) SETTLE=${2:-}; shift 2 ;;
    --coop-log-level) COOP_LOG=(--log-level "${2:-}"); shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ $SIZE =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --size wants a whole number of MiB" >&2; exit 2; }
[[ $SETTLE =~ ^[0-9]+$ ]] || { echo "run.sh: --settle wants whole seconds" >&2; exit 2; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs wants a positive whole number" >&2; exit 2; }
for c in $ONLY; do case $c in coop|aria2c|libtorrent) ;; *) echo "run.sh: --only: unknown client '$c'" >&2; exit 2 ;; esac; done
[ $EXTRA = 1 ] && ONLY="$ONLY lt_hybrid_magnet lt_hybrid_magnet_verified"

# ------------------------------------------------------------------ checks
missing=""
for t in "$BIN/coop" "$BIN/coopd" /usr/bin/aria2c /usr/bin/opentracker /usr/bin/jq /usr/bin/time /usr/bin/setsid "$PY"; do
  [ -x "$t" ] || missing="$missing $t"
done
"$PY" -c 'import libtorrent' 2>/dev/null || missing="$missing python3-libtorrent"
if [ -n "$missing" ]; then
  echo "run.sh: missing:$missing (apt-get install -y aria2 opentracker jq time python3-libtorrent; build coop first)" >&2
  exit 1
fi
COOP=$BIN/coop
BYTES=$((SIZE * 1048576))
LEECH_TIMEOUT=$((60 + SIZE / 4))   # seconds; 1 GiB at 3.2 MiB/s still fits
SEED_TIMEOUT=$((600 + LEECH_TIMEOUT))
A2COMMON=(--no-conf --enable-dht=false --enable-dht6=false --bt-enable-lpd=false --enable-peer-exchange=false
          --summary-interval=0 --console-log-level=warn --disable-ipv6=true --check-certificate=false)

BENCH=transfer
. "$HERE/../lib.sh"

check_file() {  # $1 = downloaded file; 0 if its sha256 equals the seed's
  [ -f "$1" ] && [ "$(stat -c %s "$1")" = "$BYTES" ] && [ "$(sha256sum < "$1" | cut -d' ' -f1)" = "$SEED_SHA" ]
}

# ------------------------------------------------------------------ test data
mkdir -p "$TMP/seed" "$TMP/torrents"
SEED=$TMP/seed/payload.bin
log "== making a $SIZE MiB random file in $TMP"
head -c "$BYTES" /dev/urandom > "$SEED" || exit 1
SEED_SHA=$(sha256sum < "$SEED" | cut -d' ' -f1)
TRK_IP=127.0.0.8
TRK_PORT=$(free_port $TRK_IP)
TRK_URL="http://$TRK_IP:$TRK_PORT/announce"
# v1 torrent, 1 MiB pieces (as mktorrent -l 20) for aria2c and libtorrent
mk=$(timeout --foreground 300 "$PY" "$LTPEER" mktorrent "$SEED" "$TMP/torrents/v1.torrent" --tracker "$TRK_URL" --piece-kib 1024) || { log "cannot make the torrent"; exit 1; }
V1_HASH=$(echo "$mk" | sed -n 's/^v1=\([0-9a-f]*\).*/\1/p')
if [ $EXTRA = 1 ]; then
  mk=$(timeout --foreground 300 "$PY" "$LTPEER" mktorrent "$SEED" "$TMP/torrents/hybrid.torrent" --hybrid --piece-kib 0) || exit 1
  HYBRID_MAGNET=$(echo "$mk" | sed -n 's/.* magnet=//p')
fi

# ------------------------------------------------------------------ (a) coop -> coop
declare -A SECONDS_OF OK_OF DETAIL_OF
EMPTY='{}'
record() {  # $1 = client, $2 = seconds or "null", $3 = ok(true/false), $4 = detail JSON, $5 = run
  local d=$4
  if [ -n "${BUSY:-}" ] && echo "$d" | jq -e 'has("leecher_cpu_s")' >/dev/null 2>&1; then
    d=$(echo "$d" | jq -c --arg b "$BUSY" '. + {other_cpu_s: ((($b|tonumber)/100 - .seeder_cpu_s - .leecher_cpu_s) * 100 | round / 100)}')
  fi
  BUSY=""
  set -- "$1" "$2" "$3" "$d" "$5"
  SECONDS_OF[$1]="${SECONDS_OF[$1]:-} $2"
  OK_OF[$1]="${OK_OF[$1]:-} $3"
  DETAIL_OF[$1]="${DETAIL_OF[$1]:-}${DETAIL_OF[$1]:+,}$4"
  log "   $1 run $5: ${2}s ok=$3 $4"
}

measure_coop() {  # $1 = run number
  local r=$1 d=$TMP/coop$1 a b s listen magnet pa pb ca0 cb0 ca1 cb1 ok=false secs=null
  a=$d/a; b=$d/b
  mkdir -p "$d"; HOMES+=("$a" "$b")
  s=$(COOP_HOME=$a timeout --foreground 40 "$COOP" agent start --listen 127.0.0.2:0 --no-public "${COOP_LOG[@]}" --json 2>"$d/a-start.out") ||
    { record coop null false "{\"error\":\"agent A did not start\"}" "$r"; return; }
  pa=$(echo "$s" | jq -r .pid); listen=$(echo "$s" | jq -r .listen)
  magnet=$(COOP_HOME=$a timeout --foreground $((60 + SIZE / 8)) "$COOP" share "$SEED" --json 2>"$d/share.out" | jq -r .magnet)
  [[ $magnet == magnet:* ]] ||
    { record coop null false "{\"error\":\"coop share failed\"}" "$r"; stop_agent "$a"; return; }
  s=$(COOP_HOME=$b timeout --foreground 40 "$COOP" agent start --listen 127.0.0.3:0 --no-public --peer "$listen" "${COOP_LOG[@]}" --json 2>"$d/b-start.out") ||
    { record coop null false "{\"error\":\"agent B did not start\"}" "$r"; stop_agent "$a"; return; }
  pb=$(echo "$s" | jq -r .pid)
  warm; fresh_dir "$d/dl"
  ca0=$(cpu_ticks "$pa"); cb0=$(cpu_ticks "$pb")
  # The fetch's JSON lines get a timestamp each (for the phase breakdown).
  run_timed "$d/fetch.jsonl" "$LEECH_TIMEOUT" env COOP_HOME="$b" bash -c '
    "$1" fetch "$2" -o "$3" --json 2>"$4" |
      while IFS= read -r l; do printf "%s %s\n" "$EPOCHREALTIME" "$l"; done
    exit "${PIPESTATUS[0]}"' _ "$COOP" "$magnet" "$d/dl" "$d/fetch.err"
  local rc=$RC t=$SECS
  ca1=$(cpu_ticks "$pa"); cb1=$(cpu_ticks "$pb")
  if [ $rc = 0 ] && check_file "$d/dl/payload.bin"; then ok=true; secs=$t; fi
  # Phases from the timestamped progress lines (the agent sends one every
  # 0.5 s), in seconds since the fetch process started.
  local ph
  ph=$("$PY" - "$d/fetch.jsonl" "$T_START" <<'PYEOF'
import sys, json
rows = []
for line in open(sys.argv[1]):
    ts, _, js = line.partition(" ")
    try: rows.append((float(ts), json.loads(js)))
    except Exception: pass
t0 = float(sys.argv[2])
if not rows: print("{}"); sys.exit()
rel = lambda t: None if t is None else round(t - t0, 3)
first = rows[0][0]
meta = next((t for t, j in rows if j.get("size", 0) > 0 or j.get("event") == "done"), None)
data = next((t for t, j in rows if j.get("done", 0) > 0 or j.get("event") == "done"), None)
done = next((t for t, j in rows if j.get("event") == "done"), None)
# throughput between consecutive progress lines (bytes done / time), in MiB/s
prog = [(t, j["done"]) for t, j in rows if j.get("event") == "progress" and j.get("done", 0) > 0]
steps = [(b[1] - a[1]) / (b[0] - a[0]) / 1048576 for a, b in zip(prog, prog[1:]) if b[0] > a[0]]
print(json.dumps({"progress_lines": len(rows), "first_progress_s": rel(first), "metadata_seen_s": rel(meta),
                  "data_seen_s": rel(data), "done_line_s": rel(done),
                  "data_rate_MiBps_min_max": [round(min(steps), 1), round(max(steps), 1)] if steps else None}))
PYEOF
)
  local detail
  detail=$(jq -cn --argjson rc "$rc" --argjson ph "${ph:-$EMPTY}" --arg sa "$((ca1 - ca0))" --arg sb "$((cb1 - cb0))" \
    '{rc:$rc, seeder_cpu_s:(($sa|tonumber)/100), leecher_cpu_s:(($sb|tonumber)/100)} + $ph')
  record coop "$secs" $ok "$detail" "$r"
  stop_agent "$b"; stop_agent "$a"
  for p in $pa $pb; do kill_coopd "$p"; done
  rm -rf "$d/dl"
}

# ------------------------------------------------------------------ (b) aria2c -> aria2c
measure_aria2c() {
  local r=$1 d=$TMP/aria2c$1 ok=false secs=null tpid spid sp lp q sc0 sc1 end
  mkdir -p "$d/tracker"; chmod 755 "$d/tracker"
  echo "$V1_HASH" > "$d/tracker/whitelist.txt"; chmod 644 "$d/tracker/whitelist.txt"
  printf 'access.whitelist /whitelist.txt\naccess.stats %s\ntracker.rootdir %s\ntracker.user nobody\n' \
    "$TRK_IP" "$d/tracker" > "$d/opentracker.conf"
  spawn "$d/opentracker.log" "$SEED_TIMEOUT" /usr/bin/opentracker -i $TRK_IP -p "$TRK_PORT" -P "$TRK_PORT" -f "$d/opentracker.conf"
  tpid=$LAST_PID
  q=$("$PY" -c 'import sys,urllib.parse;print(urllib.parse.quote(bytes.fromhex(sys.argv[1])))' "$V1_HASH")
  sp=$(free_port 127.0.0.4); lp=$(free_port 127.0.0.5)
  spawn "$d/seed.log" "$SEED_TIMEOUT" /usr/bin/aria2c --interface=127.0.0.4 --listen-port="$sp" --dir="$TMP/seed" \
    --bt-seed-unverified=true --seed-ratio=0.0 "${A2COMMON[@]}" "$TMP/torrents/v1.torrent"
  spid=$LAST_PID
  end=$(( $(date +%s) + 60 ))   # the seeder is ready once the tracker lists it as complete
  until curl -s --max-time 2 "http://$TRK_IP:$TRK_PORT/scrape?info_hash=$q" | grep -aq 'completei[1-9]'; do
    if [ "$(date +%s)" -ge "$end" ] || ! kill -0 "$spid" 2>/dev/null || ! kill -0 "$tpid" 2>/dev/null; then
      record aria2c null false '{"error":"aria2c seeder never showed up at the tracker"}' "$r"
      stop_group "$spid"; stop_group "$tpid"; return
    fi
    sleep 0.1
  done
  warm; fresh_dir "$d/dl"
  local sreal; sreal=$(child_of "$spid"); sc0=$(cpu_ticks "$sreal")
  run_timed "$d/leech.out" "$LEECH_TIMEOUT" /usr/bin/time -f "%U %S" -o "$d/leech.cpu" /usr/bin/aria2c \
    --interface=127.0.0.5 --listen-port="$lp" --dir="$d/dl" --seed-time=0 --file-allocation=falloc \
    "${A2COMMON[@]}" "$TMP/torrents/v1.torrent"
  local rc=$RC t=$SECS
  sc1=$(cpu_ticks "$sreal")
  if [ $rc = 0 ] && check_file "$d/dl/payload.bin"; then ok=true; secs=$t; fi
  local lcpu; lcpu=$(awk 'END{print $1+$2}' "$d/leech.cpu" 2>/dev/null)
  record aria2c "$secs" $ok "$(jq -cn --argjson rc "$rc" --arg s "$((sc1 - sc0))" --arg l "${lcpu:-0}" \
    '{rc:$rc, seeder_cpu_s:(($s|tonumber)/100), leecher_cpu_s:($l|tonumber)}')" "$r"
  stop_group "$spid"; stop_group "$tpid"
  rm -rf "$d/dl"
}

# ------------------------------------------------------------------ (c) libtorrent -> libtorrent
measure_lt() {  # $1 = run, $2 = name, $3 = torrent for the seeder, $4 = what the leecher adds, $5.. = seeder options
  local r=$1 name=$2 d=$TMP/$2$1 ok=false secs=null spid sp lp sc0 sc1 src=$3 what=$4
  shift 4
  mkdir -p "$d"
  sp=$(free_port 127.0.0.6); lp=$(free_port 127.0.0.7)
  spawn "$d/seed.log" "$SEED_TIMEOUT" "$PY" "$LTPEER" seed "$src" "$TMP/seed" --listen "127.0.0.6:$sp" --max-seconds "$SEED_TIMEOUT" "$@"
  spid=$LAST_PID
  if ! wait_for_line "$d/seed.log" '^READY' 60 "$spid"; then
    record "$name" null false '{"error":"libtorrent seeder did not get ready"}' "$r"; stop_group "$spid"; return
  fi
  warm; fresh_dir "$d/dl"
  local sreal; sreal=$(child_of "$spid"); sc0=$(cpu_ticks "$sreal")
  run_timed "$d/leech.out" "$LEECH_TIMEOUT" /usr/bin/time -f "%U %S" -o "$d/leech.cpu" "$PY" "$LTPEER" leech "$what" "$d/dl" \
    --listen "127.0.0.7:$lp" --peer "127.0.0.6:$sp" --timeout "$LEECH_TIMEOUT"
  local rc=$RC t=$SECS
  sc1=$(cpu_ticks "$sreal")
  if [ $rc = 0 ] && check_file "$d/dl/payload.bin"; then ok=true; secs=$t; fi
  local lcpu inner
  lcpu=$(awk 'END{print $1+$2}' "$d/leech.cpu" 2>/dev/null)
  inner=$(grep -o 'LT_DONE.*' "$d/leech.out" | "$PY" -c '
import sys, json
f = dict(kv.split("=") for kv in sys.stdin.read().split()[1:])
print(json.dumps({k: float(v) for k, v in f.items() if k.startswith("t_")}))' 2>/dev/null)
  record "$name" "$secs" $ok "$(jq -cn --argjson rc "$rc" --arg s "$((sc1 - sc0))" --arg l "${lcpu:-0}" --argjson in "${inner:-$EMPTY}" \
    '{rc:$rc, seeder_cpu_s:(($s|tonumber)/100), leecher_cpu_s:($l|tonumber)} + $in')" "$r"
  stop_group "$spid"
  rm -rf "$d/dl"
}

measure() {  # $1 = client, $2 = run
  case $1 in
    coop) measure_coop "$2" ;;
    aria2c) measure_aria2c "$2" ;;
    libtorrent) measure_lt "$2" libtorrent "$TMP/torrents/v1.torrent" "$TMP/torrents/v1.torrent" ;;
    lt_hybrid_magnet) measure_lt "$2" lt_hybrid_magnet "$TMP/torrents/hybrid.torrent" "$HYBRID_MAGNET" ;;
    lt_hybrid_magnet_verified) measure_lt "$2" lt_hybrid_magnet_verified "$TMP/torrents/hybrid.torrent" "$HYBRID_MAGNET" --verified ;;
  esac
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
read -r -a CLIENTS <<< "$ONLY"
for r in $(seq 1 "$RUNS"); do
  # rotate the order each run so background noise does not always hit the same client
  n=${#CLIENTS[@]}
  for i in $(seq 0 $((n - 1))); do
    c=${CLIENTS[$(( (i + r - 1) % n ))]}
    log "== run $r/$RUNS: $c"
    measure "$c" "$r"
  done
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ report
median() { tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g | awk '{v[NR]=$1} END{if(NR==0){print "null"; exit}
  if(NR%2) printf "%.3f\n", v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }
declare -A LABEL=([coop]="coop -> coop (magnet, agents)" [aria2c]="aria2c -> aria2c (tracker)"
  [libtorrent]="libtorrent -> libtorrent (direct, TCP)" [lt_hybrid_magnet]="  libtorrent, hybrid torrent + magnet"
  [lt_hybrid_magnet_verified]="  same, seeder trusts its hashes")
results="{}"
FAILED=0
for c in "${CLIENTS[@]}"; do
  med=$(echo "${SECONDS_OF[$c]:-}" | median)
  echo "${OK_OF[$c]:-}" | grep -q false && FAILED=1
  results=$(jq -c --arg c "$c" --arg lbl "${LABEL[$c]}" --arg med "$med" --arg secs "${SECONDS_OF[$c]:-}" \
    --arg ok "${OK_OF[$c]:-}" --argjson detail "[${DETAIL_OF[$c]:-}]" --argjson bytes "$BYTES" '
    def mmedian(k): map(.[k] // empty) | sort | if length == 0 then null
                    elif length % 2 == 1 then .[length / 2 | floor]
                    else ((.[length / 2 - 1] + .[length / 2]) / 2 * 100 | round / 100) end;
    ($med | if . == "null" then null else tonumber end) as $m |
    .[$c] = {pair: $lbl,
             seconds: ($secs | split(" ") | map(select(. != "")) | map(if . == "null" then null else tonumber end)),
             ok: ($ok | split(" ") | map(select(. != "")) | map(. == "true")),
             median_s: $m,
             median_MiBps: (if $m then ($bytes / 1048576 / $m * 10 | round / 10) else null end),
             median_MBps: (if $m then ($bytes / 1000000 / $m * 10 | round / 10) else null end),
             median_cpu_s: ({seeder: ($detail | mmedian("seeder_cpu_s")), leecher: ($detail | mmedian("leecher_cpu_s")),
                             other: ($detail | mmedian("other_cpu_s"))}),
             runs_detail: $detail}' <<< "$results")
done
out=$(jq -c --argjson size "$SIZE" --argjson bytes "$BYTES" --argjson runs "$RUNS" --arg l0 "$LOAD0" --arg l1 "$LOAD1" \
  --arg nproc "$(nproc)" --arg coopv "$("$COOP" --version 2>/dev/null | head -1)" '
  def ratio(a; b): if (.[a].median_MiBps // null) and (.[b].median_MiBps // null)
                   then (.[a].median_MiBps / .[b].median_MiBps * 100 | round / 100) else null end;
  {benchmark: "transfer", size_mib: $size, bytes: $bytes, runs: $runs,
   host: {nproc: ($nproc | tonumber), loadavg_before: $l0, loadavg_after: $l1, coop: $coopv},
   results: .,
   ratios: {coop_vs_aria2c: ratio("coop"; "aria2c"), coop_vs_libtorrent: ratio("coop"; "libtorrent")},
   targets: {coop_vs_aria2c: 1.5, coop_vs_libtorrent: 0.9}}' <<< "$results")

if [ $JSON = 1 ]; then
  echo "$out"
else
  echo
  echo "transfer benchmark: one $SIZE MiB random file over loopback, median of $RUNS run(s)"
  echo "(wall time of the leecher from start to exit, download complete and verified; load $LOAD0 -> $LOAD1)"
  echo
  printf '%-42s %7s %7s %7s %7s %8s %8s  %s\n' "client pair (seeder -> leecher)" "seconds" "MB/s" "MiB/s" \
    "seedCPU" "leechCPU" "otherCPU" "all runs (s)"
  jq -r '.results | to_entries[] | [.value.pair, (.value.median_s // "FAIL"), (.value.median_MBps // "-"),
         (.value.median_MiBps // "-"), (.value.median_cpu_s.seeder // "-"), (.value.median_cpu_s.leecher // "-"),
         (.value.median_cpu_s.other // "-"), (.value.seconds | map(. // "fail") | map(tostring) | join(" "))] | @tsv' <<< "$out" |
    while IFS=$'\t' read -r p s mb mib sc lc oc all; do
      printf '%-42s %7s %7s %7s %7s %8s %8s  %s\n' "$p" "$s" "$mb" "$mib" "$sc" "$lc" "$oc" "$all"; done
  echo "(CPU columns: median CPU seconds used during the timed download by the seeder, the leecher, and"
  echo " everything else on the machine; a large otherCPU means the run competed with other work)"
  echo
  jq -r '.ratios as $r | .targets as $t |
    def x(v): if v == null then "n/a" else "\(v)x" end;
    "coop / aria2c     = \(x($r.coop_vs_aria2c))   (MiB/s ratio; target >= \($t.coop_vs_aria2c))",
    "coop / libtorrent = \(x($r.coop_vs_libtorrent))   (MiB/s ratio; target >= \($t.coop_vs_libtorrent))"' <<< "$out"
fi
exit $FAILED
