#!/usr/bin/env python3
"""Drop a percentage of the data-carrying TCP segments of a capture.

usage: lossy.py IN.pcap OUT.pcap PERCENT [SEED] [DROPPED.txt]
Each frame that is TCP with a non-empty payload is dropped with probability
PERCENT/100, decided by Python's random.Random(SEED) (default seed 179)
drawing one number per such frame in frame order, so the result is
reproducible.  Frames without TCP payload (SYN, pure ACKs, FIN) are kept.
DROPPED.txt (default OUT.pcap.dropped) gets the 1-based frame numbers of the
dropped frames in IN.pcap, one per line.  Works for the link types
Ethernet (with VLAN tags), SLL, SLL2, RAW, NULL and LOOP.
"""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pcapfile  # noqa: E402


def main():
    if len(sys.argv) < 4:
        raise SystemExit(__doc__)
    src, dst, pct = sys.argv[1], sys.argv[2], float(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 179
    lst = sys.argv[5] if len(sys.argv) > 5 else dst + ".dropped"
    rng = random.Random(seed)
    try:
        header, lt, e, recs = pcapfile.read_pcap(src)
    except ValueError as err:
        raise SystemExit("%s (pcapng is not supported)" % err)
    keep, dropped = [], []
    for n, r in enumerate(recs, 1):
        try:
            pl = pcapfile.tcp_payload_len(lt, r[1])
        except ValueError as err:
            raise SystemExit(str(err))
        if pl and rng.random() * 100 < pct:
            dropped.append(n)
            continue
        keep.append(r)
    pcapfile.write_pcap(dst, header, e, keep)
    with open(lst, "w") as f:
        for n in dropped:
            f.write("%d\n" % n)
    print("%s: kept %d of %d frames, dropped %d data segments (seed %d)"
          % (dst, len(keep), len(recs), len(dropped), seed), file=sys.stderr)


main()
