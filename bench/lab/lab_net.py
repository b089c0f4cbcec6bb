"""The lab's network: one namespace per host, all joined by a bridge that
lives in a namespace of its own, each host's links shaped with tc.

    host i (namespace PREFIX-hI)            bridge (namespace PREFIX-sw)
    lo, eth0 10.77.0.I/24  <-- veth -->  hI -- br0 (10.77.0.254/24)

Uplink (host -> bridge) is shaped on eth0's egress in the host, downlink
(bridge -> host) on hI's egress in the bridge namespace, so every packet
between two hosts passes the sender's uplink and the receiver's downlink.
Nothing is connected to the machine's own network: hosts reach only each
other and the bridge address (where the lab's tracker listens).
"""
import glob
import json
import os
import signal
import subprocess
import time

SUBNET = "10.77.0"
BRIDGE_ADDR = SUBNET + ".254"
NS_PREFIX = "coop-lab-"
# cBPF ancillary load of a random 32-bit number (SKF_AD_OFF + SKF_AD_RANDOM).
BPF_LOAD_RANDOM = 0xFFFFF000 + 56


class LabError(Exception):
    """A failure with a one-line explanation for the user."""


def run(cmd, check=True, timeout=60, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise LabError("'%s' failed: %s" % (" ".join(cmd), (r.stderr or r.stdout).strip().splitlines()[-1:] or "?"))
    return r


def host_addr(i):
    return "%s.%d" % (SUBNET, i)


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


class Shape:
    """One host's link: rates in bytes per second, delay and jitter in ms, loss in percent."""

    def __init__(self, up, down, delay_ms=0.0, jitter_ms=0.0, loss_pct=0.0):
        self.up, self.down = up, down
        self.delay_ms, self.jitter_ms, self.loss_pct = delay_ms, jitter_ms, loss_pct

    def as_json(self):
        return {"uplink_Bps": self.up, "downlink_Bps": self.down, "delay_ms": self.delay_ms,
                "jitter_ms": self.jitter_ms, "loss_pct": self.loss_pct}


class Lab:
    """Creates the namespaces on start(), removes everything on teardown()."""

    def __init__(self, shapes, log):
        self.shapes = shapes          # one Shape per host, host 1 first
        self.n = len(shapes)
        self.log = log
        self.prefix = "%s%d-" % (NS_PREFIX, os.getpid())
        self.bridge_ns = self.prefix + "sw"
        self.namespaces = []          # created so far, bridge first
        self.torn_down = False

    def ns(self, i):
        return "%sh%d" % (self.prefix, i)

    # ------------------------------------------------------------ set up
    def start(self):
        needs_netem = any(s.delay_ms > 0 or s.jitter_ms > 0 for s in self.shapes)
        self._add_ns(self.bridge_ns)
        sw = ["ip", "-n", self.bridge_ns]
        run(sw + ["link", "set", "lo", "up"])
        if needs_netem:
            self._check_netem()
        run(sw + ["link", "add", "br0", "type", "bridge"])
        run(sw + ["addr", "add", BRIDGE_ADDR + "/24", "dev", "br0"])
        run(sw + ["link", "set", "br0", "up"])
        for i in range(1, self.n + 1):
            ns = self.ns(i)
            self._add_ns(ns)
            # Both ends are made inside their namespaces: no name ever
            # appears in (or collides with) the machine's own namespace.
            run(["ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", "h%d" % i,
                 "netns", self.bridge_ns])
            run(sw + ["link", "set", "h%d" % i, "master", "br0", "up"])
            h = ["ip", "-n", ns]
            run(h + ["link", "set", "lo", "up"])
            run(h + ["addr", "add", host_addr(i) + "/24", "dev", "eth0"])
            run(h + ["link", "set", "eth0", "up"])
            self._shape(i, self.shapes[i - 1])
        self.log("lab: %d hosts %s.1-%d on a bridge (namespaces %s*)" % (self.n, SUBNET, self.n, self.prefix))

    def _add_ns(self, name):
        run(["ip", "netns", "add", name])
        self.namespaces.append(name)

    def _check_netem(self):
        r = run(["tc", "-n", self.bridge_ns, "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"], check=False)
        if r.returncode != 0:
            raise LabError("this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM), which --delay and --jitter need;"
                           " run without them (rates and --loss work) or on a kernel with sch_netem")
        run(["tc", "-n", self.bridge_ns, "qdisc", "del", "dev", "lo", "root"])

    @staticmethod
    def _tbf(rate):
        """tbf arguments for RATE bytes/s: a burst of ~4 ms (at least two
        64 KiB segments, which tbf would otherwise split) and a queue of
        ~50 ms, like a modest home router."""
        burst = max(128 * 1024, int(rate / 250))
        limit = burst + int(rate * 0.05)
        return ["tbf", "rate", "%dbit" % int(rate * 8), "burst", str(burst), "limit", str(limit)]

    def _shape(self, i, s):
        up = ["tc", "-n", self.ns(i), "qdisc", "add", "dev", "eth0"]
        if s.delay_ms > 0 or s.jitter_ms > 0:
            netem = ["netem", "limit", "100000", "delay", "%gms" % s.delay_ms]
            if s.jitter_ms > 0:
                netem += ["%gms" % s.jitter_ms, "distribution", "normal"]
            run(up + ["root", "handle", "1:"] + netem)
            run(up + ["parent", "1:1", "handle", "10:"] + self._tbf(s.up))
        else:
            run(up + ["root", "handle", "1:"] + self._tbf(s.up))
        run(["tc", "-n", self.bridge_ns, "qdisc", "add", "dev", "h%d" % i, "root", "handle", "1:"] + self._tbf(s.down))
        if s.loss_pct > 0:
            # Random loss without netem: a classic BPF filter on the uplink
            # drops an IP packet when a random number is above the threshold.
            keep = int((1 - s.loss_pct / 100.0) * (1 << 32))
            keep = max(0, min(keep, (1 << 32) - 1))
            prog = "4,32 0 0 %d,53 0 1 %d,6 0 0 2,6 0 0 0" % (BPF_LOAD_RANDOM, keep)
            run(["tc", "-n", self.ns(i), "qdisc", "add", "dev", "eth0", "clsact"])
            run(["tc", "-n", self.ns(i), "filter", "add", "dev", "eth0", "egress", "protocol", "ip",
                 "bpf", "da", "bytecode", prog])

    # ------------------------------------------------------------ use
    def cmd(self, i, argv):
        """ARGV run inside host i."""
        return ["ip", "netns", "exec", self.ns(i)] + list(argv)

    def bridge_cmd(self, argv):
        return ["ip", "netns", "exec", self.bridge_ns] + list(argv)

    def tx_bytes(self, i):
        """Bytes host i has sent on its link (headers included)."""
        r = run(["ip", "-n", self.ns(i), "-s", "-j", "link", "show", "dev", "eth0"], check=False)
        try:
            return json.loads(r.stdout)[0]["stats64"]["tx"]["bytes"]
        except (ValueError, LookupError):
            return None

    # ------------------------------------------------------------ tear down
    def teardown(self):
        if self.torn_down:
            return
        self.torn_down = True
        kill_namespaces(self.namespaces)
        left = set(self.namespaces) & set(list_namespaces())
        if left:
            self.log("lab: could not delete namespaces %s" % " ".join(sorted(left)))


def list_namespaces():
    r = run(["ip", "netns", "list"], check=False)
    return [line.split()[0] for line in r.stdout.splitlines() if line.strip()]


def namespace_pids(ns):
    r = run(["ip", "netns", "pids", ns], check=False)
    return [int(p) for p in r.stdout.split() if p.isdigit()]


def kill_namespaces(names):
    """Every process left in NAMES (all of them ours: nothing else runs
    there) gets TERM, then KILL after 3 s; then the namespaces go."""
    pids = [p for ns in names for p in namespace_pids(ns)]
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 3
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    for ns in names:
        for p in namespace_pids(ns):
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
    for ns in reversed(names):
        for _ in range(50):
            if run(["ip", "netns", "del", ns], check=False).returncode == 0 or ns not in list_namespaces():
                break
            time.sleep(0.1)


def stale_labs():
    """Namespaces of labs whose process is gone (killed with -9)."""
    out = []
    for ns in list_namespaces():
        if not ns.startswith(NS_PREFIX):
            continue
        pid = ns[len(NS_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not alive(int(pid)):
            out.append(ns)
    return out


def stale_dirs():
    """Temp dirs (/tmp/coop-lab-PID-*) of labs whose process is gone."""
    out = []
    for d in glob.glob("/tmp/%s[0-9]*-*" % NS_PREFIX):
        pid = os.path.basename(d)[len(NS_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not alive(int(pid)) and os.path.isdir(d):
            out.append(d)
    return out
