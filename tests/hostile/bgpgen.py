"""Building blocks for hostile captures: TCP/IP frames, BGP messages, and a
TCP session that keeps its own sequence numbers.  The capture files
themselves are tests/lib/pcapfile.py's (PcapWriter, record_us).

Pure Python (no scapy), streaming: big captures are written frame by frame,
never held in memory.  Used by tests/hostile/gen.py (tests/e2e/97-hostile.sh)
and tests/hostile/feed.py (tests/e2e/98-faults.sh).
"""
import socket
import struct

ETH_SRC = b'\x02\0\0\0\0\x01'
ETH_DST = b'\x02\0\0\0\0\x02'
BGP_MARKER = b'\xff' * 16

# TCP flags
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def _csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def tcp_frame(src, dst, sport, dport, seq, ack, flags, payload=b'',
              ip_total=None, checksum=True):
    """Ethernet + IPv4/IPv6 + TCP.  ip_total overrides the IPv4 Total Length
    (or the IPv6 Payload Length)."""
    v6 = ':' in src
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    s, d = socket.inet_pton(fam, src), socket.inet_pton(fam, dst)
    tcp = struct.pack('!HHIIBBHHH', sport, dport, seq & 0xffffffff,
                      ack & 0xffffffff, 5 << 4, flags, 65535, 0, 0) + payload
    if checksum:
        ph = s + d + (struct.pack('!IxxxB', len(tcp), 6) if v6 else
                      struct.pack('!BBH', 0, 6, len(tcp)))
        c = _csum(ph + tcp)
        tcp = tcp[:16] + struct.pack('!H', c) + tcp[18:]
    if v6:
        plen = len(tcp) if ip_total is None else ip_total
        ip = struct.pack('!IHBB', 6 << 28, plen, 6, 64) + s + d
        return ETH_SRC + ETH_DST + b'\x86\xdd' + ip + tcp
    tot = 20 + len(tcp) if ip_total is None else ip_total
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, tot & 0xffff, 0, 0x4000, 64,
                     6, 0, s, d)
    ip = ip[:10] + struct.pack('!H', _csum(ip)) + ip[12:]
    return ETH_SRC + ETH_DST + b'\x08\x00' + ip + tcp


# ---- BGP -----------------------------------------------------------------

def bgp(msgtype, body, length=None):
    """A BGP message; length overrides the header's length field."""
    n = 19 + len(body) if length is None else length
    return BGP_MARKER + struct.pack('!HB', n, msgtype) + body


def keepalive():
    return bgp(4, b'')


def open_msg(asn, rid, ext_msg=False):
    caps = b''
    for afi in (1, 2):
        caps += struct.pack('!BBBBHBB', 2, 6, 1, 4, afi, 0, 1)
    caps += struct.pack('!BBBBI', 2, 6, 65, 4, asn)
    if ext_msg:
        caps += struct.pack('!BBBB', 2, 2, 6, 0)
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


def as_path(*asns, seg_type=2):
    return struct.pack('!BB', seg_type, len(asns)) + \
        b''.join(struct.pack('!I', a) for a in asns)


def std_attrs(path=(65000, 64500), nexthop='192.0.2.1'):
    """ORIGIN IGP, AS_PATH (4-octet AS_SEQUENCE), NEXT_HOP."""
    return attr(0x40, 1, b'\0') + attr(0x40, 2, as_path(*path)) + \
        attr(0x40, 3, socket.inet_aton(nexthop))


def update(nlri_prefixes=(), attrs=None, withdrawn=(), raw_nlri=b''):
    if attrs is None:
        attrs = std_attrs() if nlri_prefixes or raw_nlri else b''
    w = b''.join(nlri(p) for p in withdrawn)
    n = b''.join(nlri(p) for p in nlri_prefixes) + raw_nlri
    return bgp(2, struct.pack('!H', len(w)) + w +
               struct.pack('!H', len(attrs)) + attrs + n)


def mp_reach_v6(prefixes, nexthop=b'\x20\x01\x0d\xb8' + b'\0' * 11 + b'\1',
                nh_len=None):
    """MP_REACH_NLRI for IPv6 unicast; nh_len overrides the next-hop length
    octet (a lie) while nexthop gives the bytes actually written."""
    n = b''.join(nlri(p) for p in prefixes)
    nl = len(nexthop) if nh_len is None else nh_len
    v = struct.pack('!HBB', 2, 1, nl) + nexthop + b'\0' + n
    return attr(0x80, 14, v)


# ---- a TCP session ---------------------------------------------------------

class Session:
    """One TCP connection a (client) <-> b (server port 179) in a capture."""

    def __init__(self, w, a='192.0.2.1', b='192.0.2.2', aport=40179,
                 bport=179, isn_a=1000, isn_b=5000):
        self.w = w
        self.ep = [(a, aport), (b, bport)]
        self.seq = [isn_a, isn_b]

    def seg(self, d, payload=b'', flags=PSH | ACK, seq=None, advance=True,
            **kw):
        """Send payload in direction d (0 = a->b); returns its seq."""
        s = self.seq[d] if seq is None else seq
        (src, sp), (dst, dp) = self.ep[d], self.ep[1 - d]
        self.w.frame(tcp_frame(src, dst, sp, dp, s, self.seq[1 - d], flags,
                               payload), **{k: v for k, v in kw.items()
                                            if k in ('caplen', 'wirelen', 'raw_caplen')})
        if advance and seq is None:
            self.seq[d] += len(payload) + (1 if flags & (SYN | FIN) else 0)
        return s

    def handshake(self):
        self.seg(0, flags=SYN)
        self.seg(1, flags=SYN | ACK)
        self.seg(0, flags=ACK)

    def opens(self, ext_msg=False):
        self.seg(0, open_msg(65000, '192.0.2.1', ext_msg))
        self.seg(1, open_msg(65001, '192.0.2.2', ext_msg))
        self.seg(0, keepalive())
        self.seg(1, keepalive())

    def send(self, d, data, mss=1400):
        """Payload cut into segments of at most mss bytes."""
        for i in range(0, len(data), mss):
            self.seg(d, data[i:i + mss])

    def close(self):
        self.seg(0, flags=FIN | ACK)
        self.seg(1, flags=FIN | ACK)
        self.seg(0, flags=ACK)
