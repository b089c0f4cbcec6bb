"""Raw libtorrent in the lab (lt_swarm_peer.py on every host), with the
agent's own settings: the control that shows what coop's engine settings
give without the rest of the agent, and, with --lt-set NAME=VALUE, what a
change of them would give (seed:NAME=VALUE or leech:NAME=VALUE for one
side only; piece_size=BYTES makes the torrent with pieces of that size).
Every leecher dials the seeder and every other
leecher (a full mesh, as coop's leechers form through the DHT).
"""
import os
import subprocess
import time

from lab_procs import stop_all, wait_done
from lab_net import LabError, host_addr
from lab_torrent import make_torrent

BT_PORT = 6881
PEER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lt_swarm_peer.py")


def missing():
    r = subprocess.run(["/usr/bin/python3", "-c", "import libtorrent"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return None if r.returncode == 0 else "python3-libtorrent (apt-get install -y python3-libtorrent)"


class LtSwarm:
    def __init__(self, lab, tmp, log, overrides, trace=False):
        self.lab, self.log, self.overrides, self.trace = lab, log, list(overrides), trace
        self.dir = os.path.join(tmp, "libtorrent")
        self.procs = []
        os.makedirs(self.dir, exist_ok=True)

    def _spawn(self, i, args, name, limit):
        out = open(os.path.join(self.dir, name + ".log"), "ab")
        role = "seed" if "--seed" in args else "leech"
        sets = []
        for kv in self.overrides:  # seed:NAME=VALUE and leech:NAME=VALUE apply to one side only
            who, setting = kv.split(":", 1) if ":" in kv.split("=", 1)[0] else ("", kv)
            if who in ("", role):
                sets += ["--set", setting]
        if self.trace:  # every peer message, as coopd.log has them at --log-level trace
            sets += ["--log", os.path.join(self.dir, name + ".trace.log")]
        try:
            p = subprocess.Popen(["timeout", "-k", "5", str(int(limit))] +
                                 self.lab.cmd(i, ["/usr/bin/python3", PEER] + args + sets),
                                 stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                 start_new_session=True)
        finally:
            out.close()
        self.procs.append(p)
        return p

    def _ready(self, name, p, seconds=30):
        path = os.path.join(self.dir, name + ".log")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with open(path, errors="replace") as f:
                if "READY" in f.read():
                    return
            if p.poll() is not None:
                break
            time.sleep(0.05)
        raise LabError("the libtorrent seeder did not start (see %s)" % path)

    def run(self, seed_file, seeder, leechers, limit):
        torrent = os.path.join(self.dir, "payload.torrent")
        # piece_size=BYTES is not a session setting: the torrent's piece size.
        piece = [int(kv.split("=", 1)[1]) for kv in self.overrides if kv.startswith("piece_size=")]
        self.overrides = [kv for kv in self.overrides if not kv.startswith("piece_size=")]
        _, self.piece_size = make_torrent(seed_file, torrent, "http://%s/announce" % host_addr(seeder),
                                          piece[-1] if piece else None)
        span = limit + 60
        listen = {i: "%s:%d" % (host_addr(i), BT_PORT) for i in [seeder] + leechers}
        p = self._spawn(seeder, [torrent, os.path.dirname(seed_file), "--listen", listen[seeder], "--seed"],
                        "seed", span)
        self._ready("seed", p)
        done_file = {i: os.path.join(self.dir, "h%d.done" % i) for i in leechers}
        self.dl = {i: os.path.join(self.dir, "dl", "h%d" % i) for i in leechers}
        t0 = time.time()
        for i in leechers:
            os.makedirs(self.dl[i], exist_ok=True)
            peers = [x for j in [seeder] + leechers if j != i for x in ("--peer", listen[j])]
            self._spawn(i, [torrent, self.dl[i], "--listen", listen[i], "--done", done_file[i]] + peers,
                        "h%d" % i, span)
        done = wait_done(done_file, leechers, t0, limit)
        self.stop()
        return done

    def stop(self):
        stop_all(self.procs)
        self.procs = []
