# Three private agents: the third knows only the second, yet finds the seeder
# (the first) through the DHT the three form (announce + get_peers).
. "$(dirname "$0")/lib.sh"

random_file "$WORK/talk.bin" 4
start_agent seeder 2
start_agent middle 3 --peer "$(listen_of seeder)"
start_agent finder 4 --peer "$(listen_of middle)"

magnet=$(as seeder coop share "$WORK/talk.bin" --json | jq -r .magnet)
# The magnet carries no peer address; the finder was never told the seeder's.
[[ $magnet != *x.pe=* ]] || fail "the magnet names a peer: $magnet"

timeout 120 env COOP_HOME="$(home finder)" coop fetch "$magnet" -o "$WORK/dl" >/dev/null || fail "the finder did not get the file through the DHT"
[ "$(sha "$WORK/dl/talk.bin")" = "$(sha "$WORK/talk.bin")" ] || fail "the file differs"
# The middle agent never had the file: it came from the seeder, found by DHT.
[ "$(as middle coop agent status --json | jq -r .torrents)" = 0 ] || fail "the middle agent had the torrent"
finder_has_nodes() { [ "$(as finder coop agent status --json | jq -r .dht_nodes)" -ge 1 ]; }
wait_until 30 finder_has_nodes
log "ok"
