#!/usr/bin/env python3
"""Replay the router -> collector bytes of a recorded BMP session to a station.

usage: replay.py PCAP HOST PORT [CHUNK]       send the flow to port 11019 to HOST:PORT
       replay.py --extract PCAP PORT OUT      write the flow to PORT into OUT instead

Reads the capture with tests/lib/pcapfile.py (pcap or pcapng; Ethernet, IPv4/IPv6, TCP), takes the
payload of the TCP flow towards PORT (the first such flow: one connection per recording),
in sequence order (retransmitted bytes once; the recordings have no loss), connects to
HOST:PORT and sends it in CHUNK-byte writes (default 1000: many reads on the station's
side, so messages cross read boundaries), then closes the connection (FIN).  A replay,
not a router: the station cannot tell (it only reads).
"""
import os
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pcapfile  # noqa: E402  (tests/lib: the one capture-file module)


def flow_bytes(path, port):
    lt, frames = pcapfile.read_capture(path)
    if lt is None:
        sys.exit("replay.py: %s: not a pcap or pcapng file" % path)
    segs, isn, key = {}, None, None
    for _sec, _usec, data, _orig in frames:
        t = pcapfile.tcp_of(lt, data)
        if t is None:
            continue
        src, dst, sp, dp, seq, flags, pay = t
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
