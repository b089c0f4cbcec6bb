"""A v1 torrent of one file, made with the standard library: the piece
size is the one libtorrent picks for coop's torrent of the same size, so
the reference clients move pieces of the same size as coop."""
import hashlib
import os

# libtorrent 2.0's automatic piece size (create_torrent with piece_size 0):
# 16 KiB doubled once for every threshold the total size exceeds.
_LT_PIECE_SIZE_TABLE = (2684355, 10737418, 42949673, 171798692, 687194767, 2748779069,
                        10995116278, 43980465111, 175921860444, 703687441777)


def lt_piece_size(size):
    return 16384 << sum(1 for s in _LT_PIECE_SIZE_TABLE if s < size)


def bencode(v):
    if isinstance(v, int):
        return b"i%de" % v
    if isinstance(v, str):
        v = v.encode()
    if isinstance(v, bytes):
        return b"%d:%s" % (len(v), v)
    if isinstance(v, list):
        return b"l" + b"".join(bencode(x) for x in v) + b"e"
    if isinstance(v, dict):
        return b"d" + b"".join(bencode(k) + bencode(v[k]) for k in sorted(v)) + b"e"
    raise TypeError(type(v))


def make_torrent(path, out, announce, piece=None):
    """A v1 single-file torrent of PATH (pieces of PIECE bytes, else
    libtorrent's choice); returns (info-hash hex, piece size)."""
    size = os.path.getsize(path)
    piece = piece or lt_piece_size(size)
    hashes = []
    with open(path, "rb") as f:
        while True:
            block = f.read(piece)
            if not block:
                break
            hashes.append(hashlib.sha1(block).digest())
    info = {"name": os.path.basename(path), "length": size, "piece length": piece, "pieces": b"".join(hashes)}
    with open(out, "wb") as f:
        f.write(bencode({"announce": announce, "info": info}))
    return hashlib.sha1(bencode(info)).hexdigest(), piece
