#!/usr/bin/env python3
"""Seed inputs for the fuzz targets (tests/fuzz/README.md).

    python3 tests/fuzz/mkseeds.py OUTDIR [--small]

writes OUTDIR/<target>/<name> for every target, from the captures in
pcaps/ and pcaps/linktypes/, tcpdump's BGP test captures in
../shared/data/tcpdump-tests/ (when present), the VRP files in tests/vrps/
and pcaps/demo-vrps.json, and rules/.  --small keeps a few seeds per
target, small enough for git (that is how tests/fuzz/corpus/ was made);
without it the seeds are many and larger and live in build-fuzz/seeds/.

Only the standard library: tests/lib/pcapfile.py reads the captures; just
enough link/IP/TCP decoding here to pull BGP messages out of the captures.
"""
import bz2
import gzip
import hashlib
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pcapfile  # noqa: E402

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SHARED = os.environ.get("SHARED", os.path.join(os.path.dirname(TOP), "shared", "data"))
TCPDUMP = os.path.join(SHARED, "tcpdump-tests")

# fuzz_packet.c's linktypes[] (index = low 4 bits of byte 0).
LINKTYPES = [1, 0, 9, 12, 14, 50, 101, 104, 107, 108, 113, 178, 228, 229, 276, 147]
MARKER = b"\xff" * 16


# ---- captures ----------------------------------------------------------

read_capture = pcapfile.read_capture


def write_pcap(frames, lt, snaplen=262144):
    return pcapfile.file_header(lt, snaplen) + b"".join(
        pcapfile.record(sec, usec, data, None, orig) for sec, usec, data, orig in frames)


def l3_of(lt, d):
    """(ethertype-ish 4|6, offset) of the IP header, or None."""
    if lt == 1 or lt == 178:
        off = 14
        if lt == 178:
            if len(d) < 6 or d[:3] != b"MGC":
                return None
            off = struct.unpack(">H", d[4:6])[0] + 6 + 14 if d[3] & 0x80 else 6 + 14
        if len(d) < off:
            return None
        et = struct.unpack(">H", d[off - 2:off])[0]
        while et in (0x8100, 0x88A8, 0x9100) and len(d) >= off + 4:
            et = struct.unpack(">H", d[off + 2:off + 4])[0]
            off += 4
        return ({0x0800: 4, 0x86DD: 6}.get(et), off)
    if lt == 113:
        return ({0x0800: 4, 0x86DD: 6}.get(struct.unpack(">H", d[14:16])[0]), 16)
    if lt == 276:
        return ({0x0800: 4, 0x86DD: 6}.get(struct.unpack(">H", d[0:2])[0]), 20)
    if lt in (0, 108):
        return (4 if d[:4] in (b"\x02\x00\x00\x00", b"\x00\x00\x00\x02") else 6, 4)
    if lt in (12, 14, 101, 228, 229):
        return (d[0] >> 4 if d else None, 0)
    if lt in (9, 50, 104):
        off = 2 if d[:2] in (b"\xff\x03", b"\x0f\x00", b"\x8f\x00") else 0
        proto = struct.unpack(">H", d[off:off + 2])[0]
        return ({0x0021: 4, 0x0800: 4, 0x0057: 6, 0x86DD: 6}.get(proto), off + 2)
    return None


def tcp_of(lt, d):
    """(src, dst, sport, dport, seq, flags, payload) or None."""
    r = l3_of(lt, d)
    if r is None or r[0] not in (4, 6):
        return None
    v, off = r
    if v == 4:
        if len(d) < off + 20 or d[off + 9] != 6:
            return None
        ihl = (d[off] & 15) * 4
        tot = struct.unpack(">H", d[off + 2:off + 4])[0]
        src, dst = d[off + 12:off + 16], d[off + 16:off + 20]
        end = off + tot
        off += ihl
    else:
        if len(d) < off + 40 or d[off + 6] != 6:
            return None
        plen = struct.unpack(">H", d[off + 4:off + 6])[0]
        src, dst = d[off + 8:off + 24], d[off + 24:off + 40]
        end = off + 40 + plen
        off += 40
    if len(d) < off + 20:
        return None
    sport, dport, seq = struct.unpack(">HHI", d[off:off + 8])
    doff = (d[off + 12] >> 4) * 4
    flags = d[off + 13]
    return (src, dst, sport, dport, seq, flags, d[off + doff:min(end, len(d))])


def streams(lt, frames):
    """Per direction (in order of first appearance), the in-order bytes."""
    dirs, order = {}, []
    for _, _, d, _ in frames:
        t = tcp_of(lt, d)
        if t is None:
            continue
        src, dst, sport, dport, seq, flags, pl = t
        k = (src, dst, sport, dport)
        st = dirs.get(k)
        if st is None:
            st = dirs[k] = {"next": None, "data": bytearray()}
            order.append(k)
        if flags & 2:
            st["next"] = (seq + 1) & 0xFFFFFFFF
            continue
        if not pl:
            continue
        if st["next"] is None or seq == st["next"]:
            st["data"] += pl
            st["next"] = (seq + len(pl)) & 0xFFFFFFFF
    return [(k, bytes(dirs[k]["data"])) for k in order]


def messages(stream):
    """BGP messages (whole, header included) found from the first marker."""
    out, i = [], stream.find(MARKER)
    while 0 <= i and i + 19 <= len(stream):
        if stream[i:i + 16] != MARKER:
            i = stream.find(MARKER, i + 1)
            continue
        n = struct.unpack(">H", stream[i + 16:i + 18])[0]
        if n < 19 or i + n > len(stream):
            break
        out.append(stream[i:i + n])
        i += n
    return out


def open_caps(body):
    """(as4, {(afi, safi): addpath flags}, extmsg) from an OPEN body."""
    as4, ap, ext = False, {}, False
    if len(body) < 10:
        return as4, ap, ext
    plen, p = body[9], body[10:]
    i = 0
    while i + 2 <= min(plen, len(p)):
        t, n = p[i], p[i + 1]
        v = p[i + 2:i + 2 + n]
        if t == 2:
            j = 0
            while j + 2 <= len(v):
                c, cl = v[j], v[j + 1]
                cv = v[j + 2:j + 2 + cl]
                if c == 65:
                    as4 = True
                elif c == 6:
                    ext = True
                elif c == 69:
                    for k in range(0, len(cv) - 3, 4):
                        afi, safi, fl = struct.unpack(">HBB", cv[k:k + 4])
                        ap[(afi, safi)] = fl
                j += 2 + cl
        i += 2 + n
    return as4, ap, ext


# ---- per target ----------------------------------------------------------

class Out:
    def __init__(self, root, small):
        self.root, self.small, self.n = root, small, {}

    def put(self, target, name, data, maxlen):
        if len(data) > maxlen:
            data = data[:maxlen]
        d = os.path.join(self.root, target)
        os.makedirs(d, exist_ok=True)
        h = hashlib.sha1(data).hexdigest()[:10]
        with open(os.path.join(d, "%s-%s" % (name, h)), "wb") as f:
            f.write(data)
        self.n[target] = self.n.get(target, 0) + 1


def captures(small):
    c = [os.path.join(TOP, "pcaps", f) for f in sorted(os.listdir(os.path.join(TOP, "pcaps")))
         if f.endswith(".pcap")]
    c += [os.path.join(TOP, "pcaps", "linktypes", f)
          for f in sorted(os.listdir(os.path.join(TOP, "pcaps", "linktypes")))]
    if os.path.isdir(TCPDUMP):
        c += [os.path.join(TCPDUMP, f) for f in sorted(os.listdir(TCPDUMP))
              if (f.startswith("bgp") or f.startswith("mpbgp")) and
              (f.endswith(".pcap") or f.endswith(".pcapng"))]
    if small:
        keep = ("as2-session.pcap", "addpath.pcap", "midstream.pcap", "as2-session.sll2.pcap",
                "as2-session.qinq.pcap", "bgp-4byte-asn.pcap", "bgp-addpath.pcap",
                "mpbgp-linklocal-nexthop.pcap", "bgp-extended-msg.pcapng", "bgp-bgpsec.pcap",
                "bgp-large-community.pcap", "bgp_mp_reach_nlri-oobr.pcap", "rfc8097.pcap",
                "bgp-ovs.pcapng")
        c = [p for p in c if os.path.basename(p) in keep]
    return c


def frame_seed(lt, frames, flags):
    b = bytes([LINKTYPES.index(lt) | flags])
    prev = frames[0][0] if frames else 0
    for sec, _, d, orig in frames:
        dt = max(0, min(sec - prev, 63))
        prev = sec
        meta = dt | (0x40 if orig > len(d) else 0)
        d = d[:0xFFFF]
        b += struct.pack(">HB", len(d), meta) + d
    return b


def seeds_packet(out, small):
    maxlen = 32768
    for path in captures(small):
        lt, frames = read_capture(path)
        if lt not in LINKTYPES or not frames:
            continue
        base = os.path.basename(path)
        n = 24 if small else 200
        windows = [(0, n)]
        if not small and len(frames) > 3 * n:
            windows += [(len(frames) // 2, len(frames) // 2 + n), (len(frames) - n, len(frames))]
        for a, z in windows:
            s = frame_seed(lt, frames[a:z], 0)
            while len(s) > maxlen and z - a > 4:
                z = a + (z - a) // 2
                s = frame_seed(lt, frames[a:z], 0)
            out.put("fuzz_packet", "%s-%d" % (base, a), s, maxlen)
            if not small:
                out.put("fuzz_packet", "%s-%d-alert" % (base, a), bytes([s[0] | 0x20]) + s[1:], maxlen)
                out.put("fuzz_packet", "%s-%d-small" % (base, a), bytes([s[0] | 0x10]) + s[1:], maxlen)
        if small:
            s = frame_seed(lt, frames[:12], 0x20)
            out.put("fuzz_packet", base + "-alert", s, maxlen)


def seeds_pcap(out, small):
    maxlen = 32768
    for path in captures(small):
        with open(path, "rb") as f:
            raw = f.read()
        base = os.path.basename(path)
        if len(raw) <= (8192 if small else maxlen):
            out.put("fuzz_pcap", base, raw, maxlen)
            continue
        lt, frames = read_capture(path)
        if lt is None:
            continue
        n = 16 if small else 64
        s = write_pcap(frames[:n], lt)
        while len(s) > maxlen and n > 2:
            n //= 2
            s = write_pcap(frames[:n], lt)
        out.put("fuzz_pcap", base + "-head", s, maxlen)


def session_msgs(path):
    """[(dir, msg)] of the first TCP session, dir 0 = first sender."""
    lt, frames = read_capture(path)
    if lt is None:
        return []
    st = streams(lt, frames)
    if not st:
        return []
    k0 = st[0][0]
    res = []
    for k, data in st:
        if k[:2] not in (k0[:2], (k0[1], k0[0])):
            continue
        d = 0 if k == k0 else 1
        res.append((d, data))
    return res


def seeds_bgp_msg(out, small):
    maxlen = 16384
    for path in captures(small):
        base = os.path.basename(path)
        dstreams = session_msgs(path)
        if not dstreams:
            continue
        opens = {}
        for d, data in dstreams:
            for m in messages(data):
                if m[18] == 1:
                    opens[d] = open_caps(m[19:])
        as4 = len(opens) == 2 and opens[0][0] and opens[1][0]
        if len(opens) == 1:
            as4 = list(opens.values())[0][0]
        ap4 = ap6 = False
        for d in opens:
            ap4 |= (opens[d][1].get((1, 1), 0) & 2) != 0
            ap6 |= (opens[d][1].get((2, 1), 0) & 2) != 0
        ext = len(opens) == 2 and opens[0][2] and opens[1][2]
        flags = (1 if as4 else 0) | (2 if ap4 else 0) | (4 if ap6 else 0)
        nupd = 0
        seen = set()
        for d, data in dstreams:
            for m in messages(data):
                t = m[18]
                if t == 2 and nupd < (3 if small else 40) and len(m) not in seen:
                    seen.add(len(m))
                    nupd += 1
                    out.put("fuzz_bgp_msg", base + "-upd", bytes([flags | 0x40]) + m[19:], maxlen)
                elif t == 1 and (not small or d == 0):
                    out.put("fuzz_bgp_msg", base + "-open", bytes([0x08]) + m[19:], maxlen)
        # mode 2: the first direction's messages after the harness's OPENs
        d0 = dstreams[0][1]
        rest = b"".join(m for m in messages(d0) if m[18] != 1)
        lim = 2048 if small else 12000
        out.put("fuzz_bgp_msg", base + "-stream",
                bytes([0x10 | flags | (0x20 if ext else 0)]) + bytes([0]) + rest[:lim], maxlen)
        if not small:
            out.put("fuzz_bgp_msg", base + "-stream-chunked",
                    bytes([0x10 | flags | 0x80]) + bytes([97]) + rest[:lim], maxlen)
        # mode 3: records of both directions, raw, with a gap after the first
        rec = bytearray([0x18 | (1 if as4 else 0)])
        budget = lim
        for i, (d, data) in enumerate(dstreams[:2]):
            chunk = data[:budget // 2]
            for j in range(0, len(chunk), 1400):
                piece = chunk[j:j + 1400]
                rec += struct.pack(">BH", d, len(piece)) + piece
            if i == 0:
                rec += struct.pack(">BH", 2 | d, 100)
        out.put("fuzz_bgp_msg", base + "-records", bytes(rec), maxlen)


def vrp_docs():
    """(name, bytes) of small VRP documents."""
    docs = []
    vdir = os.path.join(TOP, "tests", "vrps")
    for f in sorted(os.listdir(vdir)):
        p = os.path.join(vdir, f)
        if f.endswith(".md") or f.endswith(".slurm"):
            continue
        with open(p, "rb") as fp:
            docs.append((f, fp.read()))
    demo = os.path.join(TOP, "pcaps", "demo-vrps.json")
    if os.path.exists(demo):
        with open(demo) as fp:
            j = json.load(fp)
        roas = j["roas"][:40] + [r for r in j["roas"] if ":" in r["prefix"]][:20]
        small = {"metadata": {"buildtime": j["metadata"].get("buildtime")}, "roas": roas}
        s = json.dumps(small, indent=1).encode()
        docs.append(("demo-slice.json", s))
        rtr = {"roas": [{"asn": "AS%d" % r["asn"], "prefix": r["prefix"],
                         "maxLength": r["maxLength"], "ta": r.get("ta", "x")} for r in roas[:20]]}
        docs.append(("demo-slice-routinator.json", json.dumps(rtr).encode()))
        docs.append(("demo-slice-array.json", json.dumps(rtr["roas"]).encode()))
        csv = "ASN,IP Prefix,Max Length,Trust Anchor,Expires\n" + "".join(
            "AS%d,%s,%d,%s,%d\n" % (r["asn"], r["prefix"], r["maxLength"], r.get("ta", "x"),
                                    r.get("expires", 0)) for r in roas[:30])
        docs.append(("demo-slice.csv", csv.encode()))
        docs.append(("demo-slice.json.gz", gzip.compress(s, 9, mtime=0)))
        docs.append(("demo-slice.csv.bz2", bz2.compress(csv.encode(), 9)))
    # ASPA objects in every layout vrp_parse_aspa.c reads, and bad ones
    roa = {"asn": 64500, "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "ripe"}
    aspa = {"metadata": {"buildtime": "2025-07-20T09:31:33Z", "aspas": 3}, "roas": [roa],
            "aspas": [{"customer_asid": 945, "expires": 1753070425, "providers": [13213, 150369]},
                      {"customer": "AS1234", "providers": ["AS1", "AS2"], "ta": "N/A"},
                      {"customer_asid": 39002, "expires": 1753068347, "providers": [0]},
                      {"customer_asid": 5, "providers": [5]},
                      {"customer": "AS0", "providers": [{"asid": 1}]}]}
    docs.append(("aspa-layouts.json", json.dumps(aspa).encode()))
    old = {"roas": [roa], "provider_authorizations": [
        {"customer_asid": 64496, "expires": 1660000000,
         "providers": [{"asid": 64497}, {"asid": 64498, "afi_limit": "ipv4"}]}]}
    docs.append(("aspa-afi-limit.json", json.dumps(old).encode()))
    return docs


def seeds_vrp(out, small):
    maxlen = 65536
    for name, data in vrp_docs():
        if small and len(data) > 16384:
            continue
        if len(data) > maxlen:
            continue
        out.put("fuzz_vrp", name, data, maxlen)


def seeds_rules(out, small):
    maxlen = 16384
    rdir = os.path.join(TOP, "rules")
    with open(os.path.join(rdir, "classification.config"), "rb") as f:
        cls = f.read()
    for f in sorted(os.listdir(rdir)):
        if not (f.endswith(".rules") or f.endswith(".example")):
            continue
        with open(os.path.join(rdir, f), "rb") as fp:
            r = fp.read()
        out.put("fuzz_rules", f, r, maxlen)
        out.put("fuzz_rules", f + "-cls", r + b"\n#@classification\n" + cls, maxlen)
    ex = (b'include inc.rules\n'
          b'alert bgp (msg:"watch \\"x\\""; prefix:192.0.2.0/24,orlonger; prefix:2001:db8::/32,longer; '
          b'origin_as:64500,AS64501; not_origin_as:64502; peer_as:65001; peer_addr:10.0.0.1,2001:db8::/64; '
          b'afi:ipv4; event:announce,withdraw,revalidate,resolved; rpki:invalid,as,length,as0,as_set; '
          b'rpki:valid; rpki:not-found; rpki:any; gid:2; sid:10; rev:3; classtype:hijack-watch; priority:2; '
          b'event_filter:track by_rule, type threshold, count 2, seconds 60;) # c\r\n'
          b'log bgp (msg:"l"; event_filter:track by_prefix, type both, count 1, seconds 1; sid:11;)\n'
          b'pass bgp (rpki:valid; afi:ipv6; sid:12;)\n'
          b'\n#@classification\nconfig classification: hijack-watch,Watched,1\n'
          b'\n#@include\nalert bgp (msg:"inc"; sid:13; event:resolved; event_filter:track by_peer, type limit, count 1, seconds 9;)\n')
    out.put("fuzz_rules", "everything", ex, maxlen)
    leaks = (b'alert bgp (aspa:invalid,downstream; aspa:any; sid:20;)\n'
             b'alert bgp (aspa:none,unknown,valid,upstream; leak:any; peer_role:customer,rs-client,unknown; sid:21;)\n'
             b'alert bgp (leak:none,otc-from-customer,otc-from-rs-client,otc-from-peer; otc:present; sid:22;)\n'
             b'log bgp (otc:64500,4294967295; peer_role:provider,peer,rs; otc:absent; sid:23;)\n'
             b'alert bgp (router_rpki:valid,not-found,invalid,absent,present,disagree; sid:24;)\n')
    out.put("fuzz_rules", "leaks", leaks, maxlen)


# ---- RESP conversations for fuzz_redis_reply ------------------------------

def bulk(b):
    if b is None:
        return b"$-1\r\n"
    if isinstance(b, str):
        b = b.encode()
    return b"$%d\r\n%s\r\n" % (len(b), b)


def arr(items):
    return b"*%d\r\n" % len(items) + b"".join(items)


def integer(n):
    return b":%d\r\n" % n


STORE_SET = [  # fuzz_redis_reply.c set_csv after vrp_set_finish (sorted)
    (4, 8, 8, 0, 64503, bytes([10, 0, 0, 0])),
    (4, 24, 24, 0, 64500, bytes([192, 0, 2, 0])),
    (4, 22, 24, 1, 64501, bytes([198, 51, 100, 0])),
    (4, 24, 32, 0, 0, bytes([203, 0, 113, 0])),
    (6, 32, 48, 1, 64502, bytes.fromhex("20010db8") + bytes(12)),
]
STORE_TAS = ["ta-one", "ta-two"]


def rec(fam, ln, mx, ta, asn, addr, exp=4102444800):
    return struct.pack(">BBBBIQ", fam, ln, mx, ta, asn, exp) + addr.ljust(16, b"\0")


def meta(count, cr, ntas, sha, complete=1):
    chunks = (count + cr - 1) // cr
    f = [("version", 1), ("complete", complete), ("count", count), ("chunks", chunks),
         ("chunk_records", cr), ("record_size", 32), ("ntas", ntas),
         ("generated", 1700000000), ("loaded", 1700000100), ("checked", 1700000200),
         ("oldest_expiry", 4102444800)]
    items = []
    for k, v in f:
        items += [bulk(k), bulk(str(v))]
    items += [bulk("source"), bulk("https://validator.example/rpki.json"),
              bulk("format"), bulk("rpki-client"), bulk("sha256"), bulk(sha)]
    return arr(items)


def store_sha():
    h = hashlib.sha256()
    for t in STORE_TAS:
        h.update(t.encode() + b"\0")
    for r in STORE_SET:
        h.update(rec(*r))
    return h.hexdigest()


# ASPA records added to the store set with byte 0 & 8 (fuzz_redis_reply.c)
STORE_ASPA = [(64500, [64510, 64511], 4102444800, 0), (64501, [0], 0, 255)]


def aspa_blob(recs):
    return b"".join(struct.pack(">IIqB3x", c, len(p), e, ta) + b"".join(struct.pack(">I", x) for x in p)
                    for c, p, e, ta in recs)


def meta_aspa(m, recs):
    """The meta reply m with aspa_count and aspa_bytes appended."""
    n = int(m.split(b"\r\n", 1)[0][1:])
    extra = [bulk("aspa_count"), bulk(str(len(recs))), bulk("aspa_bytes"), bulk(str(len(aspa_blob(recs))))]
    return b"*%d\r\n" % (n + 4) + m.split(b"\r\n", 1)[1] + b"".join(extra)


def seeds_redis(out, small):
    maxlen = 16384
    recs = [rec(*r) for r in STORE_SET]
    sha = store_sha()
    cr = 2
    chunks = [b"".join(recs[i:i + cr]) for i in range(0, len(recs), cr)]
    ids = arr([bulk("7"), bulk("6")])
    tas = arr([bulk(t) for t in STORE_TAS])
    # 0: load_current
    load = ids + meta(len(recs), cr, 2, sha) + tas + b"".join(bulk(c) for c in chunks)
    out.put("fuzz_redis_reply", "load", b"\x00" + load, maxlen)
    out.put("fuzz_redis_reply", "load-ns", b"\x04" + load, maxlen)
    out.put("fuzz_redis_reply", "load-none", b"\x00" + arr([bulk(None), bulk(None)]), maxlen)
    retry = (ids + meta(len(recs), cr, 2, sha, complete=0) + arr([bulk("8"), bulk("7")]) +
             arr([bulk("8"), bulk("7")]) + meta(len(recs), cr, 2, sha) + tas +
             b"".join(bulk(c) for c in chunks))
    out.put("fuzz_redis_reply", "load-retry", b"\x00" + retry, maxlen)
    out.put("fuzz_redis_reply", "load-err", b"\x00" + ids + b"-WRONGTYPE Operation against a key\r\n", maxlen)
    # 1: current_meta (STRLEN per chunk)
    cm = ids + meta(len(recs), cr, 2, sha) + b"".join(integer(len(c)) for c in chunks)
    out.put("fuzz_redis_reply", "meta", b"\x01" + cm, maxlen)
    # 2: store, new generation: no current, INCR, SADD, HSET, EXPIRE, SETs,
    # RPUSH, EXPIRE, HSET complete, EVAL, SMEMBERS, SCAN, DELs, SREM
    st = (arr([bulk(None), bulk(None)]) + integer(8) + integer(1) + integer(14) + integer(1) +
          b"+OK\r\n" * 3 + integer(2) + integer(1) + integer(0) + integer(6) +
          arr([bulk("3"), bulk("6"), bulk("8")]) +
          arr([bulk("0"), arr([bulk("rovmon:vrp:gen:3:meta"), bulk("rovmon:vrp:gen:3:data:0")])]) +
          integer(1) + integer(1) + integer(1))
    out.put("fuzz_redis_reply", "store", b"\x02" + st, maxlen)
    # 2: store, unchanged content: only the checked time is updated
    same = ids + meta(len(recs), cr, 2, sha) + integer(0)
    out.put("fuzz_redis_reply", "store-same", b"\x02" + same, maxlen)
    # ASPA objects in the generation: meta fields, GET/STRLEN of the string
    blob = aspa_blob(STORE_ASPA)
    la = ids + meta_aspa(meta(len(recs), cr, 2, sha), STORE_ASPA) + tas + b"".join(bulk(c) for c in chunks) + bulk(blob)
    out.put("fuzz_redis_reply", "load-aspa", b"\x00" + la, maxlen)
    out.put("fuzz_redis_reply", "load-aspa-missing", b"\x00" + la[:-len(bulk(blob))] + bulk(None), maxlen)
    cma = ids + meta_aspa(meta(len(recs), cr, 2, sha), STORE_ASPA) + b"".join(integer(len(c)) for c in chunks) + integer(len(blob))
    out.put("fuzz_redis_reply", "meta-aspa", b"\x01" + cma, maxlen)
    # store with ASPAs (byte 0 & 8): ... RPUSH, EXPIRE, SET aspa, HSET complete, EVAL ...
    sta = (arr([bulk(None), bulk(None)]) + integer(8) + integer(1) + integer(18) + integer(1) +
           b"+OK\r\n" * 3 + integer(2) + integer(1) + b"+OK\r\n" + integer(0) + integer(6) +
           arr([bulk("6"), bulk("8")]) + integer(1))
    out.put("fuzz_redis_reply", "store-aspa", b"\x0a" + sta, maxlen)
    # byte 0 & 16: a Sentinel URL; SENTINEL get-master-addr-by-name, then
    # ROLE, then the mode (vrp_redis_sentinel.c)
    addr = arr([bulk("127.0.0.1"), bulk("6379")])
    role = arr([bulk("master"), integer(0), arr([])])
    out.put("fuzz_redis_reply", "sentinel-load", b"\x10" + addr + role + load, maxlen)
    out.put("fuzz_redis_reply", "sentinel-meta", b"\x11" + arr([bulk("2001:db8::1"), bulk("7002")]) + role + cm, maxlen)
    out.put("fuzz_redis_reply", "sentinel-store", b"\x12" + arr([bulk("redis-1.example"), bulk("6379")]) + role + st, maxlen)
    out.put("fuzz_redis_reply", "sentinel-nil", b"\x10" + b"*-1\r\n", maxlen)
    out.put("fuzz_redis_reply", "sentinel-types", b"\x10" + arr([integer(1), integer(6379)]), maxlen)
    out.put("fuzz_redis_reply", "sentinel-notaddr", b"\x10" + arr([bulk("127.0.0.1 x"), bulk("6379")]), maxlen)
    out.put("fuzz_redis_reply", "sentinel-port", b"\x10" + arr([bulk("127.0.0.1"), bulk("65536")]), maxlen)
    out.put("fuzz_redis_reply", "sentinel-err", b"\x10" + b"-ERR unknown command 'SENTINEL'\r\n", maxlen)
    out.put("fuzz_redis_reply", "sentinel-slave", b"\x10" + addr +
            arr([bulk("slave"), bulk("127.0.0.1"), integer(7001), bulk("connected"), integer(14)]), maxlen)
    out.put("fuzz_redis_reply", "sentinel-role-sentinel", b"\x10" + addr + arr([bulk("sentinel"), arr([bulk("tm")])]), maxlen)
    # 3: hiredis's reader alone
    out.put("fuzz_redis_reply", "reader",
            b"\x03" + arr([integer(-5), bulk("x"), bulk(None), b"+OK\r\n", b"-ERR no\r\n",
                           arr([bulk("a"), arr([])]), b"*-1\r\n"]), maxlen)


# ---- AS paths and ASPAs for fuzz_aspa -------------------------------------

def aspa_recs(recs):
    """[(customer, [providers])] as fuzz_aspa reads them after the path."""
    return b"".join(bytes([c, len(p)] + p) for c, p in recs)


def seeds_aspa(out, small):
    # the examples' topology on small ASNs: A=1 .. G=7 (docs/aspa.md);
    # G holds an AS0 ASPA
    ex = aspa_recs([(1, [3, 4]), (2, [5]), (3, [6]), (4, [6, 7]), (7, [0])])
    maxlen = 16384
    for name, path in (("up-valid", "6 3 1"), ("up-invalid", "4 3 1"),
                       ("up-unknown", "4 6 3 1"), ("down-unknown", "5 7 6 3 1"),
                       ("down-valid", "5 7 4 1"), ("down-invalid", "5 7 4 3 1"),
                       ("prepends", "4 4 3 3 3 1 1"), ("loop", "1 3 1"),
                       ("as0", "0 7"), ("set", "6 {3,1}"), ("confed", "(6 3) [1] AS1 0.1")):
        out.put("fuzz_aspa", name, path.encode() + b"\n" + ex, maxlen)
    out.put("fuzz_aspa", "empty", b"\n" + ex, maxlen)
    out.put("fuzz_aspa", "bad", b"1 {2 (3)} ]", maxlen)
    if not small:
        # paths in bgpdump's text from the shared full table's excerpt
        txt = os.path.join(SHARED, "mrt", "bgpdump-test_expect", "updates.20020722.2238.gz.bgp.gz")
        if os.path.exists(txt):
            with gzip.open(txt, "rt", errors="replace") as f:
                for i, line in enumerate(f):
                    fl = line.split("|")
                    if len(fl) > 6 and fl[2] == "A" and i % 50 == 0:
                        out.put("fuzz_aspa", "mrt", fl[6].encode() + b"\n" + ex, maxlen)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = Out(sys.argv[1], "--small" in sys.argv[2:])
    for fn in (seeds_packet, seeds_pcap, seeds_bgp_msg, seeds_vrp, seeds_rules, seeds_redis,
               seeds_aspa):
        fn(out, out.small)
    for t in sorted(out.n):
        print("%s: %d seeds" % (t, out.n[t]))


if __name__ == "__main__":
    main()
