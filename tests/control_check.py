#!/usr/bin/env python3
"""Checks of tests/e2e/92-control.sh: what `rovctl show ... --json` says
against the scenario of tests/speakers/e2e/scenario.py, computed here
independently of rovmon (scenario.py's RFC 6811 validator over the routes
the scenario has announced at each point).

  control_check.py routes POINT FILE     FILE (rovctl show routes --state
      invalid --json) = the announced INVALID routes at POINT (1: after the
      announcements, 2: after withdrawals and origin changes, both with
      generation 1 of the VRPs; 3: the same routes with generation 2),
      each with its origin, reason, sender and deciding VRPs (all the
      covering ones: never more than 8 here)
  control_check.py summary POINT FILE    show summary --json: the route
      counts by state at POINT
  control_check.py sessions POINT FILE   show sessions --json: the two
      sessions (IPv4, IPv6), up, OPENs seen, the ASes, routes by state
"""
import ipaddress
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "speakers", "e2e"))
import scenario as sc  # noqa: E402

A4, A6 = "10.179.200.1", "fd00:179::1"
B4, B6 = "10.179.200.2", "fd00:179::2"


def announced(point):
    """prefix -> origin announced at POINT, and the VRPs in use."""
    rib = dict(sc.ROUTES)
    if point >= 2:
        for p in sc.WITHDRAW:
            del rib[p]
        rib.update(sc.CHANGE)
    return rib, sc.ROAS1 if point < 3 else sc.ROAS2


def covering(roas, prefix):
    n = ipaddress.ip_network(prefix)
    return sorted((p, m, a) for p, m, a in roas
                  if ipaddress.ip_network(p).version == n.version
                  and n.subnet_of(ipaddress.ip_network(p)))


def lines(path):
    with open(path) as f:
        return [json.loads(x) for x in f if x.strip()]


def routes(point, path):
    rib, roas = announced(point)
    want = {}
    for p, o in rib.items():
        s, r = sc.validate(roas, p, o)
        if s == "invalid":
            want[p] = (o, r, A6 if ":" in p else A4, covering(roas, p))
    got = {}
    bad = []
    for r in lines(path):
        p = r["prefix"]
        if p in got:
            bad.append(f"{p}: listed twice")
        rp = r.get("rpki") or {}
        vrps = sorted((v["prefix"], v["max_length"], v["asn"])
                      for v in rp.get("vrps", []))
        if rp.get("covering") != len(vrps):
            bad.append(f"{p}: covering {rp.get('covering')}, {len(vrps)} VRPs listed")
        if rp.get("state") != "invalid":
            bad.append(f"{p}: state {rp.get('state')}")
        got[p] = (r["origin_as"], rp.get("reason"), r["src_addr"], vrps)
    for p in sorted(set(want) | set(got)):
        if want.get(p) != got.get(p):
            bad.append(f"{p}: want {want.get(p)}, got {got.get(p)}")
    if bad:
        print(f"point {point}: show routes --state invalid differs from the "
              f"scenario:\n  " + "\n  ".join(bad))
        return 1
    print(f"point {point}: the {len(got)} INVALID routes shown are exactly "
          f"the scenario's, with their origins, reasons, senders and "
          f"covering VRPs")
    return 0


def counts(point):
    rib, roas = announced(point)
    c = {"valid": 0, "invalid": 0, "not-found": 0}
    c6 = {"valid": 0, "invalid": 0, "not-found": 0}
    for p, o in rib.items():
        s, _ = sc.validate(roas, p, o)
        (c6 if ":" in p else c)[s] += 1
    return c, c6


def summary(point, path):
    s = lines(path)[0]
    c, c6 = counts(point)
    r = s["routes"]
    want = {"stored": sum(c.values()) + sum(c6.values()),
            "valid": c["valid"] + c6["valid"],
            "invalid": c["invalid"] + c6["invalid"],
            "not_found": c["not-found"] + c6["not-found"]}
    got = {k: r[k] for k in want}
    bad = []
    if got != want:
        bad.append(f"routes {got}, want {want}")
    if s["sessions"] != {"seen": 2, "up": 2, "with_routes": 2}:
        bad.append(f"sessions {s['sessions']}")
    if r["aspa"]["none"] != want["stored"] or r["leaks"] != 0:
        bad.append(f"aspa {r['aspa']}, leaks {r['leaks']} (no ASPA data)")
    gen = 1 if point < 3 else 2
    v = s["vrps"]
    if v["count"] != len(sc.ROAS1) or v["generation"] != gen:
        bad.append(f"vrps {v}, want {len(sc.ROAS1)} VRPs, generation {gen}")
    if s["drops"]["pcap_drop"] != 0:
        bad.append(f"drops {s['drops']}")
    if bad:
        print(f"point {point}: show summary: " + "; ".join(bad))
        return 1
    print(f"point {point}: show summary: {want['stored']} routes ({want['valid']} "
          f"valid, {want['invalid']} invalid, {want['not_found']} not-found), "
          f"2 sessions up, {v['count']} VRPs of generation {gen}")
    return 0


def sessions(point, path):
    ss = lines(path)
    c, c6 = counts(point)
    bad = []
    if len(ss) != 2:
        bad.append(f"{len(ss)} sessions")
    for s in ss:
        sp = {x["addr"]: x for x in s["speakers"]}
        v6 = A6 in sp
        a, b = (A6, B6) if v6 else (A4, B4)
        want = c6 if v6 else c
        if set(sp) != {a, b}:
            bad.append(f"session {s['id']}: speakers {sorted(sp)}")
            continue
        if s["state"] != "up" or s["midstream"] or s["up_since"] is None:
            bad.append(f"session {s['id']}: state {s['state']}, midstream "
                       f"{s['midstream']}, up since {s['up_since']}")
        if sp[a]["as"] != sc.A or sp[b]["as"] != 4200000002:
            bad.append(f"session {s['id']}: AS {sp[a]['as']}, {sp[b]['as']}")
        if not (sp[a]["open_seen"] and sp[b]["open_seen"]) or \
                "as4" not in sp[a]["capabilities"]:
            bad.append(f"session {s['id']}: OPENs {sp[a]['capabilities']!r}")
        r = sp[a]["routes"]
        got = {"valid": r["valid"], "invalid": r["invalid"],
               "not-found": r["not_found"]}
        if got != want or r["stored"] != sum(want.values()):
            bad.append(f"session {s['id']} routes {r}, want {want}")
        if sp[b]["routes"]["stored"] != 0:
            bad.append(f"session {s['id']}: BIRD's side has routes")
        n = sum(1 for p in sc.ROUTES if (":" in p) == v6)
        if point >= 2:
            n += sum(1 for p in sc.CHANGE if (":" in p) == v6)
        ann = sum(sp[a]["announced"].values())
        if ann != n:
            bad.append(f"session {s['id']}: {ann} announcements counted, "
                       f"want {n}")
    if bad:
        print(f"point {point}: show sessions: " + "; ".join(bad))
        return 1
    print(f"point {point}: show sessions: IPv4 and IPv6 sessions up with both "
          f"OPENs, AS{sc.A} -> AS4200000002, routes by state as the scenario")
    return 0


if __name__ == "__main__":
    what, point, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    sys.exit({"routes": routes, "summary": summary,
              "sessions": sessions}[what](point, path))
