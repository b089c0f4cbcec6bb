# A hybrid share fetched by its bare v1 info-hash: the download keeps the id
# it was added under when the metadata brings the v2 hash, so its name, size
# and resume data land on the right entry; asking again for the same bytes
# by the v2 magnet names that entry instead of adding a second one.
. "$(dirname "$0")/lib.sh"

random_file "$WORK/doc.bin" 3
start_agent seeder 2
start_agent leecher 3 --peer "$(listen_of seeder)"
share=$(as seeder coop share "$WORK/doc.bin" --json)
v1=$(jq -r .info_hash_v1 <<<"$share")

as leecher coop fetch "$v1" -o "$WORK/dl" >/dev/null || fail "fetch by the v1 info-hash failed"
[ "$(sha "$WORK/dl/doc.bin")" = "$(sha "$WORK/doc.bin")" ] || fail "the file differs"
row=$(as leecher coop fetch --list --json | jq -c '.[0]')
[ "$(jq -r .id <<<"$row")" = "${v1:0:16}" ] || fail "the download changed its id: $row"
[ "$(jq -r .name <<<"$row")" = doc.bin ] || fail "the name did not come with the metadata: $row"
[ "$(jq -r .size <<<"$row")" = $((3 * 1048576)) ] || fail "the size did not come with the metadata: $row"

# Restarted, it is still complete: its resume data was saved under its id.
as leecher coop agent stop >/dev/null
[ "$(as leecher coop fetch --list --json | jq -r '.[0].state')" = complete ] || fail "not complete after a restart"

expect_error 1 "already in the agent under another of its info-hashes (id ${v1:0:16}); use that id" \
  as leecher coop fetch "$(jq -r .magnet <<<"$share")"
[ "$(as leecher coop fetch --list --json | jq length)" = 1 ] || fail "the same bytes were added twice"
log "ok"
