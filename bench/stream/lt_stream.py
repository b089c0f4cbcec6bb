#!/usr/bin/python3
"""Raw libtorrent (python3-libtorrent, Debian) helper for bench/stream/run.sh:
the naive way to stream a torrent, for comparison with `coop stream`.

Run with /usr/bin/python3: the libtorrent module is a Debian package, so a
pyenv `python3` on PATH usually lacks it.

  lt_stream.py mktorrent FILE OUT.torrent
      Makes a torrent of FILE the way coop does (v1+v2 hybrid, libtorrent's
      automatic piece size). Prints "pieces=N piece_len=B magnet=<uri>".
  lt_stream.py seed SAVE_DIR TORRENT... --listen IP --upload-limit BYTES_PER_S [--max-seconds N]
      Seeds the torrents (every piece marked verified: no hashing on upload)
      with the session's upload limited to BYTES_PER_S, until SIGTERM or N
      seconds. Prints "READY IP:PORT" once it listens and seeds.
  lt_stream.py stream MAGNET SAVE_DIR --listen IP --peer IP:PORT [--max-seconds N]
      Starts an HTTP server on 127.0.0.1 (any port), then adds the magnet
      with sequential_download on and connects to PEER. Prints
      "ADDED <unix time just before add_torrent>" and "URL <url>".
      The server answers GET/HEAD with Range on the torrent's largest file:
      the headers once the metadata is there, then each piece's bytes as
      soon as libtorrent has that piece (have_piece), read with read_piece
      (a verified piece may still sit in libtorrent's write buffer, so the
      file on disk is no source for it yet). No deadlines and no
      priorities: the pieces come in the order sequential download fetches
      them. Prints "COMPLETE <seconds since add>" when every piece is there.
      Each request is logged on stderr with its range, the seconds until its
      first byte and the bytes sent.

The session settings are those coop's engine uses on loopback: TCP only (uTP
off), tick_interval 100 ms, several connections per IP, no DHT/LSD/UPnP/NAT-PMP.
"""
import http.server
import os
import signal
import sys
import threading
import time

import libtorrent as lt

import http_range


def opt(args, name, default=None):
    return args[args.index(name) + 1] if name in args else default


def session_for(ip, extra=None):
    s = {
        "listen_interfaces": ip + ":0",
        "outgoing_interfaces": ip,
        "enable_dht": False, "enable_lsd": False,
        "enable_upnp": False, "enable_natpmp": False,
        "enable_outgoing_utp": False, "enable_incoming_utp": False,
        "allow_multiple_connections_per_ip": True,
        "tick_interval": 100,
        "alert_mask": lt.alert_category.status | lt.alert_category.error,
    }
    s.update(extra or {})
    return lt.session(s)


def wait_listening(ses, ip, limit=30):
    end = time.time() + limit
    while time.time() < end:
        if ses.is_listening() and ses.listen_port() > 0:
            return "%s:%d" % (ip, ses.listen_port())
        time.sleep(0.02)
    sys.exit("lt_stream.py: the session did not start listening on %s" % ip)


def mktorrent(args):
    path, out = args[0], args[1]
    fs = lt.file_storage()
    lt.add_files(fs, path)
    ct = lt.create_torrent(fs, 0)  # 0: libtorrent picks the piece size; hybrid v1+v2 as coop
    lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(path)))
    with open(out, "wb") as f:
        f.write(lt.bencode(ct.generate()))
    ti = lt.torrent_info(out)
    print("pieces=%d piece_len=%d magnet=%s" % (ti.num_pieces(), ti.piece_length(), lt.make_magnet_uri(ti)), flush=True)


def seed(args):
    save, ip = args[0], opt(args, "--listen")
    torrents = [a for a in args[1:] if a.endswith(".torrent")]
    limit = int(opt(args, "--upload-limit", "0"))
    max_s = float(opt(args, "--max-seconds", "3600"))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    ses = session_for(ip, {"upload_rate_limit": limit})
    # Loopback and LAN peers sit in libtorrent's unlimited "local" peer class;
    # put every address in the global class so the limit holds (as coop does).
    f = lt.ip_filter()
    f.add_rule("0.0.0.0", "255.255.255.255", 1 << lt.session.global_peer_class_id)
    ses.set_peer_class_filter(f)
    handles = []
    for t in torrents:
        atp = lt.add_torrent_params()
        atp.ti = lt.torrent_info(t)
        atp.save_path = save
        atp.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
        atp.flags |= lt.torrent_flags.seed_mode
        atp.verified_pieces = [True] * atp.ti.num_pieces()
        handles.append(ses.add_torrent(atp))
    listen = wait_listening(ses, ip)
    t0 = time.time()
    ready = False
    while not stop and time.time() - t0 < max_s:
        ses.pop_alerts()
        if not ready and all(h.status().is_seeding for h in handles):
            ready = True
            print("READY %s" % listen, flush=True)
        ses.wait_for_alert(200)
    ses.pause()


class Torrent:
    """The torrent being streamed: its handle, and a condition notified
    whenever a piece finishes or the metadata arrives."""

    def __init__(self):
        self.handle = None
        self.cond = threading.Condition()
        self.save = None
        self.pieces = {}  # piece -> bytes from read_piece_alert, the last few

    def read(self, h, piece, limit):
        """The verified piece's bytes through libtorrent, or None."""
        if piece not in self.pieces:
            h.read_piece(piece)
            if not self.wait(lambda: piece in self.pieces, limit):
                return None
        return self.pieces[piece]

    def got_piece(self, piece, data):
        with self.cond:
            self.pieces[piece] = data
            while len(self.pieces) > 16:
                self.pieces.pop(next(iter(self.pieces)))
            self.cond.notify_all()

    def notify(self):
        with self.cond:
            self.cond.notify_all()

    def wait(self, ready, limit):
        """Waits until ready() is true; False after `limit` seconds."""
        end = time.time() + limit
        with self.cond:
            while not ready():
                left = end - time.time()
                if left <= 0:
                    return False
                self.cond.wait(min(left, 0.25))
        return True


TORRENT = Torrent()
PIECE_WAIT = 120.0  # seconds one piece may take before the request is dropped


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_GET(self, head=False):
        t_req = time.time()
        h = TORRENT.handle
        if h is None or not TORRENT.wait(lambda: h.status().has_metadata, PIECE_WAIT):
            self.send_error(503)
            return
        ti = h.torrent_file()
        fs = ti.files()
        files = [i for i in range(fs.num_files()) if not fs.file_flags(i) & lt.file_storage.flag_pad_file]
        fi = max(files, key=fs.file_size)
        size, base, plen = fs.file_size(fi), fs.file_offset(fi), ti.piece_length()
        rng = self.headers.get("Range", "")
        sent_range = http_range.answer(self, rng, size)
        if sent_range is None:
            return
        start, end = sent_range
        if head:
            return
        sent, t_first = 0, None
        try:
            pos = start
            while pos <= end:
                piece = (base + pos) // plen
                if not TORRENT.wait(lambda: h.have_piece(piece), PIECE_WAIT):
                    break  # never send bytes we do not have: drop the connection
                data = TORRENT.read(h, piece, PIECE_WAIT)
                upto = min(end + 1, (piece + 1) * plen - base)
                buf = None if data is None else data[base + pos - piece * plen:base + upto - piece * plen]
                if buf is None or len(buf) != upto - pos:
                    break
                self.wfile.write(buf)
                if t_first is None:
                    t_first = time.time()
                sent += len(buf)
                pos = upto
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            sys.stderr.write("%.3f %s %s first_byte_after=%s sent=%d\n" % (
                time.time(), self.command, rng or "(whole)",
                "%.3f" % (t_first - t_req) if t_first else "-", sent))
            sys.stderr.flush()
        if sent != end - start + 1:
            self.close_connection = True


def stream(args):
    src, save, ip, peer = args[0], args[1], opt(args, "--listen"), opt(args, "--peer")
    max_s = float(opt(args, "--max-seconds", "3600"))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    # piece_progress: piece_finished_alert wakes the requests waiting for that piece
    ses = session_for(ip, {"alert_mask": lt.alert_category.status | lt.alert_category.error
                                         | lt.alert_category.piece_progress
                                         | lt.alert_category.storage})
    wait_listening(ses, ip)
    atp = lt.parse_magnet_uri(src)
    atp.save_path = save
    atp.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
    atp.flags |= lt.torrent_flags.sequential_download
    TORRENT.save = os.path.abspath(save)
    host, port = peer.rsplit(":", 1)
    t0 = time.time()
    TORRENT.handle = h = ses.add_torrent(atp)
    h.connect_peer((host, int(port)))
    print("ADDED %.6f" % t0, flush=True)
    print("URL http://127.0.0.1:%d/0" % srv.server_address[1], flush=True)
    complete = False
    while not stop and time.time() - t0 < max_s:
        alerts = ses.pop_alerts()
        for a in alerts:
            if isinstance(a, lt.read_piece_alert) and not a.error.value():
                TORRENT.got_piece(a.piece, bytes(a.buffer))
        if any(isinstance(a, (lt.piece_finished_alert, lt.metadata_received_alert)) for a in alerts):
            TORRENT.notify()
        if not complete and any(isinstance(a, lt.torrent_finished_alert) for a in alerts):
            complete = True
            print("COMPLETE %.3f" % (time.time() - t0), flush=True)
        ses.wait_for_alert(100)
    srv.shutdown()
    ses.pause()


if __name__ == "__main__":
    cmds = {"mktorrent": mktorrent, "seed": seed, "stream": stream}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmds[sys.argv[1]](sys.argv[2:])
