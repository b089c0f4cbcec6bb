"""Flash crowd: host 1 seeds one file, hosts 2..N all fetch it at once.

coop first: every agent starts (leechers with --peer the seeder's address,
which bootstraps their private DHT), the seeder shares the file, and when
every leecher's DHT knows a node, all leechers run `coop fetch MAGNET` at
the same moment. The magnet names no peer: leechers find the seeder and
each other through the DHT and peer exchange. Then, on the same hosts and
links, each reference client does the same: aria2c through a tracker, raw
libtorrent with the agent's settings.
"""
import hashlib
import json
import os
import shutil
import threading
import time

import lab_lt
from lab_aria2 import Aria2Swarm, missing_tools
from lab_coop import CoopHosts
from lab_net import LabError
from lab_units import fluid_t_min


def make_file(path, size):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    h = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left > 0:
            block = os.urandom(min(left, 1 << 20))
            h.update(block)
            f.write(block)
            left -= len(block)
    return h.hexdigest()


def file_sha(path):
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def swarm_bound(ctx, seeder, leechers):
    s = ctx.shapes
    return fluid_t_min(ctx.size, s[seeder - 1].up, [s[i - 1].up for i in leechers],
                       [s[i - 1].down for i in leechers])


def fetch_phases(log_path):
    """From a `coop fetch --json` log with timestamps (seconds since the
    start): when the metadata came (the size is known), when the first
    bytes came, and the most peers any progress line reported."""
    out = {"metadata_s": None, "first_data_s": None, "max_peers": 0}
    try:
        with open(log_path) as f:
            for line in f:
                stamp, _, text = line.partition(" ")
                try:
                    t, j = float(stamp), json.loads(text)
                except ValueError:
                    continue
                if out["metadata_s"] is None and (j.get("size", 0) > 0 or j.get("event") == "done"):
                    out["metadata_s"] = t
                if out["first_data_s"] is None and (j.get("done", 0) > 0 or j.get("event") == "done"):
                    out["first_data_s"] = t
                out["max_peers"] = max(out["max_peers"], j.get("peers", 0))
    except OSError:
        pass
    return out


def wait_all(procs, t0):
    """Exit code and seconds since T0 of each process, as each ends."""
    ended = {}

    def wait(i, p):
        rc = p.wait()
        ended[i] = (rc, time.monotonic() - t0)

    threads = [threading.Thread(target=wait, args=(i, p), daemon=True) for i, p in procs.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return ended


def link_busy(ctx, seeder, sent, completion):
    """How much of the seeder's uplink the transfer used: 1.0 means it sent
    at the shaped rate from the first moment to the last leecher's end."""
    if not sent or not completion:
        return None
    return round(sent / (ctx.shapes[seeder - 1].up * completion), 3)


def summarize(ctx, times, identical, t_min):
    """completion_s is the slowest leecher, None unless every one finished."""
    ok = [t for t in times.values() if t is not None]
    slowest = max(ok) if ok and len(ok) == len(times) else None
    return {
        "completion_s": round(slowest, 3) if slowest is not None else None,
        "first_completion_s": round(min(ok), 3) if ok else None,
        "median_completion_s": round(sorted(ok)[len(ok) // 2], 3) if ok else None,
        "ratio": round(slowest / t_min, 3) if slowest is not None else None,
        "identical": bool(identical) and all(identical.values()),
        "completed": len(ok),
    }


def coop_flash(ctx, seeder, leechers):
    lab, log = ctx.lab, ctx.log
    hosts = CoopHosts(lab, ctx.tmp, ctx.bin, log, ctx.args.coop_log_level)
    ctx.coop = hosts
    t_min = swarm_bound(ctx, seeder, leechers)
    log("coop: starting %d agents" % (1 + len(leechers)))
    hosts.start_agents([seeder], lambda i: [])
    hosts.start_agents(leechers, lambda i: [hosts.listen(seeder)])
    log("coop: sharing %s from host %d" % (os.path.basename(ctx.seed_file), seeder))
    magnet = hosts.share(seeder, ctx.seed_file)["magnet"]
    hosts.wait_dht(leechers)
    tx0 = {i: lab.tx_bytes(i) for i in [seeder] + leechers}
    dl = {i: os.path.join(ctx.tmp, "coop", "dl", "h%d" % i) for i in leechers}
    logs = {i: os.path.join(ctx.tmp, "coop", "fetch-h%d.jsonl" % i) for i in leechers}
    log("coop: %d leechers fetch at once (T_min %.1f s)" % (len(leechers), t_min))
    t0 = time.monotonic()
    procs = {i: hosts.popen(i, ["fetch", magnet, "-o", dl[i], "--json"], logs[i], ctx.limit, t0) for i in leechers}
    ended = wait_all(procs, t0)
    times = {i: (t if rc == 0 else None) for i, (rc, t) in ended.items()}
    uploaded = hosts.seeder_uploaded(seeder)
    tx1 = {i: lab.tx_bytes(i) for i in [seeder] + leechers}
    name = os.path.basename(ctx.seed_file)
    identical = {i: file_sha(os.path.join(dl[i], name)) == ctx.seed_sha for i in leechers}
    hosts.stop_agents([seeder] + leechers)
    for d in dl.values():
        shutil.rmtree(d, ignore_errors=True)
    out = summarize(ctx, times, identical, t_min)
    sent = tx1[seeder] - tx0[seeder] if tx0[seeder] is not None else None
    out.update({
        "seeder_uploaded_bytes": uploaded,
        "seeder_uploaded_copies": round(uploaded / ctx.size, 3) if uploaded is not None else None,
        "seeder_link_tx_bytes": sent,
        "seeder_link_copies": round(sent / ctx.size, 3) if sent is not None else None,
        "seeder_link_busy": link_busy(ctx, seeder, sent, out["completion_s"]),
        "leechers_detail": [{"host": i, "completion_s": round(times[i], 3) if times[i] is not None else None,
                             "exit": ended[i][0], "identical": identical[i],
                             "link_tx_bytes": tx1[i] - tx0[i] if tx0[i] is not None else None,
                             **fetch_phases(logs[i])}
                            for i in leechers],
    })
    return out


def reference_flash(ctx, client, seeder, leechers):
    """The same flash crowd with CLIENT (aria2c or libtorrent)."""
    if client == "aria2c":
        gone = missing_tools()
        if gone:
            return {"skipped": "missing %s (apt-get install -y aria2 opentracker)" % " ".join(gone)}
        swarm = Aria2Swarm(ctx.lab, ctx.tmp, ctx.log)
        ctx.log("aria2c: the same swarm through a tracker on the bridge")
    else:
        gone = lab_lt.missing()
        if gone:
            return {"skipped": "missing " + gone}
        swarm = lab_lt.LtSwarm(ctx.lab, ctx.tmp, ctx.log, ctx.args.lt_set, ctx.args.coop_log_level == "trace")
        ctx.log("libtorrent: the same swarm with the agent's settings%s" % (
            " and " + " ".join(ctx.args.lt_set) if ctx.args.lt_set else ""))
    t_min = swarm_bound(ctx, seeder, leechers)
    tx0 = ctx.lab.tx_bytes(seeder)
    try:
        times = swarm.run(ctx.seed_file, seeder, leechers, ctx.limit)
    except LabError as e:  # coop's result stands; the reference says what went wrong
        ctx.log("%s: %s" % (client, e))
        return {"error": str(e), "identical": False}
    finally:
        swarm.stop()
    tx1 = ctx.lab.tx_bytes(seeder)
    name = os.path.basename(ctx.seed_file)
    identical = {i: file_sha(os.path.join(swarm.dl[i], name)) == ctx.seed_sha for i in leechers}
    shutil.rmtree(os.path.dirname(next(iter(swarm.dl.values()))), ignore_errors=True)
    out = summarize(ctx, times, identical, t_min)
    sent = tx1 - tx0 if tx0 is not None else None
    out.update({"seeder_link_tx_bytes": sent, "seeder_link_copies": round(sent / ctx.size, 3) if sent else None,
                "seeder_link_busy": link_busy(ctx, seeder, sent, out["completion_s"]),
                "piece_size": swarm.piece_size,
                "leechers_detail": [{"host": i, "completion_s": round(times[i], 3) if times[i] is not None else None,
                                     "identical": identical[i]} for i in leechers]})
    if client == "libtorrent" and ctx.args.lt_set:
        out["settings_changed"] = ctx.args.lt_set
    return out


def flash_crowd(ctx):
    """The scenario: coop, then each --reference client, in the same lab."""
    seeder, leechers = 1, list(range(2, ctx.n + 1))
    t_min = swarm_bound(ctx, seeder, leechers)
    result = {"leechers": len(leechers), "t_min_s": round(t_min, 3)}
    if not ctx.args.reference_only:
        result.update(coop_flash(ctx, seeder, leechers))
    for client in ctx.args.references:
        ref = reference_flash(ctx, client, seeder, leechers)
        result[client] = ref
        if result.get("completion_s") and ref.get("completion_s"):
            result["coop_over_" + client] = round(result["completion_s"] / ref["completion_s"], 3)
    if ctx.args.reference_only:
        result["identical"] = all(result[c].get("identical") for c in ctx.args.references)
    return result
