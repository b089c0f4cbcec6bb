#!/usr/bin/env bash
# bench/stream/run.sh - how soon does a video start, and does it play without
# stalls, when `coop stream` fetches it from a seeder limited to twice the
# video's bitrate? Compared in the same run with the same bytes from a plain
# local HTTP server paced at the same rate (the lower bound) and from raw
# libtorrent downloading sequentially behind a tiny HTTP server (the naive way).
#
#   bench/stream/run.sh [--runs N] [--duration SECONDS] [--json] [--only LIST]
#                       [--no-play] [--logs DIR] [--settle S] [--coop-log-level L]
#
# Loopback only: every socket binds an address in 127.0.0.0/8.
#   http        range_server.py on 127.0.0.1, each response paced at RATE
#   libtorrent  lt_stream.py seed 127.0.42.3 (upload limit RATE)  ->  lt_stream.py stream
#               127.0.44.N (sequential_download, HTTP on 127.0.0.1)
#   coop        agent alice 127.0.42.2 (--upload-limit RATE, coop share)  ->  agent bob
#               127.0.43.N (coop stream MAGNET --peer ALICE --player none), HTTP on 127.0.0.1
# RATE = 2 x the test video's bitrate (ffprobe). Two layouts of the same video:
# faststart (index at the front) and moov-at-end (index after the media data).
# Every measurement starts a fresh leecher (new bob COOP_HOME, new libtorrent
# save dir): time to first frame = `ffmpeg -frames:v 1` from the start of the
# source (before `coop stream`, before add_torrent, or the request) to its exit;
# stalls = mpv playing the stream in real time, headless, counting the
# "Enter buffering" events after its first frame and their length.
# Everything runs under `timeout`, in process groups that are killed at exit
# (also on Ctrl-C or failure); the temp dir under /tmp is removed.
set -u -o pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${COOP_BIN:-$ROOT/build/bin}
PY=/usr/bin/python3                # Debian python: python3-libtorrent lives here
LTSTREAM=$HERE/lt_stream.py
RANGESERVER=$HERE/range_server.py

RUNS=3 DURATION=20 JSON=0 PLAY=1 LOGS="" ONLY="http libtorrent coop" SETTLE=5 COOP_LOG=()
usage() {  # $1 = exit code
  awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0" >&2
  cat >&2 <<'EOF'
options:
  --runs N        measurements per source and layout (default 3); the table shows medians
  --duration S    length of the test video in seconds (default 20); each stall
                  measurement plays it once in real time (a default run takes ~9 min)
  --json          print one JSON object on stdout instead of the table
  --only LIST     comma-separated subset of: http,libtorrent,coop (default all)
  --no-play       time to first frame only, no real-time playback (no stall figures)
  --logs DIR      copy all logs (coopd.log, mpv logs, server logs) to DIR before cleanup
  --settle S      before each measurement, wait up to S seconds (default 5) for the
                  machine to be idle (< 10 % CPU busy over 1 s); 0 = don't wait
  --coop-log-level L  start the agents with --log-level L (debug logs each stream
                  request in coopd.log; combine with --logs)
EOF
  exit "${1:-2}"
}
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=${2:-}; shift 2 ;;
    --duration) DURATION=${2:-}; shift 2 ;;
    --json) JSON=1; shift ;;
    --only) ONLY=$(echo "${2:-}" | tr ',' ' '); shift 2 ;;
    --no-play) PLAY=0; shift ;;
    --logs) LOGS=${2:-}; shift 2 ;;
    --settle) SETTLE=${2:-}; shift 2 ;;
    --coop-log-level) COOP_LOG=(--log-level "${2:-}"); shift 2 ;;
    -h|--help) usage 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --runs wants a positive whole number" >&2; exit 2; }
[[ $DURATION =~ ^[1-9][0-9]*$ ]] && [ "$DURATION" -ge 4 ] && [ "$DURATION" -le 600 ] ||
  { echo "run.sh: --duration wants whole seconds from 4 to 600" >&2; exit 2; }
[[ $SETTLE =~ ^[0-9]+$ ]] || { echo "run.sh: --settle wants whole seconds" >&2; exit 2; }
for c in $ONLY; do case $c in http|libtorrent|coop) ;; *) echo "run.sh: --only: unknown source '$c'" >&2; exit 2 ;; esac; done
[ -n "$ONLY" ] || { echo "run.sh: --only wants at least one source" >&2; exit 2; }

# ------------------------------------------------------------------ checks
missing=""
for t in "$BIN/coop" "$BIN/coopd" /usr/bin/ffmpeg /usr/bin/ffprobe /usr/bin/mpv /usr/bin/jq /usr/bin/curl /usr/bin/setsid "$PY"; do
  [ -x "$t" ] || missing="$missing $t"
done
"$PY" -c 'import libtorrent' 2>/dev/null || missing="$missing python3-libtorrent"
if [ -n "$missing" ]; then
  echo "run.sh: missing:$missing (apt-get install -y ffmpeg mpv jq curl python3-libtorrent; build coop first or set COOP_BIN)" >&2
  exit 1
fi
COOP=$BIN/coop
TTFF_LIMIT=$((30 + DURATION))          # seconds; sequential download of a moov-at-end file takes ~DURATION/2
PLAY_LIMIT=$((DURATION * 3 / 2 + 20))  # startup, the video in real time, and room for stalls
RUN_LIMIT=$((6 * (TTFF_LIMIT + PLAY_LIMIT + SETTLE + 60)))  # one run of every source and layout, at worst
EMPTY='{}'
ALICE_IP=127.0.42.2 LTSEED_IP=127.0.42.3

BENCH=stream
. "$HERE/../lib.sh"

# ------------------------------------------------------------------ test videos
mkdir -p "$TMP/media" "$TMP/torrents"
log "== making a ${DURATION} s test video (1280x720 30 fps H.264 + AAC, GOP 2 s) in $TMP"
timeout --foreground $((120 + DURATION * 4)) ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=duration=$DURATION:size=1280x720:rate=30" \
  -f lavfi -i "sine=frequency=1000:duration=$DURATION:sample_rate=48000" -vf noise=alls=12:allf=t \
  -c:v libx264 -preset veryfast -b:v 1900k -maxrate 2M -bufsize 4M -g 60 -keyint_min 60 -sc_threshold 0 \
  -pix_fmt yuv420p -c:a aac -b:a 96k -movflags +faststart "$TMP/media/faststart.mp4" < /dev/null &&
timeout --foreground 120 ffmpeg -hide_banner -loglevel error -y -i "$TMP/media/faststart.mp4" -map 0 -c copy \
  "$TMP/media/moovend.mp4" < /dev/null || { log "run.sh: ffmpeg could not make the test video"; exit 1; }
# The top-level boxes of each file, to show where the index (moov) is.
boxes() {
  "$PY" - "$1" <<'PYEOF'
import struct, sys
out, f = [], open(sys.argv[1], "rb")
while True:
    h = f.read(8)
    if len(h) < 8: break
    size, kind = struct.unpack(">I4s", h)
    if size == 1: size = struct.unpack(">Q", f.read(8))[0]; f.seek(-16, 1)
    else: f.seek(-8, 1)
    out.append("%s@%d(%d)" % (kind.decode("latin-1"), f.tell(), size))
    if size < 8: break
    f.seek(size, 1)
print(" ".join(out))
PYEOF
}
BOXES_FS=$(boxes "$TMP/media/faststart.mp4") BOXES_ME=$(boxes "$TMP/media/moovend.mp4")
[[ $BOXES_FS == *moov*mdat* && $BOXES_ME == *mdat*moov* ]] ||
  { log "run.sh: unexpected box layout: faststart: $BOXES_FS; moov-at-end: $BOXES_ME"; exit 1; }
probe=$(ffprobe -v error -show_entries format=duration,bit_rate,size -of json "$TMP/media/faststart.mp4") ||
  { log "run.sh: ffprobe failed"; exit 1; }
BITRATE=$(jq -r '.format.bit_rate' <<< "$probe")      # bits/s, whole file (video + audio + container)
VIDEO_BYTES=$(jq -r '.format.size' <<< "$probe")
VIDEO_SECONDS=$(jq -r '.format.duration' <<< "$probe")
[[ $BITRATE =~ ^[0-9]+$ ]] || { log "run.sh: ffprobe gave no bitrate"; exit 1; }
RATE=$(( (2 * BITRATE + 4) / 8 ))                     # bytes/s: twice the bitrate
log "   $VIDEO_BYTES bytes, $BITRATE bit/s; every source is limited to $RATE bytes/s (2x)"
log "   faststart:   $BOXES_FS"
log "   moov-at-end: $BOXES_ME"
declare -A MAGNET_LT
for l in faststart moovend; do
  mk=$(timeout --foreground 120 "$PY" "$LTSTREAM" mktorrent "$TMP/media/$l.mp4" "$TMP/torrents/$l.torrent") ||
    { log "run.sh: cannot make the torrent of $l.mp4"; exit 1; }
  MAGNET_LT[$l]=${mk##*magnet=}
  PIECES=$(echo "$mk" | sed -n 's/^pieces=\([0-9]*\) piece_len=\([0-9]*\).*/\1 pieces of \2 bytes/p')
done
log "   torrents: $PIECES (v1+v2 hybrid, libtorrent's automatic piece size, as coop shares)"
sync

# ------------------------------------------------------------------ the sources
RESULTS=$TMP/results.jsonl
: > "$RESULTS"
FAILED=0
LEECHER_N=0
next_n() { LEECHER_N=$(( LEECHER_N % 250 + 1 )); }   # the last octet of the next leecher's address

# (a) HTTP lower bound: one paced range server for the whole benchmark (it keeps no state).
RS_PORT=""
if [[ " $ONLY " == *" http "* ]]; then
  RS_PORT=$(free_port 127.0.0.1)
  spawn "$TMP/range_server.log" $((RUNS * RUN_LIMIT)) "$PY" "$RANGESERVER" "$TMP/media" "$RS_PORT" "$RATE" \
    --max-seconds $((RUNS * RUN_LIMIT))
  RS_PID=$LAST_PID
  end=$(( $(date +%s) + 30 ))
  until curl -s -o /dev/null -I --max-time 2 "http://127.0.0.1:$RS_PORT/faststart.mp4"; do
    if [ "$(date +%s)" -ge "$end" ] || ! kill -0 "$RS_PID" 2>/dev/null; then log "run.sh: the range server did not start"; exit 1; fi
    sleep 0.05
  done
fi

# Per run: a fresh coop seeder (alice) sharing both files, and a fresh libtorrent seeder.
ALICE="" ALICE_HOME="" LTSEED="" LTSEED_PID=""
declare -A MAGNET_COOP
start_seeders() {  # $1 = run; returns 1 when a seeder did not start
  local r=$1 d=$TMP/run$1 s l m
  mkdir -p "$d"
  if [[ " $ONLY " == *" coop "* ]]; then
    ALICE_HOME=$d/alice; HOMES+=("$ALICE_HOME")
    s=$(COOP_HOME=$ALICE_HOME timeout --foreground 40 "$COOP" agent start --listen "$ALICE_IP:0" --no-public \
        --upload-limit "$RATE" "${COOP_LOG[@]}" --json 2>"$d/alice-start.err") || { log "run.sh: agent alice did not start"; return 1; }
    ALICE=$(jq -r .listen <<< "$s")
    for l in faststart moovend; do
      m=$(COOP_HOME=$ALICE_HOME timeout --foreground 120 "$COOP" share "$TMP/media/$l.mp4" --json 2>>"$d/share.err" | jq -r .magnet)
      [[ $m == magnet:* ]] || { log "run.sh: coop share $l.mp4 failed: $(cat "$d/share.err")"; return 1; }
      MAGNET_COOP[$l]=$m
    done
  fi
  if [[ " $ONLY " == *" libtorrent "* ]]; then
    spawn "$d/lt-seed.log" "$RUN_LIMIT" "$PY" "$LTSTREAM" seed "$TMP/media" "$TMP/torrents/faststart.torrent" \
      "$TMP/torrents/moovend.torrent" --listen "$LTSEED_IP" --upload-limit "$RATE" --max-seconds "$RUN_LIMIT"
    LTSEED_PID=$LAST_PID
    wait_for_line "$d/lt-seed.log" '^READY' 60 "$LTSEED_PID" || { log "run.sh: the libtorrent seeder did not get ready"; return 1; }
    LTSEED=$(awk '/^READY/{print $2; exit}' "$d/lt-seed.log")
  fi
}
stop_seeders() {
  [ -n "$ALICE_HOME" ] && stop_agent "$ALICE_HOME"
  [ -n "$LTSEED_PID" ] && stop_group "$LTSEED_PID"
  ALICE="" ALICE_HOME="" LTSEED="" LTSEED_PID=""
}

# A source gives an http URL to the video and T0, the unix time its clock starts:
#   http        T0 = just before the player starts
#   libtorrent  T0 = just before add_torrent (printed by the leecher)
#   coop        T0 = just before `coop stream` (a fresh bob agent, already running)
# open_source sets URL, T0, SRC_PID (a leecher to stop) or BOB (a COOP_HOME to stop),
# SRC_EXTRA (JSON); returns 1 with SRC_ERR when the source did not come up.
open_source() {  # $1 = source, $2 = layout, $3 = dir for its files
  local src=$1 layout=$2 d=$3 s t1
  URL="" T0="" SRC_PID="" BOB="" BOB_PID="" SRC_ERR="" SRC_EXTRA='{}'
  mkdir -p "$d"
  case $src in
    http)
      URL="http://127.0.0.1:$RS_PORT/$layout.mp4" ;;   # T0: set when the player starts
    libtorrent)
      next_n
      spawn "$d/leecher.out" "$((TTFF_LIMIT + PLAY_LIMIT))" "$PY" "$LTSTREAM" stream "${MAGNET_LT[$layout]}" "$d/dl" \
        --listen "127.0.44.$LEECHER_N" --peer "$LTSEED" --max-seconds "$((TTFF_LIMIT + PLAY_LIMIT))"
      SRC_PID=$LAST_PID
      wait_for_line "$d/leecher.out" '^URL ' 30 "$SRC_PID" || { SRC_ERR="the libtorrent leecher did not start"; return 1; }
      T0=$(awk '/^ADDED/{print $2; exit}' "$d/leecher.out")
      URL=$(awk '/^URL/{print $2; exit}' "$d/leecher.out") ;;
    coop)
      next_n
      BOB=$d/bob; HOMES+=("$BOB")
      s=$(COOP_HOME=$BOB timeout --foreground 40 "$COOP" agent start --listen "127.0.43.$LEECHER_N:0" --no-public \
          "${COOP_LOG[@]}" --json 2>"$d/bob-start.err") || { SRC_ERR="agent bob did not start"; return 1; }
      BOB_PID=$(jq -r .pid <<< "$s")
      T0=$(now)
      URL=$(COOP_HOME=$BOB timeout --foreground "$TTFF_LIMIT" "$COOP" stream "${MAGNET_COOP[$layout]}" --peer "$ALICE" \
            --player none 2>"$d/stream.err")
      t1=$(now)
      [[ $URL == http://* ]] || { SRC_ERR="coop stream failed: $(head -c 300 "$d/stream.err")"; return 1; }
      SRC_EXTRA=$(jq -cn --arg s "$(elapsed "$T0" "$t1")" '{url_s: ($s|tonumber)}') ;;
  esac
  return 0
}
# What coop measured itself (`coop stream --stats --json`, newer agents): the
# entry of this stream, or null when the command is not there or fails.
coop_stats() {  # $1 = COOP_HOME, $2 = stream URL
  local out id
  out=$(COOP_HOME=$1 timeout --foreground 15 "$COOP" stream --stats --json 2>/dev/null) || { echo null; return; }
  id=$(echo "$2" | awk -F/ '{print $5}')
  jq -c --arg id "$id" 'if type == "array" and length > 0 then (map(select(.id == $id)) + .)[0]
    | {first_frame_ms, ttfb_ms, stalls, stall_ms, longest_stall_ms, bytes_served, bitrate} else null end' <<< "$out" 2>/dev/null ||
    echo null
}
close_source() {
  [ -n "$SRC_PID" ] && stop_group "$SRC_PID"
  if [ -n "$BOB" ]; then
    stop_agent "$BOB"; [ -n "$BOB_PID" ] && kill_coopd "$BOB_PID"
  fi
  rm -rf "${1:?}/dl" "${1:?}/bob/downloads"
}

record() {  # $1 = JSON object
  echo "$1" >> "$RESULTS"
  echo "$1" | jq -e '.ok' >/dev/null || FAILED=1
}

# Time to first frame: ffmpeg decodes one video frame from the URL.
measure_ttff() {  # $1 = source, $2 = layout, $3 = run
  local src=$1 layout=$2 r=$3 d=$TMP/run$3/$1-$2-ttff ttff=null ok=false stats=null
  wait_idle
  if ! open_source "$src" "$layout" "$d"; then
    record "$(jq -cn --arg s "$src" --arg l "$layout" --argjson r "$r" --arg e "$SRC_ERR" \
      '{source:$s, layout:$l, kind:"ttff", run:$r, ok:false, error:$e}')"
    log "   $layout $src ttff run $r: FAILED ($SRC_ERR)"; close_source "$d"; return
  fi
  run_timed "$d/ffmpeg.out" "$TTFF_LIMIT" ffmpeg -nostdin -v error -i "$URL" -frames:v 1 -f null -
  [ -z "$T0" ] && T0=$T_START
  if [ "$RC" = 0 ]; then ok=true; ttff=$(elapsed "$T0" "$T_END"); fi
  [ "$src" = coop ] && stats=$(coop_stats "$BOB" "$URL")
  record "$(jq -cn --arg s "$src" --arg l "$layout" --argjson r "$r" --argjson ok $ok --argjson t "$ttff" --argjson rc "$RC" \
    --argjson x "$SRC_EXTRA" --argjson st "$stats" --arg err "$(head -c 300 "$d/ffmpeg.out")" \
    '{source:$s, layout:$l, kind:"ttff", run:$r, ok:$ok, ttff_s:$t, rc:$rc} + $x
     + (if $st != null then {coop_stats:$st} else {} end) + (if $ok then {} else {error:$err} end)')"
  log "   $layout $src ttff run $r: ${ttff}s$([ $ok = true ] || echo " FAILED rc=$RC: $(head -c 200 "$d/ffmpeg.out")")"
  close_source "$d"
}

# Stalls: mpv plays the stream in real time (no video or audio output); its
# log says when the first frame was shown and when it ran dry ("Enter
# buffering") and resumed ("End buffering").
measure_play() {  # $1 = source, $2 = layout, $3 = run
  local src=$1 layout=$2 r=$3 d=$TMP/run$3/$1-$2-play ok=false stats=null p
  wait_idle
  if ! open_source "$src" "$layout" "$d"; then
    record "$(jq -cn --arg s "$src" --arg l "$layout" --argjson r "$r" --arg e "$SRC_ERR" \
      '{source:$s, layout:$l, kind:"play", run:$r, ok:false, error:$e}')"
    log "   $layout $src play run $r: FAILED ($SRC_ERR)"; close_source "$d"; return
  fi
  run_timed "$d/mpv.out" "$PLAY_LIMIT" mpv --no-config --no-terminal --vo=null --ao=null --log-file="$d/mpv.log" "$URL"
  [ -z "$T0" ] && T0=$T_START
  p=$("$PY" - "$d/mpv.log" "$(elapsed "$T0" "$T_START")" "$(elapsed "$T_START" "$T_END")" <<'PYEOF'
import json, re, sys
log, offset, wall = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
first = enter = None
stalls, total, longest, ended, last = 0, 0.0, 0.0, False, 0.0
try:
    lines = open(log, errors="replace").read().splitlines()
except OSError:
    lines = []
for line in lines:
    m = re.match(r"\[\s*([0-9.]+)\]", line)
    if not m:
        continue
    t = last = float(m.group(1))
    if first is None and "first video frame after restart shown" in line:
        first = t
    elif first is not None and "Enter buffering" in line and enter is None:
        enter = t
    elif enter is not None and "End buffering" in line:
        stalls += 1; total += t - enter; longest = max(longest, t - enter); enter = None
    elif "Exiting... (End of file)" in line:
        ended = True
if enter is not None:  # still buffering when mpv stopped (killed at the time limit)
    end = max(last, wall)
    stalls += 1; total += end - enter; longest = max(longest, end - enter)
print(json.dumps({"first_frame_s": round(offset + first, 3) if first is not None else None,
                  "stalls": stalls, "stall_s": round(total, 3), "longest_stall_s": round(longest, 3),
                  "played_to_end": ended, "play_wall_s": round(wall, 3)}))
PYEOF
)
  [ "$RC" = 0 ] && echo "$p" | jq -e '.played_to_end and .first_frame_s != null' >/dev/null && ok=true
  [ "$src" = coop ] && stats=$(coop_stats "$BOB" "$URL")
  record "$(jq -cn --arg s "$src" --arg l "$layout" --argjson r "$r" --argjson ok $ok --argjson rc "$RC" --argjson p "${p:-$EMPTY}" \
    --argjson x "$SRC_EXTRA" --argjson st "$stats" \
    '{source:$s, layout:$l, kind:"play", run:$r, ok:$ok, rc:$rc} + $p + $x + (if $st != null then {coop_stats:$st} else {} end)')"
  log "   $layout $src play run $r: $(echo "$p" | jq -r '"first frame \(.first_frame_s)s, \(.stalls) stall(s), \(.stall_s)s stalled, to the end: \(.played_to_end)"')$([ $ok = true ] || echo " FAILED rc=$RC")"
  close_source "$d"
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
T_BENCH=$(now)
read -r -a SOURCES <<< "$ONLY"
for r in $(seq 1 "$RUNS"); do
  log "== run $r/$RUNS"
  if ! start_seeders "$r"; then
    FAILED=1; stop_seeders; continue
  fi
  # rotate the order each run so background noise does not always hit the same source
  n=${#SOURCES[@]}
  for layout in faststart moovend; do
    for i in $(seq 0 $((n - 1))); do
      src=${SOURCES[$(( (i + r - 1) % n ))]}
      measure_ttff "$src" "$layout" "$r"
      [ $PLAY = 1 ] && measure_play "$src" "$layout" "$r"
    done
  done
  stop_seeders
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
BENCH_S=$(elapsed "$T_BENCH" "$(now)")

# ------------------------------------------------------------------ report
META=$(jq -cn --argjson runs "$RUNS" --argjson dur "$DURATION" --argjson secs "$VIDEO_SECONDS" --argjson bytes "$VIDEO_BYTES" \
  --argjson bitrate "$BITRATE" --argjson rate "$RATE" --arg pieces "$PIECES" --arg fs "$BOXES_FS" --arg me "$BOXES_ME" \
  --arg l0 "$LOAD0" --arg l1 "$LOAD1" --arg nproc "$(nproc)" --argjson bench "$BENCH_S" --argjson play "$PLAY" \
  --arg coopv "$("$COOP" --version 2>/dev/null | head -1)" --arg mpv "$(mpv --version 2>/dev/null | head -1 | cut -d' ' -f1-2)" \
  --arg ff "$(ffmpeg -version 2>/dev/null | head -1 | cut -d' ' -f1-3)" \
  --arg lt "$("$PY" -c 'import libtorrent; print(libtorrent.__version__)' 2>/dev/null)" \
  '{runs:$runs, played:($play == 1),
    video:{duration_s:$secs, bytes:$bytes, bitrate_bps:$bitrate, codec:"H.264 1280x720 30 fps + AAC, GOP 2 s",
           torrent:$pieces, boxes:{faststart:$fs, moovend:$me}},
    rate_Bps:$rate, rate_bps:($rate * 8),
    host:{nproc:($nproc|tonumber), loadavg_before:$l0, loadavg_after:$l1, coop:$coopv, mpv:$mpv, ffmpeg:$ff, libtorrent:$lt},
    bench_wall_s:$bench}')
"$PY" - "$RESULTS" "$META" "$JSON" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
meta, as_json = json.loads(sys.argv[2]), sys.argv[3] == "1"
LAYOUTS = ["faststart", "moovend"]
SOURCES = [s for s in ["http", "libtorrent", "coop"] if any(r["source"] == s for r in rows)]
LABEL = {"http": "HTTP range server, paced (lower bound)", "libtorrent": "raw libtorrent, sequential",
         "coop": "coop stream"}
LNAME = {"faststart": "faststart", "moovend": "moov-at-end"}
TTFF_MAX_S, TTFF_MAX_X_HTTP = 1.5, 2.0

def median(v):
    v = sorted(x for x in v if x is not None)
    if not v: return None
    n = len(v)
    return round(v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2, 3)

def stat_median(rs, key):
    return median([r["coop_stats"].get(key) for r in rs if isinstance(r.get("coop_stats"), dict)])

results = {}
for l in LAYOUTS:
    results[l] = {}
    for s in SOURCES:
        t = [r for r in rows if r["source"] == s and r["layout"] == l and r["kind"] == "ttff"]
        p = [r for r in rows if r["source"] == s and r["layout"] == l and r["kind"] == "play"]
        e = {"ttff_s": [r.get("ttff_s") for r in t], "ttff_median_s": median([r.get("ttff_s") for r in t]),
             "ttff_ok": sum(r["ok"] for r in t), "ttff_runs": len(t)}
        if p:
            e.update({"play_ok": sum(r["ok"] for r in p), "play_runs": len(p),
                      "mpv_first_frame_median_s": median([r.get("first_frame_s") for r in p]),
                      "stalls": [r.get("stalls") for r in p], "stall_s": [r.get("stall_s") for r in p],
                      "stalls_median": median([r.get("stalls") for r in p]),
                      "stall_s_median": median([r.get("stall_s") for r in p]),
                      "stalls_max": max((r.get("stalls") or 0 for r in p), default=None),
                      "longest_stall_s_max": max((r.get("longest_stall_s") or 0 for r in p), default=None)})
        if s == "coop":
            e["url_median_s"] = median([r.get("url_s") for r in t])
            has = [r for r in t + p if isinstance(r.get("coop_stats"), dict)]
            e["coop_stats"] = None if not has else {
                "first_frame_ms": stat_median(t, "first_frame_ms"), "ttfb_ms": stat_median(t, "ttfb_ms"),
                "stalls": stat_median(p, "stalls"), "stall_ms": stat_median(p, "stall_ms"),
                "longest_stall_ms": stat_median(p, "longest_stall_ms"),
                "bytes_served_play": stat_median(p, "bytes_served"), "bitrate": stat_median(t + p, "bitrate")}
        e["runs_detail"] = t + p
        results[l][s] = e

def ratio(a, b):
    return round(a / b, 2) if a is not None and b else None

ratios, checks = {}, {}
for l in LAYOUTS:
    c = results[l].get("coop", {})
    ct = c.get("ttff_median_s")
    ratios[l] = {"coop_vs_http": ratio(ct, results[l].get("http", {}).get("ttff_median_s")),
                 "coop_vs_libtorrent": ratio(ct, results[l].get("libtorrent", {}).get("ttff_median_s"))}
    if c:
        ok_all = c["ttff_ok"] == c["ttff_runs"]
        checks[l] = {
            "ttff_le_1.5s": ok_all and ct is not None and ct <= TTFF_MAX_S,
            "ttff_le_2x_http": None if ratios[l]["coop_vs_http"] is None else ok_all and ratios[l]["coop_vs_http"] <= TTFF_MAX_X_HTTP,
            "zero_stalls": None if "play_runs" not in c else c["play_ok"] == c["play_runs"] and c["stalls_max"] == 0,
        }
verdict = all(v is not False for l in checks for v in checks[l].values()) if checks else None
out = dict(benchmark="stream", **meta, results=results, ratios=ratios,
           targets={"ttff_max_s": TTFF_MAX_S, "ttff_max_x_http": TTFF_MAX_X_HTTP, "stalls": 0},
           checks=checks, pass_=verdict)
out["pass"] = out.pop("pass_")
if as_json:
    print(json.dumps(out))
    sys.exit()

v = meta["video"]
f = lambda x, d=2: "-" if x is None else ("%.*f" % (d, x))
print()
print("stream benchmark: a %.0f s test video (%s), %.2f Mbit/s, %.1f MB; every source limited to 2x = %.2f Mbit/s (%d bytes/s)"
      % (v["duration_s"], v["codec"], v["bitrate_bps"] / 1e6, v["bytes"] / 1e6, meta["rate_bps"] / 1e6, meta["rate_Bps"]))
print("median of %d run(s), loopback; load %s -> %s; the benchmark took %.0f s"
      % (meta["runs"], meta["host"]["loadavg_before"], meta["host"]["loadavg_after"], meta["bench_wall_s"]))
print()
hdr = "%-12s %-40s %7s %9s %7s %8s %8s  %s" % ("layout", "source", "TTFF s", "mpv 1st s", "stalls", "stall s", "played", "TTFF all runs (s)")
print(hdr)
for l in LAYOUTS:
    for s in SOURCES:
        e = results[l][s]
        played = "%d/%d" % (e["play_ok"], e["play_runs"]) if "play_runs" in e else "-"
        allr = " ".join("fail" if t is None else "%.2f" % t for t in e["ttff_s"])
        print("%-12s %-40s %7s %9s %7s %8s %8s  %s" % (
            LNAME[l], LABEL[s], f(e["ttff_median_s"]), f(e.get("mpv_first_frame_median_s")),
            f(e.get("stalls_median"), 0) if "stalls_median" in e else "-", f(e.get("stall_s_median")), played, allr))
print("(TTFF: ffmpeg's first decoded frame, timed from the start of the source; mpv 1st: the same for the")
print(" real-time mpv run; stalls / stall s: mpv's buffering events after its first frame and their length;")
print(" played: mpv runs that reached the end of the file)")
if "coop" in SOURCES:
    print()
    for l in LAYOUTS:
        c = results[l]["coop"]
        st = c.get("coop_stats")
        if st is None:
            line = "n/a (`coop stream --stats --json` is not available in this coop)"
        else:
            line = ("first frame %s ms, first byte %s ms, stalls %s, stalled %s ms, longest %s ms, bytes served %s, bitrate %s"
                    % tuple("n/a" if st.get(k) is None else "%g" % st[k] for k in
                            ("first_frame_ms", "ttfb_ms", "stalls", "stall_ms", "longest_stall_ms", "bytes_served_play", "bitrate")))
        print("coop's own figures, %-12s %s" % (LNAME[l] + ":", line))
    print("%-32s %s" % ("coop stream printed the URL after", "   ".join(
        "%s %s s" % (LNAME[l], f(results[l]["coop"].get("url_median_s"))) for l in LAYOUTS)))
    print()
    print("%-32s %14s %14s" % ("TTFF ratio (median)", LNAME["faststart"], LNAME["moovend"]))
    for k, name in (("coop_vs_http", "coop / HTTP"), ("coop_vs_libtorrent", "coop / raw libtorrent")):
        print("%-32s %14s %14s" % (name, *[("-" if ratios[l][k] is None else "%.2fx" % ratios[l][k]) for l in LAYOUTS]))
    print()
    pf = lambda b: "n/a" if b is None else ("PASS" if b else "FAIL")
    rowsx = (("ttff_le_1.5s", "TTFF <= %.1f s" % TTFF_MAX_S, lambda l: f(results[l]["coop"]["ttff_median_s"]) + " s"),
             ("ttff_le_2x_http", "TTFF <= %.0fx HTTP" % TTFF_MAX_X_HTTP, lambda l: "-" if ratios[l]["coop_vs_http"] is None else "%.2fx" % ratios[l]["coop_vs_http"]),
             ("zero_stalls", "zero stalls (every run)", lambda l: "-" if "stalls_max" not in results[l]["coop"] else "max %d" % results[l]["coop"]["stalls_max"]))
    print("%-32s %14s %14s" % ("coop targets", LNAME["faststart"], LNAME["moovend"]))
    for k, name, val in rowsx:
        print("%-32s %14s %14s" % (name, *["%s (%s)" % (pf(checks[l][k]), val(l)) for l in LAYOUTS]))
    print("%-32s %s" % ("overall", pf(verdict)))
PYEOF
[ $? = 0 ] || FAILED=1
exit $FAILED
