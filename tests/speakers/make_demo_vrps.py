#!/usr/bin/env python3
"""Make pcaps/demo-vrps.json: the real VRPs (rpki-client snapshot of
2025-07-20 09:31, ../shared/data/vrps/) that cover the routes announced in
the bundled captures, in rpki-client's JSON layout.

Real 2015-2019 routes judged by real 2025 ROAs give every outcome the demo
should show: VALID, INVALID because of the origin AS, INVALID because of
maxLength, and NOT_FOUND.  The script prints the counts it expects.

usage: make_demo_vrps.py ROVMON SNAPSHOT.json.bz2 OUT.json PCAP...
"""
import bz2
import collections
import ipaddress
import json
import os
import subprocess
import sys
import tempfile


def routes(rovmon, pcap):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.jsonl")
        subprocess.run([rovmon, "-r", pcap, "--routes", out, "--stats", "/dev/null"],
                       check=True)
        for line in open(out):
            e = json.loads(line)
            if e["event"] == "announce":
                yield ipaddress.ip_network(e["prefix"]), e["origin_as"]


def main():
    rovmon, snap, out, pcaps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    doc = json.load(bz2.open(snap))
    by_net = collections.defaultdict(list)
    for r in doc["roas"]:
        by_net[ipaddress.ip_network(r["prefix"])].append(r)
    rts = set()
    for p in pcaps:
        rts.update(routes(rovmon, p))
    keep = {}
    states = collections.Counter()
    for net, origin in sorted(rts, key=lambda x: (x[0].version, x[0], x[1] or 0)):
        cover = []
        for l in range(net.prefixlen + 1):
            for r in by_net.get(net.supernet(new_prefix=l), []):
                cover.append(r)
                keep[(r["prefix"], r["maxLength"], r["asn"])] = r
        if not cover:
            states["not-found"] += 1
        elif origin is not None and any(r["asn"] == origin and r["asn"] != 0 and
                                        net.prefixlen <= r["maxLength"] for r in cover):
            states["valid"] += 1
        elif origin is not None and any(r["asn"] == origin for r in cover):
            states["invalid/length"] += 1
        else:
            states["invalid/as"] += 1
    meta = dict(doc["metadata"])
    meta["roas"] = len(keep)
    meta["derived"] = ("the VRPs of " + os.path.basename(snap) +
                       " that cover the routes of " + ", ".join(os.path.basename(p) for p in pcaps))
    with open(out, "w") as f:
        json.dump({"metadata": meta, "roas": sorted(keep.values(), key=lambda r: (
            ipaddress.ip_network(r["prefix"]).version, ipaddress.ip_network(r["prefix"]),
            r["maxLength"], r["asn"]))}, f, indent=1)
        f.write("\n")
    print(f"{out}: {len(keep)} VRPs; distinct routes {len(rts)}: {dict(states)}")


if __name__ == "__main__":
    main()
