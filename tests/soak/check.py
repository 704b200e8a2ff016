#!/usr/bin/env python3
"""The verdict of tests/soak.sh, from what the run left in its directory.

  check.py DIR [--gobgp ADDR,ADDR] [--warmup 0.2] [--rss-limit-kb 1024]

DIR holds: actions.txt (churn.py's record), churn.json (its summary),
routes.jsonl, alerts.json, stats.jsonl (rovmon's --routes, --alerts,
--stats with --stats-interval), rss.txt (the sampler: WALLTIME VmRSS_kB
CPU_TICKS LOAD1), vrps.json.

Checks, each printed with its numbers:
  1. drops: pcap_drop + pcap_ifdrop = 0 in every statistics line, no
     reassembly gap, no malformed BGP message;
  2. route log vs the churn record: for every prefix, the sequence of
     announcements (with origin) and withdrawals that rovmon logged on
     the gobgpd -> bird session is exactly the one churn.py sent, and the
     RPKI state logged with each announcement is this script's; rovmon's
     stored routes at the end (routes_valid + routes_invalid +
     routes_not_found) are as many as churn.py left announced;
  3. alerts: the alert file equals (as a multiset of (sid, event, prefix,
     origin, state)) the alerts computed here from the churn record with
     an RFC 6811 validator of its own and the default rules
     (rules/rovmon.rules, docs/rules.md), the capture times taken from
     the matching route-log lines for the NOT_FOUND rate limit; also
     tests/alerts_oracle.py on the route log must agree;
  4. memory: after the warm-up (the first 20% of the churn), VmRSS does
     not rise more than --rss-limit-kb above its level at the end of the
     warm-up.
Writes DIR/report.txt and DIR/summary.json; exit 0 when all pass.
"""
import argparse
import collections
import datetime
import ipaddress
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SID = {("invalid", "as"): 1000001, ("invalid", "length"): 1000002,
       ("invalid", "as0"): 1000003, ("invalid", "as_set"): 1000004}
OUT = []


def say(*a):
    s = " ".join(str(x) for x in a)
    OUT.append(s)
    print(s, flush=True)


def canon(p):
    return ipaddress.ip_network(p).compressed


def ts_of(s):
    d = datetime.datetime.fromisoformat(s[:19]).replace(tzinfo=datetime.timezone.utc)
    return d.timestamp() + int(s[20:26]) / 1e6


def load_vrps(path):
    doc = json.load(open(path))
    out = []
    for r in doc["roas"]:
        a = r["asn"]
        a = int(a[2:]) if isinstance(a, str) else int(a)
        out.append((ipaddress.ip_network(r["prefix"]), int(r["maxLength"]), a))
    return out


def validate(vrps, prefix, origin):
    """RFC 6811 (state, reason), written independently of rovmon."""
    n = ipaddress.ip_network(prefix)
    covered = as_ok = False
    for r, m, a in vrps:
        if r.version != n.version or not n.subnet_of(r):
            continue
        covered = True
        if a == origin and a != 0:
            as_ok = True
            if n.prefixlen <= m:
                return "valid", None
    if not covered:
        return "not-found", None
    return "invalid", "length" if as_ok else "as"


def read_actions(path):
    acts = []
    for line in open(path):
        seq, wall, op, afi, p, o = line.split()
        acts.append((int(seq), float(wall), op, afi, canon(p), None if o == "-" else int(o)))
    return acts


def expected_alerts(events, vrps):
    """events: capture-ordered dicts with peer, prefix, op, origin, ts.
    The default rules' alerts, the same semantics as docs/rules.md."""
    store = {}
    out = collections.Counter()
    for e in events:
        key = (e["peer"], e["prefix"])
        prev = store.get(key)
        if e["op"] == "W":
            if prev is not None:
                if prev[2]:
                    out[(1000007, "resolved", e["prefix"], prev[0], prev[1])] += 1
                del store[key]
            continue
        state, reason = validate(vrps, e["prefix"], e["origin"])
        if prev is not None and prev[0] == e["origin"] and prev[1] == state:
            continue
        alerted = prev is not None and prev[2]
        if alerted and state == "valid":
            out[(1000007, "resolved", e["prefix"], e["origin"], state)] += 1
            store[key] = (e["origin"], state, False)
            continue
        # every NOT_FOUND alerts: no event_filter in the default rules
        # since issue 12
        sid = 1000005 if state == "not-found" else SID.get((state, reason))
        if sid:
            out[(sid, "announce", e["prefix"], e["origin"], state)] += 1
        elif alerted:
            out[(1000007, "resolved", e["prefix"], e["origin"], state)] += 1
        store[key] = (e["origin"], state, bool(sid))
    return out


def linfit(xs, ys):
    n = len(xs)
    if n < 2:
        return 0.0
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--gobgp", default="10.179.210.1,fd00:179:210::1")
    ap.add_argument("--warmup", type=float, default=0.2)
    ap.add_argument("--rss-limit-kb", type=int, default=1024)
    a = ap.parse_args()
    d = a.dir
    gob = {canon(x + ("/128" if ":" in x else "/32")).split("/")[0] for x in a.gobgp.split(",")}
    ok = {}

    churn = json.load(open(f"{d}/churn.json"))
    acts = read_actions(f"{d}/actions.txt")
    vrps = load_vrps(f"{d}/vrps.json")

    # --- statistics and drops ------------------------------------------------------
    st = [json.loads(x) for x in open(f"{d}/stats.jsonl") if x.strip()]
    fin = st[-1]
    maxdrop = max((s.get("pcap_drop", 0) or 0) + (s.get("pcap_ifdrop", 0) or 0) for s in st)
    keys = ["packets", "bytes", "pcap_recv", "pcap_drop", "pcap_ifdrop", "reasm_gaps",
            "reasm_gap_bytes", "reasm_retransmit", "reasm_ooo", "bgp_malformed",
            "bgp_msg_across_gap", "bgp_resyncs", "decode_truncated", "sessions",
            "sessions_midstream", "bgp_update", "bgp_announce", "bgp_withdraw",
            "route_events", "rib_new", "rib_changed", "rib_withdrawn", "rib_withdraw_absent",
            "rib_same", "rib_nomem", "reasm_nomem", "rpki_valid", "rpki_invalid",
            "rpki_not_found", "alerts", "alert_lines", "alert_write_errors"]
    say("final statistics: " + ", ".join(f"{k}={fin.get(k)}" for k in keys))
    say(f"statistics lines: {len(st)}; largest pcap_drop+pcap_ifdrop in any line: {maxdrop}")
    ok["no drops"] = (fin.get("pcap_drop") == 0 and fin.get("pcap_ifdrop") == 0 and maxdrop == 0
                      and fin.get("reasm_gaps") == 0 and fin.get("bgp_malformed") == 0
                      and fin.get("reasm_nomem", 0) == 0 and fin.get("rib_nomem", 0) == 0)

    # --- route log vs churn record -------------------------------------------------------
    logged = collections.defaultdict(list)   # prefix -> [(op, origin, ts, pos, peer, rpki)]
    other = collections.Counter()
    pos = 0
    for line in open(f"{d}/routes.jsonl"):
        e = json.loads(line)
        pos += 1
        if e["src_addr"] not in gob or e["src_port"] != 179:
            other[e["event"]] += 1
            continue
        op = "A" if e["event"] == "announce" else "W"
        logged[canon(e["prefix"])].append(
            (op, e.get("origin_as") if op == "A" else None, ts_of(e["ts"]), pos,
             e["src_addr"], e.get("rpki")))
    sent = collections.defaultdict(list)
    for seq, wall, op, afi, p, o in acts:
        sent[p].append((op, o, seq, wall))
    n_log = sum(len(v) for v in logged.values())
    bad = []
    for p in sorted(set(sent) | set(logged), key=lambda x: (":" in x, x)):
        s = [(x[0], x[1]) for x in sent.get(p, [])]
        g = [(x[0], x[1]) for x in logged.get(p, [])]
        if s != g:
            bad.append((p, s, g))
    say(f"churn record: {len(acts)} actions ({churn.get('pool_actions')} initial announcements, "
        f"then {churn['announce'] - churn.get('pool_actions', 0)} announcements of absent prefixes, "
        f"{churn['change']} origin changes, {churn['withdraw']} withdrawals) over "
        f"{len(sent)} prefixes; {churn['churn_seconds']} s of churn, {churn['late_ticks']} late ticks")
    say(f"route log: {n_log} events on the gobgpd -> bird sessions, {sum(other.values())} in the "
        f"other direction {dict(other)}; prefixes whose logged sequence differs from the record: {len(bad)}")
    for p, s, g in bad[:10]:
        i = next((k for k in range(min(len(s), len(g))) if s[k] != g[k]), min(len(s), len(g)))
        say(f"  {p}: {len(s)} sent, {len(g)} logged; first difference at #{i}: "
            f"sent {s[i:i + 3]} logged {g[i:i + 3]}")
    ok["route log = churn record"] = not bad and n_log == len(acts)

    # rovmon's stored routes at the end = what churn.py left announced
    if "routes_valid" in fin:
        held = fin["routes_valid"] + fin["routes_invalid"] + fin["routes_not_found"]
        rb = [s.get("rib_bytes", 0) for s in st]
        say(f"rovmon's RIB at the end: {held} routes (valid {fin['routes_valid']}, invalid "
            f"{fin['routes_invalid']}, not-found {fin['routes_not_found']}), churn.py left "
            f"{churn['present']}; rib_bytes first {rb[0]}, max {max(rb)}, last {rb[-1]}")
        ok["RIB = final announcements"] = held == churn["present"]

    # RPKI states in the route log vs the validator here
    rpki_bad = 0
    for p, evs in logged.items():
        for op, o, _, _, _, r in evs:
            if op == "A":
                s, why = validate(vrps, p, o)
                if not r or r.get("state") != s or r.get("reason") != why:
                    rpki_bad += 1
                    if rpki_bad <= 5:
                        say(f"  {p} AS{o}: rovmon {r}, expected {s}/{why}")
    say(f"RPKI state of every logged announcement = this validator's: "
        f"{'yes' if not rpki_bad else f'no, {rpki_bad} differ'}")
    ok["rpki states"] = rpki_bad == 0

    # --- rate ---------------------------------------------------------------------
    churn_acts = [x for x in acts if x[0] > churn.get("pool_actions", 0)]
    if churn_acts:
        span = churn["churn_seconds"]
        say(f"rate: {len(churn_acts)} route changes in {span} s = {len(churn_acts) / span:.1f} "
            f"updates/s sent (target {churn.get('rate')}/s)")
    # statistics lines every 10 s: the first holds the pool, the last two are partial
    per = [(y.get("route_events", 0) - x.get("route_events", 0),
            y.get("bgp_update", 0) - x.get("bgp_update", 0),
            y.get("pcap_recv", 0) - x.get("pcap_recv", 0)) for x, y in zip(st, st[1:])][:-2]
    if per:
        say(f"per 10 s statistics interval during the churn ({len(per)} full ones): route events "
            f"min {min(p[0] for p in per)}, max {max(p[0] for p in per)}; UPDATE messages max "
            f"{max(p[1] for p in per)}; packets max {max(p[2] for p in per)}")

    # --- alerts -----------------------------------------------------------------------
    got = collections.Counter()
    for line in open(f"{d}/alerts.json"):
        x = json.loads(line)
        b = x["bgp"]
        got[(x["sid"], b["event"], canon(b["prefix"]), b["origin_as"],
             (b.get("rpki") or {}).get("state"))] += 1
    # capture order and times from the log, contents from the record
    evs = []
    if not bad:
        for p, s in sent.items():
            for (op, o, seq, wall), g in zip(s, logged[p]):
                evs.append({"pos": g[3], "ts": g[2], "peer": g[4], "prefix": p, "op": op, "origin": o})
        evs.sort(key=lambda e: e["pos"])
    else:   # no capture times to trust: send order, wall clock
        for seq, wall, op, afi, p, o in acts:
            evs.append({"pos": seq, "ts": wall, "peer": afi, "prefix": p, "op": op, "origin": o})
    exp = expected_alerts(evs, vrps)
    by_got = collections.Counter(k[0] for k in got.elements())
    by_exp = collections.Counter(k[0] for k in exp.elements())
    say(f"alerts: {sum(got.values())} written, {sum(exp.values())} expected from the churn record")
    for sid in sorted(set(by_got) | set(by_exp)):
        say(f"  sid {sid}: {by_got.get(sid, 0)} written, {by_exp.get(sid, 0)} expected")
    for k, n in list((exp - got).items())[:10]:
        say("  missing   ", n, k)
    for k, n in list((got - exp).items())[:10]:
        say("  unexpected", n, k)
    ok["alerts = expected (churn record)"] = got == exp
    r = subprocess.run([sys.executable, os.path.join(HERE, "..", "alerts_oracle.py"),
                        f"{d}/routes.jsonl", f"{d}/alerts.json"], capture_output=True, text=True)
    for line in r.stdout.splitlines():
        say("  oracle: " + line.replace(d + "/", ""))
    ok["alerts = tests/alerts_oracle.py"] = r.returncode == 0

    # --- memory -------------------------------------------------------------------------
    rss = []    # (walltime, VmRSS kB, cpu ticks, load1, RssAnon kB)
    for line in open(f"{d}/rss.txt"):
        f = line.split()
        if len(f) >= 5 and f[1].isdigit():
            rss.append((float(f[0]), int(f[1]), int(f[2]), float(f[3]), int(f[4])))
    t_churn0 = churn_acts[0][1] if churn_acts else acts[0][1]
    t_churn1 = churn_acts[-1][1] if churn_acts else acts[-1][1]
    during = [x for x in rss if t_churn0 <= x[0] <= t_churn1 + 1]
    w0 = t_churn0 + a.warmup * (t_churn1 - t_churn0)
    after = [x for x in during if x[0] >= w0]
    mem = {}
    for col, name in ((1, "VmRSS"), (4, "RssAnon")):
        v = [x[col] for x in rss]
        say(f"{name}: {len(rss)} samples ({len(during)} during the churn); whole run: first "
            f"{v[0]} kB, min {min(v)}, max {max(v)}, last {v[-1]} kB")
        if len(after) >= 2:
            w = [x[col] for x in after]
            slope = linfit([x[0] for x in after], w) * 60
            grow = max(w) - w[0]
            say(f"  after the warm-up (last {100 - a.warmup * 100:.0f}% of the churn, {len(w)} samples): "
                f"first {w[0]} kB, min {min(w)}, max {max(w)}, last {w[-1]} kB; rise above the "
                f"first {grow} kB (limit {a.rss_limit_kb}); slope {slope:+.1f} kB/min")
            mem[name] = {"first": v[0], "min": min(v), "max": max(v), "last": v[-1],
                         "after_warmup_first": w[0], "after_warmup_min": min(w),
                         "after_warmup_max": max(w), "after_warmup_last": w[-1],
                         "rise_kb": grow, "slope_kb_per_min": round(slope, 2)}
            ok[f"flat memory ({name})"] = grow <= a.rss_limit_kb
        else:
            say("  too few samples after the warm-up to judge memory")
            ok[f"flat memory ({name})"] = False
    if len(during) >= 2:
        hz = os.sysconf("SC_CLK_TCK")
        cpu = (during[-1][2] - during[0][2]) / hz / (during[-1][0] - during[0][0])
        say(f"rovmon CPU during the churn: {100 * cpu:.1f}% of one core; load average (1 min) "
            f"min {min(x[3] for x in during):.2f}, max {max(x[3] for x in during):.2f}")

    say("")
    for k, v in ok.items():
        say(f"{'PASS' if v else 'FAIL'}: {k}")
    verdict = all(ok.values())
    say("VERDICT: " + ("PASS" if verdict else "FAIL"))
    with open(f"{d}/report.txt", "w") as f:
        f.write("\n".join(OUT) + "\n")
    with open(f"{d}/summary.json", "w") as f:
        json.dump({"checks": ok, "final_stats": fin, "churn": churn,
                   "alerts_by_sid": {str(k): v for k, v in sorted(by_got.items())},
                   "expected_by_sid": {str(k): v for k, v in sorted(by_exp.items())},
                   "memory": mem, "rss": rss}, f, indent=1)
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
