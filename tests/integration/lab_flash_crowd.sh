# The swarm lab in small: 4 hosts, each a network namespace with its own
# address and a shaped link (20 Mbit/s up, 100 Mbit/s down), joined by a
# bridge; one seeder shares an 8 MiB file and three leechers fetch it at
# once, finding each other through their private DHT. Every leecher must end
# with the identical file, the seeder must have uploaded fewer than two
# copies (the leechers shared among themselves; with its first-copy policy
# the lab's seeder sends 1.3-1.5 copies of a file this small, 1.7-1.9
# without), its policy must have refused requests for pieces on their way to
# another leecher, and the lab must leave no namespace behind.
if [ "$(id -u)" != 0 ]; then
  echo "[$(basename "$0" .sh)] SKIP: needs root (the lab creates network namespaces)" >&2
  exit 77
fi
# Root in a container may still lack namespaces, veth or tbf: say so.
probe=coop-lab-probe-$$
if ! { ip netns add "$probe" && ip -n "$probe" link add p0 type veth peer name p1 &&
       ip -n "$probe" link set p0 up && ip -n "$probe" link set p1 up &&
       tc -n "$probe" qdisc add dev p0 root tbf rate 20mbit burst 32kbit latency 50ms; } >/dev/null 2>&1; then
  ip netns del "$probe" >/dev/null 2>&1
  echo "[$(basename "$0" .sh)] SKIP: this machine cannot make network namespaces with shaped veth links" >&2
  exit 77
fi
ip netns del "$probe"
. "$(dirname "$0")/lib.sh"
ROOT=${COOP_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}

size=$((8 * 1048576))
rc=0
timeout 200 "$ROOT/bench/lab/lab" flash-crowd --hosts 4 --size "$size" --reference none --timeout 150 \
  --coop-bin "$COOP_BIN" --json --keep-logs "$WORK/logs" > "$WORK/result.json" 2> "$WORK/lab.err" || rc=$?
prefix=$(sed -n 's/.*(namespaces \(coop-lab-[0-9]*-\)\*).*/\1/p' "$WORK/lab.err" | head -n1)
[ -n "$prefix" ] || fail "the lab did not set up its hosts: $(tail -n 3 "$WORK/lab.err")"
if ip netns list | grep -q "^$prefix"; then
  fail "the lab left namespaces behind: $(ip netns list | grep "^$prefix" | tr '\n' ' ')"
fi
[ "$rc" = 0 ] || fail "the lab failed (exit $rc): $(tail -n 3 "$WORK/lab.err")"

result=$(cat "$WORK/result.json")
[ "$(jq -r .leechers <<<"$result")" = 3 ] || fail "expected 3 leechers: $result"
[ "$(jq '[.leechers_detail[] | select(.identical and .exit == 0)] | length' <<<"$result")" = 3 ] ||
  fail "not every leecher has the identical file: $(jq -c .leechers_detail <<<"$result")"
[ "$(jq -r .identical <<<"$result")" = true ] || fail "the result does not say identical: $result"
uploaded=$(jq -r .seeder_uploaded_bytes <<<"$result")
[[ $uploaded =~ ^[0-9]+$ ]] || fail "no seeder upload count: $result"
[ "$uploaded" -lt $((2 * size)) ] ||
  fail "the seeder uploaded $uploaded bytes, two copies or more: the leechers did not share enough"
[ "$uploaded" -ge "$size" ] || fail "the seeder uploaded $uploaded bytes, less than one copy"
seeder_log="$WORK/logs/coop/h1/coopd.log"
policy=$(grep -m1 "first copy sent: refused" "$seeder_log" 2>/dev/null) ||
  fail "the seeder's log does not say its first copy went out under the first-copy policy"
refused=$(sed -n 's/.*first copy sent: refused \([0-9]*\) requests.*/\1/p' <<<"$policy")
[ "${refused:-0}" -gt 0 ] || fail "the seeder's first-copy policy refused nothing: $policy"
log "ok (seeder uploaded $(jq -r .seeder_uploaded_copies <<<"$result") copies)"
