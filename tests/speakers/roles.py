#!/usr/bin/env python3
"""The route-leak lab: BGP roles (RFC 9234), OTC and ASPA on real speakers.

One topology definition (below) drives everything record_roles.sh does and
everything the expected files say, so the test never learns its answers
from rovmon:

  roles.py conf DIR            BIRD and ExaBGP configurations, feed scripts
  roles.py nodes               "name kind asn addr" lines for the shell
  roles.py counts PHASE NODE   "protocol N" lines: the routes BIRD NODE must
                               hold from each neighbour once PHASE settled
  roles.py sim                 the propagation, printed (for reading)
  roles.py wire PCAP           announcements/withdrawals on the wire per
                               direction, decoded here (not by rovmon)
  roles.py seen PCAP PHASE     exit 0 once the (growing) capture holds all
                               that PHASE puts on the wire
  roles.py witness DIR OUT PCAP   BIRD's view (birdc dumps and logs saved
                               in DIR by the recorder) -> OUT json; fails
                               unless BIRD, the wire and the simulation agree
  roles.py expect PCAP WITNESS ASPA_TABLE OUT   the expected fields of every
                               announcement in PCAP: roles from the topology
                               (checked against the OPENs), OTC from the wire,
                               leaks by RFC 9234 section 5 (checked against
                               BIRD's verdicts in WITNESS), ASPA verdicts
                               from the hand-made ASPA_TABLE

The simulation is BIRD 2.0.12's behaviour as its source states it
(proto/bgp/attrs.c, bgp_finish_attrs / bgp_preexport / bgp_update_attrs):
  ingress, local role provider or rs_server: a route with OTC is a leak,
    treated as withdrawn ("Route leak detected - OTC attribute from
    downstream");
  ingress, local role peer: OTC != the neighbour's AS is a leak ("... with
    mismatched ASN");
  ingress, local role customer, peer or rs_client: no OTC -> OTC = the
    neighbour's AS is attached;
  egress, local role customer, peer or rs_client: a route with OTC is not
    sent; egress, local role provider, peer or rs_server: no OTC -> OTC =
    own AS is added;
  no local role: no check, OTC passes through untouched (the leak R makes
    towards P2 below).
A route is never sent back to the session it came from; an rs_server
("rs client" option) does not prepend its AS.

Addresses: 10.179.20.0/24 on one bridge (private, inside namespaces).
Prefixes 10.20.K.0/24.  ASNs: private 65001-65080 for the speakers,
documentation ASNs 64496-64511 for the ASes behind them (prepended).
"""
import ipaddress
import json
import os
import re
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pcapfile  # noqa: E402

NET = "10.179.20"

# name: (kind, ASN, host part of the address)
NODES = {
    "r": ("bird", 65010, 10),    # the monitored router
    "p": ("bird", 65001, 1),     # R's provider (roles on both ends)
    "p2": ("bird", 65002, 2),    # R's second provider: no role on R's side
    "c": ("bird", 65020, 20),    # R's customer
    "q": ("bird", 65030, 30),    # R's peer
    "rs": ("bird", 65040, 40),   # a route server, R is its client
    "z": ("bird", 65070, 70),    # another client of the route server
    "x": ("exabgp", 65050, 50),  # no roles; R calls it its customer
    "y": ("exabgp", 65060, 60),  # no roles; R calls it its peer
    "m": ("bird", 65080, 80),    # claims provider, and so does R: 2/11
}

# (active end, passive end, active's local role, passive's local role);
# None: no role configured (ExaBGP 4.2 has none; R towards P2 on purpose)
SESSIONS = [
    ("r", "p", "customer", "provider"),
    ("r", "p2", None, "provider"),
    ("r", "c", "provider", "customer"),
    ("r", "q", "peer", "peer"),
    ("r", "rs", "rs_client", "rs_server"),
    ("rs", "z", "rs_server", "rs_client"),
    ("x", "r", None, "provider"),
    ("y", "r", None, "peer"),
    ("r", "m", "provider", "provider"),
]
MISMATCH = ("r", "m")

# (originating node, prefix, ASes behind it (nearest first), OTC sent
# (ExaBGP only), phase-2 withdrawn)
ROUTES = [
    ("c", "10.20.1.0/24", [], None, False),
    ("c", "10.20.2.0/24", [64500], None, False),
    ("c", "10.20.3.0/24", [64501], None, False),
    ("c", "10.20.4.0/24", [64502], None, False),
    ("p", "10.20.11.0/24", [], None, False),
    ("p", "10.20.12.0/24", [64510, 64511], None, True),
    ("p", "10.20.13.0/24", [64497], None, False),
    ("p2", "10.20.71.0/24", [], None, False),
    ("q", "10.20.21.0/24", [], None, False),
    ("q", "10.20.22.0/24", [64503], None, True),
    ("z", "10.20.31.0/24", [], None, False),
    ("z", "10.20.32.0/24", [64507], None, False),
    ("x", "10.20.41.0/24", [], None, False),
    ("x", "10.20.42.0/24", [], 65050, True),
    ("x", "10.20.43.0/24", [64504], 64504, False),
    ("x", "10.20.44.0/24", [64505], None, False),
    ("y", "10.20.51.0/24", [], None, False),
    ("y", "10.20.52.0/24", [], 65060, False),
    ("y", "10.20.53.0/24", [64506], 64506, True),
    ("r", "10.20.61.0/24", [], None, False),
]


def addr(n):
    return "%s.%d" % (NET, NODES[n][2])


def asn(n):
    return NODES[n][1]


def proto(nb):
    """BIRD's protocol name for the session with nb ("rs" is a keyword)"""
    return "n_" + nb


def sessions_of(n):
    """(neighbour, my role, its role, I connect) for every session of n"""
    out = []
    for a, b, ra, rb in SESSIONS:
        if a == n:
            out.append((b, ra, rb, True))
        elif b == n:
            out.append((a, rb, ra, False))
    return out


# ---- simulation -------------------------------------------------------------

def simulate(phase):
    """Propagate to a fixed point.  Returns (wire, accepted, rejected):
    wire[(sender, receiver)] = {prefix: (path tuple, otc or None)};
    accepted[(receiver, sender)] = {prefix: (path, otc as stored)};
    rejected[(receiver, sender)] = {prefix: reason}."""
    rib = {n: {} for n in NODES}   # prefix -> (path, otc, learned from)
    for n, pfx, behind, _otc, wd in ROUTES:
        if phase == 2 and wd:
            continue
        if NODES[n][0] == "bird":
            rib[n][pfx] = (tuple(behind), None, None)
    live = [(a, b) for a, b, _, _ in SESSIONS if (a, b) != MISMATCH]
    dirs = [(a, b) for a, b in live] + [(b, a) for a, b in live]
    wire, accepted, rejected = {}, {}, {}
    changed = True
    while changed:
        changed = False
        for s, d in dirs:
            sent = {}
            my_role = dict((nb, mr) for nb, mr, _, _ in sessions_of(s))[d]
            their_role = dict((nb, tr) for nb, _, tr, _ in sessions_of(s))[d]
            if NODES[s][0] == "exabgp":
                for n, pfx, behind, otc, wd in ROUTES:
                    if n == s and not (phase == 2 and wd):
                        sent[pfx] = ((asn(s),) + tuple(behind), otc)
            else:
                for pfx, (path, otc, frm) in sorted(rib[s].items()):
                    if frm == d:
                        continue
                    if otc is not None and my_role in ("customer", "peer", "rs_client"):
                        continue
                    if otc is None and my_role in ("provider", "peer", "rs_server"):
                        otc = asn(s)
                    wpath = path if my_role == "rs_server" else (asn(s),) + path
                    sent[pfx] = (wpath, otc)
            wire[(s, d)] = sent
            if NODES[d][0] != "bird":
                continue
            acc, rej = {}, {}
            for pfx, (path, otc) in sent.items():
                if asn(d) in path:
                    rej[pfx] = "loop"
                    continue
                if otc is not None and their_role in ("provider", "rs_server"):
                    rej[pfx] = "OTC attribute from downstream"
                    continue
                if otc is not None and their_role == "peer" and otc != asn(s):
                    rej[pfx] = "OTC attribute with mismatched ASN (%d)" % otc
                    continue
                if otc is None and their_role in ("customer", "peer", "rs_client"):
                    otc = asn(s)
                acc[pfx] = (path, otc)
            accepted[(d, s)], rejected[(d, s)] = acc, rej
            for pfx, (path, otc) in acc.items():
                if pfx not in rib[d]:
                    rib[d][pfx] = (path, otc, s)
                    changed = True
    return wire, accepted, rejected


# ---- configuration ----------------------------------------------------------

def bird_conf(n, d):
    out = ["router id %s;" % addr(n),
           'log "%s/%s.birdlog" all;' % (d, n),
           "protocol device {}"]
    mine = [(p, b, w) for o, p, b, _t, w in ROUTES if o == n]
    # two static protocols, so phase 2 withdraws by disabling "st2"
    for name, keep in (("st1", False), ("st2", True)):
        rs = [p for p, _b, w in mine if w == keep]
        if rs:
            out.append("protocol static %s {\n\tipv4;" % name)
            out += ["\troute %s blackhole;" % p for p in rs]
            out.append("}")
    # the ASes behind this one: prepended on export of its own routes only
    pre = []
    for p, behind, _w in mine:
        if behind:
            pre.append("\tif net = %s then { %s }" % (
                p, " ".join("bgp_path.prepend(%d);" % a for a in reversed(behind))))
    out.append("filter out_own {\n\tif source = RTS_STATIC then {\n%s\n\t}\n\taccept;\n}" %
               ("\n".join("\t" + x for x in pre) if pre else "\t\t# nothing prepended"))
    for nb, mr, _tr, active in sessions_of(n):
        lines = ["protocol bgp %s {" % proto(nb),
                 "\tlocal %s as %d;" % (addr(n), asn(n)),
                 "\tneighbor %s as %d;" % (addr(nb), asn(nb)),
                 "\thold time 90;",
                 "\tconnect delay time 1;",
                 "\tconnect retry time 2;",
                 # one 2/11 attempt on the wire, then quiet
                 "\terror wait time 300, 600;"]
        if not active:
            lines.append("\tpassive on;")
        if mr:
            lines.append("\tlocal role %s;" % mr)
        if mr == "rs_server":
            lines.append("\trs client;")
        lines.append("\tipv4 { import all; export filter out_own; };")
        lines.append("}")
        out += lines
    return "\n".join(out) + "\n"


def exabgp_conf(n, d, here):
    (nb, _mr, _tr, _a), = sessions_of(n)
    return """process feed {
	run /usr/bin/python3 %s/feed.py %s/%s.cmds %s/ctl-%s;
	encoder text;
}
neighbor %s {
	router-id %s;
	local-address %s;
	local-as %d;
	peer-as %d;
	hold-time 90;
	group-updates false;
	family { ipv4 unicast; }
	capability { route-refresh; asn4 enable; }
	api { processes [ feed ]; }
}
""" % (here, d, n, d, n, addr(nb), addr(n), addr(n), asn(n), asn(nb))


def exabgp_cmds(n):
    out = []
    for phase in (1, 2):
        if phase == 2:
            out.append("wait phase2")
        for o, p, behind, otc, wd in ROUTES:
            if o != n:
                continue
            if phase == 2:
                if wd:
                    out.append("withdraw route %s" % p)
                continue
            line = "announce route %s next-hop self as-path [ %s ] origin igp" % (
                p, " ".join(str(a) for a in [asn(n)] + behind))
            if otc is not None:
                # OTC, type 35, optional transitive (0xc0), 4 octets
                line += " attribute [ 0x23 0xc0 0x%08x ]" % otc
            out.append(line)
    return "\n".join(out) + "\n"


def cmd_conf(d):
    here = os.path.dirname(os.path.abspath(__file__))
    for n, (kind, _a, _h) in NODES.items():
        if kind == "bird":
            with open(os.path.join(d, n + ".conf"), "w") as f:
                f.write(bird_conf(n, d))
        else:
            with open(os.path.join(d, n + ".conf"), "w") as f:
                f.write(exabgp_conf(n, d, here))
            with open(os.path.join(d, n + ".cmds"), "w") as f:
                f.write(exabgp_cmds(n))


# ---- the wire (independent decoder) ----------------------------------------

def _aspath(v):
    path = []
    o = 0
    while o + 2 <= len(v):
        t, cnt = v[o], v[o + 1]
        o += 2
        asns = list(struct.unpack("!%dI" % cnt, v[o:o + 4 * cnt]))
        o += 4 * cnt
        path += asns if t == 2 else [asns]
    return path


def _prefixes(b):
    o, res = 0, []
    while o < len(b):
        pl = b[o]
        nb = (pl + 7) // 8
        raw = b[o + 1:o + 1 + nb] + bytes(4 - nb)
        o += 1 + nb
        res.append(str(ipaddress.ip_network("%s/%d" % (ipaddress.IPv4Address(raw), pl))))
    return res


def wire(pcap):
    """Every BGP message per TCP direction, in order.  Returns a list of
    dicts: {src, dst, sport, dport, type, ...}: OPEN carries asn and
    role (Role capability value or None), NOTIFICATION code/subcode,
    UPDATE its announcements [(prefix, path, otc)] and withdrawals.
    Only IPv4, 4-octet AS sessions (all of the lab's), no loss."""
    _h, lt, _e, recs = pcapfile.read_pcap(pcap)
    flows, order = {}, []
    for n, (_hdr, data) in enumerate(recs, 1):
        t = pcapfile.tcp_of(lt, data)
        if t is None:
            continue
        src, dst, sp, dp, seq, flags, pl = t
        k = (str(ipaddress.ip_address(src)), sp, str(ipaddress.ip_address(dst)), dp)
        f = flows.setdefault(k, {"next": None, "buf": bytearray(), "first": n})
        if k not in order:
            order.append(k)
        if flags & 2:
            f["next"] = (seq + 1) & 0xffffffff
            continue
        if not pl:
            continue
        if f["next"] is None:
            raise SystemExit("%s: data before SYN in %s" % (pcap, k))
        rel = (seq - f["next"]) & 0xffffffff
        if rel > 0x7fffffff:     # retransmission of bytes we have
            new = pl[((f["next"] - seq) & 0xffffffff):]
        elif rel == 0:
            new = pl
        else:
            raise SystemExit("%s: gap in %s at frame %d" % (pcap, k, n))
        f["buf"] += new
        f["next"] = (f["next"] + len(new)) & 0xffffffff
    out = []
    for k in order:
        buf = bytes(flows[k]["buf"])
        o = 0
        while o + 19 <= len(buf):
            ln, typ = struct.unpack("!HB", buf[o + 16:o + 19])
            body = buf[o + 19:o + ln]
            o += ln
            m = {"src": k[0], "sport": k[1], "dst": k[2], "dport": k[3], "type": typ}
            if typ == 1:
                m["asn"], m["role"] = struct.unpack("!H", body[1:3])[0], None
                oo, end = 10, 10 + body[9]
                while oo < end:
                    pt, plen = body[oo], body[oo + 1]
                    c, ce = oo + 2, oo + 2 + plen
                    while pt == 2 and c < ce:
                        code, cl = body[c], body[c + 1]
                        if code == 65:
                            m["asn"] = struct.unpack("!I", body[c + 2:c + 6])[0]
                        elif code == 9:
                            m["role"] = body[c + 2]
                        c += 2 + cl
                    oo += 2 + plen
            elif typ == 3:
                m["code"], m["subcode"] = body[0], body[1]
            elif typ == 2:
                wl = struct.unpack("!H", body[:2])[0]
                m["withdrawn"] = _prefixes(body[2:2 + wl])
                al = struct.unpack("!H", body[2 + wl:4 + wl])[0]
                attrs = body[4 + wl:4 + wl + al]
                path, otc, oo = [], None, 0
                while oo < len(attrs):
                    fl, tc = attrs[oo], attrs[oo + 1]
                    if fl & 0x10:
                        alen = struct.unpack("!H", attrs[oo + 2:oo + 4])[0]
                        oo += 4
                    else:
                        alen = attrs[oo + 2]
                        oo += 3
                    v = attrs[oo:oo + alen]
                    oo += alen
                    if tc == 2:
                        path = _aspath(v)
                    elif tc == 35:
                        otc = struct.unpack("!I", v)[0]
                m["announced"] = [(p, path, otc) for p in _prefixes(body[4 + wl + al:])]
            out.append(m)
    return out


BY_ADDR = {addr(n): n for n in NODES}


def wire_routes(pcap):
    """{(sender, receiver): {"announce": [(prefix, path, otc)], "withdraw": [prefix]}}"""
    res = {}
    for m in wire(pcap):
        if m["type"] != 2:
            continue
        e = res.setdefault((BY_ADDR[m["src"]], BY_ADDR[m["dst"]]), {"announce": [], "withdraw": []})
        e["announce"] += m["announced"]
        e["withdraw"] += m["withdrawn"]
    return res


def check_wire(pcap):
    """The capture holds what the simulation says, both phases; returns
    a list of differences (empty: agree)."""
    w1, _a, _r = simulate(1)
    w2, _a, _r = simulate(2)
    got = wire_routes(pcap)
    errs = []
    for k in sorted(set(w1) | set(got)):
        want = sorted((p, list(path), otc) for p, (path, otc) in w1.get(k, {}).items())
        have = sorted((p, path, otc) for p, path, otc in got.get(k, {}).get("announce", []))
        if want != have:
            errs.append("%s->%s announcements: wire %s, simulation %s" % (k[0], k[1], have, want))
        wwd = sorted(set(w1.get(k, {})) - set(w2.get(k, {})))
        hwd = sorted(got.get(k, {}).get("withdraw", []))
        if wwd != hwd:
            errs.append("%s->%s withdrawals: wire %s, simulation %s" % (k[0], k[1], hwd, wwd))
    return errs


# ---- BIRD's view ------------------------------------------------------------

def parse_show_route(text):
    """`show route protocol X all` -> {prefix: {"path": [..], "otc": n|None}}"""
    routes, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^(\d+\.\d+\.\d+\.\d+/\d+)\s", line)
        if m:
            cur = m.group(1)
            routes[cur] = {"path": [], "otc": None}
            continue
        m = re.match(r"^\s+BGP\.as_path:\s*(.*)$", line)
        if m and cur:
            routes[cur]["path"] = [int(a) for a in m.group(1).split()]
        m = re.match(r"^\s+BGP\.otc:\s*(\d+)", line)
        if m and cur:
            routes[cur]["otc"] = int(m.group(1))
    return routes


def parse_import_stats(text):
    """`show protocols all X` -> {"Import updates": {...}, "Import withdraws": {...}, "role": ..}"""
    res = {}
    cols = caps = None
    for line in text.splitlines():
        if "Route change stats:" in line:
            cols = line.split(":", 1)[1].split()
            continue
        m = re.match(r"^\s+(Import updates|Import withdraws):\s+(.*)$", line)
        if m and cols:
            vals = m.group(2).split()
            res[m.group(1)] = {c: (None if v == "---" else int(v)) for c, v in zip(cols, vals)}
        if re.match(r"^\s+(Local|Neighbor) capabilities", line):
            caps = line.split()[0].lower()
        m = re.match(r"^\s+Role:\s+(\S+)", line)
        if m:
            res[caps + "_role"] = m.group(1)
        m = re.match(r"^\s+(BGP state|Last error):\s+(.*)$", line)
        if m:
            res[m.group(1)] = m.group(2).strip()
    return res


def cmd_witness(d, out, pcap):
    """BIRD's own view, per receiving BIRD and neighbour: the routes it
    holds (path, OTC as stored), the routes that reached it on the wire and
    it does not hold (rejected; each must have a "Route leak detected" log
    line from that protocol), its import statistics and role."""
    got = wire_routes(pcap)
    _w, sacc, srej = simulate(1)
    res = {"nodes": {}}
    errs = []
    for n, (kind, a, _h) in sorted(NODES.items()):
        if kind != "bird":
            continue
        log = open(os.path.join(d, n + ".birdlog")).read()
        node = {"asn": a, "sessions": {}}
        for nb, mr, _tr, _act in sessions_of(n):
            if (n, nb) in (MISMATCH, MISMATCH[::-1]):
                st = parse_import_stats(open(os.path.join(d, "%s.%s.proto" % (n, nb))).read())
                node["sessions"][nb] = {"neighbor_as": asn(nb), "local_role": mr,
                                        "state": st.get("BGP state"),
                                        "last_error": st.get("Last error")}
                continue
            held = parse_show_route(open(os.path.join(d, "%s.%s.routes" % (n, nb))).read())
            st = parse_import_stats(open(os.path.join(d, "%s.%s.proto" % (n, nb))).read())
            # the announcements that reached n from nb (phase 1: the dumps
            # are taken before phase 2 withdraws anything)
            offered = sorted(set(p for p, _pa, _o in got.get((nb, n), {"announce": []})["announce"]))
            rejected = [p for p in offered if p not in held]
            # BIRD logs the rule once per UPDATE, then each route of that
            # UPDATE it withdrew for it
            leaks, why = {}, None
            for line in log.splitlines():
                m = re.search(r" %s: (Route leak detected - (.*)|Invalid route (\S+) withdrawn)$" % proto(nb), line)
                if m and m.group(2):
                    why = m.group(2)
                elif m and why:
                    leaks[m.group(3)] = why
            node["sessions"][nb] = {
                "neighbor_as": asn(nb), "local_role": mr,
                "role_local_capability": st.get("local_role"),
                "role_neighbor_capability": st.get("neighbor_role"),
                "accepted": {p: held[p] for p in sorted(held)},
                "rejected_as_leak": leaks,
                "import_updates": st.get("Import updates"),
                "import_withdraws": st.get("Import withdraws"),
            }
            want_acc = sacc.get((n, nb), {})
            if sorted(held) != sorted(want_acc):
                errs.append("%s from %s holds %s, simulation %s" % (n, nb, sorted(held), sorted(want_acc)))
            for p in held:
                if (held[p]["path"], held[p]["otc"]) != (list(want_acc[p][0]), want_acc[p][1]):
                    errs.append("%s from %s %s: BIRD %s, simulation %s" % (n, nb, p, held[p], want_acc[p]))
            if sorted(rejected) != sorted(leaks):
                errs.append("%s from %s: %s missing, BIRD's log names leaks %s" % (n, nb, rejected, leaks))
            if sorted(rejected) != sorted(srej.get((n, nb), {})):
                errs.append("%s from %s rejected %s, simulation %s" % (n, nb, rejected, sorted(srej.get((n, nb), {}))))
        res["nodes"][n] = node
    with open(out, "w") as f:
        json.dump(res, f, indent=1, sort_keys=True)
        f.write("\n")
    for e in errs:
        print("witness: " + e, file=sys.stderr)
    return 1 if errs else 0


# ---- the expected route fields ---------------------------------------------

# BIRD's local role -> rovmon's role names (RFC 9234 section 4.1)
ROLE_NAME = {"provider": "provider", "customer": "customer", "peer": "peer",
             "rs_server": "rs", "rs_client": "rs-client"}
COUNTERPART = {"provider": "customer", "customer": "provider", "peer": "peer",
               "rs_server": "rs_client", "rs_client": "rs_server"}
WIRE_ROLE = {"provider": 0, "rs_server": 1, "rs_client": 2, "customer": 3, "peer": 4}


def sender_role(s, d):
    """The role of s towards d: its own configured role, else (ExaBGP,
    R towards P2) the counterpart of d's, which d's OPEN announces."""
    for nb, mr, tr, _a in sessions_of(s):
        if nb == d:
            return ROLE_NAME[mr or COUNTERPART[tr]]
    raise KeyError((s, d))


def leak_rule(role, otc, sender_as):
    """RFC 9234 section 5, at the receiver (the names of bgp_leak_name())."""
    if otc is None:
        return None
    if role == "customer":
        return "otc-from-customer"
    if role == "rs-client":
        return "otc-from-rs-client"
    if role == "peer" and otc != sender_as:
        return "otc-from-peer"
    return None


def read_aspa_table(path):
    t = {}
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        proc, pth, state, why = line.rstrip("\n").split("|", 3)
        t[(proc, tuple(int(a) for a in pth.split()))] = (state, why)
    return t


def cmd_expect(pcap, witness, table, out):
    """Every announcement of PCAP with the fields rovmon must give it:
    peer_role from the topology (checked against the Role capabilities
    on the wire), otc from the wire, leak by RFC 9234 section 5, aspa
    from the hand-made table; and BIRD's verdicts must match the leaks."""
    errs = []
    msgs = wire(pcap)
    for m in msgs:
        if m["type"] != 1:
            continue
        s, d = BY_ADDR[m["src"]], BY_ADDR[m["dst"]]
        mine = dict((nb, mr) for nb, mr, _t, _a in sessions_of(s))[d]
        if m["role"] != (WIRE_ROLE[mine] if mine else None):
            errs.append("%s's OPEN to %s: Role capability %s, configured %s" % (s, d, m["role"], mine))
    aspa = read_aspa_table(table)
    used = set()
    res = []
    for m in msgs:
        if m["type"] != 2:
            continue
        s, d = BY_ADDR[m["src"]], BY_ADDR[m["dst"]]
        role = sender_role(s, d)
        proc = "downstream" if role == "provider" else "upstream"
        for pfx, path, otc in m["announced"]:
            key = (proc, tuple(path))
            if key not in aspa:
                errs.append("no ASPA verdict for %s path %s" % key)
                continue
            used.add(key)
            res.append({"src_addr": m["src"], "dst_addr": m["dst"], "prefix": pfx,
                        "sender": s, "receiver": d, "as_path": path,
                        "peer_role": role, "role_source": "open", "otc": otc,
                        "leak": leak_rule(role, otc, asn(s)),
                        "aspa": {"state": aspa[key][0], "procedure": proc},
                        "aspa_why": aspa[key][1]})
    for key in sorted(set(aspa) - used):
        errs.append("ASPA table line not on the wire: %s %s" % key)
    # BIRD rejected as a leak <=> the expected leak is not null, at every
    # BIRD receiver
    w = json.load(open(witness))
    for e in res:
        node = w["nodes"].get(e["receiver"])
        if node is None:
            continue
        rej = node["sessions"][e["sender"]]["rejected_as_leak"]
        if (e["prefix"] in rej) != (e["leak"] is not None):
            errs.append("%s->%s %s: BIRD %s, expected leak %s" % (
                e["sender"], e["receiver"], e["prefix"],
                "rejected" if e["prefix"] in rej else "accepted", e["leak"]))
    with open(out, "w") as f:
        f.write("[\n" + ",\n".join(json.dumps(e, sort_keys=True) for e in res) + "\n]\n")
    for e in errs:
        print("expect: " + e, file=sys.stderr)
    return 1 if errs else 0


def main():
    a = sys.argv[1:]
    if a[0] == "conf":
        cmd_conf(a[1])
    elif a[0] == "nodes":
        for n, (kind, asn_, h) in NODES.items():
            print(n, kind, asn_, "%s.%d" % (NET, h))
    elif a[0] == "counts":
        _w, acc, _r = simulate(int(a[1]))
        for nb, _mr, _tr, _act in sessions_of(a[2]):
            if (a[2], nb) not in (MISMATCH, MISMATCH[::-1]):
                print(nb, len(acc.get((a[2], nb), {})))
    elif a[0] == "sim":
        w, acc, rej = simulate(int(a[1]) if len(a) > 1 else 1)
        for k in sorted(w):
            for p, (path, otc) in sorted(w[k].items()):
                r = rej.get((k[1], k[0]), {}).get(p)
                print("%s->%s %s path %s otc %s%s" % (k[0], k[1], p, list(path), otc,
                                                      " REJECTED " + r if r else ""))
    elif a[0] == "wire":
        errs = check_wire(a[1])
        for e in errs:
            print(e)
        return 1 if errs else 0
    elif a[0] == "seen":
        # the growing capture already holds everything PHASE puts on the
        # wire (read errors: tcpdump is mid-record; not yet)
        try:
            got = wire_routes(a[1])
        except (Exception, SystemExit):  # noqa: BLE001
            return 1
        w1, _a, _r = simulate(1)
        w2, _a, _r = simulate(int(a[2]))
        for k in w1:
            have = set((p, tuple(path), otc) for p, path, otc in got.get(k, {}).get("announce", []))
            if any((p, path, otc) not in have for p, (path, otc) in w1[k].items()):
                return 1
            if not (set(w1[k]) - set(w2[k])) <= set(got.get(k, {}).get("withdraw", [])):
                return 1
        return 0
    elif a[0] == "witness":
        return cmd_witness(a[1], a[2], a[3])
    elif a[0] == "expect":
        return cmd_expect(a[1], a[2], a[3], a[4])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
