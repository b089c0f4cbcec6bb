"""The reference clients' processes: waiting for their completion marks,
and stopping them (SIGTERM to each process group, SIGKILL after 5 s)."""

import os
import signal
import subprocess
import time


def wait_done(done_files, leechers, t0, limit):
    """Seconds from t0 to each leecher's mark (a file holding the wall time
    it finished), or None for those not done within `limit` seconds."""
    end = time.monotonic() + limit
    done = {}
    while len(done) < len(leechers) and time.monotonic() < end:
        for i in leechers:
            if i not in done and os.path.exists(done_files[i]):
                with open(done_files[i]) as f:
                    done[i] = float(f.read().strip()) - t0
        time.sleep(0.1)
    return {i: done.get(i) for i in leechers}


def stop_all(procs):
    for p in procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 5
    for p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
