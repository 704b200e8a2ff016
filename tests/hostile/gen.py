#!/usr/bin/env python3
"""Hostile inputs for tests/e2e/97-hostile.sh (docs/hostile-input.md).

  gen.py cases DIR          small crafted captures + DIR/manifest.json
  gen.py prefixes OUT N     one BGP session announcing N distinct /24s
                            (packed ~1000 to an UPDATE), then withdrawing
                            them all
  gen.py flows OUT N SIZE   N concurrent TCP flows to port 179, each
                            with SIZE bytes queued out of order behind a
                            hole that is never filled (OUT '-': stdout)
  gen.py synflood OUT N     N SYNs to port 179 from distinct sources, then
                            one real session right after the flood, and
                            another one 601 s of capture time later
  gen.py vrps OUT N FMT     N distinct VRPs as csv or json (streamed)
  gen.py hugeline OUT SIZE [PREFIX]
                            a file whose first line is SIZE bytes long:
                            PREFIX, 1 MiB of 'a', then a hole (sparse),
                            then a newline
  gen.py stream SIZE [PREFIX]
                            write PREFIX then SIZE bytes of 'a' (no newline)
                            to stdout; print the bytes written to stderr
                            when the reader goes away

manifest.json: a list of {"name", "file", "row", "exit": [codes],
"stats": {counter: [op, value]}, "announce": [prefixes that must be
announced], "withdraw": [...], "absent": [prefixes that must not appear],
"taw": [prefixes whose withdrawal must carry "treat_as_withdraw":true],
"filter": BPF or null, "gap": text (a known gap: observed, not asserted)}.
"""
import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from bgpgen import (ACK, FIN, PSH, SYN, Session, attr, bgp,  # noqa: E402
                    keepalive, mp_reach_v6, nlri, std_attrs, tcp_frame,
                    update)
from pcapfile import PcapWriter  # noqa: E402

cases = []


def case(name, row, **kw):
    c = {"name": name, "file": name + ".pcap", "row": row, "exit": [0],
         "stats": {}, "announce": [], "withdraw": [], "absent": [],
         "filter": None}
    c.update(kw)
    cases.append(c)
    return c


def good_session(w, ext=False):
    s = Session(w)
    s.handshake()
    s.opens(ext)
    return s


# ---- pcap-level lies --------------------------------------------------------

def gen_truncated(d):
    """Three UPDATEs, the file cut inside the third record."""
    path = os.path.join(d, "pcap-truncated.pcap")
    w = PcapWriter(path)
    s = good_session(w)
    s.seg(0, update(["10.1.0.0/16"]))
    s.seg(0, update(["10.2.0.0/16"]))
    s.seg(0, update(["10.3.0.0/16"]))
    w.close()
    size = os.path.getsize(path)
    os.truncate(path, size - 20)
    with open(path, "rb") as f:
        head = f.read(20)
    with open(os.path.join(d, "pcap-header-cut.pcap"), "wb") as f:
        f.write(head)
    case("pcap-header-cut", "truncated pcap", exit=[3],
         stderr="pcap-header-cut.pcap: cannot read capture: truncated dump file")
    case("pcap-truncated", "truncated pcap", exit=[1],
         stderr="pcap-truncated.pcap",
         stats={"bgp_update": ["==", 2]},
         announce=["10.1.0.0/16", "10.2.0.0/16"], absent=["10.3.0.0/16"])


def gen_snaplen(d):
    # caplen > snaplen: the header says snaplen 128, records are longer.
    w = PcapWriter(os.path.join(d, "pcap-caplen-gt-snaplen.pcap"), snaplen=128)
    s = good_session(w)
    s.seg(0, update(["10.1.0.0/16"]))
    s.seg(0, update(["10.2.0.0/16"] + ["10.%d.%d.0/24" % (100 + i // 256, i % 256)
                                       for i in range(100)]))
    s.close()
    w.close()
    # libpcap cuts such records to the header's snaplen: a snaplen cut
    # like any other (the rest of the segment is a gap, counted apart)
    case("pcap-caplen-gt-snaplen", "pcap caplen > snaplen", exit=[0],
         stats={"packets": ["==", w.n], "decode_payload_truncated": ["==", 1],
                "reasm_trunc_gaps": ["==", 1], "reasm_gaps": ["==", 0],
                "bgp_msg_across_gap": ["==", 1]},
         announce=["10.1.0.0/16"], absent=["10.2.0.0/16"])
    # caplen > len: records claim a wire length shorter than what was
    # captured (60 bytes, the Ethernet minimum).
    w = PcapWriter(os.path.join(d, "pcap-caplen-gt-len.pcap"))
    s = Session(w)
    s.seg(0, flags=SYN, wirelen=60)
    s.seg(1, flags=SYN | ACK, wirelen=60)
    s.seg(0, flags=ACK, wirelen=60)
    s.seg(0, update(["10.1.0.0/16"]), wirelen=60)
    s.seg(0, update(["10.2.0.0/16"]), wirelen=1)
    s.seg(0, update(["10.3.0.0/16"]), wirelen=0)
    s.close()
    w.close()
    case("pcap-caplen-gt-len", "pcap caplen > len", exit=[0],
         stats={"decode_payload_truncated": ["==", 0],
                "reasm_trunc_gaps": ["==", 0]},
         announce=["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"])
    # caplen huge in the middle of the file: 300000 (over libpcap's
    # 262144 limit) and 0xffffffff, each after two good UPDATEs.
    for tag, cl in (("300000", 300000), ("4g", 0xffffffff)):
        w = PcapWriter(os.path.join(d, "pcap-caplen-huge-%s.pcap" % tag))
        s = good_session(w)
        s.seg(0, update(["10.1.0.0/16"]))
        s.seg(0, update(["10.2.0.0/16"]))
        s.seg(0, update(["10.3.0.0/16"]), raw_caplen=cl)
        s.seg(0, update(["10.4.0.0/16"]))
        w.close()
        case("pcap-caplen-huge-%s" % tag, "pcap caplen huge", exit=[1],
             stderr="packet 10", stats={"bgp_update": ["==", 2]},
             announce=["10.1.0.0/16", "10.2.0.0/16"],
             absent=["10.3.0.0/16", "10.4.0.0/16"])


# ---- segments ----------------------------------------------------------------

def many_updates(first, n, per=50):
    """n UPDATEs of `per` /24s each from 10.first.0.0 upwards; (bytes, list)."""
    msgs, pfx = [], []
    k = 0
    for _ in range(n):
        ps = []
        for _ in range(per):
            ps.append("10.%d.%d.0/24" % (first + k // 256, k % 256))
            k += 1
        msgs.append(update(ps))
        pfx += ps
    return b"".join(msgs), pfx


def gen_jumbo(d):
    # IPv4: one 65535-byte datagram (the Total Length maximum) of UPDATEs.
    w = PcapWriter(os.path.join(d, "jumbo-ipv4-64k.pcap"), snaplen=262144)
    s = good_session(w)
    data, pfx = many_updates(20, 300)
    data = data[:65535 - 40]
    # keep whole messages only, then pad with KEEPALIVEs to the maximum
    out, o, got = b"", 0, []
    while o < len(data):
        ln = struct.unpack("!H", data[o + 16:o + 18])[0]
        if o + ln > len(data):
            break
        out += data[o:o + ln]
        o += ln
    got = pfx[:(len(out) // len(update(pfx[:50]))) * 50]
    while len(out) + 19 <= 65535 - 40:
        out += keepalive()
    out += b"\0" * (65535 - 40 - len(out))   # trailing stray bytes
    s.seg(0, out)
    s.seg(0, update(["10.250.0.0/16"]))
    s.close()
    w.close()
    # the zeros after the last KEEPALIVE are one bad header and a resync
    case("jumbo-ipv4-64k", "jumbo segments", exit=[0],
         stats={"bgp_announce": ["==", len(got) + 1], "reasm_gaps": ["==", 0],
                "bgp_bad_header": ["==", 1], "bgp_resyncs": ["==", 1]},
         announce=[got[0], got[-1], "10.250.0.0/16"])
    # IPv6 jumbogram (RFC 2675): Payload Length 0, a Hop-by-Hop Jumbo
    # Payload option, 100000 bytes of TCP payload in one frame.
    w = PcapWriter(os.path.join(d, "jumbo-ipv6-jumbogram.pcap"), snaplen=262144)
    s = Session(w, a="2001:db8::1", b="2001:db8::2")
    s.handshake()
    s.opens()
    data, pfx = many_updates(40, 400)
    out, o = b"", 0
    while o < len(data) and len(out) < 100000:
        ln = struct.unpack("!H", data[o + 16:o + 18])[0]
        out += data[o:o + ln]
        o += ln
    got = pfx[:(o // len(update(pfx[:50]))) * 50]
    fr = tcp_frame("2001:db8::1", "2001:db8::2", 40179, 179, s.seq[0], s.seq[1],
                   PSH | ACK, out, ip_total=0, checksum=False)
    # insert the Hop-by-Hop header: Next Header 6, Hdr Ext Len 0,
    # option 0xC2 length 4, jumbo payload length
    ip = bytearray(fr[14:54])
    ip[4:6] = b"\0\0"
    ip[6] = 0                                   # next header: hop-by-hop
    hbh = struct.pack("!BBBBI", 6, 0, 0xc2, 4, 8 + len(fr) - 54)
    w.frame(fr[:14] + bytes(ip) + hbh + fr[54:])
    s.seq[0] += len(out)
    s.seg(0, update(["10.251.0.0/16"]))
    s.close()
    w.close()
    # tcp port 179 (the default filter) does not look past IPv6
    # extension headers: the jumbogram never reaches rovmon, its bytes
    # are reported as a gap and the next UPDATE is found again
    case("jumbo-ipv6-jumbogram", "jumbo segments", exit=[0],
         stats={"packets": ["==", w.n - 1], "reasm_gaps": ["==", 1],
                "reasm_gap_bytes": ["==", len(out)], "bgp_announce": ["==", 1]},
         announce=["10.251.0.0/16"], absent=[got[0]])
    c = case("jumbo-ipv6-jumbogram-ip6", "jumbo segments", exit=[0],
             filter="ip6",
             stats={"packets": ["==", w.n], "reasm_gaps": ["==", 0],
                    "bgp_announce": ["==", len(got) + 1]},
             announce=[got[0], got[-1], "10.251.0.0/16"])
    c["file"] = "jumbo-ipv6-jumbogram.pcap"


def gen_zero(d):
    w = PcapWriter(os.path.join(d, "zero-length-segments.pcap"))
    s = good_session(w)
    u1 = update(["10.1.0.0/16"])
    s.seg(0, b"", flags=PSH | ACK)                 # empty PSH
    s.seg(0, u1[:10])
    s.seg(0, b"", flags=ACK)                       # pure ACK mid-message
    s.seg(0, b"", flags=PSH | ACK, seq=s.seq[0] + 5000)   # empty, far ahead
    s.seg(0, b"", flags=PSH | ACK, seq=s.seq[0] - 3)      # empty, in the past
    s.seg(0, u1[10:])
    s.seg(1, b"", flags=ACK)
    # an empty segment (no SYN) of a flow never seen: must not open one
    w.frame(tcp_frame("192.0.2.9", "192.0.2.2", 41000, 179, 77, 0, PSH | ACK))
    w.frame(tcp_frame("192.0.2.9", "192.0.2.2", 41001, 179, 77, 0, FIN | ACK))
    s.seg(0, update(["10.2.0.0/16"]))
    s.close()
    w.close()
    case("zero-length-segments", "zero-length segments", exit=[0],
         stats={"sessions": ["==", 1], "reasm_gaps": ["==", 0],
                "bgp_resyncs": ["==", 0]},
         announce=["10.1.0.0/16", "10.2.0.0/16"])


# ---- BGP framing -------------------------------------------------------------

def long_update(total, prefix):
    """A well-formed UPDATE of exactly `total` bytes announcing prefix: the
    standard attributes, an unknown optional attribute as padding, NLRI."""
    n = nlri(prefix)
    a = std_attrs()
    pad = total - 19 - 4 - len(a) - len(n) - 4     # extended-length header
    a += struct.pack("!BBH", 0xd0, 99, pad) + b"\0" * pad
    return bgp(2, struct.pack("!HH", 0, len(a)) + a + n)


def gen_lengths(d):
    for ln in (0, 18, 4097, 65535):
        for opens in (True, False):
            name = "bgp-length-%d%s" % (ln, "" if opens else "-midstream")
            w = PcapWriter(os.path.join(d, name + ".pcap"))
            s = Session(w)
            if opens:
                s.handshake()
                s.opens()       # neither side offers extended messages
            s.seg(0, update(["10.1.0.0/16"]))
            if ln < 19:
                # a header claiming ln, an UPDATE body after it
                bad = bgp(2, update(["10.66.0.0/16"])[19:], length=ln)
            else:
                # a complete UPDATE of ln bytes (only legal with RFC 8654)
                bad = long_update(ln, "10.66.0.0/16")
            s.send(0, bad + update(["10.2.0.0/16"]))
            s.seg(0, update(["10.3.0.0/16"]))
            s.close()
            w.close()
            ann = ["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"]
            if ln < 19 or opens:
                # implausible: dropped, a resync finds the next marker
                st = {"bgp_bad_header": [">=", 1], "bgp_resyncs": [">=", 1],
                      "bgp_update": ["==", 3]}
                absent = ["10.66.0.0/16"]
            else:
                # > 4096 with no OPEN seen: accepted as an RFC 8654
                # extended message and counted
                st = {"bgp_ext_unnegotiated": ["==", 1], "bgp_update": ["==", 4],
                      "bgp_bad_header": ["==", 0]}
                ann.append("10.66.0.0/16")
                absent = []
            case(name, "BGP length field %d" % ln, exit=[0], stats=st,
                 announce=ann, absent=absent)
    # A header claiming 4097 mid-stream whose body never comes: the
    # framer waits for the 4097 bytes and so swallows the UPDATEs that
    # follow, until the session closes (FIN); the close counts the cut
    # message (G2).
    w = PcapWriter(os.path.join(d, "bgp-length-4097-never-completed.pcap"))
    s = Session(w)
    s.seg(0, update(["10.1.0.0/16"]))
    s.seg(0, bgp(2, b"", length=4097) + update(["10.2.0.0/16"]))
    s.seg(0, update(["10.3.0.0/16"]))
    s.close()
    w.close()
    case("bgp-length-4097-never-completed", "BGP length field 4097",
         exit=[0], stats={"bgp_update": ["==", 1], "bgp_announce": ["==", 1],
                          "bgp_msg_cut_at_end": ["==", 1],
                          "bgp_ext_unnegotiated": ["==", 0],
                          "bgp_bad_header": ["==", 0],
                          "bgp_msg_across_gap": ["==", 0]},
         announce=["10.1.0.0/16"], absent=["10.2.0.0/16", "10.3.0.0/16"])
    # The capture ends (no FIN) inside an UPDATE: the end of the capture
    # cuts it as surely as the end of the session (G2).
    w = PcapWriter(os.path.join(d, "bgp-cut-by-capture-end.pcap"))
    s = good_session(w)
    s.seg(0, update(["10.1.0.0/16"]))
    u = update(["10.2.0.0/16", "10.3.0.0/16"])
    s.seg(0, u[:30])
    w.close()
    case("bgp-cut-by-capture-end", "message cut by the capture's end",
         exit=[0], stats={"bgp_update": ["==", 1], "bgp_announce": ["==", 1],
                          "bgp_msg_cut_at_end": ["==", 1],
                          "bgp_msg_across_gap": ["==", 0],
                          "reasm_gaps": ["==", 0]},
         announce=["10.1.0.0/16"], absent=["10.2.0.0/16", "10.3.0.0/16"])


# ---- attributes ---------------------------------------------------------------

def gen_attrs(d):
    # Unknown attribute type 250 flagged well-known (Optional bit clear):
    # RFC 4271 6.3, treat-as-withdraw (G1), IPv4 NLRI and MP_REACH alike.
    w = PcapWriter(os.path.join(d, "attr-unknown-wellknown.pcap"))
    s = good_session(w)
    a = std_attrs() + attr(0x40, 250, b"\1\2\3\4")
    s.seg(0, update(["10.1.0.0/16"], attrs=a))
    a = std_attrs() + attr(0x00, 251, b"")       # neither O nor T
    s.seg(0, update(["10.2.0.0/16"], attrs=a))
    s.seg(0, update(["10.3.0.0/16"]))
    a = std_attrs() + mp_reach_v6(["2001:db8:1::/48"]) + \
        attr(0x40, 250, b"\1\2\3\4")
    s.seg(0, update(attrs=a))
    # The same type flagged optional (transitive, partial): skipped
    a = std_attrs() + attr(0xe0, 250, b"\1\2\3\4")
    s.seg(0, update(["10.4.0.0/16"], attrs=a))
    s.close()
    w.close()
    case("attr-unknown-wellknown", "unknown well-known attributes", exit=[0],
         stats={"bgp_update": ["==", 5], "bgp_unknown_wellknown": ["==", 3],
                "bgp_malformed": ["==", 3],
                "bgp_treat_as_withdraw": ["==", 3],
                "bgp_session_reset": ["==", 0],
                "bgp_announce": ["==", 2], "bgp_withdraw": ["==", 3]},
         announce=["10.3.0.0/16", "10.4.0.0/16"],
         withdraw=["10.1.0.0/16", "10.2.0.0/16", "2001:db8:1::/48"],
         taw=["10.1.0.0/16", "10.2.0.0/16", "2001:db8:1::/48"],
         absent=[])


# ---- overlaps -----------------------------------------------------------------

def gen_overlap(d):
    # (a) the first copy is queued out of order: it wins, the difference
    # is counted.  u1/u2 differ only in their last bytes (the prefix).
    w = PcapWriter(os.path.join(d, "overlap-queued-first-wins.pcap"))
    s = good_session(w)
    u1 = update(["10.1.0.0/16"])
    u2 = update(["10.2.0.0/16"])
    assert len(u1) == len(u2)
    base = s.seq[0]
    s.seg(0, u1[10:], seq=base + 10)               # queued (hole before)
    s.seg(0, u2, seq=base)                         # overlaps it, differs
    s.seq[0] = base + len(u1)
    s.seg(0, update(["10.9.0.0/16"]))
    s.close()
    w.close()
    case("overlap-queued-first-wins", "overlapping segments, different data",
         exit=[0], stats={"reasm_overlap": ["==", 1],
                          "reasm_overlap_diff": ["==", 1]},
         announce=["10.1.0.0/16", "10.9.0.0/16"], absent=["10.2.0.0/16"])
    # (b) the first copy was delivered already: a later, different copy
    # is a retransmission; delivered bytes are not kept, so the difference
    # is not seen (docs/reassembly.md).  The first copy still wins.
    w = PcapWriter(os.path.join(d, "overlap-delivered-first-wins.pcap"))
    s = good_session(w)
    base = s.seq[0]
    s.seg(0, u1)
    s.seg(0, u2, seq=base)
    s.seg(0, update(["10.9.0.0/16"]))
    s.close()
    w.close()
    case("overlap-delivered-first-wins", "overlapping segments, different data",
         exit=[0], stats={"reasm_retransmit": ["==", 1],
                          "reasm_overlap_diff": ["==", 0]},
         announce=["10.1.0.0/16", "10.9.0.0/16"], absent=["10.2.0.0/16"])
    # (c) partial overlap of delivered bytes, new tail: the new bytes are
    # kept (reasm_overlap), the delivered head is not replaced.
    w = PcapWriter(os.path.join(d, "overlap-partial-delivered.pcap"))
    s = good_session(w)
    base = s.seq[0]
    s.seg(0, u1[:30])
    s.seg(0, u2, seq=base)                         # [0,30) differs, tail new
    s.seq[0] = base + len(u2)
    s.seg(0, update(["10.9.0.0/16"]))
    s.close()
    w.close()
    # u1[:30] and u2[:30] are identical (the prefix is at the end), so the
    # message is u2: the tail of the second copy fills the hole.
    case("overlap-partial-delivered", "overlapping segments, different data",
         exit=[0], stats={"reasm_overlap": ["==", 1]},
         announce=["10.2.0.0/16", "10.9.0.0/16"], absent=["10.1.0.0/16"])


def gen_cases(d):
    os.makedirs(d, exist_ok=True)
    gen_truncated(d)
    gen_snaplen(d)
    gen_jumbo(d)
    gen_zero(d)
    gen_lengths(d)
    gen_attrs(d)
    gen_overlap(d)
    with open(os.path.join(d, "manifest.json"), "w") as f:
        json.dump(cases, f, indent=1)
    print("%d crafted captures in %s" % (len(cases), d))


# ---- big generated inputs ---------------------------------------------------

def gen_prefixes(out, n):
    w = PcapWriter(out)
    s = good_session(w)
    per, k, buf = 1000, 0, []
    a = std_attrs()
    while k < n:
        m = min(per, n - k)
        body = b"".join(bytes([24, 10 + (k + i) // 65536 % 200,
                               (k + i) // 256 % 256, (k + i) % 256])
                        for i in range(m))
        buf.append(bgp(2, struct.pack("!HH", 0, len(a)) + a + body))
        k += m
        if len(buf) == 8:
            s.send(0, b"".join(buf), mss=8960)
            buf = []
    if buf:
        s.send(0, b"".join(buf), mss=8960)
    # withdraw them all, 1000 to an UPDATE
    k, buf = 0, []
    while k < n:
        m = min(per, n - k)
        wd = b"".join(bytes([24, 10 + (k + i) // 65536 % 200,
                             (k + i) // 256 % 256, (k + i) % 256])
                      for i in range(m))
        buf.append(bgp(2, struct.pack("!H", len(wd)) + wd + b"\0\0"))
        k += m
        if len(buf) == 8:
            s.send(0, b"".join(buf), mss=8960)
            buf = []
    if buf:
        s.send(0, b"".join(buf), mss=8960)
    s.close()
    w.close()


def ip4(i, base=10):
    return "%d.%d.%d.%d" % (base, i >> 16 & 255, i >> 8 & 255, i & 255)


def gen_flows(out, n, size):
    """n flows, each: 10 bytes that anchor it, a 1000-byte hole, then
    `size` bytes queued out of order; all within 0.2 s of capture time
    (1 us a frame), so no hole times out.  out '-' is stdout."""
    w = PcapWriter(sys.stdout.buffer if out == "-" else out, snaplen=262144,
                   step_us=1)
    pay = b"\x55" * size
    try:
        for i in range(n):
            src = ip4(i + 1, 172)
            port = 1024 + i % 60000
            w.frame(tcp_frame(src, "192.0.2.2", port, 179, 1000, 1,
                              PSH | ACK, pay[:10], checksum=False))
            w.frame(tcp_frame(src, "192.0.2.2", port, 179, 2010, 1,
                              PSH | ACK, pay, checksum=False))
        w.close()
    except BrokenPipeError:
        pass


def gen_synflood(out, n):
    w = PcapWriter(out)
    for i in range(n):
        w.frame(tcp_frame(ip4(i + 1, 100), "192.0.2.2", 1024 + i % 60000, 179,
                          i * 7919, 0, SYN, checksum=False))
    # a real session right after the flood
    s = Session(w, a="192.0.2.1", aport=40001)
    s.handshake()
    s.opens()
    s.seg(0, update(["10.1.0.0/16"]))
    s.close()
    # and one after the idle timeout (600 s of capture time)
    w.advance(601)
    s = Session(w, a="192.0.2.1", aport=40002)
    s.handshake()
    s.opens()
    s.seg(0, update(["10.2.0.0/16"]))
    s.close()
    w.close()


def gen_vrps(out, n, fmt):
    """n distinct /24 VRPs, 65536 to a block (one first octet and ASN per
    block, so that each block is one str.join); out '-' is stdout."""
    f = sys.stdout.buffer if out == "-" else open(out, "wb")
    if fmt == "csv":
        f.write(b"ASN,IP Prefix,Max Length,Trust Anchor\n")
        tail = [".%d.%d.0/24,24,ta\n" % (i >> 8, i & 255) for i in range(65536)]
    else:
        f.write(b'{"metadata":{"buildtime":"2025-07-20T09:31:35Z"},"roas":[')
        tail = ['.%d.%d.0/24","maxLength":24,"ta":"ta"},' % (i >> 8, i & 255)
                for i in range(65536)]
    try:
        for blk in range((n + 65535) // 65536):
            m = min(65536, n - blk * 65536)
            if fmt == "csv":
                head = "AS%d,%d" % (64496 + blk, 1 + blk % 223)
            else:
                head = '{"asn":%d,"prefix":"%d' % (64496 + blk, 1 + blk % 223)
            text = head + head.join(tail[:m])
            if fmt != "csv" and blk == (n - 1) // 65536:
                text = text[:-1] + "]}\n"        # no comma after the last
            f.write(text.encode())
        f.flush()
    except BrokenPipeError:
        pass


def gen_hugeline(out, size, prefix):
    with open(out, "wb") as f:
        f.write(prefix)
        f.write(b"a" * (1 << 20))
        f.seek(size - 1)
        f.write(b"\n")


def stream(size, prefix):
    """PREFIX then `size` bytes of 'a' to fd 1, until the reader goes away;
    the count written goes to stderr."""
    block = b"a" * 65536
    written = 0
    try:
        os.write(1, prefix)
        while written < size:
            written += os.write(1, block[:min(len(block), size - written)])
    except BrokenPipeError:
        pass
    sys.stderr.write("%d\n" % written)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    cmd = argv[1]
    if cmd == "cases":
        gen_cases(argv[2])
    elif cmd == "prefixes":
        gen_prefixes(argv[2], int(argv[3]))
    elif cmd == "flows":
        gen_flows(argv[2], int(argv[3]), int(argv[4]))
    elif cmd == "synflood":
        gen_synflood(argv[2], int(argv[3]))
    elif cmd == "vrps":
        gen_vrps(argv[2], int(argv[3]), argv[4])
    elif cmd == "hugeline":
        gen_hugeline(argv[2], int(argv[3]),
                     argv[4].encode() if len(argv) > 4 else b"")
    elif cmd == "stream":
        stream(int(argv[2]), argv[3].encode() if len(argv) > 3 else b"")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
