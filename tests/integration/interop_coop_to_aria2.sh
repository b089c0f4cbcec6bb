# A stock client downloads what coop shares: aria2c (Debian's) gets coop
# shares from their magnet links, finding the seeder through the loopback
# tracker named in the magnet's tr=, and the bytes are identical.
# aria2 before 1.37 (Debian 12 has 1.36) gets a hybrid (v1+v2) share's
# metadata but cannot use it (aria2/aria2#1903): for such clients coop has
# `share --v1`, and this test downloads a --v1 share in full; the hybrid
# share is downloaded in full too when the aria2 here can read it.
for tool in aria2c opentracker; do
  command -v "$tool" >/dev/null || { echo "[interop_coop_to_aria2] SKIP: no $tool (scripts/install-deps.sh)" >&2; exit 77; }
done
/usr/bin/python3 -c 'import libtorrent' 2>/dev/null ||
  { echo "[interop_coop_to_aria2] SKIP: /usr/bin/python3 has no libtorrent (python3-libtorrent)" >&2; exit 77; }
. "$(dirname "$0")/lib.sh"
# Everything here talks to loopback: no proxy (aria2c and urllib honour these).
unset http_proxy https_proxy all_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY

TRACKER_PID='' ARIA_PID=''
stop_interop() {
  local rc=$?
  [ "$BASHPID" = "$$" ] || return 0  # a subshell exiting: not ours to clean
  set +e  # on the way out: every step runs, and cleanup sees rc
  # aria2c first (it tells the tracker it stops), then the tracker. Each runs
  # under timeout, which leads its own process group and passes a TERM on.
  for pid in $ARIA_PID $TRACKER_PID; do
    kill "$pid" 2>/dev/null || continue
    for _ in {1..100}; do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 -- "-$pid" 2>/dev/null
  done
  if [ "$rc" -eq 77 ]; then
    rc=0  # a skip leaves nothing behind (the exit status stays 77)
  elif [ "$rc" -ne 0 ]; then
    for f in "$WORK/tracker.log" "$WORK/aria2.log"; do
      [ -s "$f" ] && { echo "--- $f (tail)" >&2; tail -n 20 "$f" >&2; }
    done
  fi
  (exit "$rc")
  cleanup
}
trap stop_interop EXIT
trap 'exit 143' TERM INT

# free_port ADDR: a TCP and UDP port nobody uses on ADDR.
free_port() {
  /usr/bin/python3 - "$1" <<'EOF'
import socket, sys
while True:
    t = socket.socket(); t.bind((sys.argv[1], 0)); port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind((sys.argv[1], port))
    except OSError:
        continue
    print(port); break
EOF
}

# The tracker: Debian's opentracker is whitelist-only and chroots.
TRACKER_ADDR=$(ip 10)
TRACKER_PORT=$(free_port "$TRACKER_ADDR")
ANNOUNCE="http://$TRACKER_ADDR:$TRACKER_PORT/announce"
mkdir -p "$WORK/tracker"
chmod 755 "$WORK/tracker"
: > "$WORK/tracker/whitelist.txt"
chmod 644 "$WORK/tracker/whitelist.txt"
printf 'access.whitelist /whitelist.txt\ntracker.rootdir %s\ntracker.user nobody\n' "$WORK/tracker" > "$WORK/tracker/opentracker.conf"

# seeded HEX: the tracker counts at least one seeder of info-hash HEX (scrape).
seeded() {
  /usr/bin/python3 - "http://$TRACKER_ADDR:$TRACKER_PORT/scrape?info_hash=" "$1" <<'EOF'
import re, sys, urllib.parse, urllib.request
body = urllib.request.urlopen(sys.argv[1] + urllib.parse.quote(bytes.fromhex(sys.argv[2])), timeout=2).read()
m = re.search(rb"completei(\d+)e", body)
sys.exit(0 if m and int(m.group(1)) >= 1 else 1)
EOF
}

random_file "$WORK/clip.bin" 5
start_agent seeder 2
share=$(as seeder coop share "$WORK/clip.bin" --tracker "$ANNOUNCE" --json) || fail "share failed"
magnet=$(jq -r .magnet <<<"$share")
v1=$(jq -r .info_hash_v1 <<<"$share")
v2=$(jq -r .info_hash_v2 <<<"$share")
[[ $v1 =~ ^[0-9a-f]{40}$ ]] || fail "no v1 info-hash in: $share"
[[ $v2 =~ ^[0-9a-f]{64}$ ]] || fail "no v2 info-hash in: $share"
[[ $(printf '%b' "${magnet//%/\\x}") == *"&tr=$ANNOUNCE"* ]] || fail "the magnet has no tr= for the tracker: $magnet"

# The same file as a v1-only share: a share of its own, with its own id.
old_share=$(as seeder coop share "$WORK/clip.bin" --v1 --tracker "$ANNOUNCE" --json) || fail "share --v1 failed"
old_magnet=$(jq -r .magnet <<<"$old_share")
old_v1=$(jq -r .info_hash_v1 <<<"$old_share")
[ "$(jq -r .info_hash_v2 <<<"$old_share")" = "" ] || fail "share --v1 made a v2 torrent: $old_share"
[[ $old_magnet != *btmh* ]] || fail "the --v1 magnet has a v2 hash: $old_magnet"
[ "$old_v1" != "$v1" ] || fail "share --v1 returned the hybrid share"
[ "$(as seeder coop share --list --json | jq length)" = 2 ] || fail "expected two shares of the file"

# Hybrid torrents are announced under the v1 hash and the truncated v2 hash.
printf '%s\n%s\n%s\n' "$v1" "${v2:0:40}" "$old_v1" > "$WORK/tracker/whitelist.txt"
timeout 300 opentracker -i "$TRACKER_ADDR" -p "$TRACKER_PORT" -P "$TRACKER_PORT" -f "$WORK/tracker/opentracker.conf" \
  > "$WORK/tracker.log" 2>&1 &
TRACKER_PID=$!
tracker_up() { /usr/bin/python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "http://$TRACKER_ADDR:$TRACKER_PORT/scrape"; }
wait_until 10 tracker_up
# coop announced before the tracker was up, and libtorrent would wait ~17 s
# to retry: stopping and sharing again announces at once.
for id in $(jq -r .id <<<"$share") $(jq -r .id <<<"$old_share"); do as seeder coop share --stop "$id" >/dev/null; done
as seeder coop share "$WORK/clip.bin" --json >/dev/null
as seeder coop share "$WORK/clip.bin" --v1 --json >/dev/null
wait_until 60 seeded "$v1"
wait_until 60 seeded "$old_v1"

# aria N OPTIONS...: aria2c on this test's Nth address, in the background
# (ARIA_PID), bounded; no DHT, LPD or PEX, so the tracker is its only source.
aria() {
  local addr port
  addr=$(ip "$1"); port=$(free_port "$addr"); shift
  timeout 120 aria2c --no-conf --interface="$addr" --listen-port="$port" \
    --enable-dht=false --enable-dht6=false --bt-enable-lpd=false --enable-peer-exchange=false \
    --disable-ipv6=true --summary-interval=0 --console-log-level=notice --log-level=info "$@" &
  ARIA_PID=$!
}

# 1. The metadata alone: aria2 takes the magnet, finds coop through the
# tracker and gets the info dictionary from coop (ut_metadata).
mkdir -p "$WORK/meta"
t0=$SECONDS
aria 11 --log="$WORK/aria2-meta-detail.log" --dir="$WORK/meta" --bt-metadata-only=true --bt-save-metadata=true \
  "$magnet" > "$WORK/aria2.log" 2>&1
wait "$ARIA_PID" || fail "aria2c did not get the metadata from coop (exit $?)"
log "aria2c got the metadata in $((SECONDS - t0))s"
torrent=$WORK/meta/$v1.torrent
[ -f "$torrent" ] || fail "aria2c saved no $v1.torrent: $(ls "$WORK/meta")"
# The info dictionary aria2 received is coop's, byte for byte: it hashes to the magnet's btih.
got=$(/usr/bin/python3 -c 'import hashlib, sys, libtorrent as lt
d = lt.bdecode(open(sys.argv[1], "rb").read())
print(hashlib.sha1(lt.bencode(d[b"info"])).hexdigest())' "$torrent") || fail "cannot read $torrent"
[ "$got" = "$v1" ] || fail "the metadata aria2c saved hashes to $got, not $v1"

# aria2 before 1.37 drops dictionary keys that are empty strings, which the
# v2 "file tree" of every hybrid torrent has, so it computes a wrong v1
# info-hash and can neither announce nor handshake for a hybrid torrent
# (aria2/aria2#1903, fixed by #1905 in 1.37.0). It gets the metadata, then stalls.
aria_hash=$(aria2c -S "$torrent" | awk '/^Info Hash:/{print $3}')
if [ "$aria_hash" = "$v1" ]; then
  mkdir -p "$WORK/dl-hybrid"
  aria 12 --log="$WORK/aria2-hybrid.log" --dir="$WORK/dl-hybrid" --seed-time=0 --file-allocation=none \
    "$magnet" > "$WORK/aria2.log" 2>&1
  wait "$ARIA_PID" || fail "aria2c did not complete the hybrid download (exit $?)"
  [ "$(sha "$WORK/dl-hybrid/clip.bin")" = "$(sha "$WORK/clip.bin")" ] || fail "the hybrid file aria2c fetched differs"
  log "aria2c downloaded the hybrid share"
else
  log "$(aria2c --version | head -n1) cannot use hybrid torrents (it hashes coop's to $aria_hash, not $v1; aria2/aria2#1903, fixed in 1.37.0): downloading the --v1 share"
fi

# 2. The whole --v1 share, every piece checked by aria2; --seed-time=0: it exits when complete.
mkdir -p "$WORK/dl"
t0=$SECONDS
aria 13 --log="$WORK/aria2-detail.log" --dir="$WORK/dl" --seed-time=0 --file-allocation=none \
  "$old_magnet" > "$WORK/aria2.log" 2>&1
wait "$ARIA_PID" || fail "aria2c did not complete the download (exit $?)"
log "aria2c took $((SECONDS - t0))s"
[ -f "$WORK/dl/clip.bin" ] || fail "aria2c saved no clip.bin: $(ls "$WORK/dl")"
[ "$(sha "$WORK/dl/clip.bin")" = "$(sha "$WORK/clip.bin")" ] || fail "the file aria2c fetched differs"
log "ok"
