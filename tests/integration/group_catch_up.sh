# A member that was away catches up when it comes back, and members cut off
# from each other, each posting on its own side, converge once they meet.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_group.sh"

start_agent a 2
start_agent b 3 --peer "$(listen_of a)"
start_agent c 4 --peer "$(listen_of a)" --peer "$(listen_of b)"
as a coop group create club >/dev/null || fail "a could not create the group"
as b coop group join "$(as a coop group invite club)" --wait 60s >/dev/null || fail "b could not join"
as c coop group join "$(as a coop group invite club)" --wait 60s >/dev/null || fail "c could not join"
as c coop group post club "c before" >/dev/null
wait_until 120 converged club 3 1 a b c

log "c is away while a and b post"
as c coop agent stop >/dev/null
as a coop group post club "a while c is away" >/dev/null
as b coop group post club "b while c is away" >/dev/null
wait_until 60 converged club 3 3 a b
restart c
wait_until 120 converged club 3 3 a b c
[ "$(posts_of c club)" = "$(printf 'a while c is away\nb while c is away\nc before')" ] ||
  fail "c did not catch up: $(posts_of c club)"

log "b is cut off: a and c post on one side, b alone on the other"
as b coop agent stop >/dev/null
as a coop group post club "a without b" >/dev/null
as c coop group post club "c without b" >/dev/null
wait_until 60 converged club 3 5 a c
as a coop agent stop >/dev/null
as c coop agent stop >/dev/null
restart b
as b coop group post club "b alone" >/dev/null || fail "b could not post alone"
[ "$(as b coop group show club --json | jq .chat)" = 4 ] || fail "b's post is not in its own view"
restart a
restart c
wait_until 120 converged club 3 6 a b c
want=$(printf 'a while c is away\na without b\nb alone\nb while c is away\nc before\nc without b')
for n in a b c; do
  [ "$(posts_of "$n" club)" = "$want" ] || fail "$n lacks posts after the partition: $(posts_of "$n" club)"
done
log "ok"
