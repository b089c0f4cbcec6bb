# coop stream of an MP4 whose index (moov) is written after the media: the
# first frame decodes before half of the file has arrived, with the seeder
# limited to 1 MiB/s so the order of the pieces shows. Then the rest
# arrives behind it and the whole file is seeded, identical.
. "$(dirname "$0")/lib.sh"

ffmpeg -v error -f lavfi -i "nullsrc=size=1280x720:rate=25,geq=random(1)*255:128:128" -t 24 \
  -c:v libx264 -preset ultrafast -b:v 4M -maxrate 4M -bufsize 8M -g 50 "$WORK/late.mp4" ||
  fail "ffmpeg could not make the test video"
size=$(stat -c %s "$WORK/late.mp4")
moov=$(ffprobe -v trace "$WORK/late.mp4" 2>&1 | grep -o "type:'moov' parent:'root' sz: [0-9]* [0-9]*" | awk '{print $5}')
[ "${moov:-0}" -gt $((size / 2)) ] || fail "the test video's moov is not at its end (offset ${moov:-none} of $size)"

start_agent seeder 2 --upload-limit 1M
start_agent viewer 3 --peer "$(listen_of seeder)"
magnet=$(as seeder coop share "$WORK/late.mp4" --json | jq -r .magnet)

url=$(as viewer coop stream "$magnet" --player none) || fail "coop stream failed"
timeout 60 ffmpeg -v error -i "$url" -frames:v 1 -f null - || fail "ffmpeg could not decode a first frame"
have=$(as viewer coop fetch --list --json | jq '.[0].done')
log "first frame decoded with $have of $size bytes here"
[ "$have" -lt $((size / 2)) ] || fail "the first frame needed $have of $size bytes (half or more)"

first_frame=$(as viewer coop stream --stats --json | jq '.[-1].first_frame_ms')
[ "$first_frame" != null ] || fail "the agent did not time the first frame"
log "the agent saw the first frame possible after $first_frame ms"

as viewer coop fetch "$magnet" > /dev/null || fail "the rest of the file did not arrive"
cmp "$(home viewer)/downloads/late.mp4" "$WORK/late.mp4" || fail "the file differs after streaming"
log "ok"
