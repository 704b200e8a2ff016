#!/usr/bin/env python3
"""The scenario of tests/e2e/96-speakers.sh: routes, VRP generations, and
the alerts the default rules must give, computed here independently of
rovmon (a small RFC 6811 validator and the rules of docs/rules.md).

  scenario.py gen DIR            write DIR/vrps1.json, vrps2.json,
                                 phase1.cmds, phase2.cmds, expected.txt
  scenario.py alerts ALERTS EXPECTED   compare (sid, event, prefix, origin, state)
  scenario.py rov ROUTES ALERTS BIRDSOCK   rovmon's state of every route
                                 BIRD holds = BIRD's roa_check

Addresses: only 10.179.0.0/16 and fd00:179::/64 (private, test only).
Speaker A is AS4200000001 and prepends itself: the origins below are the
last AS of the path.
"""
import collections
import ipaddress
import json
import socket
import sys

A = 4200000001
O1, O2, O3, O9 = 4200000101, 4200000102, 4200000103, 4200000199

# (prefix, maxLength, asn): generation 1
ROAS1 = [
    ("10.179.0.0/18", 24, O1),          # VALID for O1 up to /24, INVALID(as) else
    ("10.179.64.0/18", 20, O1),         # /24s under it: INVALID(length)
    ("10.179.100.0/24", 24, O1),        # VALID, INVALID after generation 2
    ("fd00:179::/68", 80, O1),
    ("fd00:179:0:0:2000::/68", 72, O1),  # /80s: INVALID(length)
    ("fd00:179:0:0:4000::/80", 80, O1),  # VALID, INVALID after generation 2
]
# generation 2: the two single-prefix ROAs now authorise another AS
ROAS2 = [(p, m, O9 if p in ("10.179.100.0/24", "fd00:179:0:0:4000::/80") else a)
         for p, m, a in ROAS1]

ROUTES = {}  # prefix -> origin (phase 1)
for i in range(1, 13):
    ROUTES[f"10.179.{i}.0/24"] = O1        # valid
for i in range(21, 27):
    ROUTES[f"10.179.{i}.0/24"] = O2        # invalid, as
for i in range(65, 69):
    ROUTES[f"10.179.{i}.0/24"] = O1        # invalid, length
ROUTES["10.179.64.0/20"] = O1              # valid (maxLength 20)
for i in range(130, 136):
    ROUTES[f"10.179.{i}.0/24"] = O3        # not found
ROUTES["10.179.100.0/24"] = O1             # valid -> invalid by generation 2
for i in range(1, 9):
    ROUTES[f"fd00:179:0:0:{i:x}::/80"] = O1   # valid
for i in range(0x20, 0x24):
    ROUTES[f"fd00:179:0:0:{i:x}::/80"] = O2   # invalid, as
for i in range(0x2001, 0x2004):
    ROUTES[f"fd00:179:0:0:{i:x}::/80"] = O1   # invalid, length
for i in range(0x8001, 0x8005):
    ROUTES[f"fd00:179:0:0:{i:x}::/80"] = O3   # not found
ROUTES["fd00:179:0:0:4000::/80"] = O1      # valid -> invalid by generation 2

WITHDRAW = ["10.179.1.0/24", "10.179.21.0/24", "10.179.130.0/24", "10.179.65.0/24",
            "fd00:179:0:0:2::/80", "fd00:179:0:0:20::/80", "fd00:179:0:0:8001::/80"]
CHANGE = {"10.179.5.0/24": O2,            # valid -> invalid (as)
          "10.179.22.0/24": O1,           # invalid -> valid: resolved
          "fd00:179:0:0:3::/80": O2}      # valid -> invalid (as)

SID = {("invalid", "as"): 1000001, ("invalid", "length"): 1000002, ("not-found", None): 1000005}


def validate(roas, prefix, origin):
    """RFC 6811: (state, reason)."""
    n = ipaddress.ip_network(prefix)
    covered = False
    as_ok = False
    for p, m, a in roas:
        r = ipaddress.ip_network(p)
        if r.version != n.version or not n.subnet_of(r):
            continue
        covered = True
        if a == origin:
            as_ok = True
            if n.prefixlen <= m:
                return "valid", None
    if not covered:
        return "not-found", None
    return "invalid", "length" if as_ok else "as"


def afi(p):
    return "ipv6" if ":" in p else "ipv4"


def expected():
    """The alerts of the whole scenario, per session: v4 is reset at the end."""
    out = []
    rib = dict(ROUTES)
    st = {}   # prefix -> (state, reason, alerted)

    def announce(p, o, roas):
        s, r = validate(roas, p, o)
        prev = st.get(p)
        sid = SID.get((s, r))
        if prev and prev[2] and s == "valid":
            out.append((1000007, "resolved", p, o, s))
            sid = None
        elif sid:
            out.append((sid, "announce", p, o, s))
        st[p] = (s, r, bool(sid))

    for p, o in rib.items():                       # phase 1
        announce(p, o, ROAS1)
    for p in WITHDRAW:                             # phase 2
        if st[p][2]:
            out.append((1000007, "resolved", p, rib[p], st[p][0]))
        del st[p], rib[p]
    for p, o in CHANGE.items():
        rib[p] = o
        announce(p, o, ROAS1)
    for p, o in rib.items():                       # generation 2
        s, r = validate(ROAS2, p, o)
        if s != st[p][0]:
            assert s == "invalid"
            out.append((1000006, "revalidate", p, o, s))
            st[p] = (s, r, True)
    for p, o in rib.items():                       # v4 session reset
        if afi(p) == "ipv4" and st[p][2]:
            out.append((1000007, "resolved", p, o, st[p][0]))
    for p, o in rib.items():
        if afi(p) == "ipv4":
            del st[p]
            announce(p, o, ROAS2)
    return out, rib


def vrp_json(roas, path):
    doc = {"metadata": {"buildtime": "2026-01-01T00:00:00Z", "roas": len(roas)},
           "roas": [{"prefix": p, "maxLength": m, "asn": a, "ta": "test",
                     "expires": 4102444800} for p, m, a in roas]}
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)


def gen(d):
    vrp_json(ROAS1, f"{d}/vrps1.json")
    vrp_json(ROAS2, f"{d}/vrps2.json")
    with open(f"{d}/phase1.cmds", "w") as f:
        for p, o in ROUTES.items():
            f.write(f"add {afi(p)} {p} {o}\n")
    with open(f"{d}/phase2.cmds", "w") as f:
        for p in WITHDRAW:
            f.write(f"del {afi(p)} {p} -\n")
        for p, o in CHANGE.items():
            f.write(f"add {afi(p)} {p} {o}\n")
    out, rib = expected()
    with open(f"{d}/expected.txt", "w") as f:
        for a in sorted(out):
            f.write("%d %s %s %d %s\n" % a)
    n4 = sum(1 for p in rib if afi(p) == "ipv4")
    with open(f"{d}/counts", "w") as f:
        f.write(f"{sum(1 for p in ROUTES if afi(p) == 'ipv4')} "
                f"{sum(1 for p in ROUTES if afi(p) == 'ipv6')} {n4} {len(rib) - n4} {len(out)}\n")


def alerts(path, exp_path):
    got = collections.Counter()
    for line in open(path):
        a = json.loads(line)
        b = a["bgp"]
        got[(a["sid"], b["event"], ipaddress.ip_network(b["prefix"]).compressed, b["origin_as"], (b.get("rpki") or {}).get("state"))] += 1
    exp = collections.Counter()
    for line in open(exp_path):
        s, e, p, o, st = line.split()
        exp[(int(s), e, ipaddress.ip_network(p).compressed, int(o), st)] += 1
    if got == exp:
        by = collections.Counter(k[0] for k in got.elements())
        print(f"alerts: {sum(got.values())} as expected: {dict(sorted(by.items()))}")
        return 0
    print("FAIL: alerts differ from the expected ones")
    for k, n in sorted((exp - got).items()):
        print("  missing   ", n, k)
    for k, n in sorted((got - exp).items()):
        print("  unexpected", n, k)
    return 1


def bird_cmd(sock, cmd):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    f = s.makefile("rwb")

    def reply():
        lines = []
        while True:
            line = f.readline().decode()
            if not line:
                raise RuntimeError("BIRD closed the socket")
            lines.append(line.rstrip("\n"))
            if len(line) >= 5 and line[:4].isdigit() and line[4] == " ":
                return lines
    reply()                                        # greeting
    out = []
    for c in cmd:
        f.write((c + "\n").encode())
        f.flush()
        out.append(reply())
    s.close()
    return out


def rov(routes_path, alerts_path, sock):
    """For every route BIRD holds: rovmon's state (last announcement on the
    newest session, or a later revalidation alert) = BIRD's roa_check."""
    state = {}
    for line in open(routes_path):
        e = json.loads(line)
        e["prefix"] = ipaddress.ip_network(e["prefix"]).compressed
        if e["event"] == "announce":
            state[e["prefix"]] = (e["origin_as"], (e.get("rpki") or {}).get("state"))
        elif e["event"] == "withdraw":
            state.pop(e["prefix"], None)
    for line in open(alerts_path):
        a = json.loads(line)
        b = a["bgp"]
        p = ipaddress.ip_network(b["prefix"]).compressed
        if b["event"] == "revalidate" and p in state:
            state[p] = (b["origin_as"], b["rpki"]["state"])
    held = {}
    for tab in ("master4", "master6"):
        for line in bird_cmd(sock, [f"show route table {tab} all"])[0]:
            t = line[5:] if line[:4].isdigit() else line[1:]
            if t and not t[0].isspace() and "/" in t.split()[0]:
                cur = ipaddress.ip_network(t.split()[0]).compressed
            elif "BGP.as_path:" in t:
                held[cur] = int(t.split()[-1])
    names = {"(enum 35)0": "not-found", "(enum 35)1": "valid", "(enum 35)2": "invalid"}
    keys = sorted(held)
    replies = bird_cmd(sock, [f"eval roa_check({'r6' if ':' in p else 'r4'}, {p}, {held[p]})" for p in keys])
    bad = 0
    for p, r in zip(keys, replies):
        b = names.get(r[-1][5:].strip(), r[-1])
        m = state.get(p)
        if m is None or m[0] != held[p] or m[1] != b:
            print(f"  {p} AS{held[p]}: BIRD {b}, rovmon {m}")
            bad += 1
    c = collections.Counter(state.get(p, (0, None))[1] for p in keys)
    extra = sorted(set(state) - set(held))
    for p in extra:
        print(f"  {p}: in rovmon's table, not in BIRD's")
    print(f"rov: {len(keys)} routes in BIRD, {len(keys) - bad} with the same state in rovmon "
          f"{dict(sorted(c.items(), key=str))}")
    return 1 if bad or extra or not keys else 0


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif sys.argv[1] == "alerts":
        sys.exit(alerts(sys.argv[2], sys.argv[3]))
    elif sys.argv[1] == "rov":
        sys.exit(rov(sys.argv[2], sys.argv[3], sys.argv[4]))
