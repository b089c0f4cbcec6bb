#!/usr/bin/python3
"""trace_blocks.py COOPD_LOG [--json] - what one agent uploaded, block by block.

Reads a coopd.log written at --log-level trace (lab ... --coop-log-level
trace --keep-logs DIR puts one under DIR/coop/hI/) and counts the PIECE
messages the agent sent: how many distinct 16 KiB blocks, how many times
each went out (a block sent twice by a seeder is upload the swarm paid for
twice), whether a repeated block had already reached another peer (the
requester could have had it there) or was still on its way to every peer
that asked, to which peers, the requests it refused (REJECT_PIECE, with a
SUGGEST of another piece) and the requests and cancels it received.
"""
import collections
import json
import re
import sys

LINE = re.compile(r"\[(\d+\.\d+\.\d+\.\d+):\d+\] (==>|<==) (\w+)(.*)")
BLOCK = re.compile(r"piece: (\d+) s: ([0-9a-fA-F]+)")
PIECE = re.compile(r"piece: (\d+)")


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    sent = collections.Counter()
    had = collections.defaultdict(set)  # piece -> peers that said HAVE
    repeats = collections.Counter()     # why a block went out again
    to_peer = collections.Counter()
    received = collections.Counter()
    refused = collections.Counter()     # REJECT_PIECE and SUGGEST the agent sent
    try:
        f = open(argv[0], errors="replace")
    except OSError as e:
        print("trace_blocks.py: cannot read %s: %s" % (argv[0], e.strerror), file=sys.stderr)
        return 1
    with f:
        for line in f:
            m = LINE.search(line)
            if not m:
                continue
            peer, way, kind, rest = m.groups()
            if way == "<==":
                received[kind] += 1
                p = PIECE.search(rest) if kind == "HAVE" else None
                if p:
                    had[int(p.group(1))].add(peer)
            elif kind in ("REJECT_PIECE", "SUGGEST"):
                refused[kind] += 1
            elif kind == "PIECE":
                b = BLOCK.search(rest)
                if b:
                    key = (int(b.group(1)), b.group(2))
                    if sent[key]:
                        # Again: could the peer have had it from another
                        # that already had the piece, or was it still on its
                        # way to everyone who asked?
                        repeats["another peer had it" if had[key[0]] - {peer} else "on its way to others"] += 1
                    sent[key] += 1
                    to_peer[peer] += 1
    if not sent and not received:
        print("trace_blocks.py: no peer messages in %s (was the agent at --log-level trace?)" % argv[0],
              file=sys.stderr)
        return 1
    times = collections.Counter(sent.values())
    out = {"distinct_blocks": len(sent), "blocks_sent": sum(sent.values()),
           "blocks_by_times_sent": {str(k): times[k] for k in sorted(times)},
           "sent_again": dict(repeats),
           "sent_per_peer": dict(to_peer.most_common()),
           "refused": {k: refused[k] for k in ("REJECT_PIECE", "SUGGEST")},
           "received": {k: received[k] for k in ("REQUEST", "CANCEL", "HAVE", "INTERESTED", "NOT_INTERESTED")}}
    if "--json" in argv:
        print(json.dumps(out))
        return 0
    print("%d distinct blocks, %d sent (%.2f sends per block)" % (
        out["distinct_blocks"], out["blocks_sent"], out["blocks_sent"] / max(1, out["distinct_blocks"])))
    for k in sorted(times):
        print("  sent %2d time%s: %6d blocks" % (k, "" if k == 1 else "s", times[k]))
    for why, n in repeats.most_common():
        print("  sent again when %s: %d" % (why, n))
    print("per peer: " + ", ".join("%s %d" % kv for kv in to_peer.most_common()))
    print("refused: " + ", ".join("%s %d" % kv for kv in out["refused"].items()))
    print("received: " + ", ".join("%s %d" % kv for kv in out["received"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
