#!/usr/bin/env python3
"""The MRT acceptance check of issue 18: rovmon's route log of an MRT file
against `bgpdump -m` (Debian's bgpdump 1.6.2), prefix for prefix.

Written from bgpdump's documented one-line format (bgpdump(1), the -m lines
it prints) and RFC 6396 (MRT) / RFC 8050 (MRT ADD-PATH), not from rovmon's
code.  For each MRT file:

  bgpdump side  `bgpdump -q -m -t change FILE`: the A (BGP4MP announcement),
                B (RIB entry) and W (withdrawal) lines; STATE lines are only
                counted.  The line is
                  TYPE|time|A|peer_ip|peer_as|prefix|[path_id|]as_path|ORIGIN|...
                  TYPE|time|W|peer_ip|peer_as|prefix[|path_id]
                with path_id on the ADD-PATH types (TYPE ends in _AP).  The
                AS path in bgpdump's (Zebra's) notation: AS_SEQUENCE ASNs
                separated by spaces, AS_SET "{a,b}", AS_CONFED_SEQUENCE
                "(a b)", AS_CONFED_SET "[a,b]".  The *_LOCAL types are
                messages the collector sent: bgpdump then prints the peer
                (the receiver) and its AS.
  times         BGP4MP: the MRT header's seconds; BGP4MP_ET "sec.usec"
                (RFC 6396 section 3).  A RIB entry's time is its originated
                time (the issue: "RIB entries become announcements with the
                entry's originated time"): TABLE_DUMP via bgpdump's
                `-t change`; for TABLE_DUMP_V2 bgpdump 1.6.2's `-t change`
                prints garbage (it keeps a pointer to a block-scoped
                variable), so this script reads the originated times itself
                from the RIB entries (RFC 6396 4.3.2/4.3.4, RFC 8050 4)
                with the tiny walker below, and checks on the way that its
                (peer, prefix, path id) entries are bgpdump's.
  rovmon side   `rovmon -r FILE -q --no-validation --routes LOG`: every line
                of the route log (docs/route-log.md).

"Origin" in the acceptance ("origin and AS path included") is taken to mean
the origin AS, the route log's business (RFC 6811's origin: the last AS of a
final AS_SEQUENCE; the sender's AS for an empty path; none for a path ending
in an AS_SET or a confederation segment), derived here from bgpdump's path.
The ORIGIN attribute (IGP/EGP/INCOMPLETE, bgpdump's next column) is not in
the route log and is not compared (only counted in the report).

Comparison: multisets of (peer ip, peer AS, event, prefix, path id, AS path,
origin AS, time in microseconds, treat-as-withdraw), then the order of the
matched events (rovmon writes an MRT file's events in file order).  What is
left over is classified (treat-as-withdraw, host bits, AS path, origin, peer
AS, time, path id, only in one of them), each class with its count and the
first examples.  Known and explained differences are listed per file in
KNOWN below with the RFC reason and the count expected; any other class, or
another count, fails.

Usage:
  bgpdump_cmp.py [--rovmon BIN] [--bgpdump BIN] [--name NAME] [--routes LOG]
                 [--plant KIND] FILE
  bgpdump_cmp.py --self-test FILE     the comparator against a route log
                 simulated from bgpdump's own lines, unplanted (must pass)
                 and with each planted bug (each must fail)
Exit 0 PASS, 1 FAIL, 77 SKIP (the reason on the last line).
"""

import bz2
import calendar
import collections
import datetime
import ipaddress
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

# Known, explained differences, per file (relative to the shared mrt/ dir):
# class -> (count, reason).  count None: any count, still listed.
# "exit" is rovmon's expected exit status (default 0): 1 when the input is
# cut short (docs/hostile-input.md: a run that lost data says so).
TAW0 = ("RIB entries of the dumping router's own routes (peer 0.0.0.0/:: AS 0) "
        "carry no path attribute: RFC 7606 3(d), the well-known mandatory "
        "ORIGIN is missing: treat-as-withdraw in rovmon; bgpdump prints an "
        "announcement with an empty path and ORIGIN INCOMPLETE (its default)")
BIRD_AP = ("BIRD wrote ADD-PATH NLRI (path id first, RFC 7911) under the plain "
           "MESSAGE_AS4 subtype; read as the subtype says (RFC 6396 4.4.3, not "
           "RFC 8050's ADDPATH subtypes) the NLRI field does not parse exactly: "
           "RFC 7606 5.3, session reset, rovmon takes nothing from the UPDATE; "
           "bgpdump prints 0.0.0.0/0 (::/0) from the path id's zero octets")
KNOWN = {
    "bgpdump-test_data/updates.nlri_mask_trailing_bits.gz": {
        "only-in-bgpdump": (1, "the NLRI field is 4 octets, 0d 0b 0d 0b: "
                            "11.13.0.0/13 (host bits set) and then a /11 with "
                            "no octets left: it does not parse exactly, RFC 7606 "
                            "5.3 (session reset; rovmon takes nothing from the "
                            "UPDATE); bgpdump prints the first prefix"),
    },
    "bgpdump-test_data/updates.20070211.0141.gz": {
        "only-in-bgpdump": (151, "IPv4 multicast routes (MP_REACH/MP_UNREACH, "
                            "AFI 1 SAFI 2, RFC 4760): bgpdump -m prints them like "
                            "unicast; rovmon's route log is unicast only "
                            "(counted as bgp_unsupported_afi)"),
    },
    "bgpdump-test_data/bview.ipv4_unicast_add_path.gz": {
        "treat-as-withdraw": (2, TAW0)},
    "bgpdump-test_data/bview.ipv6_unicast_add_path.gz": {
        "treat-as-withdraw": (2, TAW0)},
    "mrtparse-samples/bird-mrtdump_rib": {"treat-as-withdraw": (6, TAW0)},
    "mrtparse-samples/bird6-mrtdump_rib": {"treat-as-withdraw": (4, TAW0)},
    "mrtparse-samples/bird_bgp": {"only-in-bgpdump": (24, BIRD_AP)},
    "mrtparse-samples/bird6_bgp": {"only-in-bgpdump": (32, BIRD_AP)},
    "bgpkit-parser-ripe/rrc15/2010.02/updates.20100227.1600.gz": {
        "as-path": (3, "2-octet sessions with AS4_PATH and an AGGREGATOR whose "
                    "AS is not AS_TRANS (64531): RFC 6793 4.2.3, AS4_PATH SHALL "
                    "be ignored, so rovmon keeps AS_PATH's 23456; bgpdump merges "
                    "AS4_PATH (196613)"),
    },
    "bgpkit-parser-ripe/rrc00/2000.01/bview.20000111.0032.gz": {
        "exit": 1,
        "note": "TABLE_DUMP records declare a length 4 octets shorter than "
                "written (RFC 6396 2); bgpdump and rovmon both take the first "
                "record only; rovmon then finds no valid record boundary and "
                "says so (exit 1)",
    },
    "bgpkit-parser-ripe/rrc00/2000.03/updates.20000325.0345.gz": {
        "mrt-type-5": (2042, "after the damaged boundary (record 6 has no "
                       "MRT header, record 7 declares a 16 MiB length) "
                       "bgpdump reads on and prints 2,042 withdrawals of "
                       "'peer' 0.5.0.3 AS13937 made of the damaged bytes; "
                       "rovmon stops at the damage, says so, exits 1"),
        "exit": 1,
        "note": "two damaged record boundaries: data lost, exit 1"},
    "mrtparse-samples/openbgpd_rib_table-mp": {
        "note": "BGP4MP_ENTRY (subtype 2, deprecated by RFC 6396 Appendix B): "
                "neither bgpdump nor rovmon prints any of it"},
    "pyasn/rib.20140523.0600_firstMB.bz2": {
        "exit": 1, "note": "the bzip2 stream is cut after 1 MiB: exit 1"},
    "pyasn/rib6.20151101.0600_firstMB.bz2": {
        "exit": 1, "note": "the bzip2 stream is cut after 1 MiB: exit 1"},
    "pyasn/rib.20080501.0644_firstMB.bz2": {
        "exit": 1, "note": "the bzip2 stream is cut after 1 MiB: exit 1"},
}

CLASSES = ("treat-as-withdraw", "host-bits", "as-path", "origin-as",
           "peer-as", "time", "path-id", "mrt-type-5", "only-in-bgpdump",
           "only-in-rovmon", "order")
EXAMPLES = 3

# --- the bgpdump side ------------------------------------------------------


def parse_aspath(text):
    """bgpdump's AS path text -> tuple: int for an AS_SEQUENCE ASN,
    ("set"|"cseq"|"cset", (asns...)) for the other segments."""
    if not any(c in text for c in "{([?"):
        return tuple(map(int, text.split()))  # AS_SEQUENCEs only: most paths
    out = []
    i, n = 0, len(text)
    closers = {"{": ("}", "set", ","), "(": (")", "cseq", " "),
               "[": ("]", "cset", ",")}
    while i < n:
        c = text[i]
        if c == " ":
            i += 1
        elif c in closers:
            end, kind, sep = closers[c]
            j = text.index(end, i)
            body = text[i + 1:j].strip()
            asns = tuple(int(a) for a in body.split(sep) if a.strip()) \
                if body else ()
            out.append((kind, asns))
            i = j + 1
        else:
            j = i
            while j < n and text[j].isdigit():
                j += 1
            if j == i:
                raise ValueError("AS path %r: unexpected %r" % (text, c))
            out.append(int(text[i:j]))
            i = j
    return tuple(out)


def origin_of(path, peer_as):
    """RFC 6811 section 2 origin as the route log states it."""
    if not path:
        return peer_as
    last = path[-1]
    return last if isinstance(last, int) else None


def time_us(text):
    if "." in text:
        sec, frac = text.split(".")
        return int(sec) * 1000000 + int(frac.ljust(6, "0")[:6])
    return int(text) * 1000000


def run_bgpdump(bgpdump, path):
    r = subprocess.run([bgpdump, "-q", "-v", "-m", "-t", "change", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        # a crash (bgpdump 1.6.2 asserts on a duplicated AS_PATH) or an
        # error: what it printed is not the whole file
        raise BgpdumpFailed("bgpdump exit %d (%s)" % (
            r.returncode, r.stderr.decode("ascii", "replace").strip()
            .splitlines()[-1:]))
    return r.stdout.decode("ascii", "replace"), \
        r.stderr.decode("ascii", "replace")


class BgpdumpFailed(Exception):
    pass


Event = collections.namedtuple(
    "Event", "peer_ip peer_as event prefix path_id as_path origin_as time taw")


_ADDR = {}


def rfc5952(addr, seen):
    """An IPv6 address in RFC 5952's text: bgpdump 1.6.2 writes "::" for a
    single zero field too (2001:668::3:ffff:0:adcd:39ea), which RFC 5952
    4.2.2 forbids; the same address, so it is rewritten, and counted."""
    if ":" not in addr:
        return addr
    out = _ADDR.get(addr)
    if out is None:
        out = _ADDR[addr] = ipaddress.ip_address(addr).compressed
    if out != addr:
        seen["IPv6 text rewritten to RFC 5952"] += 1
    return out


def rfc5952_prefix(prefix, seen):
    if ":" not in prefix:
        return prefix
    addr, _, plen = prefix.partition("/")
    return rfc5952(addr, seen) + "/" + plen


def bgpdump_events(text, td2_times, t5_withdrawn=None):
    """-> (events in order, counts of what else was seen); the events of
    MRT type 5 ("BGP") lines are also in seen["type5"], a set.
    t5_withdrawn: type5_withdrawn()'s prefixes, which replace what
    bgpdump -m prints for a type 5 withdrawal (see there)."""
    events, seen = [], collections.Counter()
    type5, local_peers = set(), set()
    for line in text.splitlines():
        f = line.split("|")
        if len(f) < 3:
            seen["unparsed line"] += 1
            continue
        typ, tm, kind = f[0], f[1], f[2]
        if kind == "STATE":
            seen["STATE"] += 1
            continue
        if kind not in ("A", "B", "W"):
            seen["kind " + kind] += 1
            continue
        ap = typ.endswith("_AP")
        local = "LOCAL" in typ
        # AS 0 is reserved (RFC 7607), never a peer's: an MRT writer puts
        # it where it does not know the AS, the route log says null
        peer_ip, peer_as = rfc5952(f[3], seen), int(f[4]) or None
        prefix = rfc5952_prefix(f[5], seen)
        path_id = int(f[6]) if ap else None
        if local:
            # bgpdump prints the receiver; the route log's peer_as is the
            # sender's (the collector's) AS, which bgpdump does not print
            peer_as = None
            local_peers.add(peer_ip)
        if kind == "W" and typ == "BGP" and t5_withdrawn:
            q = t5_withdrawn.get((peer_ip, time_us(tm)))
            if q and q[0].endswith("/" + prefix.partition("/")[2]):
                prefix = q.popleft()
                seen["type 5 withdrawal: prefix from the file"] += 1
        if kind == "W":
            events.append(Event(peer_ip, peer_as, "withdraw", prefix, path_id,
                                None, None, time_us(tm), False))
            if typ == "BGP":
                type5.add(events[-1])
            continue
        k = 7 if ap else 6
        path = parse_aspath(f[k])
        seen["ORIGIN " + f[k + 1]] += 1
        t = time_us(tm)
        if typ.startswith("TABLE_DUMP2"):
            q = td2_times.get((peer_ip, prefix, path_id))
            if q:
                t = q.popleft()
            else:
                seen["RIB entry without a walker time"] += 1
                t = None
        # the origin of an empty path is the sender's AS (RFC 6811 2): on a
        # LOCAL line the collector's, which bgpdump does not print
        origin = "?" if local and not path else origin_of(path, peer_as)
        events.append(Event(peer_ip, peer_as, "announce", prefix, path_id,
                            path, origin, t, False))
        if typ == "BGP":
            type5.add(events[-1])
    seen["type5"] = type5
    seen["local_peers"] = local_peers
    return events, seen


# --- the RFC 6396 walker for TABLE_DUMP_V2 originated times ------------------


def read_mrt_bytes(path):
    """The file's bytes, gzip/bzip2 decompressed; a cut stream gives what
    decompressed before the cut."""
    with open(path, "rb") as fh:
        raw = fh.read()
    if raw[:2] == b"\x1f\x8b":
        out, d = [], zlib.decompressobj(47)
        data = raw
        while data:
            try:
                out.append(d.decompress(data))
            except zlib.error:
                break
            data = d.unused_data
            if data:
                d = zlib.decompressobj(47)
        return b"".join(out)
    if raw[:3] == b"BZh":
        out, data = [], raw
        while data:
            d = bz2.BZ2Decompressor()
            try:
                out.append(d.decompress(data))
            except (OSError, EOFError):
                break
            data = d.unused_data if d.eof else b""
        return b"".join(out)
    return raw


def prefix_text(afi, plen, pbytes):
    width = 4 if afi == 1 else 16
    addr = pbytes.ljust(width, b"\0")
    ip = ipaddress.ip_address(addr)
    return "%s/%d" % (ip, plen)


def td2_originated(path):
    """{(peer ip, prefix text, path id): deque of originated times in us}
    from the RIB_IPV4/IPV6_UNICAST(_ADDPATH) records (RFC 6396 4.3.2,
    RFC 8050 4: the path identifier follows the originated time)."""
    data = read_mrt_bytes(path)
    times = collections.defaultdict(collections.deque)
    peers = []
    off = 0
    while off + 12 <= len(data):
        _ts, typ, sub, length = struct.unpack_from("!IHHI", data, off)
        body = data[off + 12:off + 12 + length]
        off += 12 + length
        if len(body) < length:
            break
        if typ != 13:
            continue
        try:
            if sub == 1:
                peers = td2_peer_index(body)
            elif sub in (2, 4, 8, 10):
                td2_rib(body, sub, peers, times)
        except (struct.error, IndexError, ValueError):
            continue
    return times


def type5_withdrawn(path):
    """{(peer ip, time in us): deque of withdrawn prefixes} of the MRT type
    5 ("BGP", deprecated) UPDATE records, in file order.  bgpdump -m prints
    such a withdrawal with the peer's address in place of the prefix (and
    the prefix's length): `BGP|945188493|W|206.251.0.85|3549|206.251.0.85/21`
    where bgpdump -v lists 202.24.240.0/21.  The layout, as RIS wrote it
    until 2000: peer AS (2) | peer IP (4) | local AS (2) | local IP (4) |
    the UPDATE without its 19-octet header (RFC 4271 4.3: withdrawn
    routes length (2) | withdrawn routes)."""
    data = read_mrt_bytes(path)
    out = collections.defaultdict(collections.deque)
    off = 0
    while off + 12 <= len(data):
        ts, typ, sub, length = struct.unpack_from("!IHHI", data, off)
        body = data[off + 12:off + 12 + length]
        off += 12 + length
        if len(body) < length:
            break
        if typ != 5 or sub != 1 or len(body) < 14:
            continue
        peer = str(ipaddress.ip_address(body[2:6]))
        wlen = struct.unpack_from("!H", body, 12)[0]
        w, o = body[14:14 + wlen], 0
        while o < len(w):
            plen = w[o]
            nb = (plen + 7) // 8
            if plen > 32 or o + 1 + nb > len(w):
                break
            net = ipaddress.ip_network(
                (w[o + 1:o + 1 + nb].ljust(4, b"\0"), plen), strict=False)
            out[(peer, ts * 1000000)].append(str(net))
            o += 1 + nb
    return out


def td2_peer_index(b):
    # collector BGP ID (4) | view name length (2) | view name | peer count (2)
    # | entries: type (1) | BGP ID (4) | address (4/16) | AS (2/4)
    vlen = struct.unpack_from("!H", b, 4)[0]
    o = 6 + vlen
    count = struct.unpack_from("!H", b, o)[0]
    o += 2
    peers = []
    for _ in range(count):
        ptype = b[o]
        o += 5
        alen = 16 if ptype & 1 else 4
        ip = ipaddress.ip_address(b[o:o + alen])
        o += alen
        aslen = 4 if ptype & 2 else 2
        asn = int.from_bytes(b[o:o + aslen], "big")
        o += aslen
        peers.append((str(ip), asn))
    return peers


def td2_rib(b, sub, peers, times):
    # sequence (4) | prefix length (1) | prefix | entry count (2) | entries:
    # peer index (2) | originated time (4) | [path id (4)] | attr len (2) | attrs
    afi = 1 if sub in (2, 8) else 2
    addpath = sub >= 8
    plen = b[4]
    nb = (plen + 7) // 8
    pfx = prefix_text(afi, plen, b[5:5 + nb])
    o = 5 + nb
    count = struct.unpack_from("!H", b, o)[0]
    o += 2
    for _ in range(count):
        idx, orig = struct.unpack_from("!HI", b, o)
        o += 6
        pid = None
        if addpath:
            pid = struct.unpack_from("!I", b, o)[0]
            o += 4
        alen = struct.unpack_from("!H", b, o)[0]
        o += 2 + alen
        if idx < len(peers):
            times[(peers[idx][0], pfx, pid)].append(orig * 1000000)


# --- the rovmon side ------------------------------------------------------


def json_path(p):
    out = []
    for e in p or ():
        if isinstance(e, int):
            out.append(e)
        elif isinstance(e, list):
            out.append(("set", tuple(e)))
        elif isinstance(e, dict) and "confed_seq" in e:
            out.append(("cseq", tuple(e["confed_seq"])))
        elif isinstance(e, dict) and "confed_set" in e:
            out.append(("cset", tuple(e["confed_set"])))
        else:
            raise ValueError("as_path element %r" % (e,))
    return tuple(out)


_SECONDS = {}


def iso_us(ts):
    """"2015-10-23T02:01:18.509481Z" -> microseconds since the epoch."""
    head = ts[:19]
    sec = _SECONDS.get(head)
    if sec is None:
        sec = calendar.timegm(time.strptime(head, "%Y-%m-%dT%H:%M:%S"))
        _SECONDS[head] = sec
    if len(ts) != 27 or ts[19] != "." or ts[26] != "Z":
        raise ValueError("ts %r is not ISO 8601 with microseconds" % ts)
    return sec * 1000000 + int(ts[20:26])


def rovmon_events(lines, local_peers=frozenset()):
    """The route log's events, and for each the event as bgpdump names it
    when the collector sent it: bgpdump names a session by its peer, the
    sender of a MESSAGE line but the receiver of a *_LOCAL one
    (local_peers: the addresses it printed on those), with no AS (it
    prints the receiver's, the route log has the sender's).  None where
    the receiver is no such peer."""
    events, alts = [], []
    for line in lines:
        if not line.strip():
            continue
        # the fields compared all come before next_hop (docs/route-log.md
        # gives the key order): the rest of a long line is not parsed
        cut = line.find(',"next_hop":')
        o = json.loads(line[:cut] + "}" if cut > 0 else line)
        taw = bool(o.get("treat_as_withdraw"))
        if o["event"] == "announce":
            path = json_path(o.get("as_path"))
            e = Event(o["src_addr"], o.get("peer_as"), "announce", o["prefix"],
                      o.get("path_id"), path, o.get("origin_as"),
                      iso_us(o["ts"]), False)
        else:
            e = Event(o["src_addr"], o.get("peer_as"), "withdraw", o["prefix"],
                      o.get("path_id"), None, None, iso_us(o["ts"]), taw)
        events.append(e)
        a = None
        if o["dst_addr"] in local_peers:
            a = e._replace(peer_ip=o["dst_addr"], peer_as=None)
            if e.event == "announce" and not e.as_path:
                a = a._replace(origin_as="?")
        alts.append(a)
    return events, alts


def resolve_local(bev, rev, alts):
    """Each rovmon event as bgpdump would name it: as sent by the peer
    when bgpdump has that event, else as sent by the collector (a LOCAL
    line) when bgpdump has that one."""
    if not any(alts):
        return rev
    left = collections.Counter(bev)
    out = []
    for e, a in zip(rev, alts):
        if left[e] > 0:
            left[e] -= 1
            out.append(e)
        elif a is not None and left[a] > 0:
            left[a] -= 1
            out.append(a)
        else:
            out.append(e)
    return out


def run_rovmon(rovmon, path, workdir):
    log = os.path.join(workdir, "routes.json")
    if os.path.exists(log):
        os.unlink(log)
    r = subprocess.run([rovmon, "-r", path, "-q", "--no-validation",
                        "--routes", log, "--stats", os.devnull,
                        "--threads", "1"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = []
    if os.path.exists(log):
        with open(log, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    return r.returncode, r.stderr.decode("utf-8", "replace"), lines


# --- comparison -----------------------------------------------------------


def masked(prefix):
    try:
        return str(ipaddress.ip_network(prefix, strict=False))
    except ValueError:
        return prefix


# Each class pairs a leftover bgpdump event with a leftover rovmon event
# whose reduced keys are equal; the first class that pairs them names the
# difference.
def _k(*fields):
    return lambda e: tuple(getattr(e, f) for f in fields)


PAIRINGS = [
    ("treat-as-withdraw",
     lambda e: (e.peer_ip, e.prefix, e.path_id, e.time)
     if e.event == "announce" else None,
     lambda e: (e.peer_ip, e.prefix, e.path_id, e.time) if e.taw else None),
    ("host-bits",
     lambda e: (e.peer_ip, e.peer_as, e.event, masked(e.prefix), e.path_id,
                e.as_path, e.origin_as, e.time, e.taw),
     lambda e: (e.peer_ip, e.peer_as, e.event, e.prefix, e.path_id,
                e.as_path, e.origin_as, e.time, e.taw)),
    ("origin-as", _k("peer_ip", "peer_as", "event", "prefix", "path_id",
                     "as_path", "time"), None),
    ("as-path", _k("peer_ip", "peer_as", "event", "prefix", "path_id", "time"),
     None),
    ("peer-as", _k("peer_ip", "event", "prefix", "path_id", "as_path", "time"),
     None),
    ("time", _k("peer_ip", "peer_as", "event", "prefix", "path_id", "as_path",
                "origin_as"), None),
    ("path-id", _k("peer_ip", "peer_as", "event", "prefix", "as_path",
                   "origin_as", "time"), None),
]


def show(e):
    if e is None:
        return "-"
    s = "%s %s AS%s %s" % (e.event, e.prefix, e.peer_as, e.peer_ip)
    if e.path_id is not None:
        s += " path_id %d" % e.path_id
    if e.event == "announce":
        s += " path %s origin %s" % (fmt_path(e.as_path), e.origin_as)
    if e.taw:
        s += " treat_as_withdraw"
    s += " t=%s" % (fmt_time(e.time))
    return s


def fmt_path(p):
    out = []
    for e in p or ():
        if isinstance(e, int):
            out.append(str(e))
        else:
            o, c = {"set": "{}", "cseq": "()", "cset": "[]"}[e[0]]
            out.append(o + ",".join(map(str, e[1])) + c)
    return " ".join(out) or "(empty)"


def fmt_time(t):
    if t is None:
        return "?"
    return "%d.%06d" % divmod(t, 1000000)


def compare(bev, rev, type5=frozenset()):
    """-> {class: [count, [(bgpdump event, rovmon event)...]]}, matched.
    type5: bgpdump's events of MRT type 5 lines (their own class when
    rovmon has no match)."""
    diffs = {c: [0, []] for c in CLASSES}

    def note(cls, b, r):
        diffs[cls][0] += 1
        if len(diffs[cls][1]) < EXAMPLES:
            diffs[cls][1].append((b, r))

    # strings cache their hash: keys of 577k events compare in a second
    bkeys = [tuple.__repr__(e) for e in bev]
    rkeys = [tuple.__repr__(e) for e in rev]
    ev_of = dict(zip(bkeys, bev))
    ev_of.update(zip(rkeys, rev))
    bc, rc = collections.Counter(bkeys), collections.Counter(rkeys)
    common = bc & rc
    left_b = [ev_of[k] for k in (bc - rc).elements()]
    left_r = [ev_of[k] for k in (rc - bc).elements()]
    for cls, kb, kr in PAIRINGS:
        kr = kr or kb
        pool = collections.defaultdict(list)
        for i, e in enumerate(left_r):
            k = kr(e)
            if k is not None:
                pool[k].append(i)
        used_r, keep_b = set(), []
        for e in left_b:
            k = kb(e)
            if k is not None and pool.get(k):
                i = pool[k].pop(0)
                used_r.add(i)
                note(cls, e, left_r[i])
            else:
                keep_b.append(e)
        left_b = keep_b
        left_r = [e for i, e in enumerate(left_r) if i not in used_r]
    for e in left_b:
        note("mrt-type-5" if e in type5 else "only-in-bgpdump", e, None)
    for e in left_r:
        note("only-in-rovmon", None, e)
    # order: the matched events in each file's order must be the same
    ob = filter_common(bkeys, common)
    orr = filter_common(rkeys, common)
    moved = [(ev_of[a], ev_of[b]) for a, b in zip(ob, orr) if a != b]
    if moved:
        diffs["order"] = [len(moved), moved[:1]]
    return diffs, sum(common.values())


def filter_common(events, common):
    left = collections.Counter(common)
    out = []
    for e in events:
        if left[e] > 0:
            left[e] -= 1
            out.append(e)
    return out


def verdict(name, diffs, known, rc, expect_rc):
    """-> (ok, report lines)."""
    ok, lines = True, []
    for cls in CLASSES:
        count, ex = diffs[cls][0], diffs[cls][1]
        k = known.get(cls)
        if k is not None:
            want, why = k
            good = want is None or want == count
            tag = "known" if good else "FAIL known"
            lines.append("  %s %s: %d (declared %s): %s" % (
                tag, cls, count, "any" if want is None else want, why))
            ok = ok and good
        elif count:
            ok = False
            lines.append("  FAIL %s: %d" % (cls, count))
        else:
            continue
        for b, r in ex:
            lines.append("      bgpdump: %s" % show(b))
            lines.append("      rovmon:  %s" % show(r))
    if rc != expect_rc:
        ok = False
        lines.append("  FAIL rovmon exit status %d, expected %d" %
                     (rc, expect_rc))
    return ok, lines


def check_file(path, name, rovmon, bgpdump, routes=None, plant=None):
    known = KNOWN.get(name, {})
    btext, berr = run_bgpdump(bgpdump, path)
    td2 = td2_originated(path) if "TABLE_DUMP2" in btext[:200000] else {}
    t5 = type5_withdrawn(path) if "\nBGP|" in "\n" + btext[:200000] else {}
    bev, seen = bgpdump_events(btext, td2, t5)
    if routes is not None:
        rc, rerr = 0, ""
        with open(routes, encoding="utf-8") as fh:
            rlines = fh.read().splitlines()
    else:
        with tempfile.TemporaryDirectory(prefix="mrtcheck18.") as wd:
            rc, rerr, rlines = run_rovmon(rovmon, path, wd)
    if rc not in (0, 1):
        return False, ["FAIL %s: rovmon exit %d: %s" % (
            name, rc, rerr.strip().splitlines()[:3])]
    rev, alts = rovmon_events(rlines, seen.pop("local_peers"))
    rev = resolve_local(bev, rev, alts)
    if plant:
        rev = plant_bug(rev, plant)
    diffs, matched = compare(bev, rev, seen.pop("type5"))
    ok, lines = verdict(name, diffs, known, rc, known.get("exit", 0))
    if known.get("note"):
        lines.insert(0, "  note: " + known["note"])
    na = sum(1 for e in bev if e.event == "announce")
    head = "%s %s: bgpdump A/B %d W %d (STATE %d), rovmon %d events, " \
        "%d matched, rovmon exit %d" % (
            "PASS" if ok else "FAIL", name, na, len(bev) - na,
            seen["STATE"], len(rev), matched, rc)
    origins = sorted(k for k in seen if k.startswith("ORIGIN "))
    if origins:
        head += "; ORIGIN attribute (not compared) " + " ".join(
            "%s %d" % (k[7:], seen[k]) for k in origins)
    extra = [k for k in seen if k != "STATE" and not k.startswith("ORIGIN ")]
    if extra:
        head += "; " + ", ".join("%s %d" % (k, seen[k]) for k in extra)
    if rerr.strip() and not ok:
        lines.append("  rovmon stderr: " +
                     " | ".join(rerr.strip().splitlines()[:3]))
    return ok, [head] + lines


# --- planted bugs (to show the check fails) --------------------------------


def plant_bug(events, kind):
    """Change one event the way a reader bug would; the comparison must
    then fail."""
    ev = list(events)
    idx = next((i for i, e in enumerate(ev) if e.event == "announce"
                and e.as_path), None)
    if kind == "as-path" and idx is not None:
        e = ev[idx]
        p = list(e.as_path)
        p[0] = p[0] + 1 if isinstance(p[0], int) else 1
        ev[idx] = e._replace(as_path=tuple(p))
    elif kind == "origin-as" and idx is not None:
        e = ev[idx]
        ev[idx] = e._replace(origin_as=(e.origin_as or 0) + 1)
    elif kind == "time" and ev:
        ev[-1] = ev[-1]._replace(time=(ev[-1].time or 0) + 1000000)
    elif kind == "drop" and ev:
        del ev[len(ev) // 2]
    elif kind == "order" and len(ev) > 2:
        j = next((i for i in range(len(ev) - 1) if ev[i] != ev[i + 1]), None)
        if j is not None:
            ev[j], ev[j + 1] = ev[j + 1], ev[j]
    elif kind == "peer-as" and ev:
        ev[0] = ev[0]._replace(peer_as=(ev[0].peer_as or 0) + 1)
    else:
        raise SystemExit("unknown or inapplicable --plant %s" % kind)
    return ev


def simulated_log(bev):
    """A route log written from bgpdump's events (the comparator's own
    test, without rovmon)."""
    out = []
    for e in bev:
        ts = datetime.datetime.fromtimestamp(
            (e.time or 0) // 1000000, datetime.timezone.utc)
        o = {"event": e.event,
             "ts": ts.strftime("%Y-%m-%dT%H:%M:%S") +
             ".%06dZ" % ((e.time or 0) % 1000000),
             "pkt_num": 0, "src_addr": e.peer_ip, "src_port": 0,
             "dst_addr": "0.0.0.0", "dst_port": 0, "peer_as": e.peer_as,
             "prefix": e.prefix}
        if e.path_id is not None:
            o["path_id"] = e.path_id
        if e.event == "announce":
            o["origin_as"] = e.origin_as
            path = []
            for x in e.as_path:
                if isinstance(x, int):
                    path.append(x)
                elif x[0] == "set":
                    path.append(list(x[1]))
                else:
                    path.append({"confed_seq" if x[0] == "cseq"
                                 else "confed_set": list(x[1])})
            o["as_path"] = path
        out.append(json.dumps(o))
    return out


def self_test(path, name, bgpdump):
    btext, _ = run_bgpdump(bgpdump, path)
    td2 = td2_originated(path) if "TABLE_DUMP2" in btext[:200000] else {}
    bev, seen = bgpdump_events(btext, td2)
    seen.pop("type5")
    seen.pop("local_peers")
    rev, _ = rovmon_events(simulated_log(bev))
    known = {}  # the comparator alone: nothing is a known difference
    fails = 0
    diffs, _ = compare(bev, rev)
    ok, lines = verdict(name, diffs, known, 0, 0)
    print("%s self-test unplanted %s" % ("ok" if ok else "WRONG", name))
    if not ok:
        fails += 1
        print("\n".join(lines))
    for kind in ("as-path", "origin-as", "time", "drop", "order", "peer-as"):
        try:
            planted = plant_bug(rev, kind)
        except SystemExit:
            print("skip self-test planted %s (no event to plant it on)" % kind)
            continue
        diffs, _ = compare(bev, planted)
        ok, _lines = verdict(name, diffs, known, 0, 0)
        good = not ok
        fired = ", ".join("%s %d" % (c, diffs[c][0]) for c in CLASSES
                          if diffs[c][0])
        print("%s self-test planted %s: verdict %s (%s)" % (
            "ok" if good else "WRONG", kind, "PASS" if ok else "FAIL", fired))
        fails += 0 if good else 1
    return fails == 0


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--rovmon", default="build/rovmon")
    ap.add_argument("--bgpdump", default=shutil.which("bgpdump") or "bgpdump")
    ap.add_argument("--name", help="the file's name in KNOWN")
    ap.add_argument("--routes", help="compare this route log, run no rovmon")
    ap.add_argument("--plant", help="plant a bug in rovmon's events: "
                    "as-path, origin-as, time, drop, order, peer-as")
    ap.add_argument("--self-test", action="store_true")
    a = ap.parse_args(argv)
    name = a.name or a.file
    if not shutil.which(a.bgpdump):
        print("SKIP: bgpdump not installed (apt install bgpdump)")
        return 77
    if a.self_test:
        return 0 if self_test(a.file, name, a.bgpdump) else 1
    try:
        ok, lines = check_file(a.file, name, a.rovmon, a.bgpdump, a.routes,
                               a.plant)
    except BgpdumpFailed as e:
        ok, lines = False, ["FAIL %s: %s: no reference" % (name, e)]
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
