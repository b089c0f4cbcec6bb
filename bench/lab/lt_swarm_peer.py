#!/usr/bin/python3
"""Raw libtorrent (python3-libtorrent, Debian) as one host of the lab's swarm.

  lt_swarm_peer.py TORRENT SAVE_DIR --listen IP:PORT [--peer IP:PORT]... [--seed]
                   [--done FILE] [--set NAME=VALUE]... [--log FILE]

Runs until SIGTERM: seeds with --seed (every piece trusted, as coop trusts
the pieces it hashed when sharing), else downloads, dialling every --peer,
writes the unix time at which every piece was verified to FILE, and seeds
on. The settings are the agent's own (core/agent/engine/engine.cpp,
make_settings, in private mode on a LAN: high_performance_seed, TCP only,
no piece suggestions, seeds do not dial, the same buffers, a 20 ms tick
while downloading and 100 ms after); --set NAME=VALUE overrides one, to
try a change of the agent's settings without rebuilding it
(super_seeding=1 sets the seeder's BEP 16 super-seeding flag). --log FILE
writes every peer message to FILE, in the form coopd.log has at --log-level
trace (so trace_blocks.py reads either).

Run with /usr/bin/python3: the libtorrent module is a Debian package.
"""
import os
import signal
import sys
import time

import libtorrent as lt


def coop_settings(listen, downloading):
    s = lt.high_performance_seed()
    s.update({
        "suggest_mode": 0,  # no_piece_suggestions
        "listen_interfaces": listen,
        "outgoing_interfaces": listen.rsplit(":", 1)[0],
        "max_retry_port_bind": 0,
        "allow_multiple_connections_per_ip": True,
        "enable_outgoing_utp": False, "enable_incoming_utp": False,
        "seeding_outgoing_connections": False,
        "tick_interval": 20 if downloading else 100,
        "send_buffer_watermark": 8 << 20,
        "send_buffer_low_watermark": 1 << 20,
        "max_queued_disk_bytes": 16 << 20,
        "max_out_request_queue": 1500,
        "max_allowed_in_request_queue": 2000,
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "alert_mask": lt.alert_category.status | lt.alert_category.error,
    })
    return s


def parse(argv):
    o = {"torrent": argv[0], "save": argv[1], "peers": [], "set": {}, "seed": False, "done": None, "listen": None,
         "log": None}
    i = 2
    while i < len(argv):
        a = argv[i]
        if a == "--seed":
            o["seed"] = True
            i += 1
            continue
        v = argv[i + 1]
        if a == "--listen":
            o["listen"] = v
        elif a == "--peer":
            o["peers"].append(v)
        elif a == "--done":
            o["done"] = v
        elif a == "--log":
            o["log"] = v
        elif a == "--set":
            k, val = v.split("=", 1)
            number = int(val) if val.lstrip("-").isdigit() else val
            o["set"][k] = {"true": True, "false": False}.get(val.lower(), number)
        else:
            raise SystemExit("lt_swarm_peer.py: unknown option %s" % a)
        i += 2
    return o


def main(argv):
    if len(argv) < 2 or argv[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    o = parse(argv)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    settings = coop_settings(o["listen"], not o["seed"])
    # super_seeding is a torrent flag, not a session setting (BEP 16: a seed
    # offers each peer one piece at a time, the ones the swarm lacks).
    super_seeding = bool(o["set"].pop("super_seeding", False))
    settings.update(o["set"])
    log = open(o["log"], "a") if o["log"] else None
    if log:
        settings["alert_mask"] = settings["alert_mask"] | lt.alert_category.peer_log
    ses = lt.session(settings)
    atp = lt.add_torrent_params()
    atp.ti = lt.torrent_info(o["torrent"])
    atp.save_path = o["save"]
    atp.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    atp.flags |= lt.torrent_flags.override_trackers
    atp.trackers = []
    if o["seed"]:
        atp.flags |= lt.torrent_flags.seed_mode
        atp.verified_pieces = [True] * atp.ti.num_pieces()
        if super_seeding:
            atp.flags |= lt.torrent_flags.super_seeding
    h = ses.add_torrent(atp)
    for p in o["peers"]:
        host, port = p.rsplit(":", 1)
        h.connect_peer((host, int(port)))
    print("READY", flush=True)
    finished = o["seed"]
    while not stop:
        alerts = ses.pop_alerts()
        if log:
            for a in alerts:
                log.write("[%s] %s\n" % (time.strftime("%Y-%m-%d %H:%M:%S.", time.localtime()) +
                                          "%03d" % (time.time() % 1 * 1000), a.message()))
        if not finished and h.status().is_seeding:
            finished = True
            if o["done"]:
                with open(o["done"] + ".tmp", "w") as f:
                    f.write("%.6f\n" % time.time())
                os.rename(o["done"] + ".tmp", o["done"])
            if "tick_interval" not in o["set"]:
                ses.apply_settings({"tick_interval": 100})
        ses.wait_for_alert(50)
    ses.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
