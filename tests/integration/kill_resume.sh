# The fetching agent is killed with SIGKILL midway; the same command starts
# it again and resumes: verified pieces are not fetched again, and the
# result is byte-identical.
. "$(dirname "$0")/lib.sh"

size_mib=48
random_file "$WORK/big.bin" $size_mib
# A slow seeder (4 MiB/s) so the kill lands midway.
start_agent seeder 2 --upload-limit 4M
start_agent leecher 3 --peer "$(listen_of seeder)"
magnet=$(as seeder coop share "$WORK/big.bin" --json | jq -r .magnet)

as leecher coop fetch "$magnet" -o "$WORK/dl" --json > "$WORK/first.jsonl" 2>"$WORK/first.err" &
fetch_pid=$!
# Wait until a third of it has arrived, then kill the agent, not the command.
third() { [ "$(tail -n1 "$WORK/first.jsonl" | jq -r '.done // 0')" -ge $((size_mib * 1048576 / 3)) ]; }
wait_until 60 third
leecher_pid=$(pid_of leecher)
kill -9 "$leecher_pid"
rc=0; wait "$fetch_pid" || rc=$?
[ "$rc" -eq 1 ] || fail "fetch should fail with 1 when its agent dies, got $rc"
grep -q "the agent stopped or crashed" "$WORK/first.err" || fail "no clear error when the agent died: $(cat "$WORK/first.err")"
before=$(tail -n1 "$WORK/first.jsonl" | jq -r .done)

# The same command again: the agent starts by itself with its saved settings.
as leecher coop fetch "$magnet" -o "$WORK/dl" --json > "$WORK/second.jsonl" || fail "the resumed fetch failed"
[ "$(sha "$WORK/dl/big.bin")" = "$(sha "$WORK/big.bin")" ] || fail "the resumed file differs"
[ "$(pid_of leecher)" != "$leecher_pid" ] || fail "the agent was not restarted"

done_line=$(tail -n1 "$WORK/second.jsonl")
downloaded=$(jq -r .downloaded <<<"$done_line")
have=$(jq -r .have_at_start <<<"$done_line")
total=$((size_mib * 1048576))
log "had $before bytes when killed; restart began with $have; downloaded $downloaded of $total"
[ "$have" -gt 0 ] || fail "the restarted agent kept nothing of the first run"
# Resume data is saved every 2 s, so at most a few seconds of data
# (4 MiB/s) is fetched twice; never the whole file again.
[ "$downloaded" -le $((total - have + 4 * 1048576)) ] || fail "fetched $downloaded bytes again; expected at most $((total - have)) plus one block of slack"
[ "$downloaded" -lt "$total" ] || fail "the whole file was fetched again"
log "ok"
