#!/usr/bin/env python3
"""The route-server-scale capture for make bench (issue 17): N BGP
sessions that all send the same real full table at once, made from the
full-table capture (tests/bench/fulltable.sh).

usage: rsscale_gen.py SRC.pcap N OUT.pcap

SRC holds one or more BGP sessions between a speaker and a receiver (the
full-table capture: one IPv4 and one IPv6 session between 10.179.9.1 /
fd00:179:0:9::1, the sender, and 10.179.9.2 / fd00:179:0:9::2).  Session
copy i (0 <= i < N) is every frame of SRC with the sender's address
replaced by peer i's: 10.180.x.y and fd00:179:1::x:y with x:y = i + 1 as
two bytes (IPv4) or one 16-bit word (IPv6), so that the receiver (the
route server) sees N peers per address family on the same ports.  Ports,
sequence and acknowledgement numbers, payloads and MAC addresses are
unchanged, so every flow is as consistent as in SRC; the IPv4 header
checksum and the TCP checksum are adjusted incrementally (RFC 1624), so a
checksum that was right in SRC is right in the copy (one that was not,
e.g. left to offload, stays as wrong).

Order: frame k of every copy, copies 0..N-1, then frame k+1: the N
sessions' bursts interleaved packet by packet, as a route server sees
them after a restart; every copy of frame k keeps frame k's time stamp.
Prints the counts as JSON on stdout."""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pcapfile  # noqa: E402


def ones_add(a, b):
    s = a + b
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def words_sum(b):
    s = 0
    for i in range(0, len(b), 2):
        s = ones_add(s, (b[i] << 8) | b[i + 1])
    return s


def delta(old, new):
    """The one's-complement sum to add to ~checksum when old becomes new
    (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m'))."""
    return ones_add(0xFFFF - words_sum(old), words_sum(new))


def fix(ba, off, d):
    c = (ba[off] << 8) | ba[off + 1]
    c = ~ones_add(~c & 0xFFFF, d) & 0xFFFF
    ba[off] = c >> 8
    ba[off + 1] = c & 0xFF


def peer_addr(fam, i):
    x = i + 1
    if fam == 4:
        return bytes([10, 180 + (x >> 16), (x >> 8) & 255, x & 255])
    return bytes.fromhex("fd000179000100000000000000000000")[:12] + struct.pack(">I", x)


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if n < 1 or n > 65535:
        raise SystemExit("rsscale_gen: N must be in 1..65535")
    header, lt, endian, frames = pcapfile.read_pcap(src)
    # The sender of each session: the end that sent more payload bytes.
    sent = {}
    for _, d in frames:
        t = pcapfile.tcp_info(lt, d)
        if t is None:
            continue
        key = (t["src"], t["sport"], t["dst"], t["dport"])
        sent[key] = sent.get(key, 0) + len(t["payload"])
    senders = set()
    for (a, ap, b, bp), v in sent.items():
        if v >= sent.get((b, bp, a, ap), 0):
            senders.add(a)
    # Per frame: where the sender's address is and the checksums are.
    plan = []
    fams = {4: 0, 6: 0}
    for rec, d in frames:
        t = pcapfile.tcp_info(lt, d)
        hdr = struct.pack(endian + "IIII", rec[0], rec[1], len(d), rec[3])
        if t is None:
            plan.append((hdr, d, None))
            continue
        io, fam = t["ip_off"], t["ip_ver"]
        if fam == 4:
            so, alen, ipc = io + 12, 4, io + 10
        else:
            so, alen, ipc = io + 8, 16, None
        if t["src"] in senders:
            ao = so
        elif t["dst"] in senders:
            ao = so + alen
        else:
            plan.append((hdr, d, None))
            continue
        fams[fam] += 1
        plan.append((hdr, d, (fam, ao, alen, ipc, t["tcp_off"] + 16, bytes(d[ao:ao + alen]))))
    # Per copy and sender address: the new address and the checksum delta.
    deltas = {}
    packets = 0
    with open(out, "wb", buffering=1 << 22) as f:
        f.write(header)
        w = f.write
        for hdr, d, p in plan:
            if p is None:
                for i in range(n):
                    w(hdr)
                    w(d)
                packets += n
                continue
            fam, ao, alen, ipc, tc, old = p
            for i in range(n):
                k = (old, i)
                nd = deltas.get(k)
                if nd is None:
                    new = peer_addr(fam, i)
                    nd = deltas[k] = (new, delta(old, new))
                new, dd = nd
                ba = bytearray(d)
                ba[ao:ao + alen] = new
                if ipc is not None:
                    fix(ba, ipc, dd)
                if len(ba) >= tc + 2:
                    fix(ba, tc, dd)
                w(hdr)
                w(ba)
            packets += n
    json.dump({"source": src, "sessions_per_family": n,
               "families": sorted(f for f, c in fams.items() if c),
               "senders": sorted(a.hex() for a in senders),
               "source_frames": len(frames), "packets": packets,
               "bytes": os.path.getsize(out)}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
