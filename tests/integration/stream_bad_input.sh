# coop stream's bad input: one clear line on stderr and the right exit code;
# a file FFmpeg cannot read is an error for a player and plain bytes (with a
# warning) for -o; --info tells what FFmpeg reads; a stream port in use.
. "$(dirname "$0")/lib.sh"

ffmpeg -v error -f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440 -t 3 \
  -c:v libx264 -preset ultrafast -c:a aac "$WORK/clip.mp4" || fail "ffmpeg could not make the test video"
mkdir "$WORK/album"
cp "$WORK/clip.mp4" "$WORK/album/clip.mp4"
seq 1 200000 > "$WORK/album/notes.txt"
seq 1 100000 > "$WORK/notes.txt"

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_agent a 2 --stream-port "$port"
clip=$(as a coop share "$WORK/clip.mp4" --json | jq -r .id)
notes=$(as a coop share "$WORK/notes.txt" --json | jq -r .id)
album=$(as a coop share "$WORK/album" --json | jq -r .id)

# Usage errors: exit 2, before anything is fetched.
expect_error 2 "SOURCE is required" as a coop stream
expect_error 2 "--stats takes no SOURCE" as a coop stream --stats "$clip"
expect_error 2 "--start 'soon' is not a time like 90, 1:30 or 1:02:03" as a coop stream "$clip" --start soon
expect_error 2 "--start 'soon' is not a time" as a coop stream "$clip" --start soon
expect_error 2 "--start needs a player" as a coop stream "$clip" --start 1 -o -
expect_error 2 "see coop stream --help" as a coop stream "$clip" --player vlc

# The wrong file.
expect_error 1 "no file '7' in the torrent; pick one of 0: album/clip.mp4, 1: album/notes.txt" as a coop stream "$album" --file 7 --player none
url=$(as a coop stream "$album" --player none) || fail "streaming the album failed"
[ "${url##*/}" = 0 ] || fail "the album's largest playable file is not the one streamed: $url"
case $url in "http://127.0.0.1:$port/"*) ;; *) fail "the stream is not on --stream-port $port: $url" ;; esac

# Not audio or video: an error for a player, plain bytes with a warning for -o.
expect_error 1 "notes.txt is not audio or video FFmpeg can read" as a coop stream "$notes" --player mpv
expect_error 1 "notes.txt is not audio or video FFmpeg can read" as a coop stream "$notes" --info
out=$(as a coop stream "$notes" -o "$WORK/notes.out" 2>&1) || fail "coop stream -o of a text file failed: $out"
case $out in "coop stream: warning: FFmpeg cannot read notes.txt"*) ;; *) fail "no warning for a text file: $out" ;; esac
cmp "$WORK/notes.out" "$WORK/notes.txt" || fail "the text file's bytes differ"

# --info tells what FFmpeg reads.
info=$(as a coop stream "$clip" --info) || fail "coop stream --info failed"
printf '%s\n' "$info" | grep -q '^video *h264 320x240 25 fps' || fail "--info shows no h264 video line: $info"
printf '%s\n' "$info" | grep -q '^audio *aac' || fail "--info shows no aac audio line: $info"
printf '%s\n' "$info" | grep -q '^duration *3s' || fail "--info shows no duration of 3 s: $info"
[ "$(as a coop stream "$clip" --info --json | jq -r '.media.streams[0].codec')" = h264 ] || fail "--info --json has no codec"

# A stream port in use: the second agent says so and does not start.
expect_error 1 "cannot serve streams on 127.0.0.1:$port: Address already in use; pick another --stream-port, or 0 for any free port" \
  env COOP_HOME="$WORK/b" coop agent start --listen "$(ip 3):0" --no-public --stream-port "$port"
expect_error 1 "--stream-port 'web' is not a port number" env COOP_HOME="$WORK/c" coop agent start --stream-port web

# The agent is fine after all that.
as a coop stream "$clip" -o - | cmp - "$WORK/clip.mp4" || fail "the agent cannot stream after the bad input"
log "ok"
