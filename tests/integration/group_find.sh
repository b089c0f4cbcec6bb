# Open groups are found by interest on the DHT, with no index server: B
# finds A's open group by its tag, with the address A listens on, joins it
# by id without an invite, and their chat and catalog meet; C, in a closed
# group only, is never listed. A is in a closed group of B's already, so
# the answer may come over the link A dialled: its address still shows.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_group.sh"

start_agent a 2
start_agent b 3 --peer "$(listen_of a)"
start_agent c 4 --peer "$(listen_of a)" --peer "$(listen_of b)"
as b coop group create b-circle >/dev/null || fail "b could not create its closed group"
as a coop group join "$(as b coop group invite b-circle)" --wait 60s >/dev/null || fail "a could not join b's group"
open_id=$(as a coop group create jazz-club --open --topic jazz --about "records and gigs" --json | jq -r .group)
as c coop group create secret-jazz --topic jazz >/dev/null || fail "c could not create its closed group"
a_overlay=$(as a coop agent status --json | jq -r .overlay.listen)

# Listed once, with the one agent that answered for it: A, where it listens.
lists_the_open_group() {
  as b coop group find jazz --wait 5s --json > "$WORK/found.json" &&
    [ "$(jq -c --arg g "$open_id" '[.[] | select(.group == $g) | .peers]' "$WORK/found.json")" = "[[\"$a_overlay\"]]" ]
}
wait_until 120 lists_the_open_group
[ "$(jq -r '.[0].name' "$WORK/found.json")" = jazz-club ] || fail "find names the group wrongly: $(cat "$WORK/found.json")"
[ "$(jq '[.[] | select(.name == "secret-jazz")] | length' "$WORK/found.json")" = 0 ] || fail "find listed a closed group"

as b coop group join "${open_id:0:16}" --wait 60s >/dev/null || fail "b could not join the open group by id"
as b coop group post jazz-club "b found you" >/dev/null || fail "b could not post"
wait_until 60 converged jazz-club 2 1 a b

# The catalog: A shares a video into the group with the media info the
# agent probes; B sees it, fetches it and streams it by its entry id.
ffmpeg -v error -f lavfi -i testsrc=size=320x240:rate=25 -t 2 -c:v libx264 -preset ultrafast "$WORK/gig.mp4" ||
  fail "ffmpeg could not make the test video"
entry=$(as a coop share "$WORK/gig.mp4" --group jazz-club --title "the gig" --tag live --json | jq -r .entry)
[[ $entry =~ ^[0-9a-f]{64}$ ]] || fail "share --group gave no catalog entry: $entry"
b_sees_it() { [ "$(as b coop group catalog jazz-club --json | jq -r '.[0].title')" = "the gig" ]; }
wait_until 60 b_sees_it
as b coop group catalog jazz-club --json > "$WORK/catalog.json"
[ "$(jq -r '.[0].media.streams[0].type' "$WORK/catalog.json")" = video ] || fail "the entry has no media info: $(cat "$WORK/catalog.json")"
[ "$(jq -r '.[0].tags[0]' "$WORK/catalog.json")" = live ] || fail "the entry lost its tag"
timeout 120 env COOP_HOME="$(home b)" coop fetch "${entry:0:12}" -o "$WORK/dl" >/dev/null || fail "b could not fetch the entry"
[ "$(sha "$WORK/dl/gig.mp4")" = "$(sha "$WORK/gig.mp4")" ] || fail "the fetched file differs"
timeout 60 env COOP_HOME="$(home b)" coop stream "${entry:0:12}" -o - > "$WORK/streamed.mp4" || fail "b could not stream the entry"
cmp -s "$WORK/streamed.mp4" "$WORK/gig.mp4" || fail "the streamed bytes differ"
expect_error 1 "only its uploader" as b coop group retract "${entry:0:12}"
as a coop group retract "${entry:0:12}" >/dev/null || fail "a could not retract its entry"
gone_on_b() { [ "$(as b coop group catalog jazz-club --json | jq length)" = 0 ]; }
wait_until 60 gone_on_b
log "ok"
