#!/usr/bin/env python3
"""Every INVALID and every NOT_FOUND announcement is alerted (issue 12).

Written from the documented formats only (docs/route-log.md for the route
log, docs/alerts.md for the alerts, docs/rules.md "Default rules" for
what the default rules promise), not from rovmon's code.

For one run of rovmon with the default rules and one VRP set (offline, so
no revalidation), checks:

  1. the set of (session, prefix, origin) alerted as NOT_FOUND equals the
     set the route log says were announced NOT_FOUND; INVALID likewise.
     A session is the UPDATE's direction, (src_addr, src_port, dst_addr,
     dst_port), in both files;
  2. the alerts are exactly one per announcement that the documented
     "once per route per session" semantics make alert-worthy: a route
     (session, prefix, path_id) alerts when it is new (never announced,
     or withdrawn since) or its origin AS or RPKI state changed; a repeat
     with the same origin and state alerts nothing.  Each expected alert
     is matched by its frame (pkt_num), so a duplicate, a missing or a
     misplaced one shows;
  3. every INVALID/NOT_FOUND alert is an announcement (bgp.event
     "announce"): with one VRP set nothing is revalidated.
Only the RPKI rules' alerts count (classtype rpki-*): the route-leak and
ASPA rules (issue 14) alert on routes of any RPKI state, and so does the
rule comparing a router's RFC 8097 stamp with rovmon's verdict (issue 15,
classtype rpki-router-disagree): it is left out too.

A session that ends and restarts with the same four-tuple would make the
RIB forget its routes without a line in the route log; a capture where
that happens fails check 2 (not 1) and is named, so the oracle is never
silently wrong.

usage: alert_coverage.py NAME ROUTES.jsonl ALERTS.json
Prints one line; exit 0 when every check holds.
"""
import collections
import json
import sys

STATES = ("not-found", "invalid")


def session(d):
    return (d["src_addr"], d["src_port"], d["dst_addr"], d["dst_port"])


def from_routes(path):
    """(sets by state, expected multiset of alert-worthy announcements)."""
    sets = {s: set() for s in STATES}
    want = collections.Counter()
    rib = {}            # (session, prefix, path_id) -> (origin, state)
    for line in open(path):
        e = json.loads(line)
        key = (session(e), e["prefix"], e.get("path_id"))
        if e["event"] == "withdraw":
            rib.pop(key, None)
            continue
        state = (e.get("rpki") or {}).get("state")
        cur = (e["origin_as"], state)
        if state in STATES:
            sets[state].add((session(e), e["prefix"], e["origin_as"]))
            if rib.get(key) != cur:
                want[(state, session(e), e["prefix"], e.get("path_id"),
                      e["origin_as"], e["pkt_num"])] += 1
        rib[key] = cur
    return sets, want


def from_alerts(path):
    sets = {s: set() for s in STATES}
    got = collections.Counter()
    other = []
    for line in open(path):
        a = json.loads(line)
        if "bgp" not in a:
            continue    # a sensor event (a session flap's): no route
        b = a["bgp"]
        state = (b.get("rpki") or {}).get("state")
        # the route-leak and ASPA rules (classtype route-leak,
        # aspa-invalid) alert on routes whatever their RPKI state: only
        # the RPKI rules (classtype rpki-*) are about it
        # and the RFC 8097 rule (rpki-router-disagree) on routes whose
        # stamp differs, whatever their state
        cls = a.get("classtype", "")
        if not cls.startswith("rpki-") or cls == "rpki-router-disagree":
            continue
        if state not in STATES or b["event"] == "resolved":
            continue
        if b["event"] != "announce":
            other.append((b["event"], b["prefix"]))
            continue
        sets[state].add((session(a), b["prefix"], b["origin_as"]))
        got[(state, session(a), b["prefix"], b.get("path_id"),
             b["origin_as"], a["pkt_num"])] += 1
    return sets, got, other


def main():
    name, routes, alerts = sys.argv[1:4]
    rsets, want = from_routes(routes)
    asets, got, other = from_alerts(alerts)
    ok = True
    words = []
    for s in STATES:
        miss, extra = rsets[s] - asets[s], asets[s] - rsets[s]
        words.append("%s %d routes / %d alerted" % (s, len(rsets[s]), len(asets[s])))
        if miss or extra:
            ok = False
            print("FAIL %s: %s pairs: %d in the route log not alerted %s, "
                  "%d alerted not in the route log %s" % (
                      name, s, len(miss), sorted(miss)[:3], len(extra),
                      sorted(extra)[:3]))
    lost, dup = want - got, got - want
    if lost or dup:
        ok = False
        print("FAIL %s: once per route per session: %d expected alerts "
              "missing %s, %d unexpected %s" % (
                  name, sum(lost.values()), list(lost)[:3],
                  sum(dup.values()), list(dup)[:3]))
    if other:
        ok = False
        print("FAIL %s: %d INVALID/NOT_FOUND alerts are not announcements "
              "(one VRP set, offline): %s" % (name, len(other), other[:3]))
    n_ann = sum(want.values())
    if ok:
        print("ok %s: %s; %d alerts = %d new or changed announcements" % (
            name, ", ".join(words), sum(got.values()), n_ann))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
