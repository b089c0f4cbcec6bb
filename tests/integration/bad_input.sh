# Bad input gets one clear line on stderr, a non-zero exit, and leaves the
# agent and its data as they were.
. "$(dirname "$0")/lib.sh"

start_agent a 2
random_file "$WORK/ok.bin" 1
good=$(as a coop share "$WORK/ok.bin" --json | jq -r .id)

# Usage errors: exit 2.
expect_error 2 "nothing to share" as a coop share
expect_error 2 "nothing to fetch" as a coop fetch
expect_error 2 "see coop fetch --help" as a coop fetch --bogus-option x
expect_error 2 "is not a coop command" coop frobnicate

# Paths.
expect_error 1 "no such file or directory: $WORK/missing.bin" as a coop share "$WORK/missing.bin"
mkdir "$WORK/empty"
expect_error 1 "nothing to share: $WORK/empty holds no data" as a coop share "$WORK/empty"
expect_error 1 "no such file: $WORK/nope.torrent" as a coop fetch "$WORK/nope.torrent"

# Malformed magnets and torrents.
expect_error 1 "malformed magnet link" as a coop fetch "magnet:?xt=urn:btih:zzzz"
expect_error 1 "malformed magnet link" as a coop fetch "magnet:?dn=nothing-to-find"
printf 'd8:announce3:abce' > "$WORK/broken.torrent"
expect_error 1 "$WORK/broken.torrent is not a valid .torrent file" as a coop fetch "$WORK/broken.torrent"
head -c 5000 /dev/urandom > "$WORK/random.torrent"
expect_error 1 "is not a valid .torrent file" as a coop fetch "$WORK/random.torrent"
expect_error 1 "is not a magnet link, a .torrent file, an info-hash or a known id" as a coop fetch "hello-world"

# Unknown and ambiguous ids.
expect_error 1 "no share or download has id 'abcdef12'" as a coop fetch abcdef12
expect_error 1 "no share has id 'abcdef12'; see coop share --list" as a coop share --stop abcdef12
expect_error 1 "not an id" as a coop share --stop not-hex

# Bad agent options are refused before anything starts.
expect_error 1 "--listen 'nowhere' is not ADDR:PORT" env COOP_HOME="$WORK/x" coop agent start --listen nowhere
expect_error 1 "--upload-limit 'fast' is not a rate" env COOP_HOME="$WORK/x" coop agent start --listen "$(ip 9):0" --upload-limit fast
[ ! -S "$WORK/x/agent.sock" ] || fail "a failed start left a socket behind"

# Port in use: a second agent on the same address and port.
expect_error 1 "cannot listen on $(listen_of a): the port is in use" env COOP_HOME="$WORK/b" coop agent start --listen "$(listen_of a)" --no-public
expect_error 1 "an agent already runs for $(home a)" as a coop agent start --listen "$(ip 3):0"

# Stale socket: the agent is killed; its socket file stays behind. Status
# says so; the next command starts a fresh agent that replaces the socket.
pid=$(pid_of a)
kill -9 "$pid"
# kill returns before the process is gone; until then its socket still accepts.
wait_until 10 sh -c "! kill -0 $pid 2>/dev/null"
[ -S "$(home a)/agent.sock" ] || fail "expected a stale socket after kill -9"
expect_error 1 "no agent runs for $(home a)" as a coop agent status
as a coop share --list --json | jq -e ".[0].id == \"$good\"" >/dev/null || fail "the share was lost after kill -9"
as a coop agent status --json | jq -e .running >/dev/null || fail "no agent after a stale socket"

# None of this disturbed the share.
[ "$(as a coop share --list --json | jq length)" = 1 ] || fail "bad input changed the shares"
log "ok"
