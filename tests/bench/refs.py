"""make bench's issue 17 sections that set rovmon against what a user
might pick instead, and against itself on more threads or live
(tests/bench.py imports this; the method is in docs/performance.md):

  tshark   tshark -T fields piped into tests/bench/rov_ref.py (RFC 6811
           in Python, the same VRP JSON) on the full-table capture, timed
           with rovmon's decode + validate and decode + validate + store +
           alerts on the same file in the same run; each also on the
           empty capture (start-up, VRP load) for net figures; the
           reference's state counts against rovmon's.
  bird     tests/bench/bird_ref.py (a child: it makes its own network
           namespaces): BIRD importing the same table with roa_check() in
           its import filter, time to converge, its state split against
           rovmon's.
  rslive   the route-server-scale capture replayed live (tcpreplay onto a
           veth pair) into rovmon -i storing every route: a rate search on
           the capture's first BENCH_RSLIVE_FRACTION of packets, then the
           whole capture at the highest clean rate (stepping down if it
           drops).
  threads  rovmon --threads 1 against --threads 2 on the full table (alerts
           to a file, and with the route log) and the route-server capture
           (store without a sink, and alerts to /dev/null), when the binary
           has --threads.

The timing rules (Row, run_rows, repeat, ...) are tests/bench/benchlib.py's,
the same as the other sections'.
"""
import json
import os
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import rov_ref  # noqa: E402
from benchlib import (Row, empty_pcap, fmt_row, live_header, live_netns,  # noqa: E402
                      live_print, live_run, log, med, netns_del, read_stats, repeat,
                      run_rows, wait_for_soak)

RSLIVE_RATES = os.environ.get("BENCH_RSLIVE_RATES", "250,500,750,1000,top").split(",")
RSLIVE_FRACTION = float(os.environ.get("BENCH_RSLIVE_FRACTION", "0.1"))
RSLIVE_BUFFER_KIB = os.environ.get("BENCH_RSLIVE_BUFFER")  # rovmon -B, KiB
STATE_KEYS = (("valid", "rpki_valid"), ("invalid", "rpki_invalid"),
              ("not-found", "rpki_not_found"))


def tshark_cmd(src):
    """The reference's tshark: every BGP message's fields, 4-octet AS
    paths, out-of-order segments reassembled (without it tshark skips
    the UPDATEs of the 79 frames that arrive out of order: 1,491 of the
    full table's prefixes)."""
    return ["tshark", "-n", "-r", src, "-Y", "bgp", "-T", "fields",
            "-o", "bgp.asn_len:4 octet", "-o", "tcp.reassemble_out_of_order:TRUE"] + \
        rov_ref.tshark_args()


def pipeline(src, vrps, out, counts):
    return ["sh", "-c", f"{shlex.join(tshark_cmd(src))} 2>/dev/null | "
            f"{shlex.join([sys.executable, os.path.join(HERE, 'rov_ref.py'), vrps])} "
            f"> {shlex.quote(out)} 2> {shlex.quote(counts)}"]


# ------------------------------------------------------------------ tshark

def tshark_section(a, rovmon, tmp, errlog):
    F, V, R = a.full, a.vrps_json, a.rules
    if shutil.which("tshark") is None:
        print("\n== Reference: tshark | rov_ref.py: skipped (no tshark)")
        return {"skipped": "no tshark"}
    E = os.path.join(tmp, "refs-empty.pcap")
    empty_pcap(F, E)
    alerts = os.path.join(tmp, "refs-alerts.json")
    out = os.path.join(tmp, "refs-rovref.out")
    counts = os.path.join(tmp, "refs-rovref.counts")

    def rv(key, label, src, extra):
        stats = os.path.join(tmp, "refs-" + key + ".stats.json")
        return Row(key, label, [rovmon, "-r", src, "--stats", stats] + extra,
                     remove=(alerts,), stats=stats, reps=repeat(3))

    valid = ["--vrps", V]
    store = valid + ["--rules", R, "--alerts", alerts]
    slow = repeat(1)
    rows = [
        rv("validate", "rovmon -r F --vrps V (decode + validate)", F, valid),
        rv("alerts", "... --rules R --alerts A (+ store + alerts)", F, store),
        Row("reference", "tshark -T fields ... | rov_ref.py V", pipeline(F, V, out, counts),
              remove=(out, counts), reps=slow),
        rv("validate_empty", "  empty capture: --vrps V", E, valid),
        rv("alerts_empty", "  empty capture: --vrps V --alerts A", E, store),
        Row("reference_empty", "  empty capture: tshark | rov_ref.py",
              pipeline(E, V, out + ".empty", counts + ".empty"), reps=slow),
    ]
    run_rows(rows, errlog)
    res = {r.key: r for r in rows}
    s = res["validate"].last_stats()
    n = s["bgp_announce"] + s["bgp_withdraw"]
    with open(counts) as f:
        ref = json.loads(f.read().strip().splitlines()[-1])
    o = {"capture": F, "prefixes": n, "tshark_cmd": shlex.join(tshark_cmd("F")),
         "rows": {}, "reference_counts": ref}
    for r in rows:
        o["rows"][r.key] = r.result(None if r.key.endswith("_empty") else n)
    net = {}
    for k in ("validate", "alerts", "reference"):
        d = res[k].best - res[k + "_empty"].best
        c = min(res[k].cpus) - min(res[k + "_empty"].cpus)
        net[k] = {"net_s": round(d, 3), "prefixes_per_s": round(n / d) if d > 0 else None,
                  "cpu_s": round(min(res[k].cpus), 3), "net_cpu_s": round(c, 3),
                  "prefixes_per_cpu_s": round(n / c) if c > 0 else None}
    o["net_of_startup_and_vrp_load"] = net
    ratio = lambda x, y: round(x / y, 1) if y > 0 else None
    o["ratios"] = {
        "reference_over_validate_wall": ratio(res["reference"].best, res["validate"].best),
        "reference_over_alerts_wall": ratio(res["reference"].best, res["alerts"].best),
        "reference_over_validate_net": ratio(net["reference"]["net_s"], net["validate"]["net_s"]),
        "reference_over_alerts_net": ratio(net["reference"]["net_s"], net["alerts"]["net_s"]),
        "reference_over_validate_net_cpu": ratio(net["reference"]["net_cpu_s"],
                                                 net["validate"]["net_cpu_s"]),
        "reference_over_alerts_net_cpu": ratio(net["reference"]["net_cpu_s"],
                                               net["alerts"]["net_cpu_s"]),
    }
    agree = {k: {"reference": ref.get(k), "rovmon": s[sk]} for k, sk in STATE_KEYS}
    o["states"] = agree
    o["states_equal"] = all(v["reference"] == v["rovmon"] for v in agree.values())

    print(f"\n== Reference: tshark piped into a validation script (tests/bench/rov_ref.py), "
          f"{F}: {n:,} prefixes")
    print(f"  {'command':46s} {'best wall':>11s} {'peak RSS':>12s} {'prefixes/s':>16s}")
    for r in rows:
        rate = None if r.key.endswith("_empty") else n / r.best
        print(fmt_row(r.label, r.best, r.rss / 1024.0, rate,
                        f"({len(r.walls)} run{'s' if len(r.walls) > 1 else ''})"))
    print("  net of start-up and VRP load, wall and CPU (user + sys, all processes):")
    for k, lab in (("validate", "rovmon decode + validate"),
                   ("alerts", "rovmon decode + validate + store + alerts"),
                   ("reference", "tshark | rov_ref.py")):
        x = net[k]
        print(f"    {lab:44s} {x['net_s']:9.3f} s {x['prefixes_per_s'] or 0:12,.0f}/s; CPU "
              f"{x['net_cpu_s']:8.3f} s {x['prefixes_per_cpu_s'] or 0:12,.0f}/s")
    ra = o["ratios"]
    print(f"  reference / rovmon: {ra['reference_over_validate_wall']}x decode + validate, "
          f"{ra['reference_over_alerts_wall']}x + store + alerts (wall); net "
          f"{ra['reference_over_validate_net']}x and {ra['reference_over_alerts_net']}x; "
          f"net CPU {ra['reference_over_validate_net_cpu']}x and "
          f"{ra['reference_over_alerts_net_cpu']}x")
    print("  states, reference / rovmon: " + ", ".join(
        f"{k} {v['reference']:,} / {v['rovmon']:,}" for k, v in agree.items()) +
        f" ({'equal' if o['states_equal'] else 'DIFFERENT'}); reference: "
        f"{ref.get('updates', 0):,} UPDATEs in {ref.get('frames', 0):,} frames, "
        f"{ref.get('desync_frames', 0)} frames whose fields did not add up")
    return o


def rovmon_states(rovmon, F, V, tmp, prior=None):
    """rovmon's valid / invalid / not-found counts on F (from the tshark
    section's run when there was one)."""
    if prior and "states" in prior:
        return {k: v["rovmon"] for k, v in prior["states"].items()}
    st = os.path.join(tmp, "refs-states.json")
    subprocess.run([rovmon, "-q", "-r", F, "--vrps", V, "--stats", st], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(st) as f:
        s = json.loads(f.read().strip().splitlines()[-1])
    return {k: s[sk] for k, sk in STATE_KEYS}


# -------------------------------------------------------------------- BIRD

def bird_section(a, rovmon, tmp, prior=None):
    why = None
    if os.geteuid() != 0:
        why = "not root"
    for c in ("ip", "bird", "bgpdump"):
        if not why and shutil.which(c) is None:
            why = f"{c} not installed"
    if why:
        print(f"\n== Reference: BIRD with roa_check(): skipped ({why})")
        return {"skipped": why}
    js = os.path.join(tmp, "bird-ref.json")
    cmd = [sys.executable, os.path.join(HERE, "bird_ref.py"), "--vrps-json", a.vrps_json,
           "--json", js]
    wait_for_soak()
    log("bench: " + " ".join(cmd))
    p = subprocess.run(cmd)
    try:
        with open(js) as f:
            o = json.load(f)
    except (OSError, ValueError):
        return {"error": f"bird_ref.py exited {p.returncode}, no JSON"}
    o["cmd"] = " ".join(cmd)
    print(f"\n== Reference: BIRD ({o.get('bird')}) importing the full table, roa_check() "
          "in the import filter (tests/bench/bird_ref.py)")
    if "error" in o:
        print(f"  error: {o['error']}")
        return o
    mine = rovmon_states(rovmon, a.full, a.vrps_json, tmp, prior)
    print(f"  sender: {o['routes']['total']:,} static routes loaded in {o['sender_load_s']} s; "
          f"VRPs as static ROA tables: {o['roas']['roa4']:,} + {o['roas']['roa6']:,}")
    for r in o["runs"]:
        extra = f", ROA tables loaded in {r['roa_load_s']} s" if "roa_load_s" in r else ""
        print(f"  {r['import']:30s} {r['routes']:,} routes {r['converge_s']:7.2f} s after "
              f"Established: {r['prefixes_per_s']:10,.0f} prefixes/s; receiver CPU "
              f"{r.get('receiver_cpu_s', 0):.2f} s{extra}")
    rov = o.get("best_rov", {})
    if "states" in rov:
        bird = {"valid": rov["states"]["valid"], "invalid": rov["states"]["invalid"],
                "not-found": rov["states"]["unknown"]}
        o["states_vs_rovmon"] = {k: {"bird": bird[k], "rovmon": mine[k]} for k in bird}
        o["states_equal"] = bird == mine
        print("  states, BIRD / rovmon: " + ", ".join(
            f"{k} {bird[k]:,} / {mine[k]:,}" for k in bird) +
            f" ({'equal' if o['states_equal'] else 'DIFFERENT'})")
    if "best_plain" in o and "best_rov" in o:
        p_, r_ = o["best_plain"], o["best_rov"]
        o["roa_check_cost_s"] = round(r_["converge_s"] - p_["converge_s"], 2)
        print(f"  best: import all {p_['converge_s']:.2f} s ({p_['prefixes_per_s']:,}/s), "
              f"roa_check() {r_['converge_s']:.2f} s ({r_['prefixes_per_s']:,}/s): roa_check() "
              f"adds {o['roa_check_cost_s']:+.2f} s; polls {p_['poll_interval_s']}/"
              f"{r_['poll_interval_s']} s apart on average, at most "
              f"{max(p_.get('poll_max_gap_s') or 0, r_.get('poll_max_gap_s') or 0):.1f} s")
    return o


# ------------------------------------------------------------------ rslive

def rslive_section(a, rovmon, tmp):
    why = None
    if os.geteuid() != 0:
        why = "not root"
    for c in ("ip", "ethtool", "tcpreplay"):
        if not why and shutil.which(c) is None:
            why = f"{c} not installed"
    if why:
        print(f"\n== Live, route-server scale: skipped ({why})")
        return {"skipped": why}
    st = os.path.join(tmp, "rslive-probe.json")
    subprocess.run([rovmon, "-q", "-r", a.rs, "--stats", st], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    s = read_stats(st)
    packets, prefixes = s["packets"], s["bgp_announce"] + s["bgp_withdraw"]
    limit = max(1, int(packets * RSLIVE_FRACTION))
    sock = os.path.join(tmp, "rslive.sock")
    rv_args = ["--vrps", a.vrps_json, "--rules", a.rules, "--control", sock]
    if RSLIVE_BUFFER_KIB:
        rv_args += ["-B", RSLIVE_BUFFER_KIB]
    ns = f"rv17refs-live-{os.getpid()}"
    out = {"capture": a.rs, "packets": packets, "prefixes": prefixes, "namespace": ns,
           "rovmon_args": "--vrps V --rules R --control S (every route stored, no alert sink)" +
                          (f" -B {RSLIVE_BUFFER_KIB}" if RSLIVE_BUFFER_KIB else ""),
           "search": {"limit_packets": limit, "fraction": RSLIVE_FRACTION, "runs": []},
           "full": []}
    try:
        live_netns(ns)
        print(f"\n== Live, route-server scale: rovmon -i vb {out['rovmon_args']}, tcpreplay -K "
              f"onto va (netns {ns}); {a.rs}: {packets:,} packets, {prefixes:,} prefixes")
        print(f"  rate search on the first {limit:,} packets ({RSLIVE_FRACTION:.0%}):")
        live_header()
        for rate in (x.strip() for x in RSLIVE_RATES):
            r = live_run(a, rovmon, tmp, ns, rate, None, limit, pcap=a.rs, rv_args=rv_args,
                           limit=limit)
            out["search"]["runs"].append(r)
            live_print(r, rate)
            if not r.get("clean"):
                break  # a higher rate drops too: save the time
        clean = [r for r in out["search"]["runs"] if r.get("clean")]
        if not clean:
            print("  no clean rate in the search")
            return out
        # The search's part fits mostly in the kernel's capture buffer, so
        # a clean run says little about the whole burst; what rovmon took
        # to process it (the replay plus the backlog it drained after)
        # does: the whole capture is sent at 90 % of that rate at most.
        cap = max(r["sent_bytes"] * 8e-6 / (r["sent_s"] + r["drain_s"]) for r in clean)
        out["search"]["processing_mbps"] = round(cap, 1)
        rate = min(clean[-1]["sent_mbps"], 0.9 * cap)
        print(f"  rovmon processed the part at up to {cap:.0f} Mb/s (bytes / (replay + "
              f"drain)); the whole capture at {rate:.0f} Mb/s, then lower while it drops:")
        live_header()
        for _ in range(4):
            req = f"{rate:.0f}"
            r = live_run(a, rovmon, tmp, ns, req, prefixes, packets, pcap=a.rs,
                           rv_args=rv_args)
            r["all_routes_stored"] = r.get("routes_stored") == prefixes
            out["full"].append(r)
            live_print(r, req)
            if r.get("clean") or "error" in r:
                break
            # what got through is what rovmon kept up with
            kept = 1 - r["pcap_drop"] / max(1, r["pcap_recv"])
            rate = 0.9 * r["sent_mbps"] * kept
    finally:
        netns_del(ns)
    ok = [r for r in out["full"] if r.get("clean")]
    out["highest_clean"] = ({"requested": ok[0]["requested"], "sent_mbps": ok[0]["sent_mbps"],
                             "sent_s": ok[0]["sent_s"], "routes_stored": ok[0]["routes_stored"],
                             "all_routes_stored": ok[0]["all_routes_stored"]} if ok else None)
    drops = [r["sent_mbps"] for r in out["full"] if "sent_mbps" in r and not r.get("clean")]
    out["lowest_dropping_mbps"] = min(drops) if drops else None
    if ok:
        print(f"  highest rate with zero drops, whole capture: {ok[0]['sent_mbps']:.1f} Mb/s "
              f"({ok[0]['sent_s']:.1f} s; drops at {min(drops) if drops else '-'} Mb/s); "
              f"routes stored {ok[0]['routes_stored']:,} of {prefixes:,}")
    else:
        print("  the whole capture dropped at every rate tried")
    return out


# ----------------------------------------------------------------- threads

def has_threads(rovmon):
    p = subprocess.run([rovmon, "--threads", "1", "-V"], capture_output=True, text=True)
    if p.returncode == 0:
        return True
    h = subprocess.run([rovmon, "--help"], capture_output=True, text=True)
    return "--threads" in h.stdout + h.stderr and "unknown option" not in p.stderr


def threads_section(a, rovmon, tmp, errlog):
    cases = []
    if a.full:
        cases.append(("full", a.full, repeat(3), (
            ("alerts", "(b) --vrps V --rules R --alerts A", ["--alerts", "@A"]),
            ("routes", "(c) ... --alerts A --routes L", ["--alerts", "@A", "--routes", "@L"]))))
    if a.rs:
        cases.append(("rs", a.rs, repeat(1), (
            ("store", "--vrps V --rules R --control S", ["--control", "@S"]),
            ("alerts", "--vrps V --rules R --alerts /dev/null", ["--alerts", os.devnull]))))
    ok = has_threads(rovmon)
    print("\n== Threads: rovmon --threads 1 against --threads 2")
    if not ok:
        for name, F, _, modes in cases:
            for key, label, _ in modes:
                print(f"  {name:4s} {label:44s} n/a (no --threads)")
        return {"skipped": "no --threads"}
    out = {}
    for name, F, reps, modes in cases:
        E = os.path.join(tmp, f"threads-{name}-empty.pcap")
        empty_pcap(F, E)
        files = {"@A": os.path.join(tmp, "threads-alerts.json"),
                 "@L": os.path.join(tmp, "threads-routes.jsonl"),
                 "@S": os.path.join(tmp, "threads.sock")}
        rows = []
        for key, label, extra in modes:
            args = ["--vrps", a.vrps_json, "--rules", a.rules] + [files.get(x, x) for x in extra]
            for t in (1, 2):
                for src, suf in ((F, ""), (E, "_empty")):
                    stats = os.path.join(tmp, f"threads-{name}-{key}-{t}{suf}.json")
                    rows.append(Row(f"{key}_t{t}{suf}", f"{label} --threads {t}{suf and ' (empty)'}",
                                      [rovmon, "-r", src, "--stats", stats, "--threads", str(t)] +
                                      args, remove=tuple(files.values()), stats=stats, reps=reps))
        run_rows(rows, errlog)
        res = {r.key: r for r in rows}
        s = res[f"{modes[0][0]}_t1"].last_stats()
        n = s["bgp_announce"] + s["bgp_withdraw"]
        o = {"capture": F, "prefixes": n, "rows": {r.key: r.result(None) for r in rows},
             "modes": {}}
        print(f"  {name}: {F} ({n:,} prefixes), net of the empty capture, best of {reps}:")
        for key, label, _ in modes:
            m = {}
            for t in (1, 2):
                net = res[f"{key}_t{t}"].best - res[f"{key}_t{t}_empty"].best
                m[f"t{t}"] = {"wall_s": round(res[f"{key}_t{t}"].best, 3), "net_s": round(net, 3),
                              "prefixes_per_s": round(n / net) if net > 0 else None,
                              "median_wall_s": round(med(res[f"{key}_t{t}"].walls), 3)}
            m["speedup_net"] = (round(m["t1"]["net_s"] / m["t2"]["net_s"], 2)
                                if m["t2"]["net_s"] > 0 else None)
            m["speedup_wall"] = round(m["t1"]["wall_s"] / m["t2"]["wall_s"], 2)
            o["modes"][key] = m
            print(f"    {label:44s} 1 thread {m['t1']['net_s']:7.3f} s "
                  f"({m['t1']['prefixes_per_s'] or 0:,.0f}/s), 2 threads {m['t2']['net_s']:7.3f} s "
                  f"({m['t2']['prefixes_per_s'] or 0:,.0f}/s): x{m['speedup_net']}")
        out[name] = o
    return out
