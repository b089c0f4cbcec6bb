"""Churn: a flash crowd whose leechers leave and come back.

Each leecher draws its own times from a PRNG seeded with --seed and its
host number (so one leecher's history never shifts another's): it stays for
an exponential time (mean --mean-online), then leaves, either cleanly
(`coop agent stop`) or by crashing (kill -9 of its agent), each half the
time; it stays away for an exponential time (mean --mean-offline), then
its agent starts again and `coop fetch` resumes. Leechers that complete
stay and seed. Reported: when the slowest leecher completed (counted from
the common start, time away included), how often they left, and whether
every file is identical.
"""
import os
import random
import signal
import subprocess
import threading
import time

from lab_coop import CoopHosts
from lab_flash import file_sha, summarize
from lab_net import LabError


class Leecher(threading.Thread):
    def __init__(self, ctx, hosts, i, magnet, t0, mean_on, mean_off):
        super().__init__(daemon=True)
        self.ctx, self.hosts, self.i, self.magnet, self.t0 = ctx, hosts, i, magnet, t0
        self.rng = random.Random("%d-%d" % (ctx.args.seed, i))
        self.mean_on, self.mean_off = mean_on, mean_off
        self.dl = os.path.join(ctx.tmp, "coop", "dl", "h%d" % i)
        self.log_path = os.path.join(ctx.tmp, "coop", "fetch-h%d.jsonl" % i)
        self.done_s = None
        self.leaves, self.crashes, self.rejoins, self.errors = 0, 0, 0, []

    def left(self):
        return self.ctx.limit - (time.monotonic() - self.t0)

    def run(self):
        try:
            self.lifecycle()
        except Exception as e:  # shown in the result, the others go on
            self.errors.append(str(e))

    def lifecycle(self):
        while self.left() > 0:
            p = self.hosts.popen(self.i, ["fetch", self.magnet, "-o", self.dl, "--json"], self.log_path,
                                 max(1, self.left()))
            stay = self.rng.expovariate(1 / self.mean_on)
            crash = self.rng.random() < 0.5
            away = self.rng.expovariate(1 / self.mean_off)
            try:
                rc = p.wait(timeout=min(stay, max(0.1, self.left())))
            except subprocess.TimeoutExpired:  # still fetching: time to leave
                rc = None
            if rc == 0:
                self.done_s = time.monotonic() - self.t0
                return
            if rc is not None:
                self.errors.append("fetch exited %d while its agent ran" % rc)
                time.sleep(1)
                continue
            if self.left() <= 0:
                break
            if crash:
                pid = self.hosts.status(self.i)["pid"]
                os.kill(pid, signal.SIGKILL)
                self.crashes += 1
            else:
                self.hosts.stop_agent(self.i)
            self.leaves += 1
            p.wait()
            time.sleep(min(away, max(0, self.left())))
            if self.left() <= 0:
                break
            self.hosts.start_agent(self.i)
            self.rejoins += 1


def churn(ctx, t_min):
    args, log = ctx.args, ctx.log
    seeder, leechers = 1, list(range(2, ctx.n + 1))
    mean_on = args.mean_online or t_min / 2
    mean_off = args.mean_offline or t_min / 4
    hosts = CoopHosts(ctx.lab, ctx.tmp, ctx.bin, log, args.coop_log_level)
    ctx.coop = hosts
    log("coop: starting %d agents" % ctx.n)
    hosts.start_agents([seeder], lambda i: [])
    hosts.start_agents(leechers, lambda i: [hosts.listen(seeder)])
    magnet = hosts.share(seeder, ctx.seed_file)["magnet"]
    hosts.wait_dht(leechers)
    log("coop: %d leechers fetch, leaving after ~%.1f s and away ~%.1f s on average (seed %d)" % (
        len(leechers), mean_on, mean_off, args.seed))
    t0 = time.monotonic()
    threads = [Leecher(ctx, hosts, i, magnet, t0, mean_on, mean_off) for i in leechers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    uploaded = hosts.seeder_uploaded(seeder)
    name = os.path.basename(ctx.seed_file)
    identical = {t.i: file_sha(os.path.join(t.dl, name)) == ctx.seed_sha for t in threads}
    times = {t.i: t.done_s for t in threads}
    out = {"leechers": len(leechers), "t_min_s": round(t_min, 3),
           "mean_online_s": round(mean_on, 3), "mean_offline_s": round(mean_off, 3), "seed": args.seed}
    out.update(summarize(ctx, times, identical, t_min))
    out.update({
        "leaves": sum(t.leaves for t in threads), "crashes": sum(t.crashes for t in threads),
        "rejoins": sum(t.rejoins for t in threads),
        "seeder_uploaded_bytes": uploaded,
        "seeder_uploaded_copies": round(uploaded / ctx.size, 3) if uploaded is not None else None,
        "leechers_detail": [{"host": t.i, "completion_s": round(t.done_s, 3) if t.done_s is not None else None,
                             "identical": identical[t.i], "leaves": t.leaves, "crashes": t.crashes,
                             "rejoins": t.rejoins, "errors": t.errors[:5]} for t in threads],
    })
    if not any(t.leaves for t in threads):
        log("churn: no leecher left before completing (raise --mean-offline or lower --mean-online)")
    errors = [e for t in threads for e in t.errors]
    if errors and all(t.done_s is None for t in threads):
        raise LabError("churn: no leecher completed: %s" % errors[0])
    return out
