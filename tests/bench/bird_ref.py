#!/usr/bin/env python3
"""BIRD importing the full table with roa_check() in its import filter:
the router-side reference of make bench (issue 17), time to converge.

usage: bird_ref.py --vrps-json V.json --json OUT [--shared DIR]
                   [--cache DIR] [--ns-prefix P] [--no-baseline]

Two network namespaces joined by a veth pair (offloads off, MTU 1500):
- the sender (AS4200000001): BIRD 2 with the full table's routes as
  static routes (tests/bench/fulltable_gen.py, the generator of the
  full-table capture, so the same 577,704 IPv4 + 537,162 IPv6 routes
  with the same AS paths), exported over one IPv4 and one IPv6 eBGP
  session, both configured "disabled" so that the burst starts only once
  the sender holds every route;
- the receiver (AS4200000002): BIRD 2 with the real VRPs as static
  roa4/roa6 tables (one "route P max M as A;" per distinct VRP, as
  tests/bird_rov.py writes them) and an import filter that calls
  roa_check(r4|r6, net, bgp_path.last) on every route and tags it with a
  large community (4200000002, 0, STATE), STATE 1 valid, 2 invalid,
  0 unknown, then accepts it: an operator who rejects invalids would
  store fewer routes, and the count of each state is what is compared
  with rovmon's.
Measured: the ROA load (receiver start -> both ROA tables full: config
parse and table fill), then with the sessions enabled from Python, the
time from the first session's Established (BIRD's "since" time stamp, in
ms: timeformat protocol iso long ms) to the receiver's "Routes: N
imported" of both sessions reaching the table's size (polled over the
control socket with `show protocols all`, 0.1 s apart; BIRD answers
between batches of UPDATEs, so a poll may take up to 0.6 s while it imports:
the resolution, kept in the JSON as poll_interval_s, the mean, and
poll_max_gap_s).
The receiver's CPU time over the same span (/proc/PID/stat: less
disturbed by other jobs than the wall time) is kept too.  Then the split
by state (`show route ... where (4200000002,0,S) ~
bgp_large_community count`).  The baseline: the same receiver without
ROA tables and with "import all", so the sender's and the session's own
pace is known (converge time with roa_check minus without = what ROV
costs BIRD).  The runs go A B B A (import all, roa_check, roa_check,
import all); the best of each kind is kept.  Needs root, ip, ethtool, bird2, bgpdump.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
import bird_rov  # noqa: E402  (its VRP parser, ROA tables and control-socket client)
from benchlib import link_up, netns_add, netns_del, sh  # noqa: E402

TAG_AS = 4200000002
STATES = (("valid", 1), ("invalid", 2), ("unknown", 0))


def log(msg):
    print(f"[bird_ref +{time.monotonic() - T0:.1f}s] {msg}", file=sys.stderr, flush=True)


T0 = time.monotonic()


def routes(shared, cache):
    """The full table's routes as BIRD static bodies (cached)."""
    mrt = os.path.join(shared, "mrt/bgpdump-test_data/updates.et-header.2015.gz")
    vrps = os.path.join(shared, "vrps/rpki-client-9.x-2025-07-20/"
                        "rpkiclient_summary_20250720T093135Z.json.bz2")
    gen = os.path.join(HERE, "fulltable_gen.py")
    h = hashlib.sha256()
    for p in (gen, mrt, vrps):
        with open(p, "rb") as f:
            h.update(f.read())
    d = os.path.join(cache, "bird-ref-routes-" + h.hexdigest()[:16])
    if not os.path.exists(os.path.join(d, "counts.txt")):
        log("generating the full table's routes (tests/bench/fulltable_gen.py)")
        subprocess.run([sys.executable, gen, mrt, vrps, d + ".tmp"], check=True,
                       stdout=subprocess.DEVNULL)
        shutil.rmtree(d, ignore_errors=True)
        os.replace(d + ".tmp", d)
    with open(os.path.join(d, "counts.txt")) as f:
        c = {ln.split()[0]: int(ln.split()[1]) for ln in f if ln.strip()}
    return d, c


def roa_conf(vrps_json, cache):
    """Static roa4/roa6 protocols of every distinct VRP (cached)."""
    st = os.stat(vrps_json)
    key = hashlib.sha256(f"{os.path.abspath(vrps_json)} {st.st_size} {st.st_mtime}"
                         .encode()).hexdigest()[:16]
    path = os.path.join(cache, f"bird-ref-roa-{key}.conf")
    meta = path + ".json"
    if not os.path.exists(meta):
        log("writing the ROA configuration")
        vrps = bird_rov.load_vrps(vrps_json)
        v4 = sorted(v for v in vrps if v[1] == 4)
        v6 = sorted(v for v in vrps if v[1] == 6)
        with open(path + ".tmp", "w") as f:
            bird_rov.write_roa_statics(f, v4, v6)
        os.replace(path + ".tmp", path)
        with open(meta, "w") as f:
            json.dump({"roa4": len(v4), "roa6": len(v6)}, f)
    with open(meta) as f:
        return path, json.load(f)


SENDER = """router id 10.179.17.1;
protocol device {{}}
protocol static s4 {{
	ipv4;
include "{d}/v4.static";
}}
protocol static s6 {{
	ipv6;
include "{d}/v6.static";
}}
protocol bgp up4 {{
	disabled;
	local 10.179.17.1 as 4200000001;
	neighbor 10.179.17.2 as 4200000002;
	hold time 240;
	ipv4 {{ import none; export where proto = "s4"; }};
}}
protocol bgp up6 {{
	disabled;
	local fd00:179:0:17::1 as 4200000001;
	neighbor fd00:179:0:17::2 as 4200000002;
	hold time 240;
	ipv6 {{ import none; export where proto = "s6"; }};
}}
"""

RECEIVER = """router id 10.179.17.2;
timeformat protocol iso long ms;
protocol device {{}}
{roa}
protocol bgp dn4 {{
	local 10.179.17.2 as 4200000002;
	neighbor 10.179.17.1 as 4200000001;
	passive on;
	hold time 240;
	ipv4 {{ import {imp4}; export none; }};
}}
protocol bgp dn6 {{
	local fd00:179:0:17::2 as 4200000002;
	neighbor fd00:179:0:17::1 as 4200000001;
	passive on;
	hold time 240;
	ipv6 {{ import {imp6}; export none; }};
}}
"""

# RFC 6811 in BIRD: roa_check() gives ROA_UNKNOWN / ROA_VALID / ROA_INVALID
ROV_FILTERS = """roa4 table r4;
roa6 table r6;
include "{conf}";
""" + "".join("""filter rov{v} {{{{
	case roa_check(r{v}, net, bgp_path.last) {{{{
	ROA_VALID: bgp_large_community.add(({tag}, 0, 1));
	ROA_INVALID: bgp_large_community.add(({tag}, 0, 2));
	else: bgp_large_community.add(({tag}, 0, 0));
	}}}}
	accept;
}}}}
""".format(v=v, tag=TAG_AS) for v in (4, 6))


class Lab:
    def __init__(self, prefix, tmp):
        self.a, self.b = f"{prefix}-a-{os.getpid()}", f"{prefix}-b-{os.getpid()}"
        self.tmp = tmp
        self.procs = []

    def up(self):
        netns_add(self.a, self.b)
        sh("ip", "link", "add", "va", "netns", self.a, "type", "veth", "peer", "name", "vb",
           "netns", self.b)
        for ns, x, h in ((self.a, "va", 1), (self.b, "vb", 2)):
            sh("ip", "-n", ns, "link", "set", "lo", "up")
            link_up(ns, x)
            sh("ip", "-n", ns, "addr", "add", f"10.179.17.{h}/24", "dev", x)
            sh("ip", "-n", ns, "-6", "addr", "add", f"fd00:179:0:17::{h}/64", "dev", x, "nodad")

    def bird(self, name, ns, conf_text):
        conf = os.path.join(self.tmp, name + ".conf")
        with open(conf, "w") as f:
            f.write(conf_text)
        sock = os.path.join(self.tmp, name + ".ctl")
        logf = open(os.path.join(self.tmp, name + ".log"), "w")
        p = subprocess.Popen(["ip", "netns", "exec", ns, "bird", "-f", "-c", conf, "-s", sock,
                              "-P", os.path.join(self.tmp, name + ".pid")],
                             stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT)
        self.procs.append(p)
        started = time.time()
        deadline = time.monotonic() + 600
        while True:
            if p.poll() is not None:
                with open(os.path.join(self.tmp, name + ".log")) as f:
                    raise RuntimeError(f"{name}: bird exited {p.returncode}: {f.read()[-500:]}")
            try:
                return p, bird_rov.Bird(sock), started
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name}: no control socket")
                time.sleep(0.05)

    def stop(self, p, b):
        try:
            b.cmd("down")
        except (OSError, EOFError):
            pass
        b.close()
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def down(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        netns_del(self.a, self.b)


def text(reply):
    return "\n".join(t for _, t in reply)


def imported(b):
    """{protocol: (state, routes imported)} of dn4/dn6."""
    out, cur = {}, None
    for line in text(b.cmd('show protocols all "dn*"')).splitlines():
        w = line.split()
        if len(w) >= 2 and w[1] == "BGP":
            cur = w[0]
            out[cur] = [w[-1], 0]
        m = re.match(r"\s*Routes:\s+(\d+) imported", line)
        if m and cur:
            out[cur][1] = int(m.group(1))
    return out


def since(b, proto):
    """BIRD's time stamp of the protocol's last state change, epoch s."""
    for line in text(b.cmd(f"show protocols {proto}")).splitlines():
        m = re.search(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})", line)
        if m and line.split()[0] == proto:
            return time.mktime(time.strptime(m.group(1)[:19], "%Y-%m-%d %H:%M:%S")) + \
                float(m.group(1)[19:])
    return None


def cpu_s(pid):
    """User + system CPU seconds of a process so far (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        w = f.read().rsplit(")", 1)[1].split()
    return (int(w[11]) + int(w[12])) / os.sysconf("SC_CLK_TCK")


def converge(lab, tx, total, rov, roa, roa_n):
    """One receiver: start it, wait for its ROA tables, enable the
    sender's sessions, wait until every route is imported."""
    name = "rx-rov" if rov else "rx-plain"
    conf = RECEIVER.format(roa=ROV_FILTERS.format(conf=roa) if rov else "",
                           imp4="filter rov4" if rov else "all",
                           imp6="filter rov6" if rov else "all")
    p, b, started = lab.bird(name, lab.b, conf)
    r = {"receiver": name, "import": "roa_check() filter, tagged" if rov else "import all"}
    try:
        if rov:
            deadline = time.monotonic() + 600
            while (bird_rov.table_count(b, "r4"), bird_rov.table_count(b, "r6")) != \
                    (roa_n["roa4"], roa_n["roa6"]):
                if time.monotonic() > deadline:
                    raise RuntimeError("ROA tables not filled")
                time.sleep(0.05)
            r["roa_load_s"] = round(time.time() - started, 2)
            log(f"{name}: ROA tables hold {roa_n['roa4']:,} + {roa_n['roa6']:,} VRPs after "
                f"{r['roa_load_s']} s")
        cpu0 = cpu_s(p.pid)  # ip netns exec execs bird: the same pid
        tx.cmd("enable up4")
        tx.cmd("enable up6")
        enabled = time.time()
        deadline = time.monotonic() + 900
        samples = []
        while True:
            now = time.time()
            st = imported(b)
            n = sum(v[1] for v in st.values())
            samples.append((round(now - enabled, 2), n))
            if n >= total:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name}: {n} of {total} routes after 900 s")
            time.sleep(0.1)
        r["receiver_cpu_s"] = round(cpu_s(p.pid) - cpu0, 2)
        est = [since(b, x) for x in ("dn4", "dn6")]
        t_est = min(x for x in est if x)
        gaps = [y[0] - x[0] for x, y in zip(samples, samples[1:])]
        r.update({"routes": n, "established_after_enable_s": round(t_est - enabled, 3),
                  "converge_s": round(now - t_est, 3),
                  "poll_interval_s": round(sum(gaps) / len(gaps), 2) if gaps else None,
                  "poll_max_gap_s": round(max(gaps), 2) if gaps else None,
                  "prefixes_per_s": round(total / (now - t_est))})
        r["progress"] = samples[::max(1, len(samples) // 40)]
        log(f"{name}: {n:,} routes {r['converge_s']} s after the first Established")
        if rov:
            split = {}
            for st_name, v in STATES:
                split[st_name] = sum(max(0, bird_rov.table_count(
                    b, t, f"where ({TAG_AS}, 0, {v}) ~ bgp_large_community"))
                    for t in ("master4", "master6"))
            r["states"] = split
            log(f"{name}: {split}")
    finally:
        tx.cmd("disable up4")
        tx.cmd("disable up6")
        lab.stop(p, b)
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vrps-json", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--shared", default=os.environ.get(
        "SHARED", os.path.join(HERE, "..", "..", "..", "shared", "data")))
    ap.add_argument("--cache", default=os.environ.get("ROVMON_BENCH_CACHE",
                                                      "/var/tmp/rovmon-bench"))
    ap.add_argument("--ns-prefix", default="rv17refs")
    ap.add_argument("--no-baseline", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.cache, exist_ok=True)
    d, counts = routes(a.shared, a.cache)
    total = counts["total"]
    roa, roa_n = roa_conf(a.vrps_json, a.cache)
    tmp = tempfile.mkdtemp(prefix="rovmon-bird-ref.", dir="/var/tmp")
    lab = Lab(a.ns_prefix, tmp)
    out = {"routes": counts, "roas": roa_n, "bird": subprocess.run(
        ["bird", "--version"], capture_output=True, text=True).stderr.strip(), "runs": []}
    try:
        lab.up()
        tp, tx, started = lab.bird("tx", lab.a, SENDER.format(d=d))
        deadline = time.monotonic() + 600
        while max(0, bird_rov.table_count(tx, "master4")) + \
                max(0, bird_rov.table_count(tx, "master6")) < total:
            if time.monotonic() > deadline:
                raise RuntimeError("the sender did not load its routes")
            time.sleep(0.2)
        out["sender_load_s"] = round(time.time() - started, 2)
        log(f"sender holds {total:,} routes after {out['sender_load_s']} s")
        out["loadavg_start"] = os.getloadavg()
        # A B B A: a drift of the machine's load over the runs (or the
        # sender's first export being slower) falls on both alike
        order = [True, True] if a.no_baseline else [False, True, True, False]
        for rov in order:
            out["runs"].append(converge(lab, tx, total, rov, roa, roa_n))
        for kind, rov in (("plain", False), ("rov", True)):
            runs = [r for r in out["runs"] if ("states" in r) == rov]
            if runs:
                out["best_" + kind] = min(runs, key=lambda r: r["converge_s"])
        out["loadavg_end"] = os.getloadavg()
        lab.stop(tp, tx)
    except (RuntimeError, subprocess.CalledProcessError, OSError, EOFError) as e:
        out["error"] = str(e)
        log(f"error: {e}")
    finally:
        lab.down()
        shutil.rmtree(tmp, ignore_errors=True)
    with open(a.json, "w") as f:
        json.dump(out, f, indent=1)
    return 1 if "error" in out else 0


if __name__ == "__main__":
    sys.exit(main())
