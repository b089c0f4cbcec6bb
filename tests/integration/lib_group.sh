# Helpers of the group tests; source after lib.sh.

# shared_view NAME G: what agent NAME's `group show` says that every member
# shares (the per-agent fields, who is online and which member is you, left out).
shared_view() {
  as "$1" coop group show "$2" --json | jq -S 'del(.online) | .members |= map(del(.online, .you))'
}

# converged G MEMBERS CHAT NAME...: the agents hold the same group, with
# MEMBERS members and CHAT posts.
converged() {
  local group=$1 members=$2 chat=$3; shift 3
  local first="" view
  for n in "$@"; do
    view=$(shared_view "$n" "$group") || return 1
    [ "$(jq '.members | length' <<<"$view")" = "$members" ] || return 1
    [ "$(jq .chat <<<"$view")" = "$chat" ] || return 1
    if [ -z "$first" ]; then first=$view; elif [ "$view" != "$first" ]; then return 1; fi
  done
}

# posts_of NAME G: the texts of the group's posts in agent NAME's log, sorted.
posts_of() { as "$1" coop group log "$2" --json | jq -r 'select(.kind == "post") | .text' | LC_ALL=C sort; }

# restart NAME: starts agent NAME again with its saved settings.
restart() { as "$1" coop agent start >/dev/null || fail "agent $1 did not start again"; }
