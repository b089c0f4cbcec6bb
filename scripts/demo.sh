#!/usr/bin/env bash
# The main job, end to end: installs, builds, then starts two private agents
# (alice and bob, each with its own COOP_HOME, on loopback, --no-public),
# shares a sample video from alice and fetches it at bob with a progress bar.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
bin="$PWD/build/bin"
export PATH="$bin:$PATH"

demo=${COOP_DEMO_DIR:-/tmp/coop-demo}
for who in alice bob; do COOP_HOME="$demo/$who" coop agent stop >/dev/null 2>&1 || true; done
rm -rf "$demo"
mkdir -p "$demo/alice/videos"
sample="$demo/alice/videos/sample.mp4"
echo "== making a 40 s sample video with ffmpeg"
ffmpeg -v error -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440 -t 40 \
  -c:v libx264 -preset veryfast -b:v 3M -c:a aac -movflags +faststart "$sample"

echo "== starting alice's agent (127.0.0.2, private mode; upload limited to 4 MiB/s so the bar has time to show)"
COOP_HOME="$demo/alice" coop agent start --listen 127.0.0.2:0 --no-public --upload-limit 4M
alice=$(COOP_HOME="$demo/alice" coop agent status --json | jq -r .listen)
echo "== starting bob's agent (127.0.0.3), told where alice is"
COOP_HOME="$demo/bob" coop agent start --listen 127.0.0.3:0 --no-public --peer "$alice"

echo "== alice shares the video"
COOP_HOME="$demo/alice" coop share "$sample"
magnet=$(COOP_HOME="$demo/alice" coop share "$sample" --json | jq -r .magnet)

echo "== bob fetches it by its magnet link"
COOP_HOME="$demo/bob" coop fetch "$magnet" -o "$demo/bob/videos"

got="$demo/bob/videos/sample.mp4"
if cmp -s "$sample" "$got"; then echo "== identical: $got"; else echo "== MISMATCH" >&2; exit 1; fi
cat <<MSG

It landed in $got (sha256 $(sha256sum "$got" | cut -c1-16)...).
Both agents are still running. To go on:
  export PATH=$bin:\$PATH
  COOP_HOME=$demo/alice coop share --list          # alice's shares, peers, uploaded bytes
  COOP_HOME=$demo/bob coop fetch --list            # bob's downloads
  COOP_HOME=$demo/bob coop agent status            # peer id, listen address, DHT nodes
  mpv $got                                         # watch it (apt-get install mpv)
  COOP_HOME=$demo/alice coop share ~/Videos/x.mkv  # share your own files
  man -l man/coop.1                                # the manual
Stop them with:
  COOP_HOME=$demo/alice coop agent stop; COOP_HOME=$demo/bob coop agent stop
MSG
