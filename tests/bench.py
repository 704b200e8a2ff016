#!/usr/bin/env python3
"""make bench: wall time, peak RSS and prefixes/s, measured in one run on
the same file, for rovmon and for tshark (the only other decoder of BGP in
captures), with `cat` as the floor.  Reported, never asserted.

usage: bench.py BUILD PCAP [PCAP...]
Each command runs REPEAT times; the best wall time is reported (the
machine is shared); peak RSS comes from one more run under GNU time.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))


def run(cmd):
    """Best wall time of REPEAT runs, and the peak RSS of one more run
    under GNU time (the fork of this Python would otherwise count)."""
    best = None
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    with tempfile.NamedTemporaryFile("r") as f:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", f.name] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rss = int(f.read().strip().splitlines()[-1]) / 1024.0
    return best, rss


def main():
    build, pcaps = sys.argv[1], sys.argv[2:]
    rovmon = os.path.join(build, "rovmon")
    for pcap in pcaps:
        with tempfile.TemporaryDirectory() as tmp:
            st = os.path.join(tmp, "stats.json")
            subprocess.run([rovmon, "-r", pcap, "--stats", st], check=True,
                           stdout=subprocess.DEVNULL)
            s = json.load(open(st))
            n = s["bgp_announce"] + s["bgp_withdraw"]
            print(f"\n== {pcap}: {os.path.getsize(pcap):,} bytes, "
                  f"{s['packets']:,} packets, {s['bgp_update']:,} UPDATEs, "
                  f"{n:,} prefixes (announced + withdrawn)")
            routes = os.path.join(tmp, "routes.jsonl")
            rows = [
                ("cat", ["cat", pcap]),
                ("rovmon (decode only)", [rovmon, "-r", pcap, "--stats", "/dev/null"]),
                ("rovmon --routes FILE", ["sh", "-c", f"rm -f {routes}; exec {rovmon} -r {pcap} --routes {routes} --stats /dev/null"]),
                ("tshark -r FILE -Y bgp", ["tshark", "-n", "-r", pcap, "-Y", "bgp"]),
                ("tshark -T fields -e bgp.nlri_prefix", ["tshark", "-n", "-r", pcap, "-Y", "bgp", "-T", "fields", "-e", "bgp.nlri_prefix"]),
            ]
            res = {}
            for name, cmd in rows:
                dt, rss = run(cmd)
                res[name] = dt
                print(f"  {name:38s} {dt:8.4f} s {rss:8.1f} MiB {n / dt:14,.0f} prefixes/s")
            r = res["rovmon (decode only)"]
            print(f"  ratio: rovmon decode-only is {res['tshark -r FILE -Y bgp'] / r:.1f}x "
                  f"faster than tshark -Y bgp; {r / max(res['cat'], 1e-6):.1f}x the time of cat")


if __name__ == "__main__":
    main()
