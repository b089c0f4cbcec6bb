# Four agents plan their group's storage and upload: A starts a planning,
# each agent offers and requests, A closes the round, it converges, and all
# four show the same plan, byte for byte. A request over the member's share
# is refused before it is signed; D's agent offers the upload capacity D
# declared by itself.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_group.sh"

start_agent a 2
start_agent b 3 --peer "$(listen_of a)"
start_agent c 4 --peer "$(listen_of a)" --peer "$(listen_of b)"
start_agent d 5 --peer "$(listen_of a)" --peer "$(listen_of c)"

as a coop group create planners --about "we keep each other's films" >/dev/null || fail "a could not create the group"
for n in b c d; do
  as "$n" coop group join "$(as a coop group invite planners)" --wait 60s >/dev/null || fail "$n could not join"
done
wait_until 120 converged planners 4 0 a b c d

# D offers its upload by declaring a capacity: its agent does the rest.
as d coop ledger capacity --up 1MiB/s >/dev/null || fail "d could not declare its capacity"

expect_error 2 "--round-time 'soon' is not a length of time from 1m to 30d" \
  as a coop vote plan start planners --round-time soon
plan=$(as a coop vote plan start planners --title "this week" --resources storage,upload --rounds 3 --json | jq -r .plan)
[[ $plan =~ ^[0-9a-f]{64}$ ]] || fail "plan start gave no id: $plan"
shows_plan() { [ "$(as "$1" coop vote plan show planners --json | jq -r .plan)" = "$plan" ]; }
for n in a b c d; do wait_until 60 shows_plan "$n"; done

expect_error 2 "--at 'cheap' is not PRICE:QTY" \
  as a coop vote plan offer planners --resource storage --capacity 100 --at cheap
expect_error 1 "this planning covers storage, upload, not relay" \
  as a coop vote plan offer planners --resource relay --capacity 100
expect_error 1 "the offer of storage: an offer is more than its capacity" \
  as a coop vote plan offer planners --resource storage --capacity 10 --at 1:20

capacity=(100 150 200 250)
i=0
for n in a b c d; do
  cap=${capacity[$i]}
  as "$n" coop vote plan offer planners --resource storage --capacity "$cap" \
    --at "0.2:$((cap / 4))" --at "2:$cap" >/dev/null || fail "$n could not offer storage"
  [ "$n" = d ] ||
    as "$n" coop vote plan offer planners --resource upload --capacity 40 --at 0.1:10 --at 1.5:40 >/dev/null ||
    fail "$n could not offer upload"
  i=$((i + 1))
done

# Every agent sees the eight offers (D's upload one from its agent).
offers_in() { [ "$(as "$1" coop vote plan show planners --json | jq '[.offers[] | length] | add')" = 8 ]; }
for n in a b c d; do wait_until 60 offers_in "$n"; done
[ "$(as a coop vote plan show planners --json | jq ".offers[\"$(as d coop agent status --json | jq -r .peer_id)\"].upload.capacity")" = 634 ] ||
  fail "d's agent did not offer its declared upload (1 MiB/s for 7 days is 634 GB)"

# 700 GB·day of storage is offered: a quarter of it is each member's share.
share_error=$(as b coop vote plan request planners --resource storage --qty 1000 2>&1 >/dev/null || true)
[ "$share_error" = "coop vote plan: a request of 1000 GB·day of storage is over your share: at most 175 of the 700 offered so far (an equal share of 4 members, as no effort is recorded yet); ask for less" ] ||
  fail "an over-share request was not refused as expected: $share_error"
expect_error 1 "a request of 1000 GB·day of storage is over your share: at most 175 of the 700 offered so far" \
  as b coop vote plan request planners --resource storage --qty 1000

for n in a b c d; do
  as "$n" coop vote plan request planners --resource storage --at 0.3:120 --at 3:0 >/dev/null ||
    fail "$n could not request storage"
  as "$n" coop vote plan request planners --resource upload --qty 30 --up-to 2.5 >/dev/null ||
    fail "$n could not request upload"
done
requests_in() { [ "$(as "$1" coop vote plan show planners --json | jq '[.requests[] | length] | add')" = 8 ]; }
wait_until 60 requests_in a

expect_error 1 "only the planning's starter may close round 1 before its deadline" as b coop vote plan close planners
[ "$(as a coop vote plan close planners --json | jq -r .status)" = adopted ] || fail "round 1 did not converge"

same_plan() {
  local first view
  first=$(as a coop vote plan show planners --json)
  [ "$(jq -r .status <<<"$first")" = adopted ] || return 1
  for n in b c d; do
    view=$(as "$n" coop vote plan show planners --json) || return 1
    [ "$view" = "$first" ] || return 1
  done
}
wait_until 60 same_plan
as a coop vote plan show planners --json > "$WORK/plan.json"
[ "$(jq -r .adopted.outcome "$WORK/plan.json")" = converged ] || fail "the plan is not converged: $(cat "$WORK/plan.json")"
[ "$(jq '.adopted.members | length' "$WORK/plan.json")" = 4 ] || fail "not every member has a part in the plan"
[ "$(jq '[.adopted.members[].receives.storage] | add' "$WORK/plan.json")" = \
  "$(jq '[.adopted.members[].provides.storage] | add' "$WORK/plan.json")" ] || fail "storage received is not storage provided"
as c coop vote plan show planners | grep -q "adopted, converged" || fail "plan show does not say the plan was adopted"
expect_error 1 "has ended" as c coop vote plan request planners --resource storage --qty 1
log "ok"
