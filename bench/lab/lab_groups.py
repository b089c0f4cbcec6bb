"""Groups: N members, each on its own host, converging on chat events.

As bench/groups/converge.sh does on loopback: agent 1 makes a closed group
and one invite for any number of uses, every other agent joins with it,
then every agent posts its share of --events messages at once (`coop group
chat G` reading them from a pipe), and the members are polled until every
one holds every message with the same heads and state hash. Timed from the
start of the posting to that moment.
"""
import json
import os
import subprocess
import threading
import time

from lab_coop import CoopHosts
from lab_net import LabError


def groups(ctx):
    args, log, n = ctx.args, ctx.log, ctx.n
    events = args.events or 100 * n
    hosts = CoopHosts(ctx.lab, ctx.tmp, ctx.bin, log, args.coop_log_level)
    ctx.coop = hosts
    members = list(range(1, n + 1))
    log("groups: starting %d agents" % n)
    hosts.start_agents([1], lambda i: [])
    hosts.start_agents(members[1:], lambda i: [hosts.listen(1)])
    group = hosts.run_json(1, "group", "create", "lab")["group"]
    token = hosts.run(1, "group", "invite", "lab", "--uses", "0", "--expires", "0").stdout.strip()
    log("groups: %d agents join" % (n - 1))
    t_join = time.monotonic()
    failed = []

    def join(i):
        r = hosts.run(i, "group", "join", token, "--wait", "90s", limit=120, check=False)
        if r.returncode != 0:
            failed.append("host %d: %s" % (i, (r.stderr.strip().splitlines() or ["?"])[-1]))

    threads = [threading.Thread(target=join, args=(i,), daemon=True) for i in members[1:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        raise LabError("%d agent(s) could not join: %s" % (len(failed), failed[0]))
    join_s = time.monotonic() - t_join

    def show(i):
        return json.loads(hosts.run(i, "group", "show", group, "--json", limit=30).stdout)

    deadline = time.monotonic() + 120
    for i in members:
        while len(show(i).get("members", [])) < n:
            if time.monotonic() > deadline:
                raise LabError("host %d never saw all %d members" % (i, n))
            time.sleep(0.2)

    log("groups: %d members post %d messages at once" % (n, events))
    per, extra = divmod(events, n)
    t0 = time.monotonic()
    posters = {}
    for i in members:
        count = per + (1 if i <= extra else 0)
        text = "".join("host %d message %d\n" % (i, k) for k in range(1, count + 1))
        p = subprocess.Popen(hosts.argv(i, "group", "chat", group, limit=ctx.limit), env=hosts.env,
                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                             stderr=open(os.path.join(ctx.tmp, "chat-h%d.err" % i), "wb"), start_new_session=True)
        posters[i] = (p, text)
    writers = [threading.Thread(target=p.communicate, args=(text.encode(),), daemon=True)
               for p, text in posters.values()]
    for w in writers:
        w.start()
    for w in writers:
        w.join()
    bad = [i for i, (p, _) in posters.items() if p.returncode != 0]
    if bad:
        raise LabError("hosts %s failed to post (see chat-h*.err with --keep-logs)" % bad)
    posted_s = time.monotonic() - t0
    log("groups: posted in %.1f s; waiting for every member to hold all of them" % posted_s)
    end = t0 + ctx.limit
    converged_s = None
    next_report = time.monotonic() + 5
    while time.monotonic() < end:
        views = []
        for i in members:
            v = show(i)
            views.append((v.get("chat"), v.get("heads"), v.get("state_hash")))
            if v.get("chat") != events and time.monotonic() < next_report:
                break
        if len(views) == n and all(v == views[0] for v in views) and views[0][0] == events:
            converged_s = time.monotonic() - t0
            break
        if len(views) == n:  # a full round for the progress line
            held = [v[0] or 0 for v in views]
            log("groups: after %.0f s members hold %d to %d of %d events" % (
                time.monotonic() - t0, min(held), max(held), events))
            next_report = time.monotonic() + 5
        time.sleep(0.1)
    return {"members": n, "events": events, "join_s": round(join_s, 3), "posted_s": round(posted_s, 3),
            "converged_s": round(converged_s, 3) if converged_s is not None else None,
            "events_per_s": round(events / converged_s) if converged_s else None,
            "converged": converged_s is not None}
