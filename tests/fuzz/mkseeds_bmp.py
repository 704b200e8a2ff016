#!/usr/bin/env python3
"""Seeds for fuzz_bmp (tests/fuzz/fuzz_bmp.c).

    python3 tests/fuzz/mkseeds_bmp.py OUTDIR

writes OUTDIR/fuzz_bmp/<name>: byte 0 (chunk size, bit 7 gaps), then a
BMP stream: one built here from RFC 7854's layouts (every message type,
every per-peer flag, RFC 9069 Loc-RIB, the Peer Down reasons), and the
first 24 KiB of the router -> collector streams of pcaps/bmp/*.pcap
(GoBGP 3.10.0), whole and cut mid-message.  Only the standard library;
mkseeds.py's stream reassembly.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkseeds  # noqa: E402

MARKER = b"\xff" * 16


def bgp(t, body):
    return MARKER + struct.pack(">HB", 19 + len(body), t) + body


def peer(ptype=0, flags=0, addr=b"\0" * 12 + bytes([192, 0, 2, 9]), asn=65001, sec=0):
    return struct.pack(">BBQ", ptype, flags, 0) + addr + struct.pack(">IIII", asn, 0x0A000001, sec, 0)


def bmp(t, body):
    return struct.pack(">BIB", 3, 6 + len(body), t) + body


def tlv(t, v):
    return struct.pack(">HH", t, len(v)) + v


def update(width=4):
    path = struct.pack(">BB", 2, 2) + (struct.pack(">II", 65001, 64500) if width == 4
                                       else struct.pack(">HH", 65001, 64500))
    attrs = (b"\x40\x01\x01\x00" + bytes([0x40, 2, len(path)]) + path +
             b"\x40\x03\x04\xc0\x00\x02\x01")
    return bgp(2, struct.pack(">H", 0) + struct.pack(">H", len(attrs)) + attrs + b"\x08\x0a")


def open_msg(asn):
    caps = bytes([2, 6, 65, 4]) + struct.pack(">I", asn)
    return bgp(1, struct.pack(">BHHIB", 4, asn & 0xFFFF, 90, 0x0A000002, len(caps)) + caps)


def hand_stream():
    s = bmp(4, tlv(1, b"GoBGP") + tlv(2, b"r1"))
    s += bmp(3, peer() + b"\0" * 12 + bytes([192, 0, 2, 1]) + struct.pack(">HH", 179, 40000) +
             open_msg(65000) + open_msg(65001) + tlv(0, b"up"))
    for flags in (0, 0x40, 0x20, 0x10, 0x50):
        s += bmp(0, peer(flags=flags, sec=1700000000) + update(2 if flags & 0x20 else 4))
    s += bmp(0, peer(ptype=3, flags=0x80, addr=b"\0" * 16, asn=65000) + update())
    s += bmp(1, peer() + struct.pack(">I", 2) + struct.pack(">HHI", 0, 4, 7) +
             struct.pack(">HHQ", 7, 8, 9))
    s += bmp(6, peer() + tlv(0, update()) + tlv(1, b"\0\1"))
    s += bmp(2, peer() + b"\x03" + bgp(3, b"\x06\x02"))
    s += bmp(2, peer() + b"\x02" + struct.pack(">H", 24))
    s += bmp(2, peer(ptype=3, addr=b"\0" * 16) + b"\x06" + tlv(3, b"vrf"))
    s += bmp(5, tlv(0, b"bye") + tlv(1, b"\0\0"))
    return s


def pcap_streams():
    d = os.path.join(mkseeds.TOP, "pcaps", "bmp")
    if not os.path.isdir(d):
        return
    for f in sorted(os.listdir(d)):
        if not f.endswith(".pcap"):
            continue
        lt, frames = mkseeds.read_capture(os.path.join(d, f))
        for (src, dst, sport, dport), data in mkseeds.streams(lt, frames):
            if dport == 11019 and data:
                yield f[:-5], data


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = mkseeds.Out(sys.argv[1], True)
    h = hand_stream()
    out.put("fuzz_bmp", "hand-whole", b"\x00" + h, 1 << 16)
    out.put("fuzz_bmp", "hand-chunks7", b"\x07" + h, 1 << 16)
    out.put("fuzz_bmp", "hand-gaps", b"\x93" + h, 1 << 16)
    out.put("fuzz_bmp", "hand-midstream", b"\x00" + h[37:], 1 << 16)
    for name, data in pcap_streams():
        out.put("fuzz_bmp", name, b"\x00" + data[:24576], 1 << 16)
        out.put("fuzz_bmp", name + "-cut", b"\x40" + data[101:8192], 1 << 16)
    print("fuzz_bmp: %d seeds" % out.n.get("fuzz_bmp", 0))


if __name__ == "__main__":
    main()
