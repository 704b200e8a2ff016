#!/usr/bin/env python3
"""Route origin validation of tshark's BGP fields: the reference a user
might pick instead of rovmon (issue 17), timed by make bench.

    tshark -n -r F -Y bgp -T fields -o "bgp.asn_len:4 octet" \\
        -o tcp.reassemble_out_of_order:TRUE $(tests/bench/rov_ref.py --fields) |
        tests/bench/rov_ref.py VRPS.json > OUT

Prints one line per announced IPv4/IPv6 unicast prefix, "PREFIX ORIGIN
STATE" (STATE valid / invalid / not-found, ORIGIN an AS number or
"none"), and at the end one JSON line of counts on stderr.  Nothing of
rovmon is used: the VRP file is read here, the validation is written
from RFC 6811 section 2's text:
- a VRP covers a route when the VRP prefix's bits are the first bits of
  the route prefix and the VRP prefix length <= the route's;
- a covering VRP matches when, in addition, the route's length <=
  maxLength and the route's origin AS equals the VRP's AS; an origin of
  NONE (the final AS_PATH segment is not an AS_SEQUENCE) matches nothing,
  and neither does a VRP for AS 0 (RFC 7607 / RFC 6483 4);
- valid: some VRP matches; invalid: covered but none matches; not-found:
  no VRP covers it.
VRP expiry is ignored, as rovmon does with --vrps.  An empty AS_PATH
(the sender's own route, RFC 6811 "the BGP speaker's own AS") is taken
as NONE: a passive observer is not that speaker.

Why so many fields: tshark -T fields prints, per frame, each field's
values of every BGP message in the frame as one comma-separated list, so
a frame of 20 UPDATEs gives 20 AS paths and 25 prefixes with nothing
saying which path goes with which prefix.  The lengths tshark prints
with them (message, withdrawn routes, path attributes, each attribute,
each AS_PATH segment, each prefix) say it: the lists are walked in wire
order, each UPDATE taking exactly as many bytes as its lengths give.  A
frame whose lists do not come out even is counted as "desync" (its
routes are not guessed).  What the walk relies on is asked of tshark
explicitly rather than taken from its defaults (tshark_args(), also
printed by --fields): every occurrence of a field (occurrence=a) joined
with "," (aggregator), fields separated by tabs, no quoting, and a header
line naming each column (header=y): the columns are found by that name,
so neither the order of the -e options nor a tshark that prints them
differently can pair a value with the wrong field, and a field tshark
does not know (renamed in a later version) stops the run with its name
instead of giving wrong counts.  4-octet AS paths only (asn_len pinned; no
AS4_PATH merge), no ADD-PATH, unicast SAFI only: the bench capture's
sessions.
"""
import json
import socket
import sys

FIELDS = [
    "frame.number",
    "bgp.type",
    "bgp.length",
    "bgp.update.withdrawn_routes.length",
    "bgp.update.path_attributes.length",
    "bgp.update.path_attribute.type_code",
    "bgp.update.path_attribute.flags.extended_length",
    "bgp.update.path_attribute.length",
    "bgp.update.path_attribute.as_path_segment.type",
    "bgp.update.path_attribute.as_path_segment.length",
    "bgp.update.path_attribute.as_path_segment.as4",
    "bgp.prefix_length",
    "bgp.withdrawn_prefix",
    "bgp.nlri_prefix",
    "bgp.mp_reach_nlri_ipv4_prefix",
    "bgp.mp_reach_nlri_ipv6_prefix",
    "bgp.mp_unreach_nlri_ipv4_prefix",
    "bgp.mp_unreach_nlri_ipv6_prefix",
    "bgp.update.path_attribute.mp_reach_nlri.afi",
    "bgp.update.path_attribute.mp_reach_nlri.next_hop",
    "bgp.update.path_attribute.mp_unreach_nlri.afi",
]
(F_FRAME, F_TYPE, F_LEN, F_WLEN, F_ALEN, F_ACODE, F_AEXT, F_ALENS, F_STYPE, F_SLEN,
 F_AS4, F_PLEN, F_WPFX, F_NPFX, F_R4, F_R6, F_U4, F_U6, F_RAFI, F_RNH, F_UAFI) = range(len(FIELDS))

# tshark -T fields output options the walk depends on (see the top)
OUTPUT_OPTIONS = ["header=y", "separator=/t", "aggregator=,", "occurrence=a", "quote=n"]


def tshark_args():
    """tshark's -E and -e options for the reference."""
    args = []
    for o in OUTPUT_OPTIONS:
        args += ["-E", o]
    for f in FIELDS:
        args += ["-e", f]
    return args


AS_SET, AS_SEQUENCE = 1, 2
ATTR_AS_PATH, ATTR_MP_REACH, ATTR_MP_UNREACH = 2, 14, 15


class Desync(Exception):
    pass


def load_vrps(path):
    """{family: (sorted VRP prefix lengths, {(length, network int): [(maxLength, asn)]})}"""
    with open(path) as f:
        doc = json.load(f)
    roas = doc["roas"] if isinstance(doc, dict) else doc
    table = {4: {}, 6: {}}
    for r in roas:
        addr, _, plen = r["prefix"].partition("/")
        fam = 6 if ":" in addr else 4
        bits = 128 if fam == 6 else 32
        plen = int(plen)
        net = int.from_bytes(socket.inet_pton(socket.AF_INET6 if fam == 6 else socket.AF_INET,
                                              addr), "big") >> (bits - plen) if plen else 0
        asn = r["asn"]
        asn = int(asn[2:]) if isinstance(asn, str) and asn[:2].upper() == "AS" else int(asn)
        ml = int(r.get("maxLength", plen))
        table[fam].setdefault((plen, net), []).append((ml, asn))
    return {fam: (sorted({k[0] for k in t}), t) for fam, t in table.items()}


def validate(vrps, fam, addr_int, plen, origin):
    """RFC 6811 section 2 on one route: 'valid', 'invalid' or 'not-found'.
    addr_int is the whole address as an int, origin an AS or None."""
    lengths, table = vrps[fam]
    bits = 128 if fam == 6 else 32
    covered = False
    for vl in lengths:
        if vl > plen:
            break
        cands = table.get((vl, addr_int >> (bits - vl) if vl else 0))
        if cands is None:
            continue
        covered = True
        if origin is None:
            continue
        for ml, asn in cands:
            if asn == origin and plen <= ml and asn != 0:
                return "valid"
    return "invalid" if covered else "not-found"


class Lists:
    """One frame's comma-separated field values, each consumed in order."""

    def __init__(self, cols):
        self.v = [c.split(",") if c else [] for c in cols]
        self.i = [0] * len(cols)

    def take(self, f):
        i = self.i[f]
        if i >= len(self.v[f]):
            raise Desync(FIELDS[f])
        self.i[f] = i + 1
        return self.v[f][i]

    def done(self):
        return all(self.i[f] == len(self.v[f]) for f in range(F_WLEN, len(self.v)))


def take_prefixes(ls, nbytes, field, v6, out):
    """Prefixes filling nbytes of NLRI: (family, address as an int, length,
    address text)."""
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    while nbytes > 0:
        plen = int(ls.take(F_PLEN))
        addr = ls.take(field)
        nbytes -= 1 + (plen + 7) // 8
        out.append((6 if v6 else 4, int.from_bytes(socket.inet_pton(fam, addr), "big"), plen,
                    addr))
    if nbytes != 0:
        raise Desync("prefix lengths")


def origin_of(segs):
    if not segs:
        return None
    t, asns = segs[-1]
    return asns[-1] if t == AS_SEQUENCE and asns else None


def update(ls, msglen, counts, emit):
    """One UPDATE (RFC 4271 4.3): withdrawn routes, attributes, NLRI."""
    wlen = int(ls.take(F_WLEN))
    alen = int(ls.take(F_ALEN))
    gone = []
    take_prefixes(ls, wlen, F_WPFX, False, gone)
    ann = []
    segs = []
    left = alen
    while left > 0:
        code = int(ls.take(F_ACODE))
        ext = ls.take(F_AEXT) in ("1", "True")
        vlen = int(ls.take(F_ALENS))
        left -= (4 if ext else 3) + vlen
        if code in (ATTR_AS_PATH, 17):  # AS4_PATH's segments share the fields
            path = []
            n = vlen
            while n > 0:
                t = int(ls.take(F_STYPE))
                k = int(ls.take(F_SLEN))
                path.append((t, [int(ls.take(F_AS4)) for _ in range(k)]))
                n -= 2 + 4 * k
            if n:
                raise Desync("AS_PATH length")
            if code == ATTR_AS_PATH:
                segs = path
        elif code == ATTR_MP_REACH:
            afi = int(ls.take(F_RAFI))
            nh = ls.take(F_RNH)
            nhb = len(nh) // 2  # tshark prints the length octet with the next hop
            take_prefixes(ls, vlen - 4 - nhb, F_R6 if afi == 2 else F_R4, afi == 2, ann)
        elif code == ATTR_MP_UNREACH:
            v6 = int(ls.take(F_UAFI)) == 2
            take_prefixes(ls, vlen - 3, F_U6 if v6 else F_U4, v6, gone)
    if left:
        raise Desync("path attribute lengths")
    take_prefixes(ls, msglen - 23 - wlen - alen, F_NPFX, False, ann)
    origin = origin_of(segs)
    o_text = "none" if origin is None else str(origin)
    counts["withdrawn"] += len(gone)
    for fam, net, plen, addr in ann:
        state = validate(VRPS, fam, net, plen, origin)
        counts[state] += 1
        emit("%s/%d %s %s\n" % (addr, plen, o_text, state))


VRPS = None


def main():
    global VRPS
    if sys.argv[1:] == ["--fields"]:
        print(" ".join(tshark_args()))
        return 0
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    VRPS = load_vrps(sys.argv[1])
    counts = {"frames": 0, "updates": 0, "valid": 0, "invalid": 0, "not-found": 0,
              "withdrawn": 0, "desync_frames": 0}
    out = sys.stdout
    emit = out.write
    header = sys.stdin.readline().rstrip("\n").split("\t")
    missing = [f for f in FIELDS if f not in header]
    if header != [""] and missing:  # no header at all: no input (empty capture)
        sys.stderr.write(f"rov_ref.py: tshark printed no column {', '.join(missing)} "
                         f"(its header: {' '.join(header)})\n")
        return 1
    col = [header.index(f) for f in FIELDS] if header != [""] else []
    for line in sys.stdin:
        cols = line.rstrip("\n").split("\t")
        if len(cols) != len(header):
            counts["desync_frames"] += 1
            continue
        counts["frames"] += 1
        ls = Lists([cols[i] for i in col])
        try:
            for t, ml in zip(ls.v[F_TYPE], ls.v[F_LEN]):
                if t == "2":
                    counts["updates"] += 1
                    update(ls, int(ml), counts, emit)
            if not ls.done():
                raise Desync("values left over")
        except (Desync, ValueError, OSError):
            counts["desync_frames"] += 1
    out.flush()
    counts["announced"] = counts["valid"] + counts["invalid"] + counts["not-found"]
    sys.stderr.write(json.dumps(counts) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
