# Ctrl-C during a fetch leaves the download paused in the agent; the same
# command resumes it from where it was and completes it.
. "$(dirname "$0")/lib.sh"

size_mib=24
random_file "$WORK/film.bin" $size_mib
start_agent seeder 2 --upload-limit 4M
start_agent leecher 3 --peer "$(listen_of seeder)"
magnet=$(as seeder coop share "$WORK/film.bin" --json | jq -r .magnet)

# Started directly (not through a function) so $! is the fetch itself.
COOP_HOME="$(home leecher)" coop fetch "$magnet" -o "$WORK/dl" --json > "$WORK/first.jsonl" 2> "$WORK/first.err" &
fetch_pid=$!
some() { [ "$(tail -n1 "$WORK/first.jsonl" | jq -r '.done // 0')" -ge $((4 * 1048576)) ]; }
wait_until 60 some
kill -INT "$fetch_pid"
rc=0; wait "$fetch_pid" || rc=$?
[ "$rc" -eq 130 ] || fail "Ctrl-C should exit 130, got $rc"
grep -q "is paused; run the same command to resume" "$WORK/first.err" || fail "no word of the pause: $(cat "$WORK/first.err")"
[ "$(wc -l < "$WORK/first.err")" -eq 1 ] || fail "more than one line on stderr: $(cat "$WORK/first.err")"

paused() { [ "$(as leecher coop fetch --list --json | jq -r '.[0].state')" = paused ]; }
wait_until 10 paused
as leecher coop agent status --json | jq -e .running >/dev/null || fail "the agent stopped with the command"

as leecher coop fetch "$magnet" -o "$WORK/dl" --json > "$WORK/second.jsonl" || fail "the same command did not resume"
[ "$(sha "$WORK/dl/film.bin")" = "$(sha "$WORK/film.bin")" ] || fail "the file differs after resuming"
have=$(tail -n1 "$WORK/second.jsonl" | jq -r .have_at_start)
[ "$have" -ge $((4 * 1048576)) ] || fail "the resumed fetch started from $have bytes, not from where it paused"
log "ok"
