#!/usr/bin/env python3
"""Replay the router -> collector bytes of a recorded BMP session to a station.

usage: replay.py PCAP HOST PORT [CHUNK]       (PORT: the BMP port in the capture, 11019)
       replay.py --extract PCAP PORT OUT      write the bytes to OUT instead

Reads a classic pcap (Ethernet, IPv4/IPv6, TCP) with the standard library only, takes the
payload of the TCP flow towards PORT (the first such flow: one connection per recording),
in sequence order (retransmitted bytes once; the recordings have no loss), connects to
HOST:PORT and sends it in CHUNK-byte writes (default 1000: many reads on the station's
side, so messages cross read boundaries), then closes the connection (FIN).  A replay,
not a router: the station cannot tell (it only reads).
"""
import socket
import struct
import sys


def flow_bytes(path, port):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off, segs, isn, key = 24, {}, None, None
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) < 14:
            continue
        et = struct.unpack(">H", frame[12:14])[0]
        p = frame[14:]
        if et == 0x0800:
            ihl = (p[0] & 15) * 4
            tot = struct.unpack(">H", p[2:4])[0]
            proto, src, dst, l4 = p[9], p[12:16], p[16:20], p[ihl:tot]
        elif et == 0x86DD:
            plen = struct.unpack(">H", p[4:6])[0]
            proto, src, dst, l4 = p[6], p[8:24], p[24:40], p[40:40 + plen]
        else:
            continue
        if proto != 6 or len(l4) < 20:
            continue
        sp, dp, seq = struct.unpack(">HHI", l4[:8])
        flags = l4[13]
        if dp != port:
            continue
        k = (src, sp, dst, dp)
        if key is None:
            key = k
        if k != key:
            continue
        if flags & 0x02:        # SYN: the stream starts at isn + 1
            isn = seq + 1
            continue
        pay = l4[(l4[12] >> 4) * 4:]
        if pay:
            if isn is None:     # picked up mid-stream
                isn = seq
            segs.setdefault((seq - isn) & 0xFFFFFFFF, pay)
    out, pos = bytearray(), 0
    for o in sorted(segs):
        pay = segs[o]
        if o + len(pay) <= pos:
            continue
        if o > pos:
            sys.exit("replay.py: %s: %d bytes missing at offset %d" % (path, o - pos, pos))
        out += pay[pos - o:]
        pos = len(out)
    return bytes(out)


if sys.argv[1] == "--extract":
    b = flow_bytes(sys.argv[2], int(sys.argv[3]))
    open(sys.argv[4], "wb").write(b)
    sys.exit(0)
pcap, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
chunk = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
b = flow_bytes(pcap, 11019)
s = socket.create_connection((host, port))
for i in range(0, len(b), chunk):
    s.sendall(b[i:i + chunk])
s.shutdown(socket.SHUT_WR)
s.recv(1)                       # the station closes when it has read everything
s.close()
print(len(b))
