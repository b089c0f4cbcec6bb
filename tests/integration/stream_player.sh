# coop stream with a real mpv: a player that quits early leaves the
# download going (or paused with --pause-on-quit); a player that crashes is
# reported with its signal; a killed coop stream takes its player with it.
. "$(dirname "$0")/lib.sh"
command -v mpv >/dev/null || { log "skipped: mpv is not installed"; exit 77; }

ffmpeg -v error -f lavfi -i "nullsrc=size=1280x720:rate=25,geq=random(1)*255:128:128" -t 16 \
  -c:v libx264 -preset ultrafast -b:v 4M -maxrate 4M -bufsize 8M -g 50 -movflags +faststart "$WORK/film.mp4" ||
  fail "ffmpeg could not make the test video"
# Headless mpv for every run below, through its own config, as a user would set it.
export MPV_HOME="$WORK/mpv"
mkdir -p "$MPV_HOME"
printf 'vo=null\nao=null\nreally-quiet\n' > "$MPV_HOME/mpv.conf"

start_agent seeder 2 --upload-limit 1M
magnet=$(as seeder coop share "$WORK/film.mp4" --json | jq -r .magnet)
state_of() { as "$1" coop fetch --list --json | jq -r '.[0].state'; }

# Quits after a second of play (exit 0): with --pause-on-quit the download pauses...
start_agent quitter 3 --peer "$(listen_of seeder)"
echo 'end=1' >> "$MPV_HOME/mpv.conf"
as quitter coop stream "$magnet" --player mpv --pause-on-quit > /dev/null || fail "coop stream failed when mpv quit early"
[ "$(state_of quitter)" = paused ] || fail "the download is $(state_of quitter), not paused, after mpv quit early"
as quitter coop fetch "$magnet" > /dev/null || fail "the paused download did not resume"
cmp "$(home quitter)/downloads/film.mp4" "$WORK/film.mp4" || fail "the resumed download differs"
# ...and without it, it goes on to the end.
start_agent stayer 4 --peer "$(listen_of seeder)"
as stayer coop stream "$magnet" --player mpv > /dev/null || fail "coop stream failed when mpv quit early"
[ "$(state_of stayer)" != paused ] || fail "the download paused although --pause-on-quit was not given"
complete() { [ "$(state_of stayer)" = complete ]; }
wait_until 60 complete
sed -i '/^end=/d' "$MPV_HOME/mpv.conf"

# --start 12 of 16 s: the pieces there come first (the seeder sends 512 KiB/s,
# so mpv playing 12-13 s and quitting is done long before the file is).
start_agent slow 7 --upload-limit 512K
as slow coop share "$WORK/film.mp4" > /dev/null
start_agent seeker 8 --peer "$(listen_of slow)"
echo 'end=13' >> "$MPV_HOME/mpv.conf"
as seeker coop stream "$magnet" --player mpv --start 12 > /dev/null || fail "mpv did not play from --start 12"
sed -i '/^end=/d' "$MPV_HOME/mpv.conf"
size=$(stat -c %s "$WORK/film.mp4")
have=$(as seeker coop fetch --list --json | jq '.[0].done')
at=$(as seeker coop stream --stats --json | jq '.[-1].start_offset')
log "played 12-13 s with $have of $size bytes here; 12 s lies at byte $at"
[ "$at" -gt $((size / 2)) ] || fail "the agent did not find 12 s in the second half of the file (byte $at)"
[ "$have" -lt $((size / 2)) ] || fail "playing from 12 s needed $have of $size bytes (half or more)"

# A seek while playing: mpv plays a second from the start, then jumps to
# 12 s and quits at 13 s (the download pauses then). The piece picker
# follows the seek at once: the bytes at 12 s are there and right while a
# stretch before them was never fetched (sparse file: still zeros).
start_agent jumper 9 --peer "$(listen_of slow)"
mkdir -p "$MPV_HOME/scripts"
cat > "$MPV_HOME/scripts/jump.lua" <<'LUA'
local jumped = false
mp.observe_property("time-pos", "number", function(_, t)
  if t == nil then return end
  if not jumped and t >= 1 then jumped = true; mp.commandv("seek", "12", "absolute")
  elseif jumped and t >= 13 then mp.command("quit") end
end)
LUA
as jumper coop stream "$magnet" --player mpv --pause-on-quit > /dev/null || fail "mpv did not play across a seek"
rm "$MPV_HOME/scripts/jump.lua"
seeks=$(as jumper coop stream --stats --json | jq '.[-1].seeks')
[ "$seeks" -ge 1 ] || fail "the agent did not see mpv seek"
at12=$(ffprobe -v error -select_streams v -read_intervals 12%+1 -show_entries packet=pos,flags -of csv=p=0 "$WORK/film.mp4" |
  awk -F, '$2 ~ /K/ {print $1; exit}')
[ -n "$at12" ] || fail "ffprobe found no key frame at 12 s"
got=$(home jumper)/downloads/film.mp4
cmp -s <(tail -c +$((at12 + 1)) "$got" | head -c 262144) <(tail -c +$((at12 + 1)) "$WORK/film.mp4" | head -c 262144) ||
  fail "the bytes at 12 s (byte $at12) did not arrive"
hole=""
for ((o = at12 / 2 / 262144 * 262144; o + 262144 <= at12; o += 262144)); do
  if [ "$(head -c $((o + 262144)) "$got" | tail -c 262144 | tr -d '\0' | wc -c)" = 0 ]; then hole=$o; break; fi
done
[ -n "$hole" ] || fail "everything from byte $((at12 / 2)) to 12 s (byte $at12) was fetched: the seek did not move the picker"
log "played 0-1 s, seeked to 12 s (byte $at12): its bytes came while byte $hole was still not fetched"

# mpv crashes: coop stream says how, exits 1, and the download goes on.
start_agent crash 5 --peer "$(listen_of seeder)"
(COOP_HOME=$(home crash) exec coop stream "$magnet" --player mpv > /dev/null 2> "$WORK/crash.err") &
stream=$!  # coop execs coop-stream: this is the process mpv runs under
player() { pgrep -P "$stream" -x mpv; }
wait_until 60 player
kill -SEGV "$(player)"
rc=0
wait "$stream" || rc=$?
[ "$rc" = 1 ] || fail "coop stream exited $rc after mpv crashed: $(cat "$WORK/crash.err")"
grep -qF "coop stream: mpv was killed by signal 11 (Segmentation fault); its download goes on (coop fetch --list)" "$WORK/crash.err" ||
  fail "the crash was not reported as expected: $(cat "$WORK/crash.err")"
[ "$(wc -l < "$WORK/crash.err")" = 1 ] || fail "more than one line of error: $(cat "$WORK/crash.err")"

# coop stream killed outright (kill -9): its mpv ends too, no orphan.
start_agent orphan 6 --peer "$(listen_of seeder)"
(COOP_HOME=$(home orphan) exec coop stream "$magnet" --player mpv > /dev/null 2>&1) &
stream=$!
wait_until 60 player
mpv_pid=$(player)
kill -9 "$stream"
gone() { ! ps -o stat= -p "$mpv_pid" | grep -qv Z; }  # a zombie nobody reaps counts as gone
wait_until 30 gone
log "ok"
