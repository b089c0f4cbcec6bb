# coop downloads from a stock client: aria2c seeds a v1 .torrent made
# elsewhere (python3-libtorrent) with a loopback tracker in it; one agent
# fetches the .torrent file, another the magnet link (with tr=), and both get
# identical bytes. Peers meet only through the tracker.
for tool in aria2c opentracker; do
  command -v "$tool" >/dev/null || { echo "[interop_aria2_to_coop] SKIP: no $tool (scripts/install-deps.sh)" >&2; exit 77; }
done
/usr/bin/python3 -c 'import libtorrent' 2>/dev/null ||
  { echo "[interop_aria2_to_coop] SKIP: /usr/bin/python3 has no libtorrent (python3-libtorrent)" >&2; exit 77; }
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

# free_port ADDR: a port free for both TCP and UDP on ADDR.
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

# seeded HEX: the tracker counts at least one seeder of info-hash HEX (scrape).
seeded() {
  /usr/bin/python3 - "http://$TRACKER_ADDR:$TRACKER_PORT/scrape?info_hash=" "$1" <<'EOF'
import re, sys, urllib.parse, urllib.request
body = urllib.request.urlopen(sys.argv[1] + urllib.parse.quote(bytes.fromhex(sys.argv[2])), timeout=2).read()
m = re.search(rb"completei(\d+)e", body)
sys.exit(0 if m and int(m.group(1)) >= 1 else 1)
EOF
}

mkdir -p "$WORK/seed"
random_file "$WORK/seed/song.bin" 6
# A v1 .torrent, 256 KiB pieces, the tracker in it; prints the info-hash and magnet.
made=$(/usr/bin/python3 - "$WORK/seed/song.bin" "$ANNOUNCE" "$WORK/song.torrent" <<'EOF'
import os, sys
import libtorrent as lt
path, announce, out = sys.argv[1:]
fs = lt.file_storage()
lt.add_files(fs, path)
t = lt.create_torrent(fs, 262144, flags=lt.create_torrent.v1_only)
t.add_tracker(announce)
lt.set_piece_hashes(t, os.path.dirname(path))
with open(out, "wb") as f:
    f.write(lt.bencode(t.generate()))
ti = lt.torrent_info(out)
print(str(ti.info_hashes().v1), lt.make_magnet_uri(ti))
EOF
) || fail "could not make the .torrent"
read -r v1 magnet <<<"$made"
[[ $v1 =~ ^[0-9a-f]{40}$ ]] || fail "no info-hash from python3-libtorrent: $made"
[[ $magnet == *"&tr="* ]] || fail "the magnet has no tracker: $magnet"

mkdir -p "$WORK/tracker"
chmod 755 "$WORK/tracker"
echo "$v1" > "$WORK/tracker/whitelist.txt"
chmod 644 "$WORK/tracker/whitelist.txt"
printf 'access.whitelist /whitelist.txt\ntracker.rootdir %s\ntracker.user nobody\n' "$WORK/tracker" > "$WORK/tracker/opentracker.conf"
timeout 300 opentracker -i "$TRACKER_ADDR" -p "$TRACKER_PORT" -P "$TRACKER_PORT" -f "$WORK/tracker/opentracker.conf" \
  > "$WORK/tracker.log" 2>&1 &
TRACKER_PID=$!
tracker_up() { /usr/bin/python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "http://$TRACKER_ADDR:$TRACKER_PORT/scrape"; }
wait_until 10 tracker_up

# aria2 seeds from its own address; it is ready once the tracker counts it.
aria_addr=$(ip 11)
aria_port=$(free_port "$aria_addr")
timeout 300 aria2c --no-conf --interface="$aria_addr" --listen-port="$aria_port" --dir="$WORK/seed" \
  --bt-seed-unverified=true --seed-ratio=0.0 --enable-dht=false --enable-dht6=false --bt-enable-lpd=false \
  --enable-peer-exchange=false --disable-ipv6=true --summary-interval=0 --console-log-level=notice \
  --log="$WORK/aria2-detail.log" --log-level=info "$WORK/song.torrent" > "$WORK/aria2.log" 2>&1 &
ARIA_PID=$!
wait_until 30 seeded "$v1"

# 1. The .torrent file. --no-seed, so the magnet fetch below has only aria2 to get it from.
start_agent torrent 2
t0=$SECONDS
timeout 120 env COOP_HOME="$(home torrent)" coop fetch "$WORK/song.torrent" -o "$WORK/dl1" --no-seed > "$WORK/fetch1.out" ||
  fail "coop fetch of the .torrent failed or hung (exit $?): $(tail -n 3 "$WORK/fetch1.out")"
log "fetch of the .torrent took $((SECONDS - t0))s"
[ "$(sha "$WORK/dl1/song.bin")" = "$(sha "$WORK/seed/song.bin")" ] || fail "the file fetched by .torrent differs"
no_torrents() { [ "$(as torrent coop agent status --json | jq -r .torrents)" = 0 ]; }
wait_until 10 no_torrents

# 2. The magnet link, learning the seeder from its tr=.
start_agent magnet 3
t0=$SECONDS
timeout 120 env COOP_HOME="$(home magnet)" coop fetch "$magnet" -o "$WORK/dl2" > "$WORK/fetch2.out" ||
  fail "coop fetch of the magnet failed or hung (exit $?): $(tail -n 3 "$WORK/fetch2.out")"
log "fetch of the magnet took $((SECONDS - t0))s"
[ "$(sha "$WORK/dl2/song.bin")" = "$(sha "$WORK/seed/song.bin")" ] || fail "the file fetched by magnet differs"
log "ok"
