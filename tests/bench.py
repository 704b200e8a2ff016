#!/usr/bin/env python3
"""make bench: rovmon's performance figures (issue 6), measured in one run
on the same files, reported as a table and as JSON.  Reported, never
asserted: the targets are compared in docs/performance.md.

usage: bench.py --build BUILD --json OUT [--full PCAP] [--vrps FILE.json.bz2]
                [--vrps-json FILE.json] [--mrt FILE] [--rules FILE] [--no-live]
                [--no-tta] [--rs PCAP] [--no-tshark] [--no-bird] [--no-rslive]
                [--no-threads]
                [--only full|rs|vrps|bounds|small|tshark|bird|rslive|threads|tta|mrt]
                [--small PCAP ...]

Sections:
  full    the full-table capture (tests/bench/fulltable.sh): cat, rovmon
          decode only / decode + validate / decode + validate + store
          (--alerts: the RIB is kept only when alerting is on) / the same
          plus the route log, each also on an empty capture of the same
          link type to measure start-up and the VRP load, which is then
          subtracted ("VRPs already loaded"); tshark; tcpdump -nn -v.
  vrps    tests/bench_rov.c on the decompressed JSON (load + build, index
          memory, lookups/s) and on the .bz2 (load + build only).
  aspa    tests/bench_aspa.c: ASPA hop lookups and aspa_verify() per
          second on every route's AS path of the full table's MRT source
          (--mrt, read with bgpdump -m), with the snapshot's real ASPAs
          and a dense synthetic set (every AS attested: the worst case
          on real paths), and on a large synthetic set (a million
          customers, an index past the caches); one at a time and
          batched (aspa_index_hop_batch(), aspa_verify_batch(); issue 17:
          batched hop lookups at least as fast as batched ROV, 20 M/s):
          "aspa_hops_batched_per_s" is the slowest set's batched rate;
          set against the full table's decode + validate time per prefix.
  aspa_route  ASPA in rovmon's route path (tests/bench/aspa_overhead.py):
          decode + validate of the full table with --role for both
          senders (upstream as customer, downstream as provider), without
          ASPA data, with the snapshot's real ASPAs and with a dense
          synthetic set built from the table's own paths; net CPU time,
          min and median of at least 5 alternating runs, and what ASPA
          adds in % (issue 14: at most 20 %).
  rs      route-server scale (issue 17; --rs, tests/bench/rsscale.sh):
          N peers per address family all sending the same real full
          table, interleaved packet by packet; cat, rovmon decode only /
          + validate / + store (--control: the RIB kept, no alert sink) /
          + alerts (formatted and written to /dev/null: a file would be
          tens of GB), each also on an empty capture (start-up, VRP load,
          the baseline RSS); min and median of REPEAT runs (default 2);
          routes stored, rib_bytes per route and peak RSS minus the
          empty-capture baseline per route (target <= 32 B).
  reval   re-validation after a VRP change (issue 17; tests/bench_reval.c):
          the full table's routes (its route log, made once into the
          cache) stored for BENCH_REVAL_SESSIONS peers (default 50: 55.7 M
          routes, ~2.5 GB) through the RIB API, then rib_revalidate() from
          the 09:31 snapshot to the 10:01 one and back, and to the 2023
          snapshot and back, each changed route's alert line formatted;
          best of REPEAT (default 2) passes each way, wall and CPU
          seconds.  BENCH_REVAL=0 skips it.
  rib     bytes per stored route: the stats line's rib_bytes /
          routes_stored, and peak-RSS differences between the modes.
  live    rovmon -i on one end of a veth pair in a private network
          namespace, the full table replayed with tcpreplay onto the other
          end at increasing rates (BENCH_LIVE_RATES, then half and a
          quarter of the first if none was clean); pcap_recv, pcap_drop,
          pcap_ifdrop from rovmon's exit stats line, and the kernel's
          backlog drops (/proc/net/softnet_stat).  Needs root, ip,
          ethtool, tcpreplay.
  time_to_alert  issue 17's time to alert, live (tests/bench/time_to_alert.py,
          which runs alone too): capture time stamp -> alert line readable,
          p50/p99/max, on an idle veth and while the full table is
          replayed onto it; Redis VRP publish -> last alert of the routes
          it flips, 1.1 M routes stored.  Needs root, ethtool, tcpreplay,
          redis-server; BENCH_TTA=0 (--no-tta) skips it.
  tshark, bird, rslive, threads  issue 17's references (tshark piped
          into a validation script; BIRD with roa_check()), the live
          replay of the route-server capture, rovmon --threads 1 against
          2: tests/bench/refs.py says how.
  bounds  tests/bench_bounds.c: the machine's dependent-miss latency and
          memory-level parallelism over sets the size of the VRP index,
          the full table's route state, L2/L3 and 1 GiB; memcpy; write(2)
          of the full section's alert bytes to a file and to /dev/null;
          read(2) of the capture.  BENCH_BOUNDS=0 skips it.
  mrt     issue 18: the full table from MRT against the same from pcap,
          per prefix, decode only and decode + validate; and the shared
          RIS table updates.et-header.2015.gz (tests/bench/mrt_bench.py).
  small   the bundled captures: start-up dominated, a quick check.

At the end, issue 17's targets as a table (tests/bench/targets.py): each
target, this run's figure, met or missed, and the bound the measured
machine puts on it; the machine (cores, CPU, load average at the start
and the end); then the wall time of each section.  Time to alert runs
twice: rovmon's defaults, then --buffer-timeout 5 (BENCH_TTA_BT, a
comma-separated list of ms, "" for none).

Timing: each command runs REPEAT times, round-robin with the other
commands of its section, and the best wall time is kept (the machine is
shared; the best run is the least disturbed).  REPEAT is BENCH_REPEAT
when set; otherwise 3 for rovmon and cat on the full table, 1 for tshark
and tcpdump on it (about 15 s and over ten minutes a run), 3 on the small
captures.  BENCH_TCPDUMP=0 leaves tcpdump out on the full table.  Peak
RSS is the child's ru_maxrss from wait4() (max over the runs).  Before every timed run, a running tests/soak.sh is waited for.
The rovmon binary is copied once at the start, so a rebuild by someone
else during the run cannot mix two binaries into one report.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench"))
import benchlib  # noqa: E402
from benchlib import (ENV_REPEAT, Row, empty_pcap, fmt_row, live_header,  # noqa: E402
                      live_netns, live_print, live_run, log, med, netns_del, read_stats,
                      repeat, run_rows, sha256, version, wait_for_soak)
import mrt_bench  # noqa: E402
import refs  # noqa: E402
import targets  # noqa: E402

FULL_TCPDUMP = os.environ.get("BENCH_TCPDUMP", "1") != "0"
REVAL = os.environ.get("BENCH_REVAL", "1") != "0"
LIVE_RATES = os.environ.get("BENCH_LIVE_RATES", "100,250,500,1000,top").split(",")
BOUNDS = os.environ.get("BENCH_BOUNDS", "1") != "0"
# time to alert is measured with rovmon's defaults, then with each of these
# --buffer-timeout values (ms; "" for none)
TTA_BUFFER_TIMEOUTS = [x for x in os.environ.get("BENCH_TTA_BT", "5").split(",") if x.strip()]


# --------------------------------------------------------------- full table

def full_section(a, rovmon, tmp, errlog):
    F, V, R = a.full, a.vrps_json, a.rules
    st = os.path.join(tmp, "probe.json")
    subprocess.run([rovmon, "-r", F, "--stats", st], check=True,
                   stdout=subprocess.DEVNULL)
    s = read_stats(st)
    n = s["bgp_announce"] + s["bgp_withdraw"]
    info = {"file": F, "bytes": os.path.getsize(F), "packets": s["packets"],
            "updates": s["bgp_update"], "prefixes": n,
            "announced": s["bgp_announce"], "withdrawn": s["bgp_withdraw"]}
    log(f"\n== full table {F}: {info['bytes']:,} bytes, {s['packets']:,} packets, "
        f"{s['bgp_update']:,} UPDATEs, {n:,} prefixes")
    subprocess.run(["cat", F], stdout=subprocess.DEVNULL, check=True)  # page cache
    E = os.path.join(tmp, "empty.pcap")
    empty_pcap(F, E)
    alerts = os.path.join(tmp, "alerts.json")
    routes = os.path.join(tmp, "routes.jsonl")
    tsout = os.path.join(tmp, "tshark.out")

    def rv(key, label, src, extra, reps):
        stats = os.path.join(tmp, key + ".stats.json")
        return Row(key, label, [rovmon, "-r", src, "--stats", stats] + extra,
                   remove=(alerts, routes), stats=stats, reps=reps, sized=(alerts, routes))

    fast = repeat(3)
    slow = repeat(1)
    valid = ["--vrps", V]
    store = valid + ["--rules", R, "--alerts", alerts]
    rows = [
        Row("cat", "cat FILE", ["cat", F], reps=fast),
        rv("decode", "rovmon -r F --stats S (decode only)", F, [], fast),
        rv("validate", "rovmon ... --vrps V (decode + validate)", F, valid, fast),
        rv("store", "rovmon ... --vrps V --alerts A (+ store)", F, store, fast),
        rv("routes", "rovmon ... --alerts A --routes L", F, store + ["--routes", routes], fast),
        rv("decode_empty", "  the same, empty capture: decode only", E, [], fast),
        rv("validate_empty", "  empty capture: --vrps V", E, valid, fast),
        rv("store_empty", "  empty capture: --vrps V --alerts A", E, store, fast),
        rv("routes_empty", "  empty capture: ... --routes L", E, store + ["--routes", routes], fast),
        Row("tshark", "tshark -n -r F -Y bgp -T fields -e bgp.nlri_prefix",
            ["tshark", "-n", "-r", F, "-Y", "bgp", "-T", "fields", "-e", "bgp.nlri_prefix"],
            stdout=tsout, reps=slow),
        Row("tcpdump", "tcpdump -nn -v -r F", ["tcpdump", "-nn", "-v", "-r", F], reps=slow),
    ]
    if not FULL_TCPDUMP:
        rows.pop()
    run_rows(rows, errlog)
    res = {r.key: r for r in rows}
    out = {"capture": info, "rows": {}}
    for r in rows:
        out["rows"][r.key] = r.result(None if r.key.endswith("_empty") else n)
        if r.stats:
            out["rows"][r.key]["stats"] = r.last_stats()
    with open(tsout) as f:
        out["rows"]["tshark"]["ipv4_prefixes_printed"] = sum(
            len([x for x in line.strip().split(",") if x]) for line in f)

    # Each mode's own start-up and VRP load, measured on the empty capture
    # with the same options, subtracted: the work on the routes alone.
    loaded = {}
    for k in ("decode", "validate", "store", "routes"):
        net = res[k].best - res[k + "_empty"].best
        loaded[k] = {"net_s": round(net, 4),
                     "prefixes_per_s": round(n / net) if net > 0 else None}
    out["net_of_startup_and_vrp_load"] = loaded
    out["vrp_load_s"] = round(res["validate_empty"].best - res["decode_empty"].best, 4)
    out["vrp_load_rules_alerting_s"] = round(
        res["store_empty"].best - res["decode_empty"].best, 4)
    d = res["decode"].best
    out["ratios"] = {
        "tshark_over_rovmon_decode": round(res["tshark"].best / d, 2),
        "tcpdump_over_rovmon_decode":
            round(res["tcpdump"].best / d, 2) if "tcpdump" in res else None,
        "rovmon_decode_over_cat": round(d / res["cat"].best, 2),
    }
    # Memory per stored route.
    ss = out["rows"]["store"]["stats"]
    stored = ss["routes_stored"]
    kib = lambda k: res[k].rss
    out["memory"] = {
        "routes_stored": stored,
        "rib_bytes": ss["rib_bytes"],
        "rib_bytes_per_route": round(ss["rib_bytes"] / stored, 1) if stored else None,
        "peak_rss_store_minus_decode_per_route":
            round((kib("store") - kib("decode")) * 1024 / stored, 1) if stored else None,
        "peak_rss_store_minus_store_empty_per_route":
            round((kib("store") - kib("store_empty")) * 1024 / stored, 1) if stored else None,
    }

    print(f"\n== Full table: {F}\n   {info['bytes']:,} bytes, {info['packets']:,} packets, "
          f"{info['updates']:,} UPDATEs, {n:,} prefixes "
          f"({info['announced']:,} announced, {info['withdrawn']:,} withdrawn)")
    print(f"  {'command':46s} {'best wall':>11s} {'peak RSS':>12s} {'prefixes/s':>16s}")
    for r in rows:
        rate = None if r.key.endswith("_empty") else n / r.best
        print(fmt_row(r.label, r.best, r.rss / 1024.0, rate,
                      f"({len(r.walls)} run{'s' if len(r.walls) > 1 else ''})"))
    print("  net of start-up and VRP load (mode minus the same on the empty capture):")
    for k, lab in (("decode", "decode only"), ("validate", "decode + validate"),
                   ("store", "decode + validate + store"),
                   ("routes", "decode + validate + store + route log")):
        x = loaded[k]
        rate = f"{x['prefixes_per_s']:14,.0f}/s" if x["prefixes_per_s"] else "n/a"
        print(f"    {lab:44s} {x['net_s']:9.3f} s {'':12s} {rate}")
    print(f"  VRP load in rovmon (empty capture: --vrps V minus decode only): "
          f"{out['vrp_load_s']:.3f} s; with the rules and alerting set-up "
          f"(--vrps V --alerts A minus decode only): {out['vrp_load_rules_alerting_s']:.3f} s")
    ra = out["ratios"]
    print(f"  ratios: tshark / rovmon decode-only = {ra['tshark_over_rovmon_decode']:.1f}x; "
          f"tcpdump -v / rovmon = {ra['tcpdump_over_rovmon_decode'] or 0:.1f}x; "
          f"rovmon decode-only / cat = {ra['rovmon_decode_over_cat']:.1f}x")
    print(f"  tshark printed {out['rows']['tshark']['ipv4_prefixes_printed']:,} prefixes "
          f"(bgp.nlri_prefix is the IPv4 NLRI field only)")
    m = out["memory"]
    print(f"  RIB: {m['routes_stored']:,} routes stored, rib_bytes {m['rib_bytes']:,} = "
          f"{m['rib_bytes_per_route']} B/route; peak RSS (store - decode only) = "
          f"{m['peak_rss_store_minus_decode_per_route']} B/route (includes the VRP index); "
          f"(store - store on empty capture) = "
          f"{m['peak_rss_store_minus_store_empty_per_route']} B/route")
    return out


# ------------------------------------------------------ route-server scale

def rs_section(a, rovmon, tmp, errlog, full):
    """Route-server scale (issue 17): the capture of tests/bench/rsscale.sh
    (N peers per address family, each sending the same real full table at
    once), stored with the VRPs loaded, with and without alerts."""
    F, V, R = a.rs, a.vrps_json, a.rules
    counts = {}
    cj = F[:-len(".pcap")] + ".counts.json" if F.endswith(".pcap") else None
    if cj and os.path.exists(cj):
        with open(cj) as f:
            counts = json.load(f)
    subprocess.run(["cat", F], stdout=subprocess.DEVNULL, check=True)  # page cache
    E = os.path.join(tmp, "rs-empty.pcap")
    empty_pcap(F, E)
    sock = os.path.join(tmp, "rs.sock")
    null = os.devnull

    def rv(key, label, src, extra, reps):
        stats = os.path.join(tmp, "rs-" + key + ".stats.json")
        return Row(key, label, [rovmon, "-r", src, "--stats", stats] + extra,
                   remove=(sock,), stats=stats, reps=reps)

    reps = repeat(2)
    valid = ["--vrps", V]
    store = valid + ["--rules", R, "--control", sock]
    alert = valid + ["--rules", R, "--alerts", null]
    rows = [
        Row("cat", "cat RS", ["cat", F], reps=reps),
        rv("decode", "rovmon -r RS (decode only)", F, [], reps),
        rv("validate", "rovmon ... --vrps V (decode + validate)", F, valid, reps),
        rv("store", "... --vrps V --control S (+ store, no sink)", F, store, reps),
        rv("alerts", "... --vrps V --alerts /dev/null (+ alerts)", F, alert, reps),
        rv("decode_empty", "  empty capture: decode only", E, [], reps),
        rv("validate_empty", "  empty capture: --vrps V", E, valid, reps),
        rv("store_empty", "  empty capture: --vrps V --control S", E, store, reps),
        rv("alerts_empty", "  empty capture: --vrps V --alerts /dev/null", E, alert, reps),
    ]
    run_rows(rows, errlog)
    res = {r.key: r for r in rows}
    s = res["decode"].last_stats()
    n = s["bgp_announce"] + s["bgp_withdraw"]
    info = {"file": F, "bytes": os.path.getsize(F), "packets": s["packets"],
            "tcp_sessions": s["sessions"], "updates": s["bgp_update"], "prefixes": n,
            "generator": counts}
    out = {"capture": info, "rows": {}}
    for r in rows:
        out["rows"][r.key] = r.result(None if r.key.endswith("_empty") else n)
        out["rows"][r.key]["median_s"] = round(med(r.walls), 4)
        if not r.stats:
            continue
        st = r.last_stats()
        out["rows"][r.key]["stats"] = {k: st.get(k) for k in (
            "packets", "sessions", "bgp_announce", "bgp_withdraw", "routes_stored",
            "rib_sessions", "rib_bytes", "alerts", "alert_lines", "rpki_valid",
            "rpki_invalid", "rpki_not_found", "reasm_nomem", "rib_nomem")}
    loaded = {}
    for k in ("decode", "validate", "store", "alerts"):
        net = res[k].best - res[k + "_empty"].best
        netm = med(res[k].walls) - med(res[k + "_empty"].walls)
        loaded[k] = {"net_s": round(net, 3), "net_median_s": round(netm, 3),
                     "prefixes_per_s": round(n / net) if net > 0 else None,
                     "prefixes_per_s_median": round(n / netm) if netm > 0 else None}
    out["net_of_startup_and_vrp_load"] = loaded
    mem = {}
    for k in ("store", "alerts"):
        st = out["rows"][k]["stats"]
        stored = st["routes_stored"] or 0
        base = res[k + "_empty"].rss
        mem[k] = {
            "routes_stored": stored,
            "all_announced_stored": stored == s["bgp_announce"],
            "rib_bytes": st["rib_bytes"],
            "rib_bytes_per_route": round(st["rib_bytes"] / stored, 2) if stored else None,
            "peak_rss_mib": round(res[k].rss / 1024.0, 1),
            "baseline_rss_mib": round(base / 1024.0, 1),
            "peak_rss_minus_baseline_per_route":
                round((res[k].rss - base) * 1024 / stored, 2) if stored else None,
            # the empty-capture peak holds the VRP load's transient
            # memory, reused for routes later: the figure above is a
            # lower bound; minus the decode-only process, an upper one
            # (it counts the VRP index and rules too)
            "peak_rss_minus_decode_empty_per_route":
                round((res[k].rss - res["decode_empty"].rss) * 1024 / stored, 2)
                if stored else None,
        }
    out["memory"] = mem
    out["target_bytes_per_route"] = 32
    if full and "memory" in full:
        out["full_table_rib_bytes_per_route"] = full["memory"].get("rib_bytes_per_route")

    print(f"\n== Route-server scale (issue 17): {F}\n   {info['bytes']:,} bytes, "
          f"{info['packets']:,} packets, {info['tcp_sessions']} TCP sessions "
          f"({counts.get('sessions_per_family', '?')} peers x IPv"
          f"{'+IPv'.join(str(x) for x in counts.get('families', []))}), "
          f"{info['updates']:,} UPDATEs, {n:,} prefixes")
    print(f"  {'command':46s} {'best wall':>11s} {'peak RSS':>12s} {'prefixes/s':>16s}")
    for r in rows:
        rate = None if r.key.endswith("_empty") else n / r.best
        print(fmt_row(r.label, r.best, r.rss / 1024.0, rate,
                      f"(median {med(r.walls):.3f} s of {len(r.walls)})"))
    print("  net of start-up and VRP load (mode minus the same on the empty capture), best / median:")
    for k, lab in (("decode", "decode only"), ("validate", "decode + validate"),
                   ("store", "decode + validate + store (no alert sink)"),
                   ("alerts", "... + alerts formatted, written to /dev/null")):
        x = loaded[k]
        print(f"    {lab:44s} {x['net_s']:9.3f} s {x['net_median_s']:9.3f} s "
              f"{x['prefixes_per_s'] or 0:14,.0f}/s {x['prefixes_per_s_median'] or 0:14,.0f}/s")
    for k in ("store", "alerts"):
        m = mem[k]
        print(f"  RIB ({k}): {m['routes_stored']:,} routes stored "
              f"({'all' if m['all_announced_stored'] else 'NOT all'} announced), "
              f"rib_bytes {m['rib_bytes']:,} = {m['rib_bytes_per_route']} B/route; "
              f"peak RSS {m['peak_rss_mib']} MiB - {m['baseline_rss_mib']} MiB (empty capture) = "
              f"{m['peak_rss_minus_baseline_per_route']} B/route (target <= 32); minus the "
              f"decode-only process: {m['peak_rss_minus_decode_empty_per_route']} B/route")
    return out


def run_json(cmd):
    """A bench_* program's one JSON object (after any soak), or {"error"}."""
    log(f"bench: {' '.join(cmd)}")
    wait_for_soak()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        log(f"bench: {os.path.basename(cmd[0])} failed: {p.stderr.strip()}")
        return {"error": p.stderr.strip()}
    return json.loads(p.stdout)


# --------------------------------------------------------------------- VRPs

def vrp_section(a, bench_rov):
    out = {}
    print("\n== VRP index (tests/bench_rov.c)")
    for key, path, rounds, lookups in (("json", a.vrps_json, repeat(3), None),
                                       ("bz2", a.vrps, repeat(1), "0")):
        if not path:
            continue
        cmd = [bench_rov, "-j", "-n", str(rounds), path] + ([lookups] if lookups else [])
        log(f"bench: {' '.join(cmd)}")
        wait_for_soak()
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            log(f"bench: bench_rov failed: {p.stderr.strip()}")
            out[key] = {"error": p.stderr.strip()}
            continue
        r = json.loads(p.stdout)
        r["file"] = path
        r["cmd"] = " ".join(cmd)
        out[key] = r
        print(f"  {os.path.basename(path)}: {r['vrps']:,} VRPs ({r['vrps_ipv4']:,} IPv4, "
              f"{r['vrps_ipv6']:,} IPv6), best of {rounds}")
        print(f"    load (read{' + bunzip2' if key == 'bz2' else ''} + parse) "
              f"{r['load_s'] * 1e3:8.1f} ms, build {r['build_s'] * 1e3:6.1f} ms, "
              f"load + build {r['load_build_s'] * 1e3:8.1f} ms")
        print(f"    index memory {r['index_bytes'] / 1048576:.1f} MiB "
              f"({r['index_bytes_per_vrp']} B/VRP, with the set); peak RSS after "
              f"load + build {r['peak_rss_after_build_kib'] / 1024:.1f} MiB")
        for k, v in r["lookups_per_s"].items():
            print(f"    lookups {k:14s} {v['rate'] / 1e6:7.2f} M/s  (valid {v['valid']:.1%}, "
                  f"invalid {v['invalid']:.1%}, not-found {v['not_found']:.1%})")
            if "batched" in v:
                b = v["batched"]
                print(f"      batched by {'/'.join(b)}: "
                      f"{' '.join(f'{x / 1e6:.2f}' for x in b.values())} M/s "
                      f"(target >= 20 M/s on ROA-covered routes)")
    return out


# ------------------------------------------------------------ re-validation

def reval_section(full, vrps, vrps_json, bench_reval, rovmon):
    """Issue 17: rib_revalidate() of a route-server-size RIB (the full
    table's routes x BENCH_REVAL_SESSIONS peers, stored through the RIB
    API) from the 09:31 snapshot to the 10:01 one and back, alert lines
    formatted (tests/bench_reval.c); and to a 2023 snapshot and back
    (many routes flip: the alerts' cost)."""
    print("\n== Re-validation after a VRP change (tests/bench_reval.c)")
    snap_b = vrps.replace("20250720T093135Z", "20250720T100145Z")
    if snap_b == vrps or not os.path.exists(snap_b):
        log(f"bench: no second snapshot {snap_b}: re-validation skipped")
        return None
    cache = os.environ.get("ROVMON_BENCH_CACHE", "/var/tmp/rovmon-bench")
    routes = os.path.join(cache, os.path.basename(full).replace(".pcap", ".routes"))
    if not os.path.exists(routes):  # the full table's route log, made once
        subprocess.run([rovmon, "-q", "-r", full, "--vrps", vrps_json or vrps,
                        "--routes", routes + ".tmp", "--stats", "/dev/null"],
                       stderr=subprocess.DEVNULL, check=True)
        os.replace(routes + ".tmp", routes)
    old = os.path.join(os.path.dirname(os.path.dirname(vrps)),
                       "rpki-client-8.4-ripe-prepdev-2023-05-04", "json.gz")
    peers = os.environ.get("BENCH_REVAL_SESSIONS", "50")
    cmd = [bench_reval, "-j", "-n", str(repeat(2)), "-s", peers, vrps, snap_b, routes] + \
        ([old] if os.path.exists(old) else [])
    log(f"bench: {' '.join(cmd)}")
    wait_for_soak()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        log(f"bench: bench_reval failed: {p.stderr.strip()}")
        return {"error": p.stderr.strip()}
    r = json.loads(p.stdout)
    r["cmd"] = " ".join(cmd)
    print(f"  {r['routes']:,} routes stored ({r['log_routes']:,} x {r['peers']} peers) "
          f"in {r['store_s']:.1f} s; best of {r['rounds']} passes each way")
    for k, what in (("a_to_b", "09:31 -> 10:01"), ("b_to_a", "10:01 -> 09:31"),
                    ("a_to_c", "2025 -> 2023"), ("c_to_a", "2023 -> 2025")):
        if k in r:
            w = r[k]
            print(f"    {what}: {w['best_s']:.3f} s (CPU {w['cpu_s']:.3f} s), "
                  f"{w['routes_per_s'] / 1e6:.1f} M routes/s, {w['changed']:,} changed, "
                  f"{w['alert_lines']:,} alert lines ({w['alert_bytes'] / 1e6:.0f} MB)"
                  f"{' (target <= 2 s)' if k == 'a_to_b' else ''}")
    return r


# --------------------------------------------------------------------- ASPA

def aspa_section(a, bench_aspa, tmp, full):
    print("\n== ASPA path verification (tests/bench_aspa.c)")
    paths = os.path.join(tmp, "aspaths.txt")
    with open(paths, "w") as f:
        p = subprocess.run(["bgpdump", "-m", a.mrt], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        for line in p.stdout.splitlines():
            fields = line.split("|")
            if len(fields) > 6 and fields[2] in ("A", "B"):
                f.write(fields[6] + "\n")
    rounds = repeat(5)
    cmd = [bench_aspa, "-j", "-n", str(rounds), a.vrps_json or a.vrps, paths]
    log(f"bench: {' '.join(cmd)}")
    wait_for_soak()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        log(f"bench: bench_aspa failed: {p.stderr.strip()}")
        return {"error": p.stderr.strip()}
    r = json.loads(p.stdout)
    r["mrt"] = a.mrt
    r["cmd"] = " ".join(cmd)
    print(f"  {r['paths']:,} AS paths (every route of {os.path.basename(a.mrt)}), "
          f"{r['asns']:,} ASNs, best of {rounds}")
    dv = None
    if full and "net_of_startup_and_vrp_load" in full:
        x = full["net_of_startup_and_vrp_load"]["validate"]
        if x.get("prefixes_per_s"):
            dv = 1e9 / x["prefixes_per_s"]
    r["decode_validate_ns_per_prefix"] = dv
    for key in ("real", "dense", "large"):
        v = r.get(key)
        if v is None:
            continue
        print(f"  {key:5s} ASPAs: {v['customers']:,} customers, index built in "
              f"{v['build_s'] * 1e3:.2f} ms; hop lookups {v['hops_per_s'] / 1e6:.1f} M/s, "
              f"batched {v.get('hops_batched_per_s', 0) / 1e6:.1f} M/s")
        for proc in ("upstream", "downstream"):
            rate = v[proc + "_per_s"]
            ns = 1e9 / rate
            share = f"; {ns / dv:.1%} of decode + validate ({dv:.0f} ns/prefix)" if dv else ""
            v[proc + "_ns"] = round(ns, 1)
            if dv:
                v[proc + "_share_of_decode_validate"] = round(ns / dv, 4)
            c = v[proc]
            print(f"    verify {proc:10s} {rate / 1e6:6.2f} M paths/s ({ns:6.1f} ns each{share}), "
                  f"batched {v.get(proc + '_batched_per_s', 0) / 1e6:.2f} M/s: "
                  f"valid {c['valid']:,}, invalid {c['invalid']:,}, unknown {c['unknown']:,}")
    # issue 17's figure: batched hop lookups, the slowest of the sets
    sets = [k for k in ("real", "dense", "large") if "hops_batched_per_s" in r.get(k, {})]
    if sets:
        worst = min(sets, key=lambda k: r[k]["hops_batched_per_s"])
        r["aspa_hops_batched_per_s"] = r[worst]["hops_batched_per_s"]
        r["aspa_hops_per_s"] = r[worst]["hops_per_s"]
        r["aspa_hops_batched_set"] = worst
        print(f"  ASPA hop lookups batched: {r['aspa_hops_batched_per_s'] / 1e6:.1f} M/s "
              f"(one at a time {r['aspa_hops_per_s'] / 1e6:.1f} M/s; the {worst} set, the slowest; "
              f"issue 17: >= 20 M/s)")
    return r


def aspa_route_section(rovmon, full, snap):
    """Decode + validate of the full table with ASPA verification on
    every route (tests/bench/aspa_overhead.py): issue 14's acceptance,
    ASPA adds at most 20 %."""
    print("\n== ASPA in the route path (tests/bench/aspa_overhead.py: decode + validate, "
          "--role for both senders, net CPU time)")
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench"))
    import aspa_overhead
    cache = os.path.join(os.environ.get("ROVMON_BENCH_CACHE", "/var/tmp/rovmon-bench"), "aspa")
    wait_for_soak()
    r = aspa_overhead.measure(rovmon, full, snap, cache, max(5, repeat(5)))
    worst = max(c["overhead_min_pct"] for c in r["cases"] if "overhead_min_pct" in c)
    print(f"  worst case {worst:+.0f} % (min of {r['reps']}): the 20 % target "
          f"{'met' if worst <= 20 else 'MISSED'}")
    return r


# -------------------------------------------------------------- synthetic RIB

def rib_section(build):
    t = os.path.join(build, "tests", "test_rib")
    if not os.access(t, os.X_OK):
        return None
    p = subprocess.run([t], capture_output=True, text=True)
    lines = [x for x in (p.stdout + p.stderr).splitlines() if x.startswith("rib:")]
    print("\n== RIB, synthetic (tests/unit/test_rib.c: 1M routes over 50k paths)")
    for x in lines:
        print("  " + x)
    return lines


# ---------------------------------------------------------------- json

def json_section(a, rovmon, bench_json, tmp):
    """Route-event formatting: the direct formatter against jansson on
    the same lines (issue 6 asks to choose by numbers)."""
    print("\n== Route-event JSON: direct formatting vs jansson (tests/bench_json.c)")
    rl = os.path.join(tmp, "json-routes.jsonl")
    cmd = [rovmon, "-r", a.full, "-c", "20000", "--routes", rl, "--stats", os.devnull]
    if a.vrps_json:
        cmd += ["--vrps", a.vrps_json]
    subprocess.run(cmd, capture_output=True)
    wait_for_soak()
    p = subprocess.run([bench_json, rl], capture_output=True, text=True)
    os.unlink(rl)
    if p.returncode != 0:
        print(f"  failed: {p.stderr.strip()[-300:]}")
        return {"error": p.stderr.strip()}
    out = {"text": p.stdout.strip()}
    for line in p.stdout.splitlines():
        print("  " + line)
        m = re.match(r"(direct|jansson|alert_format_json)\D*?(\d+) ns/event", line)
        if m:
            out[m.group(1) + "_ns_per_event"] = int(m.group(2))
    return out


# --------------------------------------------------------------------- live

def live_section(a, rovmon, tmp, prefixes, packets):
    why = None
    if os.geteuid() != 0:
        why = "not root"
    for c in ("ip", "ethtool", "tcpreplay"):
        if not why and shutil.which(c) is None:
            why = f"{c} not installed"
    if a.no_live:
        why = "--no-live"
    if why:
        print(f"\n== Live: skipped ({why})")
        return {"skipped": why}
    ns = f"rvbench-{os.getpid()}"
    out = {"namespace": ns, "runs": []}
    try:
        live_netns(ns)
        print("\n== Live: rovmon -i vb --vrps V --alerts A, tcpreplay -K onto va "
              f"(veth pair in netns {ns}, tso/gso/gro off)")
        live_header()
        rates = [x.strip() for x in LIVE_RATES]
        lower = [str(int(rates[0]) // d) for d in (2, 4)] if rates[0].isdigit() else []
        while rates:
            rate = rates.pop(0)
            r = live_run(a, rovmon, tmp, ns, rate, prefixes, packets)
            # Not clean even at the lowest rate asked for: go down, so
            # that the report has a rate that is (or say that none is).
            if not rates and lower and not any(x.get("clean") for x in out["runs"] + [r]):
                rates.append(lower.pop(0))
            out["runs"].append(r)
            live_print(r, rate)
    finally:
        netns_del(ns)
    clean = [r for r in out["runs"] if r.get("clean")]
    best = max(clean, key=lambda r: r["sent_mbps"]) if clean else None
    out["highest_clean"] = ({"requested": best["requested"], "sent_mbps": best["sent_mbps"],
                             "all_prefixes_decoded": best["prefixes_decoded"] == prefixes}
                            if best else None)
    if best:
        print(f"  highest rate with zero drops: {best['sent_mbps']:.1f} Mb/s "
              f"(requested {best['requested']}); all {prefixes:,} prefixes decoded: "
              f"{'yes' if best['prefixes_decoded'] == prefixes else 'no'}")
    else:
        print("  no rate without drops")
    return out


# ------------------------------------------------------------ time to alert

def tta_section(a, rovmon, tmp, rovmon_args):
    """Issue 17's time to alert, live: its own script (it joins a network
    namespace, so it runs as a child), its table on our stdout, its JSON
    under "time_to_alert" (rovmon's defaults) or "time_to_alert_btN"
    (rovmon_args ["--buffer-timeout=N"])."""
    out = os.path.join(tmp, "tta.json")
    wait_for_soak()
    cmd = [sys.executable, os.path.join(os.path.dirname(__file__), "bench", "time_to_alert.py"),
           "--build", a.build, "--rovmon", rovmon, "--rules", a.rules,
           "--vrps-json", a.vrps_json, "--json", out]
    cmd += [f"--rovmon-arg={x}" for x in rovmon_args]
    if rovmon_args:
        print(f"\n== Time to alert again, rovmon {' '.join(rovmon_args)}")
    if a.full:
        cmd += ["--full", a.full]
    sys.stdout.flush()
    p = subprocess.run(cmd)
    try:
        with open(out) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {"error": f"time_to_alert.py exited {p.returncode}, no JSON"}


# -------------------------------------------------------------------- small

def small_section(a, rovmon, tmp, errlog):
    out = {}
    for pcap in a.small:
        st = os.path.join(tmp, "probe.json")
        subprocess.run([rovmon, "-r", pcap, "--stats", st], check=True,
                       stdout=subprocess.DEVNULL)
        s = read_stats(st)
        n = s["bgp_announce"] + s["bgp_withdraw"]
        routes = os.path.join(tmp, "small-routes.jsonl")
        reps = repeat(3)
        rows = [
            Row("cat", "cat FILE", ["cat", pcap]),
            Row("decode", "rovmon (decode only)", [rovmon, "-r", pcap, "--stats", os.devnull]),
            Row("routes", "rovmon --routes FILE",
                [rovmon, "-r", pcap, "--routes", routes, "--stats", os.devnull], remove=(routes,)),
            Row("tshark", "tshark -n -r F -Y bgp -T fields -e bgp.nlri_prefix",
                ["tshark", "-n", "-r", pcap, "-Y", "bgp", "-T", "fields", "-e", "bgp.nlri_prefix"]),
            Row("tcpdump", "tcpdump -nn -v -r F", ["tcpdump", "-nn", "-v", "-r", pcap]),
        ]
        for r in rows:
            r.reps = reps
        run_rows(rows, errlog)
        print(f"\n== Small: {pcap}: {os.path.getsize(pcap):,} bytes, {s['packets']:,} packets, "
              f"{s['bgp_update']:,} UPDATEs, {n:,} prefixes")
        for r in rows:
            print(fmt_row(r.label, r.best, r.rss / 1024.0, n / r.best))
        res = {r.key: r for r in rows}
        d = res["decode"].best
        print(f"  ratios: tshark / rovmon decode-only = {res['tshark'].best / d:.1f}x; "
              f"rovmon / cat = {d / res['cat'].best:.1f}x (start-up dominated)")
        out[pcap] = {"prefixes": n, "packets": s["packets"],
                     "rows": {r.key: r.result(n) for r in rows}}
    return out


# --------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--json", required=True)
    ap.add_argument("--full")
    ap.add_argument("--vrps", help="the VRP snapshot as distributed (.bz2)")
    ap.add_argument("--vrps-json", help="the same, decompressed")
    ap.add_argument("--mrt", help="the full table as MRT (AS paths for the ASPA section)")
    ap.add_argument("--rules", default="rules/rovmon.rules")
    ap.add_argument("--no-live", action="store_true")
    ap.add_argument("--no-tta", action="store_true",
                    help="skip time to alert (tests/bench/time_to_alert.py)")
    ap.add_argument("--rs", help="the route-server-scale capture (tests/bench/rsscale.sh)")
    ap.add_argument("--only", help="run this section alone (e.g. rs, reval)")
    for x in ("tshark", "bird", "rslive", "threads"):
        ap.add_argument(f"--no-{x}", action="store_true",
                        help=f"skip the {x} section (tests/bench/refs.py)")
    ap.add_argument("--small", nargs="*", default=[])
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="rovmon-bench.", dir="/var/tmp")
    try:
        rovmon = os.path.join(tmp, "rovmon")
        shutil.copy2(os.path.join(a.build, "rovmon"), rovmon)
        bench_rov = os.path.join(tmp, "bench_rov")
        shutil.copy2(os.path.join(a.build, "bench_rov"), bench_rov)
        bench_bounds = None
        if os.path.exists(os.path.join(a.build, "bench_bounds")):
            bench_bounds = os.path.join(tmp, "bench_bounds")
            shutil.copy2(os.path.join(a.build, "bench_bounds"), bench_bounds)
        bench_reval = None
        if os.path.exists(os.path.join(a.build, "bench_reval")):
            bench_reval = os.path.join(tmp, "bench_reval")
            shutil.copy2(os.path.join(a.build, "bench_reval"), bench_reval)
        errlog = os.path.join(tmp, "stderr.log")
        git = lambda *c: subprocess.run(["git"] + list(c), capture_output=True,
                                        text=True).stdout.strip()
        res = {
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "host": {"nproc": os.cpu_count(), "loadavg_start": os.getloadavg(),
                     "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                                  if l.startswith("model name")), None)},
            "rovmon": {"binary": os.path.join(a.build, "rovmon"), "sha256": sha256(rovmon),
                       "git_head": git("rev-parse", "--short", "HEAD"),
                       "git_dirty_src": bool(git("status", "--porcelain", "--", "src", "include"))},
            "versions": {"tshark": version(["tshark", "--version"]),
                         "tcpdump": version(["tcpdump", "--version"]),
                         "tcpreplay": version(["tcpreplay", "--version"])},
            "repeat_env": ENV_REPEAT,
        }
        print(f"rovmon {res['rovmon']['git_head']}"
              f"{' + uncommitted src/include changes' if res['rovmon']['git_dirty_src'] else ''}"
              f", binary sha256 {res['rovmon']['sha256'][:16]}; {res['date']}; "
              f"{res['host']['nproc']} CPUs ({res['host']['cpu']}), "
              f"load average {res['host']['loadavg_start'][0]:.2f}")
        want = lambda name: not a.only or a.only == name
        reval_in = (a.full, a.vrps, a.vrps_json) if want("reval") else None
        if a.only:  # the named section alone, with the inputs it needs
            a.full = a.full if a.only in ("full", "tshark", "bird", "threads", "bounds",
                                          "tta", "mrt") else None
            a.rs = a.rs if a.only in ("rs", "rslive", "threads") else None
            a.vrps = None if a.only != "vrps" else a.vrps
            a.vrps_json = None if a.only == "small" else a.vrps_json
            a.small = [] if a.only != "small" else a.small
            a.mrt = a.mrt if a.only == "mrt" else None
            a.no_tta = a.only != "tta"
        sections = res["section_wall_s"] = {}
        t_run = time.monotonic()

        def timed(name, fn, *args):
            """fn(*args) as section name: its wall time and the load
            average at its start go into the JSON and the closing list."""
            t0, load = time.monotonic(), os.getloadavg()[0]
            try:
                return fn(*args)
            finally:
                sections[name] = {"s": round(time.monotonic() - t0, 1),
                                  "loadavg_start": round(load, 2)}

        if a.full and want("full"):
            res["full"] = timed("full", full_section, a, rovmon, tmp, errlog)
        if a.rs and a.vrps_json and want("rs"):
            res["rs"] = timed("rs", rs_section, a, rovmon, tmp, errlog, res.get("full"))
        if a.vrps or (a.vrps_json and want("vrps")):
            res["vrps"] = timed("vrps", vrp_section, a, bench_rov)
        if bench_bounds and want("bounds") and BOUNDS:
            res["bounds"] = timed("bounds", targets.bounds_section, a, bench_bounds, res,
                                  run_json)
        if a.mrt and want("aspa") and (a.vrps or a.vrps_json) and shutil.which("bgpdump") and \
                os.path.exists(os.path.join(a.build, "bench_aspa")):
            res["aspa"] = timed("aspa", aspa_section, a, os.path.join(a.build, "bench_aspa"),
                                tmp, res.get("full"))
        if a.full and a.vrps_json and want("full"):
            res["aspa_route"] = timed("aspa_route", aspa_route_section, rovmon, a.full,
                                      a.vrps_json)
        if a.full and want("full") and os.path.exists(os.path.join(a.build, "bench_json")):
            res["json"] = timed("json", json_section, a, rovmon,
                                os.path.join(a.build, "bench_json"), tmp)
        if REVAL and reval_in and reval_in[0] and reval_in[1] and bench_reval:
            res["reval"] = timed("reval", reval_section, *reval_in, bench_reval, rovmon)
        if not a.only:
            res["rib_synthetic"] = timed("rib", rib_section, a.build)
        if a.full and want("full"):
            c = res["full"]["capture"]
            res["live"] = timed("live", live_section, a, rovmon, tmp, c["prefixes"],
                                c["packets"])
        # issue 17's references, live burst and threads (tests/bench/refs.py)
        if a.full and a.vrps_json and want("tshark") and not a.no_tshark:
            res["tshark_ref"] = timed("tshark", refs.tshark_section, a, rovmon, tmp, errlog)
        if a.full and a.vrps_json and want("bird") and not a.no_bird:
            res["bird_ref"] = timed("bird", refs.bird_section, a, rovmon, tmp,
                                    res.get("tshark_ref"))
        if a.rs and a.vrps_json and want("rslive") and not a.no_rslive and not a.no_live:
            res["rs_live"] = timed("rslive", refs.rslive_section, a, rovmon, tmp)
        if (a.full or a.rs) and a.vrps_json and want("threads") and not a.no_threads:
            res["threads"] = timed("threads", refs.threads_section, a, rovmon, tmp, errlog)
        if not a.no_tta and a.vrps_json:
            res["time_to_alert"] = timed("tta", tta_section, a, rovmon, tmp, [])
            # the option that issue 17's time-to-alert targets are met with
            for bt in TTA_BUFFER_TIMEOUTS:
                res[f"time_to_alert_bt{bt}"] = timed(
                    f"tta_bt{bt}", tta_section, a, rovmon, tmp, [f"--buffer-timeout={bt}"])
        # issue 18: the full table from MRT against pcap (needs --write-mrt)
        if a.full and a.vrps_json and want("mrt"):
            res["mrt"] = timed("mrt", mrt_bench.mrt_section, a, rovmon, tmp, errlog)
        if a.small:
            res["small"] = timed("small", small_section, a, rovmon, tmp, errlog)
        res["issue17_targets"] = targets.report(res, a.only)
        total = time.monotonic() - t_run
        res["section_wall_s"]["total"] = round(total, 1)
        print(f"\n== Wall time per section (total {total / 60:.1f} min, from the first "
              f"section; the inputs' cache and the build are before it)")
        for name, x in sections.items():
            if name != "total":
                print(f"  {name:12s} {x['s']:8.1f} s  (load average {x['loadavg_start']:.2f} "
                      "at its start)")
        res["host"]["loadavg_end"] = os.getloadavg()
        res["soak_waited_s"] = round(benchlib.soak_waited, 1)
        with open(a.json + ".tmp", "w") as f:
            json.dump(res, f, indent=1)
            f.write("\n")
        os.replace(a.json + ".tmp", a.json)
        print(f"\nJSON: {a.json}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
