#!/usr/bin/python3
"""Raw libtorrent (python3-libtorrent, Debian) helper for bench/transfer/run.sh.

Run with /usr/bin/python3: the libtorrent module is a Debian package, so a
pyenv `python3` on PATH usually lacks it.

  lt_peer.py mktorrent FILE OUT.torrent [--tracker URL] [--piece-kib N] [--hybrid]
      Makes a .torrent of FILE (v1 only unless --hybrid; piece size N KiB,
      0 = libtorrent's automatic choice). Prints "v1=<hex> magnet=<uri>".
  lt_peer.py seed TORRENT SAVE_DIR --listen IP:PORT [--max-seconds N] [--verified]
      Seeds (seed_mode: no full recheck) until SIGTERM or N seconds. In seed
      mode libtorrent hashes each piece when it is first uploaded; --verified
      marks every piece verified up front (add_torrent_params.verified_pieces).
      Prints "READY" once the listen socket is up and the torrent seeds.
  lt_peer.py leech TORRENT|MAGNET SAVE_DIR --listen IP:PORT --peer IP:PORT [--timeout N]
      Downloads from PEER (direct connect_peer, no tracker) and exits 0 when
      the download is complete and every piece passed its hash check.
      Prints "LT_DONE t_connect=.. t_metadata=.. t_first_byte=.. t_done=.."
      (seconds since the torrent was added); exit 2 on timeout.
  seed and leech take --set NAME=VALUE (repeatable) to override a setting;
  --log FILE (seed and leech) appends every alert, with peer logs, to FILE.
  leech --peer-in-params passes PEER in add_torrent_params.peers instead of
  calling connect_peer() after add_torrent().

Settings are the best-tuned loopback settings of the libtorrent brief:
high_performance_seed(), TCP only (uTP off), big buffers, one IP per session.
Python has no posix_disk_io, so the default (mmap) disk I/O is used.
"""
import signal
import sys
import time

import libtorrent as lt


def opt(args, name, default=None):
    return args[args.index(name) + 1] if name in args else default


def overrides(args):
    """--set NAME=VALUE (repeatable): extra libtorrent settings, for experiments."""
    out = {}
    for i, a in enumerate(args):
        if a == "--set":
            k, v = args[i + 1].split("=", 1)
            out[k] = {"true": True, "false": False}.get(v.lower(), int(v) if v.lstrip("-").isdigit() else v)
    return out


LOG = None


def log_alerts(alerts):
    if LOG:
        for a in alerts:
            LOG.write("%.6f %s: %s\n" % (time.time(), type(a).__name__, a.message()))


def session_for(listen, extra=None):
    ip = listen.rsplit(":", 1)[0]
    s = lt.high_performance_seed()
    s.update({
        "listen_interfaces": listen,
        "outgoing_interfaces": ip,
        "enable_dht": False, "enable_lsd": False,
        "enable_upnp": False, "enable_natpmp": False,
        "enable_outgoing_utp": False, "enable_incoming_utp": False,
        "allow_multiple_connections_per_ip": True,
        "send_buffer_watermark": 8 << 20,
        "send_buffer_low_watermark": 1 << 20,
        "max_queued_disk_bytes": 16 << 20,
        "max_out_request_queue": 1500,
        "max_allowed_in_request_queue": 2000,
        "alert_mask": lt.alert_category.status | lt.alert_category.error,
    })
    s.update(extra or {})
    if LOG:  # --log FILE: every alert, peer and connect logs included (slow; for diagnosis)
        s["alert_mask"] = lt.alert_category.all
    return lt.session(s)


def mktorrent(args):
    path, out = args[0], args[1]
    tracker = opt(args, "--tracker")
    piece = int(opt(args, "--piece-kib", "1024")) * 1024
    flags = 0 if "--hybrid" in args else lt.create_torrent.v1_only
    import os
    fs = lt.file_storage()
    lt.add_files(fs, path)
    ct = lt.create_torrent(fs, piece, flags=flags)
    if tracker:
        ct.add_tracker(tracker)
    lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(path)))
    data = lt.bencode(ct.generate())
    with open(out, "wb") as f:
        f.write(data)
    ti = lt.torrent_info(out)
    print("v1=%s pieces=%d piece_len=%d magnet=%s" % (
        str(ti.info_hashes().v1), ti.num_pieces(), ti.piece_length(), lt.make_magnet_uri(ti)), flush=True)


def seed(args):
    torrent, save, listen = args[0], args[1], opt(args, "--listen")
    max_s = float(opt(args, "--max-seconds", "1800"))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    ses = session_for(listen, overrides(args))
    atp = lt.add_torrent_params()
    atp.ti = lt.torrent_info(torrent)
    atp.save_path = save
    atp.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    atp.flags |= lt.torrent_flags.seed_mode
    atp.flags |= lt.torrent_flags.override_trackers  # direct connections only:
    atp.trackers = []                                # ignore the .torrent's tracker
    if "--verified" in args:  # trust the hashes we just made: no hashing on first upload
        atp.verified_pieces = [True] * atp.ti.num_pieces()
    h = ses.add_torrent(atp)
    t0 = time.time()
    ready = False
    while not stop and time.time() - t0 < max_s:
        log_alerts(ses.pop_alerts())
        if not ready and h.status().is_seeding and ses.is_listening():
            ready = True
            print("READY", flush=True)
        ses.wait_for_alert(200)
    ses.pause()


def leech(args):
    src, save, listen, peer = args[0], args[1], opt(args, "--listen"), opt(args, "--peer")
    timeout = float(opt(args, "--timeout", "600"))
    ses = session_for(listen, overrides(args))
    if src.startswith("magnet:"):
        atp = lt.parse_magnet_uri(src)
    else:
        atp = lt.add_torrent_params()
        atp.ti = lt.torrent_info(src)
    atp.save_path = save
    atp.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    atp.flags |= lt.torrent_flags.override_trackers
    atp.trackers = []
    host, port = peer.rsplit(":", 1)
    if "--peer-in-params" in args:  # experiment: hand the peer over in add_torrent_params.peers
        atp.peers = [(host, int(port))]
    t0 = time.time()
    h = ses.add_torrent(atp)
    if "--peer-in-params" not in args:
        h.connect_peer((host, int(port)))
    t_conn = t_meta = t_first = t_done = None
    while time.time() - t0 < timeout:
        alerts = ses.pop_alerts()
        log_alerts(alerts)
        for a in alerts:
            if isinstance(a, lt.torrent_finished_alert):
                t_done = time.time()
        st = h.status()
        now = time.time()
        if t_conn is None and st.num_peers > 0:
            t_conn = now
        if t_meta is None and st.has_metadata:
            t_meta = now
        if t_first is None and st.total_wanted_done > 0:
            t_first = now
        if t_done or (st.has_metadata and st.is_seeding):
            t_done = t_done or now
            break
        ses.wait_for_alert(20)
    if not t_done:
        print("LT_TIMEOUT progress=%.3f" % h.status().progress, flush=True)
        sys.exit(2)
    rel = lambda t: (t if t is not None else t_done) - t0
    print("LT_DONE t_connect=%.3f t_metadata=%.3f t_first_byte=%.3f t_done=%.3f bytes=%d"
          % (rel(t_conn), rel(t_meta), rel(t_first), rel(t_done), h.status().total_wanted), flush=True)
    ses.pause()


if __name__ == "__main__":
    if "--log" in sys.argv:
        LOG = open(opt(sys.argv, "--log"), "a", buffering=1)
    if len(sys.argv) < 2 or sys.argv[1] not in ("mktorrent", "seed", "leech"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    {"mktorrent": mktorrent, "seed": seed, "leech": leech}[sys.argv[1]](sys.argv[2:])
