"""coop agents on the lab's hosts, driven only through the coop command.

Each host's agent has its own COOP_HOME under the run's temp dir and is
started inside the host's namespace (the agent inherits it), listening on
the host's address with --no-public. Every coop command runs inside the
host's namespace too, so one that finds no agent could never start one on
the machine's own network.
"""
import json
import os
import subprocess
import threading
import time

from lab_net import LabError, host_addr

BT_PORT = 6881


class CoopHosts:
    def __init__(self, lab, tmp, bin_dir, log, log_level=None):
        self.lab, self.tmp, self.bin, self.log = lab, tmp, bin_dir, log
        self.log_level = log_level
        self.coop = os.path.join(bin_dir, "coop")
        self.env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
        for k in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            self.env.pop(k, None)

    def home(self, i):
        return os.path.join(self.tmp, "coop", "h%d" % i)

    def listen(self, i):
        return "%s:%d" % (host_addr(i), BT_PORT)

    def argv(self, i, *args, limit=60):
        return self.lab.cmd(i, ["env", "COOP_HOME=" + self.home(i), "timeout", "-k", "5", str(int(limit)),
                                self.coop] + [str(a) for a in args])

    def run(self, i, *args, limit=60, check=True):
        r = subprocess.run(self.argv(i, *args, limit=limit), env=self.env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=limit + 10)
        if check and r.returncode != 0:
            last = (r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[-1]
            raise LabError("host %d: coop %s failed: %s" % (i, " ".join(map(str, args[:2])), last))
        return r

    def run_json(self, i, *args, limit=60):
        return json.loads(self.run(i, *args, "--json", limit=limit).stdout)

    def popen(self, i, args, out_path, limit, t0=None):
        """A coop command in host i, its stdout and stderr in OUT_PATH; a
        process group of its own, so a Ctrl-C reaches only the lab. With T0
        each line gets the seconds since T0 in front (monotonic clock)."""
        out = open(out_path, "ab")
        argv = self.argv(i, *args, limit=limit)
        if t0 is None:
            try:
                return subprocess.Popen(argv, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
            finally:
                out.close()
        p = subprocess.Popen(argv, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)

        def copy():
            with out:
                for line in p.stdout:
                    out.write(b"%.3f " % (time.monotonic() - t0) + line)
                    out.flush()

        threading.Thread(target=copy, daemon=True).start()
        return p

    # ------------------------------------------------------------ agents
    def start_agent(self, i, peers=()):
        args = ["agent", "start"]
        if not os.path.exists(os.path.join(self.home(i), "coop.db")):
            args += ["--listen", self.listen(i), "--no-public"]
            for p in peers:
                args += ["--peer", p]
            if self.log_level:
                args += ["--log-level", self.log_level]
        # A second start reuses the saved settings (address, peers, level).
        return self.run_json(i, *args, limit=60)

    def start_agents(self, hosts, peers_of):
        """Agents on HOSTS at once (each start waits for its agent)."""
        errors = []

        def one(i):
            try:
                self.start_agent(i, peers_of(i))
            except Exception as e:  # reported below, for every host that failed
                errors.append(str(e))

        threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in hosts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise LabError(errors[0])

    def stop_agent(self, i):
        self.run(i, "agent", "stop", limit=30, check=False)

    def stop_agents(self, hosts):
        threads = [threading.Thread(target=self.stop_agent, args=(i,), daemon=True) for i in hosts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    def status(self, i):
        return self.run_json(i, "agent", "status", limit=20)

    def wait_dht(self, hosts, seconds=30):
        """Until every agent of HOSTS knows at least one DHT node."""
        deadline = time.monotonic() + seconds
        waiting = list(hosts)
        while waiting:
            waiting = [i for i in waiting if self.status(i).get("dht_nodes", 0) < 1]
            if waiting and time.monotonic() > deadline:
                raise LabError("hosts %s found no DHT node within %d s" % (waiting, seconds))
            if waiting:
                time.sleep(0.2)

    # ------------------------------------------------------------ transfers
    def share(self, i, path, limit=600):
        r = self.run(i, "share", path, "--json", limit=limit)
        return json.loads(r.stdout.strip().splitlines()[-1])

    def uploaded(self, i):
        """Payload bytes host i's agent uploaded for its shares."""
        total = 0
        for row in self.run_json(i, "share", "--list"):
            total += row.get("uploaded", 0)
        return total

    def seeder_uploaded(self, i, settle=3.0):
        """The seeder's upload count once it stops changing (libtorrent
        folds the last second's bytes in on its next tick)."""
        last, same_since = None, time.monotonic()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            now = self.uploaded(i)
            if now != last:
                last, same_since = now, time.monotonic()
            elif time.monotonic() - same_since >= settle:
                break
            time.sleep(0.5)
        return last
