"""Issue 17's targets, each next to this run's figure and to the bound the
machine puts on it (tests/bench.py prints the table last and keeps it in
the JSON under "issue17_targets"; docs/performance.md says how to read it).

The bounds come from tests/bench_bounds.c, run in the same make bench
(section "bounds"), turned into a time per target by a stated model:

  misses   a dependent cache miss costs ns_dependent (the chase over a
           set the size of the structure, on huge pages as rovmon's index
           and route arenas ask for); batched, misses overlap up to the
           best rate bench_bounds reached with K chains in flight (the
           memory-level parallelism: what batching can at best reach).
           Per route: a ROV lookup on a ROA-covered route is about two
           dependent misses in the VRP index (src/rpki/rov.c's essay), an
           uncovered one hits the cached jump table; storing a route is
           about two more in the route state (the prefix's slot and the
           path tuple's: docs/performance.md, "Where the time goes").
  bytes    the capture read with read(2) (what cat does), the alert file
           written with write(2) of 1 MiB blocks into the page cache, at
           the rates bench_bounds measured.
  threads  the packet thread reads, decodes, looks up and stores; with
           --threads 2 the output thread formats and writes the alerts:
           the two overlap, so the bound is the larger of the two times.

A bound is what the machine allows with every instruction but the memory
and I/O taken away: a figure under its target while the bound is over it
is software to win; a bound under the target says the target cannot be
met on this machine in that form, and by what.
"""
import os


def g(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


# ------------------------------------------------------------ bounds

def _sets(bounds, pages="huge"):
    return [c for c in bounds.get("chase", []) if c["pages"] == pages]


def latency_ns(bounds, mib):
    """ns per dependent miss over the measured set nearest in size to mib
    (at least as big when there is one)."""
    sets = _sets(bounds)
    if not sets:
        return None
    big = [c for c in sets if c["mib"] >= mib * 0.99]
    c = min(big, key=lambda c: c["mib"]) if big else max(sets, key=lambda c: c["mib"])
    return c["ns_dependent"]


def mlp_rate(bounds, mib):
    """(best misses/s with chains in flight, the K that reached it)."""
    sets = _sets(bounds)
    if not sets:
        return None, None
    big = [c for c in sets if c["mib"] >= mib * 0.99]
    c = min(big, key=lambda c: c["mib"]) if big else max(sets, key=lambda c: c["mib"])
    k, r = max(c["loads_per_s"].items(), key=lambda kv: kv[1])
    return r, int(k)


def write_gb_s(bounds):
    w = bounds.get("write") or {}
    return w["bytes"] / w["file_s"] / 1e9 if w.get("file_s") else None


def read_gb_s(bounds):
    r = bounds.get("read") or {}
    return r["bytes"] / r["s"] / 1e9 if r.get("s") else None


def bounds_section(a, bench_bounds, res, run):
    """Runs tests/bench_bounds.c with the sizes of this run's structures
    (the VRP index of the vrps section, the full table's route state, the
    alert file of the full section) and prints its table."""
    vrp_mib = (g(res, "vrps", "json", "index_bytes") or 52 * 1048576) / 1048576
    rib_mib = (g(res, "full", "memory", "rib_bytes") or 75e6) / 1048576
    alert_bytes = g(res, "full", "rows", "store", "output_bytes", "alerts.json") or 949e6
    sizes = [0.5, 16, round(vrp_mib, 1), round(rib_mib, 1), 1024]
    cmd = [bench_bounds, "-j", "-s", ",".join(str(x) for x in sizes),
           "-w", f"{alert_bytes / 1e6:.0f}", "-d", "/var/tmp"]
    if a.full:
        cmd += ["-r", a.full]
    print("\n== Measured bounds (tests/bench_bounds.c): memory latency and parallelism, "
          "bandwidths")
    p = run(cmd)
    if p is None or "error" in p:
        print(f"  failed: {p and p['error']}")
        return p
    p["cmd"] = " ".join(cmd)
    ks = p["chains"]
    print(f"  dependent loads over a random cycle of {p['node_bytes']}-byte nodes "
          f"({p['loads']:,} a run, best of {p['rounds']}); M loads/s with K chains in flight:")
    print(f"  {'set':>10s} {'pages':>5s} {'ns/miss':>8s} " +
          " ".join(f"{'K=' + str(k):>7s}" for k in ks))
    for c in p["chase"]:
        print(f"  {c['mib']:6.1f} MiB {c['pages']:>5s} {c['ns_dependent']:8.1f} " +
              " ".join(f"{c['loads_per_s'][str(k)] / 1e6:7.1f}" for k in ks))
    w = p["write"]
    print(f"  memcpy {p['memcpy_gb_s']:.2f} GB/s, memset {p['memset_gb_s']:.2f} GB/s; "
          f"write(2) of {w['bytes'] / 1e6:.0f} MB in 1 MiB blocks: /dev/null "
          f"{w['dev_null_s'] * 1e3:.2f} ms, a new file in {w['dir']} {w['file_s'] * 1e3:.0f} ms "
          f"({write_gb_s(p):.2f} GB/s)")
    if "read" in p:
        r = p["read"]
        print(f"  read(2) of the capture ({r['bytes'] / 1e6:.1f} MB, page cache): "
              f"{r['s'] * 1e3:.1f} ms ({read_gb_s(p):.2f} GB/s)")
    return p


# ------------------------------------------------------------ the table

def fmt_rate(x):
    if not x:
        return "n/a"
    return f"{x / 1e6:.2f} M/s" if x >= 1e6 else f"{x / 1e3:.1f} k/s"


def status(value, goal, higher_better=True):
    if value is None:
        return "not measured"
    return "met" if (value >= goal if higher_better else value <= goal) else "MISSED"


def build(res):
    """The rows: (target, this run, status, bound) with the numbers kept."""
    rows = []
    B = res.get("bounds") if isinstance(res.get("bounds"), dict) and \
        "chase" in res.get("bounds", {}) else None
    full = res.get("full") or {}
    n = g(full, "capture", "prefixes")
    st = g(full, "rows", "store", "stats") or {}
    covered = (st.get("rpki_valid") or 0) + (st.get("rpki_invalid") or 0)
    vrp_mib = (g(res, "vrps", "json", "index_bytes") or 52 * 1048576) / 1048576
    rib_mib = (g(full, "memory", "rib_bytes") or 75e6) / 1048576
    t_read = g(B, "read", "s")
    # the full section's alert file; else the bytes bench_bounds wrote
    alert_bytes = g(full, "rows", "store", "output_bytes", "alerts.json") or \
        g(B, "write", "bytes")

    def row(key, target, value, shown, stat, bound=None, note=None):
        rows.append({"key": key, "target": target, "value": value, "this_run": shown,
                     "status": stat, "bound": bound, "note": note})

    # packet-thread memory time: misses / batched rate, and one at a time
    def mem(misses, mib):
        r, k = mlp_rate(B, mib) if B else (None, None)
        lat = latency_ns(B, mib) if B else None
        return (misses / r if r else None, k, misses * lat * 1e-9 if lat else None)

    # 1. decode + validate + store + alerts written
    v = g(full, "net_of_startup_and_vrp_load", "store", "prefixes_per_s")
    bound = None
    if B and n and t_read is not None:
        tv, k, _ = mem(2 * covered, vrp_mib)
        ts, _, _ = mem(2 * n, rib_mib)
        packet = t_read + (tv or 0) + (ts or 0)
        wb = write_gb_s(B)
        out = alert_bytes / (wb * 1e9) if alert_bytes and wb else 0
        t = max(packet, out)
        what = "the alert bytes" if out >= packet else "reading + misses"
        # not a bound but this run's measured software cost beside it:
        # the formatter's ns per alert (json section) times the alerts
        fmt_ns = g(res, "json", "alert_format_json_ns_per_event")
        lines = st.get("alert_lines")
        fmt = (f"; today's formatter adds {fmt_ns} ns x {lines:,} alerts = "
               f"{fmt_ns * lines / 1e6:.0f} ms to the output thread") if fmt_ns and lines else ""
        bound = {"s": round(t, 4), "prefixes_per_s": round(n / t),
                 "packet_thread_s": round(packet, 4), "output_thread_s": round(out, 4),
                 "text": f"<= {n / t / 1e6:.1f} M/s: {what} (packet thread {packet * 1e3:.0f} ms: "
                         f"read {t_read * 1e3:.0f} + {2 * covered + 2 * n:,} misses at K={k}; "
                         f"output thread {out * 1e3:.0f} ms: "
                         f"{(alert_bytes or 0) / 1e6:.0f} MB written at {wb:.2f} GB/s){fmt}"}
    row("alerts", "decode + validate + store + alerts written >= 10 M prefixes/s", v,
        fmt_rate(v), status(v, 10e6), bound)

    # 2. decode + validate
    v = g(full, "net_of_startup_and_vrp_load", "validate", "prefixes_per_s")
    dnet = g(full, "net_of_startup_and_vrp_load", "decode", "net_s")
    bound = None
    if B and n and t_read is not None:
        tv, k, tdep = mem(2 * covered, vrp_mib)
        t = t_read + (tv or 0)
        bound = {"s": round(t, 4), "prefixes_per_s": round(n / t),
                 "text": f"<= {n / t / 1e6:.1f} M/s (read {t_read * 1e3:.0f} ms + "
                         f"{2 * covered:,} misses in {vrp_mib:.0f} MiB at K={k}: "
                         f"{(tv or 0) * 1e3:.0f} ms; one at a time {(tdep or 0) * 1e3:.0f} ms)"
                         + (f"; decode alone took {dnet * 1e3:.0f} ms net "
                            f"({n / dnet / 1e6:.1f} M/s) in this run" if dnet else "")}
    row("validate", "decode + validate >= 20 M prefixes/s", v, fmt_rate(v),
        status(v, 20e6), bound)

    # 3. decode only: >= 100x tshark, within 3x of cat
    ra = full.get("ratios") or {}
    v = ra.get("tshark_over_rovmon_decode")
    row("tshark", "decode only >= 100x tshark", v, f"{v}x" if v else "n/a",
        status(v, 100), None, "tshark's time varies 10-18 s between runs on this VM")
    v = ra.get("rovmon_decode_over_cat")
    cat = g(full, "rows", "cat", "best_s")
    netx = round(dnet / cat, 2) if dnet and cat else None
    row("cat", "decode only within 3x of cat", v,
        f"{v}x wall, {netx}x net of start-up" if v else "n/a", status(v, 3, False),
        {"text": f"decode >= the read: read(2) {t_read * 1e3:.1f} ms, cat {cat * 1e3:.1f} ms "
                 f"wall (3x = {3 * cat * 1e3:.0f} ms; decode {dnet * 1e3:.0f} ms net)"}
        if B and t_read and cat and dnet else None)

    # 4. batched ROV on covered routes
    lk = g(res, "vrps", "json", "lookups_per_s") or {}
    fams = {}
    for fam in ("ipv4_derived", "ipv6_derived"):
        b = g(lk, fam, "batched")
        if b:
            k, r = max(b.items(), key=lambda kv: kv[1])
            fams[fam] = (r, k, g(lk, fam, "rate"))
    v = min(x[0] for x in fams.values()) if fams else None
    bound = None
    if B:
        r, k = mlp_rate(B, vrp_mib)
        lat = latency_ns(B, vrp_mib)
        bound = {"prefixes_per_s": round(r / 2), "dependent_per_s": round(1e9 / (2 * lat)),
                 "text": f"<= {r / 2e6:.0f} M/s batched (2 misses in {vrp_mib:.0f} MiB, "
                         f"{r / 1e6:.0f} M misses/s at K={k}); one at a time "
                         f"{1e9 / (2 * lat) / 1e6:.1f} M/s ({lat:.0f} ns a miss)"}
    row("rov", "ROV lookups on ROA-covered routes >= 20 M/s batched", v,
        "; ".join(f"{f[:4]} {x[0] / 1e6:.1f} M/s (batch {x[1]}; one at a time "
                  f"{x[2] / 1e6:.1f})" for f, x in fams.items()) or "n/a",
        status(v, 20e6), bound)

    # 5. ASPA hop lookups batched (tests/bench_aspa.c): the slowest set's
    # batched rate, aspa_hops_batched_per_s; "at least as fast" as the
    # covered ROV target (20 M/s), and this run's batched ROV beside it
    rov = v
    v = g(res, "aspa", "aspa_hops_batched_per_s")
    sets = [(k, g(res, "aspa", k, "hops_batched_per_s"), g(res, "aspa", k, "hops_per_s"))
            for k in ("real", "dense", "large")]
    row("aspa", "ASPA hop lookups batched, at least as fast (>= 20 M/s)", v,
        "; ".join(f"{k} {b / 1e6:.1f} M/s (one at a time {o / 1e6:.1f})"
                  for k, b, o in sets if b and o) or "n/a",
        status(v, 20e6), None,
        f"this run's batched covered ROV: {rov / 1e6:.1f} M/s" if rov else None)

    # 6-8. route-server scale
    rs = res.get("rs") or {}
    v = g(rs, "memory", "store", "rib_bytes_per_route")
    pk = g(rs, "memory", "store", "peak_rss_minus_baseline_per_route")
    row("rs_bytes", "route server: <= 32 B per stored route", v,
        f"{v} B (rib_bytes), {pk} B peak RSS" if v else "n/a", status(v, 32, False))
    v = g(rs, "net_of_startup_and_vrp_load", "store", "net_s")
    rsn = g(rs, "capture", "prefixes")
    bound = None
    if B and rsn and read_gb_s(B):
        tr = g(rs, "capture", "bytes") / (read_gb_s(B) * 1e9)
        tm, k, _ = mem(2 * rsn, 1024)
        bound = {"s": round(tr + tm, 2), "text": f">= {tr + tm:.1f} s (read {tr:.1f} s + "
                 f"{2 * rsn / 1e6:.0f} M misses over 1 GiB at K={k}: {tm:.1f} s)"}
    row("rs_ingest", "route server: burst ingest time reported", v,
        f"{v} s net ({fmt_rate(rsn / v)})" if v and rsn else "n/a",
        "reported" if v else "not measured", bound)
    hc = g(res, "rs_live", "highest_clean")
    ing = g(rs, "net_of_startup_and_vrp_load", "store", "net_s")
    row("rs_live", "route server: live replay of the burst, 0 pcap drops", hc and hc["sent_mbps"],
        f"{hc['sent_mbps']} Mb/s clean, all routes stored: {hc['all_routes_stored']}" if hc
        else ("none clean" if res.get("rs_live") else "n/a"),
        "reported" if hc else "not measured",
        {"text": f"<= {g(rs, 'capture', 'bytes') * 8e-6 / ing:.0f} Mb/s: the offline ingest rate"}
        if ing and g(rs, "capture", "bytes") else None)

    # 9. threads
    for case, mode in (("full", "alerts"), ("rs", "alerts")):
        v = g(res, "threads", case, "modes", mode, "speedup_net")
        if v is not None or case == "full":
            row(f"threads_{case}", f"1 -> 2 threads speed-up ({case}, {mode})", v,
                f"x{v}" if v else "n/a", "reported" if v else "not measured",
                {"text": f"<= x{os.cpu_count()} ({os.cpu_count()} cores)"})

    # 10. re-validation
    v = g(res, "reval", "a_to_b", "best_s")
    row("reval", "re-validation of 55 M stored routes <= 2 s, alerts included", v,
        f"{v:.3f} s ({g(res, 'reval', 'routes'):,} routes)" if v else "n/a",
        status(v, 2, False))

    # 11-13. time to alert, with rovmon's default and with the option
    for tag, label in (("time_to_alert", "default"), ("time_to_alert_bt5",
                                                      "--buffer-timeout 5")):
        tta = res.get(tag)
        if not tta and tag != "time_to_alert":
            continue
        bt = "100" if tag == "time_to_alert" else "5"
        for part, goal in (("idle", 10), ("load", 100)):
            p99 = g(tta, part, "p99_ms")
            v = p99[0] if p99 else None
            row(f"tta_{part}_{tag}", f"time to alert, {'idle link' if part == 'idle' else 'during a full table'}, "
                f"p99 <= {goal} ms ({label})", v,
                f"p99 {p99[0]} / {p99[1]} ms (min / median of runs)" if p99 else "n/a",
                status(v, goal, False),
                {"text": f"the capture hands frames over up to {bt} ms after a block's first "
                         "(--buffer-timeout)"})
        pl = g(tta, "vrp", "publish_to_last_ms")
        v = pl[0] if pl else None
        row(f"tta_vrp_{tag}", f"VRP publish -> last flipped alert, 1 M routes, <= 1 s ({label})",
            v, f"{pl[0]} / {pl[1]} ms" if pl else "n/a", status(v, 1000, False))

    # 14-15. references
    r = g(res, "tshark_ref", "net_of_startup_and_vrp_load", "reference", "prefixes_per_s")
    ra = g(res, "tshark_ref", "ratios") or {}
    row("ref_tshark", "reference: tshark | validation script, same run", r,
        f"{fmt_rate(r)} net; {ra.get('reference_over_alerts_net')}x rovmon's alerts path, "
        f"states equal: {g(res, 'tshark_ref', 'states_equal')}" if r else "n/a",
        "reported" if r else "not measured")
    b = g(res, "bird_ref", "best_rov")
    row("ref_bird", "reference: BIRD with roa_check(), time to converge", b and b["converge_s"],
        f"{b['converge_s']} s ({b['prefixes_per_s']:,}/s), states equal: "
        f"{g(res, 'bird_ref', 'states_equal')}" if b else "n/a",
        "reported" if b else "not measured")
    # issue 18: the full table from MRT at least as fast per prefix as
    # from pcap (tests/bench/mrt_bench.py): ns/prefix MRT / pcap, net
    for mode, lab in (("decode", "decode only"), ("validate", "decode + validate")):
        v = g(res, "mrt", "ratio_mrt_over_pcap", "mrt", mode)
        ns = [g(res, "mrt", "inputs", k, "modes", mode, "ns_per_prefix") for k in ("mrt", "pcap")]
        row(f"mrt_{mode}", f"(issue 18) full table from MRT at least as fast per prefix "
            f"as from pcap, {lab}", v,
            f"x{v} ({ns[0]} / {ns[1]} ns per prefix)" if v else "n/a", status(v, 1, False))
    # issue 6's single-table memory target, regressed by the shared store
    v = g(full, "memory", "rib_bytes_per_route")
    row("full_bytes", "(issue 6) full table <= 64 B per stored route", v,
        f"{v} B" if v else "n/a", status(v, 64, False))
    return rows


def report(res, only=None):
    """Prints the table; with only (BENCH_ONLY), just the rows that the
    section measured."""
    rows = build(res)
    shown = [r for r in rows if not only or r["value"] is not None]
    h = res.get("host", {})
    end = os.getloadavg()
    print(f"\n== Issue 17 targets, this run ({h.get('nproc')} cores, {h.get('cpu')}; "
          f"load average {h['loadavg_start'][0]:.2f} at the start, {end[0]:.2f} now; "
          f"rovmon {g(res, 'rovmon', 'git_head')})")
    w = max(len(r["target"]) for r in rows)
    for r in shown:
        print(f"  {r['target']:{w}s}  {r['status']:12s} {r['this_run']}")
        if r["bound"]:
            print(f"  {'':{w}s}  {'bound':12s} {r['bound']['text']}")
        if r["note"]:
            print(f"  {'':{w}s}  {'':12s} ({r['note']})")
    return {"rows": rows, "loadavg_start": h.get("loadavg_start"), "loadavg_end": end,
            "nproc": h.get("nproc"), "cpu": h.get("cpu")}
