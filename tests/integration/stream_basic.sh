# coop stream: a video shared by one agent streams at another. The bytes of
# `-o -` equal the file; ffprobe reads the stream URL; a Range request in
# the middle returns the right bytes before the whole file is there.
. "$(dirname "$0")/lib.sh"

ffmpeg -v error -f lavfi -i testsrc=size=640x360:rate=25 -f lavfi -i sine=frequency=440 -t 6 \
  -c:v libx264 -preset ultrafast -c:a aac "$WORK/clip.mp4" || fail "ffmpeg could not make the test video"
start_agent seeder 2
start_agent viewer 3 --peer "$(listen_of seeder)"
magnet=$(as seeder coop share "$WORK/clip.mp4" --json | jq -r .magnet)

as viewer coop stream "$magnet" -o - > "$WORK/out.mp4" || fail "coop stream -o - failed"
cmp "$WORK/out.mp4" "$WORK/clip.mp4" || fail "the streamed bytes differ from the file"

url=$(as viewer coop stream "$magnet" --player none)
[[ $url =~ ^http://127\.0\.0\.1:[0-9]+/[0-9a-f]{32}/[0-9a-f]{16}/0$ ]] || fail "not a local stream URL with a token: $url"
duration=$(timeout 30 ffprobe -v error -show_entries format=duration -of csv=p=0 "$url") || fail "ffprobe cannot read $url"
[ "${duration%%.*}" = 6 ] || fail "ffprobe saw $duration s, not 6"
timeout 60 ffmpeg -v error -i "$url" -f null - || fail "ffmpeg could not decode the stream to the end"

# Real players, headless, to the end.
if command -v mpv >/dev/null; then
  timeout 90 mpv --no-config --really-quiet --vo=null --ao=null "$url" || fail "mpv did not play the stream to the end"
fi
SDL_AUDIODRIVER=dummy timeout 90 ffplay -v error -nodisp -autoexit "$url" || fail "ffplay did not play the stream to the end"

# Without the token, nothing.
code=$(curl -s -o /dev/null -w '%{http_code}' "${url%/*/*/*}/0000000000000000/0")
[ "$code" = 404 ] || fail "a URL without the token got HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -r 999999999- "$url")
[ "$code" = 416 ] || fail "a range past the end got HTTP $code"

# A slow seeder (1 MiB/s) and a 12 MiB file: the middle comes first.
random_file "$WORK/big.mkv" 12
start_agent slow 4 --upload-limit 1M
start_agent late 5 --peer "$(listen_of slow)"
magnet=$(as slow coop share "$WORK/big.mkv" --json | jq -r .magnet)
url=$(as late coop stream "$magnet" --json --player none | jq -r .url)
offset=$((8 * 1048576))
timeout 60 curl -s -r "$offset-$((offset + 65535))" "$url" > "$WORK/middle" || fail "the range request failed"
cmp "$WORK/middle" <(tail -c +$((offset + 1)) "$WORK/big.mkv" | head -c 65536) || fail "the range came back wrong"
done_bytes=$(as late coop fetch --list --json | jq '.[0].done')
log "the range at 8 MiB arrived with $done_bytes of $((12 * 1048576)) bytes here"
[ "$done_bytes" -lt $((12 * 1048576)) ] || fail "the range was served only after the whole file had arrived"
log "ok"
