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
does); the figure is CPU time (user + system), REPS rounds in which the
cases alternate (so that a busy spell on the shared machine hits them
alike), the minimum and the median of each case's REPS runs, net = the
capture's minus the empty capture's (minimum, median).  The baseline of
each procedure is the same --role run without ASPA data (v0): nothing is
verified there, everything else is the same.  make bench imports
measure() (tests/bench.py, "ASPA in the route path").
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


def cpu(rovmon, src, extra, stats):
    p = subprocess.Popen([rovmon, "-q", "-r", src, "--stats", stats] + extra,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit(f"{rovmon} {' '.join(extra)}: exit status {status}")
    return ru.ru_utime + ru.ru_stime


def median(v):
    v = sorted(v)
    return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2


def measure(rovmon, full, snap, cache, reps=7, out=print):
    """Returns {"cases": [...]} (one per ASPA set and procedure, with the
    net CPU time, ns a route, the verdict counts and the overhead in %
    over the same procedure without ASPA data)."""
    os.makedirs(cache, exist_ok=True)
    v0, v1, v2 = files(rovmon, full, snap, cache)
    empty = os.path.join(cache, "empty.pcap")
    with open(full, "rb") as f, open(empty, "wb") as o:
        o.write(f.read(24))
    stats = os.path.join(cache, "stats.json")
    # the capture's two senders (IPv4 and IPv6 sessions of one peer)
    senders = ["10.179.9.1", "fd00:179:0:9::1"]
    cases = []
    for vf, name in ((v0, "none"), (v1, "real"), (v2, "dense")):
        for role, proc in (("customer", "upstream"), ("provider", "downstream")):
            extra = ["--vrps", vf]
            for s in senders:
                extra += ["--role", f"{s}={role}"]
            cases.append({"aspa": name, "procedure": proc, "extra": extra,
                          "full": [], "empty": []})
    for _ in range(reps):
        for c in cases:
            if os.path.exists(stats):
                os.unlink(stats)  # rovmon appends: one line per run
            c["full"].append(cpu(rovmon, full, c["extra"], stats))
            c["empty"].append(cpu(rovmon, empty, c["extra"], os.devnull))
            if "counts" not in c:
                s = json.loads(open(stats).read().splitlines()[0])
                c["counts"] = {k: s[k] for k in ("bgp_announce", "aspa_count", "aspa_customers",
                                                 "aspa_valid", "aspa_invalid", "aspa_unknown")}
    base = {}
    for c in cases:
        n = c["counts"]["bgp_announce"]
        c["net_min_s"] = round(min(c["full"]) - min(c["empty"]), 3)
        c["net_median_s"] = round(median(c["full"]) - median(c["empty"]), 3)
        c["ns_per_route_min"] = round(1e9 * c["net_min_s"] / n)
        del c["extra"]
        if c["aspa"] == "none":
            base[c["procedure"]] = c
        else:
            b = base[c["procedure"]]
            c["overhead_min_pct"] = round(100 * (c["net_min_s"] / b["net_min_s"] - 1), 1)
            c["overhead_median_pct"] = round(100 * (c["net_median_s"] / b["net_median_s"] - 1), 1)
        k = c["counts"]
        line = (f"  {c['aspa']:5s} ({k['aspa_customers']:6,} customers) {c['procedure']:10s} "
                f"net min {c['net_min_s']:.3f} s, median {c['net_median_s']:.3f} s "
                f"({c['ns_per_route_min']} ns a route)")
        if "overhead_min_pct" in c:
            line += (f"; ASPA adds {c['overhead_min_pct']:+.0f} % (min), "
                     f"{c['overhead_median_pct']:+.0f} % (median); valid {k['aspa_valid']:,}, "
                     f"invalid {k['aspa_invalid']:,}, unknown {k['aspa_unknown']:,}")
        out(line)
    return {"reps": reps, "cases": cases}


def main():
    rovmon, full, snap, cache = sys.argv[1:5]
    reps = int(sys.argv[5]) if len(sys.argv) > 5 else 7
    measure(rovmon, full, snap, cache, reps)


if __name__ == "__main__":
    main()
