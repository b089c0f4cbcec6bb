# Shared by the interop tests: a loopback BitTorrent tracker (Debian's
# opentracker, which is whitelist-only and chroots) and aria2c, stopped on
# exit with everything lib.sh starts. Source it instead of lib.sh.
for tool in aria2c opentracker; do
  command -v "$tool" >/dev/null || { echo "[$(basename "$0" .sh)] SKIP: no $tool (scripts/install-deps.sh)" >&2; exit 77; }
done
/usr/bin/python3 -c 'import libtorrent' 2>/dev/null ||
  { echo "[$(basename "$0" .sh)] SKIP: /usr/bin/python3 has no libtorrent (python3-libtorrent)" >&2; exit 77; }
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

# start_tracker HEX...: the tracker, accepting these info-hashes; returns
# once it answers.
start_tracker() {
  mkdir -p "$WORK/tracker"
  chmod 755 "$WORK/tracker"
  printf '%s\n' "$@" > "$WORK/tracker/whitelist.txt"
  chmod 644 "$WORK/tracker/whitelist.txt"
  printf 'access.whitelist /whitelist.txt\ntracker.rootdir %s\ntracker.user nobody\n' "$WORK/tracker" > "$WORK/tracker/opentracker.conf"
  timeout 300 opentracker -i "$TRACKER_ADDR" -p "$TRACKER_PORT" -P "$TRACKER_PORT" -f "$WORK/tracker/opentracker.conf" \
    > "$WORK/tracker.log" 2>&1 &
  TRACKER_PID=$!
  wait_until 10 tracker_up
}
tracker_up() { /usr/bin/python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "http://$TRACKER_ADDR:$TRACKER_PORT/scrape"; }
