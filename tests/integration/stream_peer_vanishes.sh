# The only seeder of a stream vanishes (kill -9) mid-stream: the stream
# stalls, and resumes when another peer with the file appears; the bytes
# written are the file's, and the agent counted the stall.
. "$(dirname "$0")/lib.sh"

ffmpeg -v error -f lavfi -i "nullsrc=size=1280x720:rate=25,geq=random(1)*255:128:128" -t 16 \
  -c:v libx264 -preset ultrafast -b:v 4M -maxrate 4M -bufsize 8M -g 50 -movflags +faststart "$WORK/film.mp4" ||
  fail "ffmpeg could not make the test video"
size=$(stat -c %s "$WORK/film.mp4")

start_agent first 2 --upload-limit 1M
start_agent viewer 3 --peer "$(listen_of first)"
magnet=$(as first coop share "$WORK/film.mp4" --json | jq -r .magnet)

as viewer coop stream "$magnet" -o "$WORK/out.mp4" 2> "$WORK/stream.err" &
stream=$!
written() { [ "$(stat -c %s "$WORK/out.mp4" 2>/dev/null || echo 0)" -gt $((2 * 1048576)) ]; }
wait_until 60 written
kill -9 "$(pid_of first)"
log "the seeder is gone with $(stat -c %s "$WORK/out.mp4") of $size bytes written"
stalled() { [ "$(as viewer coop stream --stats --json | jq '.[-1].stalled_now')" = true ]; }
wait_until 60 stalled

# Another peer with the same file appears; the viewer is told where.
start_agent second 4
as second coop share "$WORK/film.mp4" > /dev/null
id=$(as viewer coop fetch --list --json | jq -r '.[0].id')
as viewer coop fetch "$id" --peer "$(listen_of second)" --detach > /dev/null || fail "could not add the second peer"

wait "$stream" || fail "coop stream -o failed after the second peer came: $(cat "$WORK/stream.err")"
cmp "$WORK/out.mp4" "$WORK/film.mp4" || fail "the streamed bytes differ from the file"
stalls=$(as viewer coop stream --stats --json | jq '.[-1].stalls')
log "the agent counted $stalls stall(s)"
[ "$stalls" -ge 1 ] || fail "the agent counted no stall while no peer had the file"
log "ok"
