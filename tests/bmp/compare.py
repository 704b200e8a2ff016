#!/usr/bin/env python3
"""Compare rovmon's route events or alerts from two inputs as multisets.

usage: compare.py routes A.jsonl VIEW_A B.jsonl VIEW_B MIN
       compare.py alerts A.json B.json MIN [EVENT...]

routes: the route events of A whose "view" is VIEW_A ("wire" = no view field, a captured
session) against those of B in VIEW_B, every field compared except
  ts       a BMP event's time is the per-peer header's time stamp (whole seconds from
           GoBGP) or the station's receive time; a captured one's is the frame's;
  pkt_num  a frame number, or the station's read count: places in different inputs;
  view     the thing compared across.
alerts: the alerts of A against B, without timestamp, @timestamp, pkt_num (as above),
pkt_len (a frame's length; a station's read has none: 0), and for rovmon's own events (session-down, session-gone: "event" objects) without
held_seconds (wall time between down and gone) and session_id (a counter of the run),
and without "view" (top level, in "bgp" or in "event"): the thing compared across;
with EVENTs only the alerts whose bgp.event or event.type is one of them.
Both: at least MIN items on each side (a comparison of nothing is a failure), each
difference printed (the first 10 each way).  Exit 0 equal, 1 different.
"""
import collections
import json
import sys


def load(path):
    out = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if line:
                try:
                    out.append(json.loads(line))
                except ValueError as e:
                    sys.exit("%s:%d: not JSON: %s" % (path, n, e))
    return out


def canon(o):
    return json.dumps(o, sort_keys=True, separators=(",", ":"))


def routes(a, va, b, vb):
    def pick(items, v):
        res = []
        for o in items:
            if o.get("view", "wire") != v:
                continue
            o = dict(o)
            for k in ("ts", "pkt_num", "view"):
                o.pop(k, None)
            res.append(canon(o))
        return res
    return pick(load(a), va), pick(load(b), vb)


def alerts(a, b, events):
    def pick(items):
        res = []
        for o in items:
            kind = (o.get("bgp") or {}).get("event") or (o.get("event") or {}).get("type")
            if events and kind not in events:
                continue
            o = dict(o)
            for k in ("timestamp", "@timestamp", "pkt_num", "pkt_len"):
                o.pop(k, None)
            o.pop("view", None)
            if isinstance(o.get("bgp"), dict):
                o["bgp"] = {k: v for k, v in o["bgp"].items() if k != "view"}
            if isinstance(o.get("event"), dict):
                o["event"] = {k: v for k, v in o["event"].items()
                              if k not in ("held_seconds", "session_id", "view")}
            res.append(canon(o))
        return res
    return pick(load(a)), pick(load(b))


def main():
    if sys.argv[1] == "routes" and len(sys.argv) == 7:
        x, y = routes(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
        lo, what = int(sys.argv[6]), "route events"
        na, nb = "%s (%s)" % (sys.argv[2], sys.argv[3]), "%s (%s)" % (sys.argv[4], sys.argv[5])
    elif sys.argv[1] == "alerts" and len(sys.argv) >= 5:
        x, y = alerts(sys.argv[2], sys.argv[3], set(sys.argv[5:]))
        lo, what = int(sys.argv[4]), "alerts"
        na, nb = sys.argv[2], sys.argv[3]
    else:
        sys.exit(__doc__)
    ca, cb = collections.Counter(x), collections.Counter(y)
    ok = True
    for n, c, name in ((len(x), ca, na), (len(y), cb, nb)):
        if n < lo:
            print("FAIL: %s: %d %s, expected at least %d" % (name, n, what, lo))
            ok = False
    only_a, only_b = ca - cb, cb - ca
    for d, name in ((only_a, na), (only_b, nb)):
        if d:
            ok = False
            print("only in %s: %d %s" % (name, sum(d.values()), what))
            for k in list(d)[:10]:
                print("  " + k[:400])
    if ok:
        print("equal: %d %s" % (len(x), what))
    return 0 if ok else 1


sys.exit(main())
