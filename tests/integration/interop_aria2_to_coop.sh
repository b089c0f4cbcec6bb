# coop downloads from a stock client: aria2c seeds a v1 .torrent made
# elsewhere (python3-libtorrent) with a loopback tracker in it; one agent
# fetches the .torrent file, another the magnet link (with tr=), and both get
# identical bytes. Peers meet only through the tracker.
. "$(dirname "$0")/lib_tracker.sh"

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

start_tracker "$v1"

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
