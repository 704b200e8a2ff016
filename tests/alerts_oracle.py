#!/usr/bin/env python3
"""Expected alerts of the default rules (rules/rovmon.rules), derived
independently of rovmon's alerting code from its route log (which carries
each announcement's RPKI result), and compared with the alert file.

Semantics checked (docs/alerts.md, docs/rules.md):
  - a route alerts when it is new or its origin AS or RPKI state changed;
    a repeat with the same origin and state alerts nothing;
  - sids by state: invalid/as 1000001, invalid/length 1000002,
    invalid/as0 1000003, invalid/as_set 1000004, not-found 1000005 (every
    one: the default rules have no event_filter since issue 12);
  - a route that alerted and is withdrawn, becomes VALID, stops alerting,
    or whose session ends gets 1000007 "resolved".

usage: alerts_oracle.py ROUTES.jsonl ALERTS.json [--session-ends]
Prints the differences; exit 0 when the multisets of (sid, event, prefix,
origin, state) are equal.
"""
import collections
import json
import sys

SID = {("invalid", "as"): 1000001, ("invalid", "length"): 1000002,
       ("invalid", "as0"): 1000003, ("invalid", "as_set"): 1000004}


def expected(routes, session_ends):
    store = {}
    out = []

    def fire(e, state, reason, origin):
        if state == "not-found":
            return [1000005]
        sid = SID.get((state, reason))
        return [sid] if sid else []

    for e in routes:
        key = (e["src_addr"], e["src_port"], e["dst_addr"], e["dst_port"],
               e["prefix"], e.get("path_id"))
        prev = store.get(key)
        if e["event"] == "withdraw":
            if prev is not None:
                if prev["alerted"]:
                    out.append((1000007, "resolved", e["prefix"], prev["origin"], prev["state"]))
                del store[key]
            continue
        r = e.get("rpki") or {}
        state, reason, origin = r.get("state"), r.get("reason"), e["origin_as"]
        if prev is not None and prev["origin"] == origin and prev["state"] == state:
            continue
        alerted = prev is not None and prev["alerted"]
        if alerted and state == "valid":
            out.append((1000007, "resolved", e["prefix"], origin, state))
            store[key] = {"origin": origin, "state": state, "alerted": False}
            continue
        sids = fire(e, state, reason, origin)
        for sid in sids:
            out.append((sid, "announce", e["prefix"], origin, state))
        if not sids and alerted:
            out.append((1000007, "resolved", e["prefix"], origin, state))
        store[key] = {"origin": origin, "state": state, "alerted": bool(sids)}
    if session_ends:
        for key, v in store.items():
            if v["alerted"]:
                out.append((1000007, "resolved", key[4], v["origin"], v["state"]))
    return collections.Counter(out)


def main():
    routes_path, alerts_path = sys.argv[1], sys.argv[2]
    session_ends = "--session-ends" in sys.argv
    routes = []
    for line in open(routes_path):
        routes.append(json.loads(line))
    exp = expected(routes, session_ends)
    got = collections.Counter()
    for line in open(alerts_path):
        a = json.loads(line)
        b = a["bgp"]
        got[(a["sid"], b["event"], b["prefix"], b["origin_as"],
             (b.get("rpki") or {}).get("state"))] += 1
    if exp == got:
        by = collections.Counter(k[0] for k in got.elements())
        print(f"{alerts_path}: {sum(got.values())} alerts as expected: {dict(sorted(by.items()))}")
        return 0
    print(f"{alerts_path}: alerts differ from the expected ones")
    for k, n in list((exp - got).items())[:10]:
        print("  missing   ", n, k)
    for k, n in list((got - exp).items())[:10]:
        print("  unexpected", n, k)
    return 1


if __name__ == "__main__":
    sys.exit(main())
