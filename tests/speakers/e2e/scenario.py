#!/usr/bin/env python3
"""The scenario of tests/e2e/96-speakers.sh: routes, VRP generations, and
the alerts the default rules must give, computed here independently of
rovmon (a small RFC 6811 validator and the rules of docs/rules.md).

  scenario.py gen DIR            write DIR/vrps1.json, vrps2.json,
                                 phase1.cmds, phase2.cmds, expected.txt
  scenario.py alerts ALERTS EXPECTED [LABEL]   compare (sid, event, prefix,
                                 origin, state)
  scenario.py rov BIRDSOCK DIR S1 S2...   each sensor's state (files
                                 DIR/S.routes.jsonl, DIR/S.alerts.json) of every
                                 route BIRD holds = BIRD's roa_check
  scenario.py sensors GEN DIR S1 S2...   sensors sharing one Redis (files
                                 DIR/S.alerts.json, .routes.jsonl, .stats.json):
                                 all run generation GEN, picked up both
                                 sessions mid-stream, and logged the same
                                 alerts and route events

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
    # v4 session reset (issue 16, docs/alerts.md "Session flaps"): one
    # session-down, one session-up when the new session between the same
    # speakers adopts the held routes; every route comes back unchanged:
    # no route alert
    out.append((1000108, "session-down", "-", 0, "-"))
    out.append((1000109, "session-up", "-", 0, "-"))
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


def alerts(path, exp_path, label="alerts"):
    got = collections.Counter()
    for line in open(path):
        a = json.loads(line)
        if "bgp" not in a:      # a sensor event: its sid and type
            got[(a["sid"], a["event"]["type"], "-", 0, "-")] += 1
            continue
        b = a["bgp"]
        got[(a["sid"], b["event"], ipaddress.ip_network(b["prefix"]).compressed, b["origin_as"], (b.get("rpki") or {}).get("state"))] += 1
    exp = collections.Counter()
    for line in open(exp_path):
        s, e, p, o, st = line.split()
        exp[(int(s), e, p if p == "-" else ipaddress.ip_network(p).compressed, int(o), st)] += 1
    if got == exp:
        by = collections.Counter(k[0] for k in got.elements())
        print(f"{label}: {sum(got.values())} alerts as expected: {dict(sorted(by.items()))}")
        return 0
    print(f"FAIL: {label}: alerts differ from the expected ones")
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


def rovmon_states(routes_path, alerts_path):
    """prefix -> (origin, state): the last announcement on the newest
    session, or a later revalidation alert."""
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
        if "bgp" not in a:
            continue    # a sensor event (session flap): no route
        b = a["bgp"]
        p = ipaddress.ip_network(b["prefix"]).compressed
        if b["event"] == "revalidate" and p in state:
            state[p] = (b["origin_as"], b["rpki"]["state"])
    return state


def bird_states(sock):
    """prefix -> (origin, roa_check state) of every route BIRD holds."""
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
    return {p: (held[p], names.get(r[-1][5:].strip(), r[-1])) for p, r in zip(keys, replies)}


def rov(sock, d, sensors):
    """For every route BIRD holds, each sensor's state = BIRD's roa_check
    (one BIRD query for all the sensors)."""
    bird = bird_states(sock)
    rc = 0
    for n in sensors:
        state = rovmon_states(f"{d}/{n}.routes.jsonl", f"{d}/{n}.alerts.json")
        bad = 0
        for p, (o, b) in bird.items():
            m = state.get(p)
            if m is None or m[0] != o or m[1] != b:
                print(f"  {n}: {p} AS{o}: BIRD {b}, rovmon {m}")
                bad += 1
        extra = sorted(set(state) - set(bird))
        for p in extra:
            print(f"  {n}: {p}: in rovmon's table, not in BIRD's")
        c = collections.Counter(state.get(p, (0, None))[1] for p in bird)
        print(f"{n}: {len(bird)} routes in BIRD, {len(bird) - bad} with the same state in rovmon "
              f"{dict(sorted(c.items(), key=str))}")
        if bad or extra or not bird:
            rc = 1
    return rc


# What may differ between two sensors on the same mirror traffic: their
# names, the capture time stamps and the frame numbers (each counts from
# its own first frame).  Everything else must be the same.
ALERT_OWN = ("timestamp", "@timestamp", "pkt_num", "sensor")
ROUTE_OWN = ("ts", "pkt_num")


# a session event's durations are whole seconds of each sensor's clock
EVENT_OWN = ("down_seconds", "held_seconds")


def _records(path, own):
    out = []
    for line in open(path):
        d = json.loads(line)
        k = {k: v for k, v in d.items() if k not in own}
        if isinstance(k.get("event"), dict):
            k["event"] = {x: v for x, v in k["event"].items() if x not in EVENT_OWN}
        out.append((d, json.dumps(k, sort_keys=True)))
    return out


def _diff(what, names, ms):
    """ms: one Counter per sensor; 0 when all equal."""
    bad = 0
    for n, m in zip(names[1:], ms[1:]):
        if m != ms[0]:
            bad = 1
            print(f"FAIL: {what} of {names[0]} and {n} differ")
            for k, c in sorted((ms[0] - m).items())[:10]:
                print(f"  only in {names[0]}:", c, k)
            for k, c in sorted((m - ms[0]).items())[:10]:
                print(f"  only in {n}:", c, k)
    return bad


def sensors(gen_s, d, names):
    gen_ = int(gen_s)
    bad = 0
    al, ro, sw = [], [], []
    for n in names:
        st = [json.loads(line) for line in open(f"{d}/{n}.stats.json")]
        if len(st) < 2:
            print(f"FAIL: {n}: {len(st)} statistics lines, want the SIGUSR1 one and the final one")
            return 1
        last = st[-1]
        g = [s.get("vrp_generation") for s in st]
        m = last.get("sessions_midstream")
        print(f"{n}: {last.get('packets')} packets (pcap_drop {last.get('pcap_drop')}), "
              f"{m} sessions picked up mid-stream, vrp_generation by line {g}, "
              f"vrp_swaps {last.get('vrp_swaps')}")
        if g[0] != gen_ or g[-1] != gen_:
            print(f"FAIL: {n}: not on generation {gen_} after the update and at the end")
            bad = 1
        if m is None or m < 2:
            print(f"FAIL: {n}: fewer than 2 sessions picked up mid-stream")
            bad = 1
        sw.append(last.get("vrp_swaps"))
        a = _records(f"{d}/{n}.alerts.json", ALERT_OWN)
        r = _records(f"{d}/{n}.routes.jsonl", ROUTE_OWN)
        other = sorted({x["sensor"] for x, _ in a} - {n})
        if other:
            print(f"FAIL: {n}: alerts with sensor names {other}")
            bad = 1
        reval = collections.Counter(
            (x["sid"], x["bgp"]["event"], ipaddress.ip_network(x["bgp"]["prefix"]).compressed,
             x["bgp"]["origin_as"], x["bgp"]["rpki"]["state"], x["bgp"]["rpki"].get("generation"))
            for x, _ in a if "bgp" in x and x["bgp"]["event"] == "revalidate")
        exp = collections.Counter((1000006, "revalidate", ipaddress.ip_network(p).compressed, O1,
                                   "invalid", gen_) for p in ("10.179.100.0/24", "fd00:179:0:0:4000::/80"))
        if reval != exp:
            print(f"FAIL: {n}: revalidation alerts {sorted(reval.elements())}, "
                  f"want {sorted(exp.elements())}")
            bad = 1
        bygen = collections.Counter((x.get("rpki") or {}).get("generation") for x, _ in r
                                    if x["event"] == "announce")
        print(f"{n}: {len(a)} alerts, {len(r)} route events, announcements by generation "
              f"{dict(sorted(bygen.items(), key=str))}")
        al.append(a)
        ro.append(r)
    if len(set(sw)) != 1:
        print(f"FAIL: VRP swaps differ between the sensors: {sw}")
        bad = 1
    bad |= _diff("alerts", names, [collections.Counter(k for _, k in a) for a in al])
    bad |= _diff("route events", names, [collections.Counter(k for _, k in r) for r in ro])
    same_order = all([k for _, k in x] == [k for _, k in al[0]] for x in al[1:]) and \
        all([k for _, k in x] == [k for _, k in ro[0]] for x in ro[1:])
    if not bad:
        print(f"sensors {', '.join(names)}: generation {gen_}, the same {len(al[0])} alerts "
              f"and {len(ro[0])} route events (apart from {', '.join(ALERT_OWN)} "
              f"and {', '.join(ROUTE_OWN)}; {'same' if same_order else 'different'} order)")
    return bad


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif sys.argv[1] == "alerts":
        sys.exit(alerts(*sys.argv[2:5]))
    elif sys.argv[1] == "rov":
        sys.exit(rov(sys.argv[2], sys.argv[3], sys.argv[4:]))
    elif sys.argv[1] == "sensors":
        sys.exit(sensors(sys.argv[2], sys.argv[3], sys.argv[4:]))
    else:
        sys.exit(f"usage: see {sys.argv[0]}")
