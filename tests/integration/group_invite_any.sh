# An agent listening on 0.0.0.0 has no one address of its own, so its
# invites hold the addresses of the host's interfaces on its overlay port,
# loopback last; another agent joins with such a token. The test runs in a
# network namespace of its own whose only interface is lo, holding
# 127.0.0.0/8 and one more address (from a documentation range) standing
# for a LAN address: every connection stays inside the namespace, which
# goes when the test ends.
if [ -z "${COOP_TEST_NETNS:-}" ]; then
  if [ "$(id -u)" -eq 0 ]; then isolate=(unshare --net); else isolate=(unshare --net --map-root-user); fi
  if ! "${isolate[@]}" true 2>/dev/null; then
    echo "[$(basename "$0" .sh)] SKIP: cannot make a network namespace (needs root or user namespaces)" >&2
    exit 77
  fi
  exec "${isolate[@]}" env COOP_TEST_NETNS=1 bash "$0" "$@"
fi
lan=198.51.100.7
ip link set lo up && ip addr add "$lan/32" dev lo ||
  { echo "[$(basename "$0" .sh)] FAIL: cannot set up the namespace's lo" >&2; exit 1; }

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_group.sh"

HOMES+=("$(home a)")
as a coop agent start --listen 0.0.0.0:0 --no-public >/dev/null || fail "agent a did not start on 0.0.0.0"
start_agent b 3
port=$(as a coop agent status --json | jq -r .overlay.listen)
[[ $port == 0.0.0.0:* ]] || fail "a's overlay does not listen on 0.0.0.0: $port"
port=${port#0.0.0.0:}

as a coop group create any-room >/dev/null || fail "a could not create its group"
as a coop group post any-room "from everywhere" >/dev/null || fail "a could not post"
as a coop group invite any-room --json > "$WORK/invite.json" || fail "a could not make an invite"
addresses=$(jq -c .addresses "$WORK/invite.json")
[ "$addresses" = "[\"$lan:$port\",\"127.0.0.1:$port\"]" ] ||
  fail "the invite should name the interfaces' addresses on port $port, loopback last: $addresses"

as b coop group join "$(jq -r .token "$WORK/invite.json")" --wait 60s >/dev/null || fail "b could not join with the token"
wait_until 60 converged any-room 2 1 a b
[ "$(posts_of b any-room)" = "from everywhere" ] || fail "b lacks a's post: $(posts_of b any-room)"
log "ok"
