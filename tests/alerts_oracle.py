#!/usr/bin/env python3
"""Expected alerts of the default rules (rules/rovmon.rules), derived
independently of rovmon's alerting code from its route log (which carries
each announcement's RPKI result), and compared with the alert file.

Semantics checked (docs/alerts.md, docs/rules.md):
  - a route alerts when it is new or its origin AS, RPKI state, ASPA state
    or leak changed; a repeat with the same origin and verdicts alerts
    nothing; each rule fires only on news of the verdict it asks about
    (a NOT_FOUND route whose ASPA state changes is not NOT_FOUND again);
  - sids by state: invalid/as 1000001, invalid/length 1000002,
    invalid/as0 1000003, invalid/as_set 1000004, not-found 1000005 (every
    one: the default rules have no event_filter since issue 12); ASPA
    invalid 1000008; OTC leaks 1000009 (from a customer), 1000010 (from an
    RS-client), 1000011 (from a peer); the router's RFC 8097 stamp
    ("router_rpki_state") differing from rovmon's state 1000020 (a changed
    stamp is news of the ROV verdict);
  - a route that alerted and is withdrawn, becomes VALID with no ASPA
    invalid and no leak, stops matching, or whose session ends gets
    1000007 "resolved" (a session that ends is held, --stale-time, and
    resolved at the end of the read at the latest: docs/alerts.md
    "Session flaps");
  - sensor events (no "bgp" object: session-down/-up/-gone of a flap)
    are not route alerts: counted by type and printed, not compared.

usage: alerts_oracle.py ROUTES.jsonl ALERTS.json [--session-ends]
Prints the differences; exit 0 when the multisets of (sid, event, prefix,
origin, state) are equal.
"""
import collections
import json
import sys

SID = {("invalid", "as"): 1000001, ("invalid", "length"): 1000002,
       ("invalid", "as0"): 1000003, ("invalid", "as_set"): 1000004}


LEAK_SID = {"otc-from-customer": 1000009, "otc-from-rs-client": 1000010,
            "otc-from-peer": 1000011}


def expected(routes, session_ends):
    store = {}
    out = []

    def rov_sids(state, reason):
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
        aspa = (e.get("aspa") or {}).get("state")
        leak = (e.get("leak") or {}).get("rule")
        router = e.get("router_rpki_state")
        disagree = router is not None and state is not None and router != state
        # what the announcement brings news of (a new route: everything)
        news_rov = (prev is None or prev["origin"] != origin or prev["state"] != state
                    or prev["router"] != router)
        news_aspa = prev is None or prev["aspa"] != aspa
        news_leak = prev is None or prev["leak"] != leak
        if not (news_rov or news_aspa or news_leak):
            continue
        now = {"origin": origin, "state": state, "aspa": aspa, "leak": leak,
               "router": router}
        alerted = prev is not None and prev["alerted"]
        if (alerted and state == "valid" and aspa != "invalid" and leak is None
                and not disagree):
            out.append((1000007, "resolved", e["prefix"], origin, state))
            store[key] = dict(now, alerted=False)
            continue
        # each rule fires on news of the verdict it asks about, and is
        # "held" (still matching, not firing) otherwise
        sids, held = [], 0
        for sid in rov_sids(state, reason) + ([1000020] if disagree else []):
            if news_rov:
                sids.append(sid)
            else:
                held += 1
        if aspa == "invalid":
            if news_aspa:
                sids.append(1000008)
            else:
                held += 1
        if leak is not None:
            if news_leak:
                sids.append(LEAK_SID[leak])
            else:
                held += 1
        for sid in sids:
            out.append((sid, "announce", e["prefix"], origin, state))
        if not sids and alerted and not held:
            out.append((1000007, "resolved", e["prefix"], origin, state))
        store[key] = dict(now, alerted=bool(sids) or (alerted and held > 0))
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
    sensor = collections.Counter()
    for line in open(alerts_path):
        a = json.loads(line)
        if "bgp" not in a:
            # a sensor event (docs/alerts.md): not a route's; a flap's
            # session-down/-up/-gone are checked by the callers
            sensor[a["event"]["type"]] += 1
            continue
        b = a["bgp"]
        got[(a["sid"], b["event"], b["prefix"], b["origin_as"],
             (b.get("rpki") or {}).get("state"))] += 1
    if exp == got:
        by = collections.Counter(k[0] for k in got.elements())
        print(f"{alerts_path}: {sum(got.values())} alerts as expected: {dict(sorted(by.items()))}"
              + (f"; sensor events {dict(sorted(sensor.items()))}" if sensor else ""))
        return 0
    print(f"{alerts_path}: alerts differ from the expected ones")
    for k, n in list((exp - got).items())[:10]:
        print("  missing   ", n, k)
    for k, n in list((got - exp).items())[:10]:
        print("  unexpected", n, k)
    return 1


if __name__ == "__main__":
    sys.exit(main())
