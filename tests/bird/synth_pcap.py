#!/usr/bin/env python3
"""Write a pcap of one BGP session announcing given routes.

usage: synth_pcap.py ROUTES_FILE OUT.pcap

ROUTES_FILE: "PREFIX ORIGIN" lines (ORIGIN a number or "none").  The
capture is one IPv4 TCP connection 192.0.2.1:40179 -> 192.0.2.2:179 (SYN
handshake, both OPENs with 4-octet AS and IPv4+IPv6 unicast multiprotocol
capabilities, KEEPALIVEs), then one UPDATE per route from 192.0.2.1 (AS
65000): ORIGIN IGP, AS_PATH [65000 ORIGIN] (an AS_SEQUENCE of 4-octet ASes),
or for "none" [65000 {64510,4200000010}] (AS_SEQUENCE then AS_SET); IPv4
routes in the NLRI field with NEXT_HOP, IPv6 routes in MP_REACH_NLRI.
Used by tests/e2e/80-bird-rov-diff.sh to pass synthetic edge-case routes
through rovmon's whole path (capture, decoding, validation).
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pcapfile  # noqa: E402

SRC, DST = '192.0.2.1', '192.0.2.2'
SPORT, DPORT = 40179, 179
LOCAL_AS = 65000


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(src, dst, sport, dport, seq, ack, flags, payload):
    s, d = socket.inet_aton(src), socket.inet_aton(dst)
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags,
                      65535, 0, 0) + payload
    c = csum(s + d + struct.pack('!BBH', 0, 6, len(tcp)) + tcp)
    tcp = tcp[:16] + struct.pack('!H', c) + tcp[18:]
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 0, 0x4000, 64,
                     6, 0, s, d)
    ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
    eth = b'\x02\0\0\0\0\x02' + b'\x02\0\0\0\0\x01' + b'\x08\x00'
    return eth + ip + tcp


def bgp(msgtype, body):
    return b'\xff' * 16 + struct.pack('!HB', 19 + len(body), msgtype) + body


def open_msg(asn, rid):
    caps = b''
    for afi in (1, 2):
        caps += struct.pack('!BBBBHBB', 2, 6, 1, 4, afi, 0, 1)
    caps += struct.pack('!BBBBI', 2, 6, 65, 4, asn)
    my_as = asn if asn < 65536 else 23456
    return bgp(1, struct.pack('!BHH4sB', 4, my_as, 180,
                              socket.inet_aton(rid), len(caps)) + caps)


def attr(flags, code, val):
    if len(val) > 255:
        return struct.pack('!BBH', flags | 0x10, code, len(val)) + val
    return struct.pack('!BBB', flags, code, len(val)) + val


def nlri(prefix):
    addr, _, plen = prefix.partition('/')
    plen = int(plen)
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    b = socket.inet_pton(fam, addr)
    return bytes([plen]) + b[:(plen + 7) // 8]


def update(prefix, origin):
    if origin == 'none':
        path = struct.pack('!BBI', 2, 1, LOCAL_AS) + \
            struct.pack('!BBII', 1, 2, 64510, 4200000010)
    else:
        path = struct.pack('!BBII', 2, 2, LOCAL_AS, int(origin))
    attrs = attr(0x40, 1, b'\0') + attr(0x40, 2, path)
    if ':' in prefix:
        nh = socket.inet_pton(socket.AF_INET6, '2001:db8::1')
        mp = struct.pack('!HBB', 2, 1, 16) + nh + b'\0' + nlri(prefix)
        attrs += attr(0x80, 14, mp)
        return bgp(2, struct.pack('!HH', 0, len(attrs)) + attrs)
    attrs += attr(0x40, 3, socket.inet_aton(SRC))
    return bgp(2, struct.pack('!HH', 0, len(attrs)) + attrs + nlri(prefix))


def main(argv):
    routes = []
    with open(argv[1]) as f:
        for line in f:
            w = line.split()
            if len(w) == 2 and not w[0].startswith('#'):
                routes.append(w)
    recs = []
    t = [1700000000, 0]

    def emit(data):
        t[1] += 100
        recs.append(pcapfile.record(t[0] + t[1] // 1000000, t[1] % 1000000,
                                    data))

    a_seq, b_seq = 1000, 5000           # ISNs
    emit(frame(SRC, DST, SPORT, DPORT, a_seq, 0, 0x02, b''))
    emit(frame(DST, SRC, DPORT, SPORT, b_seq, a_seq + 1, 0x12, b''))
    a_seq += 1
    b_seq += 1
    emit(frame(SRC, DST, SPORT, DPORT, a_seq, b_seq, 0x10, b''))

    def send_a(payload):
        nonlocal a_seq
        emit(frame(SRC, DST, SPORT, DPORT, a_seq, b_seq, 0x18, payload))
        a_seq += len(payload)

    def send_b(payload):
        nonlocal b_seq
        emit(frame(DST, SRC, DPORT, SPORT, b_seq, a_seq, 0x18, payload))
        b_seq += len(payload)

    send_a(open_msg(LOCAL_AS, SRC))
    send_b(open_msg(65001, DST))
    send_a(bgp(4, b''))
    send_b(bgp(4, b''))
    buf = b''
    for p, o in routes:
        m = update(p, o)
        if len(buf) + len(m) > 1400:
            send_a(buf)
            buf = b''
        buf += m
    if buf:
        send_a(buf)
    emit(frame(DST, SRC, DPORT, SPORT, b_seq, a_seq, 0x10, b''))
    with open(argv[2], 'wb') as f:
        f.write(pcapfile.file_header(pcapfile.LINKTYPE_ETHERNET, 65535))
        f.writelines(recs)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
