# Three agents make a closed group: A creates it and invites, B and C join
# with their tokens, each posts, and all three end up holding the same
# group (members, chat, heads, state hash) and the whole log. A used token
# lets nobody else in.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_group.sh"

start_agent a 2
start_agent b 3 --peer "$(listen_of a)"
start_agent c 4 --peer "$(listen_of a)" --peer "$(listen_of b)"

group=$(as a coop group create club --about "we watch films" --json | jq -r .group)
[[ $group =~ ^[0-9a-f]{64}$ ]] || fail "group create gave no id: $group"

token_b=$(as a coop group invite club)
[[ $token_b == coop-invite:* ]] || fail "no invite token: $token_b"
as b coop group join "$token_b" --wait 60s >/dev/null || fail "b could not join"
[ "$(as b coop group list --json | jq -r '.[0].status')" = member ] || fail "b is not a member after joining"
token_c=$(as a coop group invite "${group:0:10}")
as c coop group join "$token_c" --wait 60s >/dev/null || fail "c could not join"

as a coop group post club "hello from a" >/dev/null || fail "a could not post"
as b coop group post "${group:0:12}" "hello from b" >/dev/null || fail "b could not post"
as c coop group post club "hello from c" >/dev/null || fail "c could not post"

# A post is refused for what is wrong with it, each with its own message.
expect_error 2 "the message holds a control character (U+001B at byte 5); only line breaks and tabs are allowed" \
  as a coop group post club $'red \e[31malert'
expect_error 2 "the message is not valid UTF-8 (byte 4 is 0xE9)" as a coop group post club $'caf\xe9'
expect_error 2 "the message is 4097 bytes; a post holds at most 4096" as a coop group post club "$(printf 'x%.0s' {1..4097})"

wait_until 120 converged club 3 3 a b c
for n in a b c; do
  [ "$(posts_of "$n" club)" = "$(printf 'hello from a\nhello from b\nhello from c')" ] ||
    fail "the log of $n lacks posts: $(posts_of "$n" club)"
done
[ "$(as a coop group show club --json | jq '[.members[] | select(.you)] | length')" = 1 ] || fail "show marks no member as you"
[ "$(as a coop agent status --json | jq '.overlay.links')" -ge 1 ] || fail "agent status shows no overlay link"
[ "$(as a coop agent status --json | jq '.sync.events_in')" -ge 1 ] || fail "agent status counts no events in"

log "b follows the log, then leaves and comes back"
as b coop group log club --follow --json > "$WORK/follow.jsonl" 2>/dev/null &
follower=$!
as a coop group post club "live from a" >/dev/null
follow_has_it() { grep -q '"live from a"' "$WORK/follow.jsonl"; }
wait_until 60 follow_has_it
as b coop group leave club >/dev/null || fail "b could not leave"
follower_ended() { ! kill -0 "$follower" 2>/dev/null; }
wait_until 30 follower_ended
wait "$follower" || fail "the follow did not end cleanly when b left"
[ "$(as b coop group list --json | jq -r '.[0].status')" = left ] || fail "b's group is not marked left"
a_sees_b_leave() { [ "$(as a coop group show club --json | jq -c '[(.members | length), (.left | length)]')" = "[2,1]" ]; }
wait_until 60 a_sees_b_leave
expect_error 1 "you left" as b coop group post club "still here?"
as b coop group join "$(as a coop group invite club)" --wait 60s >/dev/null || fail "b could not join again"
wait_until 120 converged club 3 4 a b c

# The token was for one person: someone else holding it is refused.
start_agent d 5 --peer "$(listen_of a)"
expect_error 1 "used already" as d coop group join "$token_b" --wait 40s --json
[ "$(as d coop group list --json | jq length)" = 0 ] || fail "d kept the group it was refused"

# Nobody there: the only member the token names is away. The join goes on
# in the background.
as d coop group create solo >/dev/null
token_solo=$(as d coop group invite solo)
as d coop agent stop >/dev/null
start_agent e 6 --peer "$(listen_of a)"
expect_error 1 "nobody in the group was reachable" as e coop group join "$token_solo" --wait 5s --json
[ "$(as e coop group list --json | jq -r '.[0].status')" = joining ] || fail "e does not show the join going on"
expect_error 1 "damaged" as e coop group join "coop-invite:AAAA" --json
restart d
e_is_in() { [ "$(as e coop group list --json | jq -r '.[0].status')" = member ]; }
wait_until 120 e_is_in
wait_until 60 converged solo 2 0 d e
log "ok"
