# Three agents decide together in a closed group: a settings vote turns
# admission by vote on, a ranked vote picks a film (one member changes its
# ballot), and every member records the same tallies and outcomes. Bad
# ballots are refused with exact errors.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_group.sh"

start_agent a 2
start_agent b 3 --peer "$(listen_of a)"
start_agent c 4 --peer "$(listen_of a)" --peer "$(listen_of b)"

as a coop group create club >/dev/null || fail "a could not create the group"
as b coop group join "$(as a coop group invite club)" --wait 60s >/dev/null || fail "b could not join"
as c coop group join "$(as a coop group invite club)" --wait 60s >/dev/null || fail "c could not join"
wait_until 120 converged club 3 0 a b c

# view NAME P: the proposal as NAME holds it, without what is NAME's own.
view() { as "$1" coop vote show "$2" --json | jq -S 'del(.voted)'; }
# closed_alike P NAME...: P is closed on each and every view is the same.
closed_alike() {
  local p=$1 first="" v; shift
  for n in "$@"; do
    v=$(view "$n" "$p") || return 1
    [ "$(jq -r .status <<<"$v")" = closed ] || return 1
    if [ -z "$first" ]; then first=$v; elif [ "$v" != "$first" ]; then return 1; fi
  done
}
proposal_on() { as "$1" coop vote list club --json | jq -e --arg p "$2" 'any(.[]; .proposal == $p)' >/dev/null; }

log "a settings vote and a ranked vote, cast by all three"
settings=$(as a coop vote propose club "Admit newcomers by vote" --set admission=vote --closes 15s --json | jq -r .proposal)
[[ $settings =~ ^[0-9a-f]{64}$ ]] || fail "propose gave no id: $settings"
film=$(as b coop vote propose club "Next film" --method ranked --option Alien --option Brazil --option Contact \
  --closes 15s --json | jq -r .proposal)
for n in b c; do wait_until 60 proposal_on "$n" "$settings"; done
for n in a c; do wait_until 60 proposal_on "$n" "$film"; done

as a coop vote cast "${settings:0:10}" yes >/dev/null || fail "a could not vote"
as b coop vote cast "${settings:0:10}" yes >/dev/null || fail "b could not vote"
as c coop vote cast "${settings:0:10}" no >/dev/null || fail "c could not vote"
as a coop vote cast "${film:0:10}" alien brazil contact >/dev/null || fail "a could not rank"
as b coop vote cast "${film:0:10}" Brazil Alien Contact >/dev/null || fail "b could not rank"
as c coop vote cast "${film:0:10}" Contact Alien Brazil >/dev/null || fail "c could not rank"
# C changes its mind: the last ballot counts.
[ "$(as c coop vote cast "${film:0:10}" Brazil Contact Alien --json | jq .replaced)" = true ] ||
  fail "a second ballot was not marked as replacing the first"

expect_error 1 "no option 'Dune' in \"Next film\"; its options are Alien, Brazil, Contact" \
  as a coop vote cast "${film:0:10}" Dune
expect_error 1 "a majority vote takes one option; the options are yes, no" as a coop vote cast "${settings:0:10}" yes no
expect_error 1 "no proposal 0000 in your groups; coop vote list shows them" as a coop vote cast 0000 yes
expect_error 1 "option \"Alien\" named twice" as a coop vote cast "${film:0:10}" Alien Alien

wait_until 120 closed_alike "$settings" a b c
wait_until 120 closed_alike "$film" a b c
[ "$(view a "$settings" | jq -r .effect)" = "settings changed" ] || fail "the settings vote did not act: $(view a "$settings")"
[ "$(view a "$film" | jq -r .outcome.winner)" = Brazil ] || fail "Brazil did not win: $(view a "$film" | jq -c .tally)"
[ "$(view a "$film" | jq '.tally.superseded | length')" = 1 ] || fail "c's first ballot was not superseded"
for n in a b c; do
  [ "$(as "$n" coop group show club --json | jq -r .admission)" = vote ] || fail "$n does not admit by vote"
done
expect_error 1 "closed at" as a coop vote cast "${film:0:10}" Alien

log "ok"
