# A stock client downloads what coop shares: aria2c (Debian's) gets coop
# shares from their magnet links, finding the seeder through the loopback
# tracker named in the magnet's tr=, and the bytes are identical.
# aria2 before 1.37 (Debian 12 has 1.36) gets a hybrid (v1+v2) share's
# metadata but cannot use it (aria2/aria2#1903): for such clients coop has
# `share --v1`, and this test downloads a --v1 share in full; the hybrid
# share is downloaded in full too when the aria2 here can read it.
. "$(dirname "$0")/lib_tracker.sh"

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
start_tracker "$v1" "${v2:0:40}" "$old_v1"
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
