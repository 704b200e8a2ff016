#!/usr/bin/env python3
"""The oracle of tests/e2e/81-mrt-roundtrip.sh (rovmon --write-mrt), written
from RFC 6396 and RFC 8050, independently of src/feed/mrt_write.c.

  check FILE          every record of an MRT file written by --write-mrt is
                      well formed: BGP4MP_ET (type 17), a known subtype, the
                      microsecond field below 10^6, AS fields of the
                      subtype's width, AFI 1 or 2 with addresses of its
                      length, a whole BGP message (marker, length = the
                      rest, type 1-5) or a state change 1-6; and each
                      session key starts with a state change into
                      Established before its first message.  Prints the
                      record count.
  routes A B          two route logs are equal line for line once pkt_num,
                      the ports and inferred are dropped (what an MRT
                      record cannot carry); nothing else is dropped.
  alerts A B          the same for alert files, the same fields dropped
                      wherever they appear (the session events' port and
                      peer_port too), and the two other fields
                      of the Snort envelope that describe the frame:
                      pkt_len (its length) and dir (C2S/S2C, from which end
                      has port 179); an MRT record has neither.  Session
                      ids (session_id, previous_session_id) number every
                      TCP connection, and those that carried no BGP message
                      are not in the MRT file: they are compared as the
                      order in which each file first names them.  The
                      alerts of the end of the file (pkt_num 0: held
                      sessions that never came back) carry the time of its
                      end, the capture's last frame or the MRT file's last
                      record: for those the MRT run must give that record's
                      time, not later than the capture's.  A session
                      closed by TCP says how ("close": "TCP FIN", "TCP
                      RST", ...) where its re-read can only say "MRT state
                      change: Established -> Idle": that value stands for
                      any TCP close.
  bgpdump BD ROUTES   the A and W lines of `bgpdump -m` equal the route
                      log's announcements and withdrawals: the same count
                      of each (type, prefix), prefixes compared as networks;
                      prints the A and W lines, those only bgpdump printed
                      and those only the route log has.
  dropframe IN OUT N  a copy of the classic pcap IN without its frame N
                      (from 1), for a case no bundled capture has.
  all MRT R1 A1 R2 A2 [BD]  check, routes, alerts (and bgpdump against R1)
                      in one go (one interpreter a capture): prints the
                      record count, the route event count (and bgpdump's).
"""
import collections
import ipaddress
import json
import struct
import sys
import time

MESSAGE_SUBTYPES = {1: (2, False), 4: (4, False), 6: (2, True),
                    7: (4, True), 8: (2, False), 9: (4, False),
                    10: (2, True), 11: (4, True)}   # subtype: (AS width, LOCAL)
STATE_CHANGE_AS4 = 5
# what an MRT record cannot carry: the frame's number, the ports (src_port
# and dst_port of route events and alerts, port and peer_port of session
# events) and what was inferred rather than stated
DROPPED = ("pkt_num", "src_port", "dst_port", "port", "peer_port", "inferred")
FRAME = ("pkt_len", "dir")      # alerts only


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(path):
    data = open(path, "rb").read()
    off = n = 0
    last = None
    established = {}    # key -> bool
    while off < len(data):
        n += 1
        where = "%s record %d (offset %d)" % (path, n, off)
        if len(data) - off < 12:
            fail(where + ": cut inside the MRT header")
        ts, typ, sub, length = struct.unpack_from(">IHHI", data, off)
        body = data[off + 12:off + 12 + length]
        if len(body) != length:
            fail(where + ": length %d runs past the file" % length)
        if typ != 17:
            fail(where + ": type %d, not BGP4MP_ET (17)" % typ)
        if length < 4:
            fail(where + ": no microsecond field")
        usec = struct.unpack_from(">I", body)[0]
        if usec >= 1000000:
            fail(where + ": microseconds %d" % usec)
        last = iso(ts, usec)
        p = 4
        if sub == STATE_CHANGE_AS4:
            width, local = 4, False
        elif sub in MESSAGE_SUBTYPES:
            width, local = MESSAGE_SUBTYPES[sub]
        else:
            fail(where + ": subtype %d is not one --write-mrt writes" % sub)
        fixed = 2 * width + 4
        if len(body) < p + fixed:
            fail(where + ": cut in the BGP4MP header")
        fmt = ">II" if width == 4 else ">HH"
        peer_as, local_as = struct.unpack_from(fmt, body, p)
        p += 2 * width
        _ifindex, afi = struct.unpack_from(">HH", body, p)
        p += 4
        alen = {1: 4, 2: 16}.get(afi)
        if alen is None:
            fail(where + ": AFI %d" % afi)
        if len(body) < p + 2 * alen:
            fail(where + ": cut in the addresses")
        key = (afi, body[p:p + alen], peer_as, body[p + alen:p + 2 * alen],
               local_as)
        p += 2 * alen
        rest = body[p:]
        if sub == STATE_CHANGE_AS4:
            if len(rest) != 4:
                fail(where + ": state change of %d octets" % len(rest))
            old, new = struct.unpack(">HH", rest)
            if not (1 <= old <= 6 and 1 <= new <= 6):
                fail(where + ": states %d -> %d" % (old, new))
            established[key] = new == 6
            off += 12 + length
            continue
        if not established.get(key):
            fail(where + ": a message of a session not Established")
        if len(rest) < 19 or rest[:16] != b"\xff" * 16:
            fail(where + ": no BGP marker")
        blen, btype = struct.unpack_from(">HB", rest, 16)
        if blen != len(rest):
            fail(where + ": BGP length %d, %d octets left" % (blen, len(rest)))
        if not 1 <= btype <= 5:
            fail(where + ": BGP type %d" % btype)
        off += 12 + length
    return n, last


def load_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def strip(obj, drop):
    if isinstance(obj, dict):
        return {k: strip(v, drop) for k, v in obj.items() if k not in drop}
    if isinstance(obj, list):
        return [strip(v, drop) for v in obj]
    return obj


def renumber(lines):
    """Session ids as the order of their first appearance."""
    seen = {}

    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k.endswith("session_id") and isinstance(v, int):
                    o[k] = seen.setdefault(v, len(seen) + 1)
                else:
                    walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    for line in lines:
        walk(line)


def iso(sec, usec):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec)) + \
        ".%06dZ" % usec


def end_of_file(x, y, sx, sy, end):
    """Alerts x (capture) and y (MRT), sx and sy stripped, differ only by
    the time of the end of the file."""
    if end is None or x.get("pkt_num") != 0 or y.get("pkt_num") != 0:
        return False
    if y.get("@timestamp") != end or x.get("@timestamp", "") < end:
        return False
    for o in (sx, sy):
        o.pop("@timestamp", None)
        o.pop("timestamp", None)
    return sx == sy


def tcp_close(x, y):
    """The MRT's close of a session for the capture's TCP-level one."""
    ex, ey = x.get("event"), y.get("event")
    if not (isinstance(ex, dict) and isinstance(ey, dict)):
        return
    if str(ey.get("close", "")).startswith("MRT state change:") and \
            str(ex.get("close", "")).startswith("TCP "):
        ex.pop("close")
        ey.pop("close")


def compare(kind, a, b, end=None):
    la, lb = load_lines(a), load_lines(b)
    if kind == "alerts":
        renumber(la)
        renumber(lb)
    if len(la) != len(lb):
        fail("%s: %d %s from the capture, %d from its MRT" %
             (b, len(la), kind, len(lb)))
    drop = DROPPED + (FRAME if kind == "alerts" else ())
    for i, (x, y) in enumerate(zip(la, lb)):
        sx, sy = strip(x, drop), strip(y, drop)
        if kind == "alerts":
            tcp_close(sx, sy)
        if sx != sy and not end_of_file(x, y, sx, sy, end):
            diff = sorted(k for k in set(sx) | set(sy) if sx.get(k) != sy.get(k))
            fail("%s line %d differs from %s line %d in %s" %
                 (b, i + 1, a, i + 1, ", ".join(diff)))
    return len(la)


def bgpdump(bd, routes):
    want = collections.Counter()
    for line in open(bd, errors="replace"):
        f = line.rstrip("\n").split("|")
        if len(f) > 5 and f[2] in ("A", "W"):
            want[(f[2], str(ipaddress.ip_network(f[5], strict=False)))] += 1
    got = collections.Counter()
    for e in load_lines(routes):
        ev = {"announce": "A", "withdraw": "W"}.get(e.get("event"))
        if ev:
            got[(ev, str(ipaddress.ip_network(e["prefix"], strict=False)))] += 1
    extra, missing = want - got, got - want
    out = "%d %d %d" % (sum(want.values()), sum(extra.values()),
                        sum(missing.values()))
    if extra or missing:
        out += "\n  bgpdump only: %s" % sorted(extra.items())[:4]
        out += "\n  rovmon only: %s" % sorted(missing.items())[:4]
    return out


def dropframe(src, dst, drop):
    data = open(src, "rb").read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    else:
        fail("%s: not a classic pcap" % src)
    out, off, n = [data[:24]], 24, 0
    while off + 16 <= len(data):
        incl = struct.unpack_from(endian + "I", data, off + 8)[0]
        n += 1
        if n != drop:
            out.append(data[off:off + 16 + incl])
        off += 16 + incl
    open(dst, "wb").write(b"".join(out))


def main():
    a = sys.argv
    if len(a) == 3 and a[1] == "check":
        print(check(a[2])[0])
    elif len(a) == 4 and a[1] in ("routes", "alerts"):
        print(compare(a[1], a[2], a[3]))
    elif len(a) == 4 and a[1] == "bgpdump":
        print(bgpdump(a[2], a[3]))
    elif len(a) == 5 and a[1] == "dropframe":
        dropframe(a[2], a[3], int(a[4]))
    elif len(a) in (7, 8) and a[1] == "all":
        n, end = check(a[2])
        print(n, compare("routes", a[3], a[5]), end=" ")
        compare("alerts", a[4], a[6], end)
        print(bgpdump(a[7], a[3]) if len(a) == 8 else "")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
