#!/usr/bin/env python3
"""Decode the BGP route events a capture carries (independent of rovmon).

usage: wire.py [--stats] [--window MIDSTREAM.pcap] FULL.pcap
Prints one line per route event in wire order, for every TCP direction:
  announce|withdraw PREFIX ORIGIN [PATH_ID]
ORIGIN: last AS of a final AS_SEQUENCE (AS4_PATH merged, RFC 6793), "null"
for an AS_SET origin, the sender's AS for an empty path; for a withdrawal
the origin of the route it removes (as last announced in the session), "-"
if unknown.  PATH_ID only when ADD-PATH was negotiated for that direction.
FULL.pcap must hold the whole session (OPENs).  With --window, only the
events of UPDATEs lying entirely inside the TCP byte range that
MIDSTREAM.pcap (a later-started capture of the same session) holds are
printed.  --stats prints message counts and segment facts to stderr.
Handles Ethernet (+802.1Q/QinQ) captures, IPv4/IPv6, no loss expected.
"""
import ipaddress
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pcapfile  # noqa: E402


def frames(path):
    _h, lt, _e, recs = pcapfile.read_pcap(path)
    for n, (_hdr, data) in enumerate(recs, 1):
        yield n, lt, data


def tcp_of(lt, pkt):
    # Ethernet and RAW only: the captures this decodes are the speakers'
    if lt not in (pcapfile.LINKTYPE_ETHERNET, pcapfile.LINKTYPE_RAW):
        return None
    t = pcapfile.tcp_of(lt, pkt)
    if t is None:
        return None
    src, dst, sp, dp, seq, flags, payload = t
    return (str(ipaddress.ip_address(src)), sp, str(ipaddress.ip_address(dst)), dp), seq, flags, payload


def streams(path):
    """{flow: (isn_or_None, [(rel? abs seq, payload, frame)])}"""
    fl = {}
    maxseg = 0
    for n, lt, pkt in frames(path):
        r = tcp_of(lt, pkt)
        if r is None:
            continue
        k, seq, flags, pl = r
        s = fl.setdefault(k, {"isn": None, "segs": []})
        if flags & 2:
            s["isn"] = (seq + 1) & 0xffffffff
        if pl:
            s["segs"].append((seq, pl, n))
            maxseg = max(maxseg, len(pl))
    return fl, maxseg


def assemble(s):
    """contiguous byte stream; returns (start_abs_seq, bytes, [(offset, frame)])"""
    segs = s["segs"]
    if not segs:
        return None, b"", []
    base = s["isn"] if s["isn"] is not None else segs[0][0]
    buf = bytearray()
    marks = []
    for seq, pl, n in segs:
        rel = (seq - base) & 0xffffffff
        if rel > len(buf):
            raise SystemExit("gap in stream at %d (frame %d)" % (len(buf), n))
        new = pl[len(buf) - rel:]
        if new:
            marks.append((len(buf), n))
            buf += new
    return base, bytes(buf), marks


def opencaps(body):
    """(my_as, as4cap, addpath {(afi,safi): mode})"""
    myas = struct.unpack("!H", body[1:3])[0]
    optlen = body[9]
    o, end = 10, 10 + optlen
    as4, ap = None, {}
    while o < end:
        pt, pl = body[o], body[o + 1]
        if pt == 2:
            c, ce = o + 2, o + 2 + pl
            while c < ce:
                code, cl = body[c], body[c + 1]
                v = body[c + 2:c + 2 + cl]
                if code == 65:
                    as4 = struct.unpack("!I", v)[0]
                elif code == 69:
                    for i in range(0, cl, 4):
                        afi, safi, m = struct.unpack("!HBB", v[i:i + 4])
                        ap[(afi, safi)] = m
                c += 2 + cl
        o += 2 + pl
    return (as4 if as4 is not None else myas), as4 is not None, ap


def msgs(buf):
    o = 0
    while o + 19 <= len(buf):
        ln, typ = struct.unpack("!HB", buf[o + 16:o + 19])
        if ln < 19 or o + ln > len(buf):
            break
        yield o, o + ln, typ, buf[o + 19:o + ln]
        o += ln


def prefixes(b, afi, addpath):
    o, res = 0, []
    alen = 4 if afi == 1 else 16
    while o < len(b):
        pid = None
        if addpath:
            pid = struct.unpack("!I", b[o:o + 4])[0]
            o += 4
        pl = b[o]
        nb = (pl + 7) // 8
        raw = b[o + 1:o + 1 + nb] + bytes(alen - nb)
        o += 1 + nb
        a = ipaddress.IPv4Address(raw) if afi == 1 else ipaddress.IPv6Address(raw)
        net = ipaddress.ip_network("%s/%d" % (a, pl), strict=False)
        res.append((str(net), pid))
    return res


def aspath(b, w):
    segs, o = [], 0
    while o < len(b):
        t, n = b[o], b[o + 1]
        o += 2
        fmt = "!%d%s" % (n, "I" if w == 4 else "H")
        segs.append((t, list(struct.unpack(fmt, b[o:o + n * w]))))
        o += n * w
    return segs


def units(segs):
    return sum(len(a) if t == 2 else 1 for t, a in segs if t in (1, 2))


def merge(p2, p4):
    if p4 is None:
        return p2
    n, m = units(p2), units(p4)
    if m > n:
        return p2
    keep, res = n - m, []
    for t, a in p2:
        if keep <= 0:
            break
        if t == 2:
            res.append((t, a[:keep]))
            keep -= len(res[-1][1])
        elif t == 1:
            res.append((t, a))
            keep -= 1
        else:
            res.append((t, a))
    return res + p4


def origin(segs, peer_as):
    segs = [s for s in segs if s[0] in (1, 2) and s[1]]
    if not segs:
        return str(peer_as)
    t, a = segs[-1]
    return str(a[-1]) if t == 2 else "null"


def decode(buf, as4, ap_rx, peer_as, rib):
    """yield (start, end, kind, prefix, origin, pid) for UPDATEs in buf"""
    for s, e, typ, body in msgs(buf):
        if typ != 2:
            yield s, e, typ, None, None, None
            continue
        wl = struct.unpack("!H", body[:2])[0]
        wd = body[2:2 + wl]
        al = struct.unpack("!H", body[2 + wl:4 + wl])[0]
        attrs = body[4 + wl:4 + wl + al]
        nlri = body[4 + wl + al:]
        p2 = p4 = None
        mpr, mpu = None, None
        o = 0
        while o < len(attrs):
            fl, tc = attrs[o], attrs[o + 1]
            if fl & 0x10:
                ln = struct.unpack("!H", attrs[o + 2:o + 4])[0]
                o += 4
            else:
                ln = attrs[o + 2]
                o += 3
            v = attrs[o:o + ln]
            o += ln
            if tc == 2:
                p2 = aspath(v, 4 if as4 else 2)
            elif tc == 17:
                p4 = aspath(v, 4)
            elif tc == 14:
                mpr = v
            elif tc == 15:
                mpu = v
        path = merge(p2 or [], p4 if not as4 else None)
        org = origin(path, peer_as)
        out = []
        for p, pid in prefixes(wd, 1, ap_rx.get((1, 1))):
            out.append(("withdraw", p, pid))
        if mpu is not None:
            afi, safi = struct.unpack("!HB", mpu[:3])
            for p, pid in prefixes(mpu[3:], afi, ap_rx.get((afi, safi))):
                out.append(("withdraw", p, pid))
        if mpr is not None:
            afi, safi = struct.unpack("!HB", mpr[:3])
            nhl = mpr[3]
            for p, pid in prefixes(mpr[5 + nhl:], afi, ap_rx.get((afi, safi))):
                out.append(("announce", p, pid))
        for p, pid in prefixes(nlri, 1, ap_rx.get((1, 1))):
            out.append(("announce", p, pid))
        for kind, p, pid in out:
            if kind == "announce":
                rib[(p, pid)] = org
                o2 = org
            else:
                o2 = rib.pop((p, pid), "-")
            yield s, e, kind, p, o2, pid


def main():
    args = sys.argv[1:]
    stats = "--stats" in args
    args = [a for a in args if a != "--stats"]
    window = None
    if args[0] == "--window":
        window, args = args[1], args[2:]
    fl, maxseg = streams(args[0])
    asm = {k: assemble(v) for k, v in fl.items()}
    opens = {}
    for k, (base, buf, _) in asm.items():
        for s, e, typ, body in msgs(buf):
            if typ == 1:
                opens[k] = opencaps(body)
            break
    win = None
    if window:
        wf, _ = streams(window)
        win = {}
        for k, v in wf.items():
            if v["segs"]:
                lo = v["segs"][0][0]
                hi = max(((sq + len(pl)) & 0xffffffff) for sq, pl, _ in v["segs"])
                win[k] = (lo, hi)
    counts = {}
    for k in sorted(asm, key=lambda k: asm[k][2][0][1] if asm[k][2] else 0):
        base, buf, marks = asm[k]
        rk = (k[2], k[3], k[0], k[1])
        if k not in opens or rk not in opens:
            if buf:
                print("no OPEN pair for %s" % (k,), file=sys.stderr)
            continue
        my_as, my4, my_ap = opens[k]
        peer_as, peer4, peer_ap = opens[rk]
        as4 = my4 and peer4
        ap_rx = {fam: True for fam, m in my_ap.items() if m & 2 and peer_ap.get(fam, 0) & 1}
        lo = hi = None
        if win is not None:
            if k not in win:
                continue
            lo = (win[k][0] - base) & 0xffffffff
            hi = (win[k][1] - base) & 0xffffffff
        rib = {}
        for s, e, kind, p, o2, pid in decode(buf, as4, ap_rx, my_as, rib):
            if lo is not None and (s < lo or e > hi):
                continue
            if p is None:
                counts[kind] = counts.get(kind, 0) + 1
                continue
            counts["update-msg@%s@%d" % (k, s)] = 1
            print("%s %s %s%s" % (kind, p, o2, "" if pid is None else " %d" % pid))
    if stats:
        t = {}
        for key in counts:
            if isinstance(key, str) and key.startswith("update-msg@"):
                t[2] = t.get(2, 0) + 1
            else:
                t[key] = t.get(key, 0) + counts[key]
        print("messages by type %s; max TCP payload %d" % (sorted(t.items()), maxseg), file=sys.stderr)


main()
