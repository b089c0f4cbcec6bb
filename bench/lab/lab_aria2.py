"""aria2c in the lab, the reference client: the same hosts, links and file.

aria2c cannot be given a peer's address, so the swarm meets at Debian's
opentracker (whitelist-only, it chroots) on the bridge's address. aria2c
reads only v1 torrents correctly (1.36), so it gets a v1 torrent with the
piece size libtorrent picks for coop's torrent of the same size. Leechers
seed on after completing (as coop's agents do), and a hook records the
moment each one has every piece verified.
"""
import os
import shutil
import subprocess
import time
import urllib.parse

from lab_procs import stop_all, wait_done
from lab_net import BRIDGE_ADDR, LabError, host_addr
from lab_torrent import make_torrent

TRACKER_PORT = 6969
BT_PORT = 6881
COMMON = ["--no-conf", "--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
          "--enable-peer-exchange=true", "--summary-interval=0", "--console-log-level=warn",
          "--disable-ipv6=true", "--seed-ratio=0.0", "--bt-max-peers=0"]


def missing_tools():
    return [t for t in ("/usr/bin/aria2c", "/usr/bin/opentracker") if not os.access(t, os.X_OK)]


class Aria2Swarm:
    def __init__(self, lab, tmp, log):
        self.lab, self.log = lab, log
        self.dir = os.path.join(tmp, "aria2")
        self.procs = []
        os.makedirs(self.dir, exist_ok=True)

    def _spawn(self, argv, name, limit, env=None):
        out = open(os.path.join(self.dir, name + ".log"), "ab")
        try:
            p = subprocess.Popen(["timeout", "-k", "5", str(int(limit))] + argv, stdout=out, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL, start_new_session=True, env=env)
        finally:
            out.close()
        self.procs.append(p)
        return p

    def _scrape_complete(self, info_hash):
        q = urllib.parse.quote(bytes.fromhex(info_hash))
        url = "http://%s:%d/scrape?info_hash=%s" % (BRIDGE_ADDR, TRACKER_PORT, q)
        code = ("import re,sys,urllib.request\n"
                "b=urllib.request.urlopen(sys.argv[1],timeout=2).read()\n"
                "m=re.search(rb'completei(\\d+)e',b)\n"
                "print(m.group(1).decode() if m else 0)")
        r = subprocess.run(self.lab.bridge_cmd(["/usr/bin/python3", "-c", code, url]), stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True, timeout=10)
        return int(r.stdout.strip() or 0) if r.returncode == 0 else 0

    def run(self, seed_file, seeder, leechers, limit):
        """Seeder host SEEDER, leecher hosts LEECHERS; returns per-leecher
        completion seconds (None if not done within LIMIT) and t0."""
        torrent = os.path.join(self.dir, "payload.torrent")
        announce = "http://%s:%d/announce" % (BRIDGE_ADDR, TRACKER_PORT)
        info_hash, piece = make_torrent(seed_file, torrent, announce)
        self.piece_size = piece
        root = os.path.join(self.dir, "tracker")
        os.makedirs(root, exist_ok=True)
        os.chmod(root, 0o755)
        with open(os.path.join(root, "whitelist.txt"), "w") as f:
            f.write(info_hash + "\n")
        os.chmod(os.path.join(root, "whitelist.txt"), 0o644)
        conf = os.path.join(self.dir, "opentracker.conf")
        with open(conf, "w") as f:
            f.write("access.whitelist /whitelist.txt\ntracker.rootdir %s\ntracker.user nobody\n" % root)
        span = limit + 120
        self._spawn(self.lab.bridge_cmd(["/usr/bin/opentracker", "-i", BRIDGE_ADDR, "-p", str(TRACKER_PORT),
                                         "-P", str(TRACKER_PORT), "-f", conf]), "opentracker", span)
        self._spawn(self.lab.cmd(seeder, ["/usr/bin/aria2c", "--interface=" + host_addr(seeder),
                                          "--listen-port=%d" % BT_PORT, "--dir=" + os.path.dirname(seed_file),
                                          "--bt-seed-unverified=true"] + COMMON + [torrent]), "seed", span)
        deadline = time.monotonic() + 60
        while self._scrape_complete(info_hash) < 1:
            if time.monotonic() > deadline or any(p.poll() is not None for p in self.procs):
                raise LabError("the aria2c seeder never showed up at the tracker (see %s/*.log)" % self.dir)
            time.sleep(0.2)
        hook = os.path.join(self.dir, "done.sh")
        with open(hook, "w") as f:
            # aria2c runs it once every piece is verified, before it seeds on.
            f.write('#!/bin/sh\n/usr/bin/python3 -c "import time; print(time.time())" > "$LAB_DONE.tmp"\n'
                    'mv "$LAB_DONE.tmp" "$LAB_DONE"\n')
        os.chmod(hook, 0o755)
        done_file = {i: os.path.join(self.dir, "h%d.done" % i) for i in leechers}
        self.dl = {i: os.path.join(self.dir, "dl", "h%d" % i) for i in leechers}
        t0 = time.time()
        for i in leechers:
            os.makedirs(self.dl[i], exist_ok=True)
            env = dict(os.environ, LAB_DONE=done_file[i])
            self._spawn(self.lab.cmd(i, ["/usr/bin/aria2c", "--interface=" + host_addr(i),
                                         "--listen-port=%d" % BT_PORT, "--dir=" + self.dl[i],
                                         "--file-allocation=falloc", "--on-bt-download-complete=" + hook]
                                     + COMMON + [torrent]), "h%d" % i, span, env=env)
        done = wait_done(done_file, leechers, t0, limit)
        self.stop()
        return done

    def stop(self):
        stop_all(self.procs)
        self.procs = []

    def remove_downloads(self):
        shutil.rmtree(os.path.join(self.dir, "dl"), ignore_errors=True)
