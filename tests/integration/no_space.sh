# The disk fills during a fetch: one clear error, the download paused with
# nothing corrupted, and once there is room the same command finishes it.
. "$(dirname "$0")/lib.sh"

small="$WORK/small"
mkdir -p "$small"
if ! mount -t tmpfs -o size=6m tmpfs "$small" 2>/dev/null; then
  log "SKIP: cannot mount a small tmpfs here (needs root)"
  exit 77
fi
unmount() { umount "$small" 2>/dev/null || true; }
trap 'unmount; cleanup' EXIT

random_file "$WORK/big.bin" 16
start_agent seeder 2
start_agent leecher 3 --peer "$(listen_of seeder)"
magnet=$(as seeder coop share "$WORK/big.bin" --json | jq -r .magnet)

expect_error 1 "no space left on the device holding $small/big.bin; free some space (or fetch into another folder with -o DIR) and run the same command to resume" \
  as leecher coop fetch "$magnet" -o "$small"
row=$(as leecher coop fetch --list --json | jq -c '.[0]')
[ "$(jq -r .state <<<"$row")" = paused ] || fail "the download is not paused after the disk filled: $row"
as leecher coop agent status --json | jq -e .running >/dev/null || fail "the agent died when the disk filled"

# Make room, run the same command: it resumes and completes.
mount -o remount,size=64m "$small" || fail "cannot grow the tmpfs"
as leecher coop fetch "$magnet" -o "$small" >/dev/null || fail "the fetch did not resume once there was room"
[ "$(sha "$small/big.bin")" = "$(sha "$WORK/big.bin")" ] || fail "the file differs after resuming"
log "ok"
