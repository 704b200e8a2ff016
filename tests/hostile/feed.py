#!/usr/bin/env python3
"""Pieces of a pcap stream for a long-running `rovmon -r FIFO`: the test
script keeps the FIFO open (exec 3> FIFO) and appends pieces with
`feed.py ... >&3`, so it decides what rovmon sees and when.  Time stamps
are the wall clock, so the capture time follows real time.

  feed.py header              the pcap file header (once, first)
  feed.py nudge               one pure ACK to port 179 of an unknown flow:
                              reassembly ignores it, but rovmon runs its
                              between-packets work (SIGHUP, SIGUSR1, a new
                              VRP set) before it
  feed.py session PORT PFX... a whole BGP session from 192.0.2.1:PORT to
                              192.0.2.2:179 announcing PFX... (AS path
                              65000 64500), closed with FINs
  feed.py replay FILE PORT [--sighup PID:N[:MS]] [--rotate M:FILE,...]
                              the frames of FILE (Ethernet, IPv4/IPv6) with
                              the client port (the one that is not 179)
                              replaced by PORT, a new TCP session each time;
                              --sighup: kill -HUP PID after every N frames
                              (and pause MS milliseconds);
                              --rotate: after every M frames rename each
                              FILE to FILE.1, FILE.2, ... (as logrotate
                              does), then kill -HUP PID (of --sighup)

With FEED_IFACE=IF in the environment the frames are sent on interface IF
(an AF_PACKET socket: run it inside the network namespace) instead of
being written to stdout as pcap records; `header` then writes nothing.
"""
import os
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from bgpgen import ACK, Session, tcp_frame, update  # noqa: E402
import pcapfile  # noqa: E402


class WallWriter:
    """PcapWriter's interface, wall-clock time stamps, unbuffered fd 1 (or
    the interface in $FEED_IFACE)."""

    def __init__(self):
        self.n = 0
        self.buf = []
        self.sock = None
        if os.environ.get("FEED_IFACE"):
            self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            self.sock.bind((os.environ["FEED_IFACE"], 0))

    def frame(self, data, caplen=None, wirelen=None, raw_caplen=None):
        self.n += 1
        if self.sock is not None:
            self.sock.send(data)
            return
        self.buf.append(pcapfile.record_us(int(time.time() * 1e6), data,
                                           raw_caplen, wirelen))

    def flush(self):
        out(b"".join(self.buf))
        self.buf = []


def out(b):
    while b:
        n = os.write(1, b)
        b = b[n:]


def records(path):
    for (_s, _f, _cl, ol), data in pcapfile.read_pcap(path)[3]:
        yield data, ol


def set_port(data, port):
    b = bytearray(data)
    et = struct.unpack("!H", b[12:14])[0]
    if et == 0x0800:
        l4 = 14 + (b[14] & 15) * 4
    elif et == 0x86dd:
        l4 = 14 + 40
    else:
        return data
    sp, dp = struct.unpack("!HH", b[l4:l4 + 4])
    if sp != 179:
        b[l4:l4 + 2] = struct.pack("!H", port)
    elif dp != 179:
        b[l4 + 2:l4 + 4] = struct.pack("!H", port)
    return bytes(b)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd = argv[1]
    if cmd == "header":
        if not os.environ.get("FEED_IFACE"):
            out(pcapfile.file_header(snaplen=262144))
    elif cmd == "nudge":
        w = WallWriter()
        w.frame(tcp_frame("192.0.2.99", "192.0.2.2", 9, 179, 1, 1, ACK))
        w.flush()
    elif cmd == "session":
        w = WallWriter()
        s = Session(w, aport=int(argv[2]), isn_a=int(argv[2]) * 7919)
        s.handshake()
        s.opens()
        s.seg(0, update(argv[3:]))
        s.close()
        w.flush()
    elif cmd == "replay":
        port = int(argv[3])
        hup = rot = None
        opts = argv[4:]
        while opts:
            if opts[0] == "--sighup":
                v = opts[1].split(":") + ["0"]
                hup = (int(v[0]), int(v[1]), int(v[2]) / 1000.0)
            elif opts[0] == "--rotate":
                every, files = opts[1].split(":", 1)
                rot = (int(every), files.split(","))
            else:
                sys.exit(__doc__)
            opts = opts[2:]
        w = WallWriter()
        k = 0
        for i, (data, ol) in enumerate(records(argv[2])):
            w.frame(set_port(data, port), wirelen=ol)
            if hup and (i + 1) % hup[1] == 0:
                w.flush()
                os.kill(hup[0], signal.SIGHUP)
                time.sleep(hup[2])
            if rot and (i + 1) % rot[0] == 0:
                w.flush()
                k += 1
                for f in rot[1]:
                    if os.path.exists(f):
                        os.rename(f, "%s.%d" % (f, k))
                os.kill(hup[0], signal.SIGHUP)
        w.flush()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
