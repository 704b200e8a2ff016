#!/usr/bin/env python3
"""What ASPA verification adds to decode + validate of the full table
(issue 14's acceptance: at most 20 %), in rovmon itself rather than in
isolation (tests/bench_aspa.c measures aspa_verify() alone).

usage: aspa_overhead.py ROVMON FULL.pcap SNAPSHOT.json CACHEDIR [REPS]

The full-table capture has no Role capability, so every route is
verified only when its sessions get a role from --role: each case runs
with --role for both of the capture's senders, as customer (upstream
procedure) or provider (downstream).  Three VRP files, written into
CACHEDIR with the same layout so that loading them costs alike:
  v0  the snapshot without its "aspas": no ASPA data, nothing verified;
  v1  the snapshot with its real ASPAs;
  v2  the snapshot with a dense synthetic set: for every AS of the
      table's paths, an ASPA listing the ASes seen after it towards the
      sender (3 in 10 ASes left without one, 2 in 10 lose a provider),
      so that valid, invalid and unknown are all common.
Each case is timed on the capture and on an empty capture with the same
options (start-up and the VRP and ASPA load subtracted, as make bench
does); the figure is CPU time in user mode, best of REPS (wall time on
a shared 2-core machine varies by more than the effect measured).
"""
import collections
import hashlib
import json
import os
import subprocess
import sys


def files(rovmon, full, snap, cache):
    v0, v1, v2 = (os.path.join(cache, n) for n in ("v0-noaspa.json", "v1-real.json", "v2-dense.json"))
    if all(os.path.exists(f) for f in (v0, v1, v2)):
        return v0, v1, v2
    d = json.load(open(snap))
    json.dump(d, open(v1, "w"), indent=1)
    real = d.pop("aspas", [])
    json.dump(d, open(v0, "w"), indent=1)
    adj = collections.defaultdict(set)
    p = subprocess.Popen([rovmon, "-q", "-r", full, "--routes", "-", "--stats", os.devnull],
                         stdout=subprocess.PIPE, text=True)
    for line in p.stdout:
        e = json.loads(line)
        if e["event"] != "announce":
            continue
        q = []
        for a in e["as_path"]:
            if isinstance(a, int) and (not q or q[-1] != a):
                q.append(a)
        for i in range(len(q) - 1):
            adj[q[i + 1]].add(q[i])
    p.wait()
    syn = []
    for a, provs in sorted(adj.items()):
        h = int(hashlib.sha1(str(a).encode()).hexdigest()[:8], 16) % 10
        if h < 3:
            continue
        provs = sorted(provs)
        if h >= 8:
            provs = provs[1:] or [64496]
        syn.append({"customer_asid": a, "expires": 4102444800, "providers": provs})
    have = {x["customer_asid"] for x in syn}
    d["aspas"] = syn + [x for x in real if x["customer_asid"] not in have]
    json.dump(d, open(v2, "w"), indent=1)
    return v0, v1, v2


def cpu(rovmon, src, extra, reps, stats):
    best = None
    for _ in range(reps):
        p = subprocess.Popen([rovmon, "-q", "-r", src, "--stats", stats] + extra,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        if status != 0:
            sys.exit(f"{rovmon} {' '.join(extra)}: exit status {status}")
        best = ru.ru_utime if best is None else min(best, ru.ru_utime)
    return best


def main():
    rovmon, full, snap, cache = sys.argv[1:5]
    reps = int(sys.argv[5]) if len(sys.argv) > 5 else 9
    os.makedirs(cache, exist_ok=True)
    v0, v1, v2 = files(rovmon, full, snap, cache)
    empty = os.path.join(cache, "empty.pcap")
    with open(full, "rb") as f, open(empty, "wb") as o:
        o.write(f.read(24))
    stats = os.path.join(cache, "stats.json")
    # the capture's two senders (IPv4 and IPv6 sessions of one peer)
    senders = ["10.179.9.1", "fd00:179:0:9::1"]
    n = None
    base = {}
    for vf, name in ((v0, "no ASPA data"), (v1, "real ASPAs"), (v2, "dense ASPAs")):
        for role, proc in (("customer", "upstream"), ("provider", "downstream")):
            extra = ["--vrps", vf]
            for s in senders:
                extra += ["--role", f"{s}={role}"]
            if os.path.exists(stats):
                os.unlink(stats)
            net = cpu(rovmon, full, extra, reps, stats) - cpu(rovmon, empty, extra, reps, stats)
            s = json.loads(open(stats).read().splitlines()[0])
            n = s["bgp_announce"]
            line = (f"{name:13s} {proc:10s} {net:6.3f} s user ({1e9 * net / n:4.0f} ns a route); "
                    f"aspa valid {s['aspa_valid']}, invalid {s['aspa_invalid']}, unknown {s['aspa_unknown']}")
            if vf == v0:
                base[proc] = net
            else:
                line += f"; +{100 * (net - base[proc]) / base[proc]:.0f} %"
            print(line, flush=True)


if __name__ == "__main__":
    main()
