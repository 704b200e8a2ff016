"""What make bench's sections share (tests/bench.py, tests/bench/refs.py,
tests/bench/time_to_alert.py, tests/bench/bird_ref.py): the timed runner
(Row, run_rows: best wall time of REPEAT round-robin runs, peak RSS and
CPU time from GNU time), the wait for a running soak, the empty-capture
twin, network namespaces with a veth pair, and one live replay
(tcpreplay onto va, rovmon -i vb, its drops counted).
"""
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "lib"))
import pcapfile  # noqa: E402

ENV_REPEAT = os.environ.get("BENCH_REPEAT")
SOAK_WAIT = float(os.environ.get("BENCH_SOAK_WAIT", "7200"))
soak_waited = 0.0  # seconds spent waiting for a soak, over the whole run


def sh(*c):
    return subprocess.run(list(c), check=True, capture_output=True, text=True)


def med(xs):
    s = sorted(xs)
    return s[len(s) // 2] if len(s) % 2 else (s[len(s) // 2 - 1] + s[len(s) // 2]) / 2


def repeat(default):
    return int(ENV_REPEAT) if ENV_REPEAT else default


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def wait_for_soak():
    """Block while a tests/soak.sh runs (it would steal a core)."""
    global soak_waited
    t0 = time.monotonic()
    said = False
    while time.monotonic() - t0 < SOAK_WAIT:
        p = subprocess.run(["pgrep", "-f", "tests/soak.sh"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            break
        if not said:
            log(f"bench: waiting for a running tests/soak.sh "
                f"(pid {' '.join(p.stdout.split())}) to finish")
            said = True
        time.sleep(5)
    soak_waited += time.monotonic() - t0


def spawn(cmd, stdout=os.devnull, stderr=os.devnull):
    """Start cmd with stdout/stderr redirected to files; its pid."""
    fa = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
          (os.POSIX_SPAWN_OPEN, 1, stdout, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
          (os.POSIX_SPAWN_OPEN, 2, stderr, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)]
    return os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=fa)


def run_once(cmd, stdout=os.devnull, stderr=os.devnull, remove=()):
    """One timed run: (wall seconds, peak RSS KiB, exit status, load
    average at the start).  The peak RSS comes from GNU time wrapped
    around cmd: a child spawned straight from this Python would report
    Python's own RSS as its peak (the kernel keeps the larger of the
    parent's, shared until exec, and the child's), hiding anything
    smaller; time(1)'s own ~2 MiB is the floor instead.  The wrapper
    adds about a millisecond to the wall time."""
    wait_for_soak()
    for f in remove:
        if os.path.exists(f):
            os.unlink(f)
    fd, rssf = tempfile.mkstemp(prefix="rss.")
    os.close(fd)
    load = os.getloadavg()[0]
    try:
        t0 = time.perf_counter()
        pid = spawn(["/usr/bin/time", "-f", "%M", "-o", rssf] + cmd, stdout, stderr)
        _, status, ru = os.wait4(pid, 0)
        dt = time.perf_counter() - t0
        with open(rssf) as f:
            lines = f.read().strip().splitlines()
        rss = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    finally:
        os.unlink(rssf)
    # CPU time: time(1)'s rusage holds the command's, and its reaped
    # children's (a pipeline's processes): less disturbed than the wall
    # time by other jobs on a shared machine
    cpu = ru.ru_utime + ru.ru_stime
    return dt, rss, os.waitstatus_to_exitcode(status), load, cpu


class Row:
    """One command of a section, run reps times.  sized: files whose size
    after the last run is kept (out_bytes), e.g. the alert file that the
    measured bounds need."""

    def __init__(self, key, label, cmd, stdout=os.devnull, remove=(), stats=None,
                 reps=1, sized=()):
        self.key, self.label, self.cmd = key, label, cmd
        self.stdout, self.stats, self.reps = stdout, stats, reps
        self.remove = tuple(remove) + ((stats,) if stats else ())
        self.walls, self.rss, self.status, self.loads = [], 0, 0, []
        self.cpus = []
        self.sized, self.out_bytes = sized, {}

    def run(self, errlog):
        dt, rss, st, load, cpu = run_once(self.cmd, self.stdout, errlog, self.remove)
        self.walls.append(dt)
        self.cpus.append(cpu)
        self.loads.append(round(load, 2))
        self.rss = max(self.rss, rss)
        self.out_bytes = {os.path.basename(f): os.path.getsize(f)
                          for f in self.sized if os.path.exists(f)}
        if st != 0:
            self.status = st
            log(f"bench: {self.key}: exit status {st}: {' '.join(self.cmd)}")

    @property
    def best(self):
        return min(self.walls)

    def last_stats(self):
        with open(self.stats) as f:
            return json.loads(f.read().strip().splitlines()[-1])

    def result(self, prefixes=None):
        r = {"label": self.label, "cmd": " ".join(self.cmd), "runs": len(self.walls),
             "walls_s": [round(w, 4) for w in self.walls], "best_s": round(self.best, 4),
             "cpu_s": [round(c, 4) for c in self.cpus],
             "peak_rss_mib": round(self.rss / 1024.0, 1), "exit_status": self.status,
             "loadavg_at_start": self.loads}
        if prefixes:
            r["prefixes_per_s"] = round(prefixes / self.best)
        if self.out_bytes:
            r["output_bytes"] = self.out_bytes
        return r


def run_rows(rows, errlog):
    """Round-robin: repeat r of every row before repeat r+1 of any."""
    for r in range(max(x.reps for x in rows)):
        for row in rows:
            if r < row.reps:
                log(f"bench: [{r + 1}/{row.reps}] {row.label}")
                row.run(errlog)


def fmt_row(label, wall, rss, rate=None, note=""):
    s = f"  {label:46s} {wall:9.3f} s {rss:8.1f} MiB"
    s += f" {rate:14,.0f}/s" if rate else " " * 16
    return s + (f"  {note}" if note else "")


def read_stats(path):
    with open(path) as f:
        return json.loads(f.read().strip().splitlines()[-1])


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            h.update(b)
    return h.hexdigest()


def version(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True)
        return (p.stdout + p.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return None


def empty_pcap(src, dst):
    """A capture with src's file header (link type) and no packet."""
    with open(src, "rb") as f:
        hdr = f.read(24)
    try:
        pcapfile.header_fields(hdr)
    except ValueError:
        raise SystemExit(f"bench: {src}: not a classic pcap file") from None
    with open(dst, "wb") as f:
        f.write(hdr)


def netns_add(*names):
    for ns in names:
        sh("ip", "netns", "add", ns)


def netns_del(*names):
    for ns in names:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def link_up(ns, dev):
    """dev in ns up at MTU 1500 with the offloads that merge or split
    segments off (TSO/GSO/GRO): the capture then sees the frames as sent."""
    sh("ip", "-n", ns, "link", "set", dev, "mtu", "1500", "up")
    sh("ip", "netns", "exec", ns, "ethtool", "-K", dev, "tso", "off", "gso", "off",
       "gro", "off")


def live_netns(ns):
    """A new namespace ns holding the veth pair va - vb (both ends
    inside: tcpreplay on va, the sensor on vb)."""
    netns_add(ns)
    sh("ip", "-n", ns, "link", "add", "va", "type", "veth", "peer", "name", "vb")
    sh("ip", "-n", ns, "link", "set", "lo", "up")
    for x in ("va", "vb"):
        link_up(ns, x)


def live_header():
    print(f"  {'requested':>10s} {'sent at':>12s} {'pcap_recv':>10s} {'pcap_drop':>10s} "
          f"{'ifdrop':>7s} {'backlog':>8s} {'prefixes decoded':>17s}")


def live_print(r, rate):
    if "error" in r:
        print(f"  {rate:>10s} error: {r['error']}")
        return
    print(f"  {r['requested']:>10s} {r['sent_mbps']:8.1f} Mb/s {r['pcap_recv']:>10,} "
          f"{r['pcap_drop']:>10,} {r['pcap_ifdrop']:>7,} {r['softnet_dropped']:>8,} "
          f"{r['prefixes_decoded']:>17,}{'' if r['clean'] else '  (drops)'}")


def softnet_dropped():
    """Packets the kernel dropped from its per-CPU backlogs (veth receive
    goes through them): the second column of /proc/net/softnet_stat."""
    try:
        with open("/proc/net/softnet_stat") as f:
            return sum(int(line.split()[1], 16) for line in f)
    except OSError:
        return 0


def live_run(a, rovmon, tmp, ns, rate, prefixes, packets, pcap=None, rv_args=None,
             limit=None):
    """One replay of pcap (default the full table) at rate into a fresh
    rovmon -i with rv_args (default --vrps V --rules R --alerts A);
    limit: tcpreplay sends only the first limit packets (then packets
    should be limit)."""
    stats = os.path.join(tmp, f"live-{rate}.stats.json")
    pidf = os.path.join(tmp, "live.pid")
    alerts = os.path.join(tmp, "live-alerts.json")
    err = os.path.join(tmp, f"live-{rate}.err")
    for f in (stats, pidf, alerts):
        if os.path.exists(f):
            os.unlink(f)
    wait_for_soak()
    if rv_args is None:
        rv_args = ["--vrps", a.vrps_json, "--rules", a.rules, "--alerts", alerts]
    p = subprocess.Popen(["ip", "netns", "exec", ns, rovmon, "-i", "vb"] + rv_args +
                         ["--stats", stats, "--pidfile", pidf],
                         stdout=subprocess.DEVNULL, stderr=open(err, "w"))
    r = {"requested": "topspeed" if rate == "top" else f"{rate} Mb/s"}
    try:
        t0 = time.monotonic()
        while not (os.path.exists(pidf) and os.path.getsize(pidf) > 0):
            if p.poll() is not None or time.monotonic() - t0 > 120:
                r["error"] = f"rovmon did not start: {open(err).read().strip()[-300:]}"
                return r
            time.sleep(0.05)
        pid = int(open(pidf).read().split()[0])
        time.sleep(0.2)
        sn0 = softnet_dropped()
        cmd = ["ip", "netns", "exec", ns, "tcpreplay", "-K", "-i", "va"]
        cmd += ["--topspeed"] if rate == "top" else ["--mbps", rate]
        cmd += ["--limit", str(limit)] if limit else []
        cmd += [pcap or a.full]
        r["cmd"] = " ".join(cmd[4:])
        tr = subprocess.run(cmd, capture_output=True, text=True)
        txt = tr.stdout + tr.stderr
        m = re.search(r"Actual: (\d+) packets \((\d+) bytes\) sent in ([\d.]+) seconds", txt)
        m2 = re.search(r"Rated: [\d.]+ Bps, ([\d.]+) Mbps", txt)
        mf = re.search(r"Failed packets:\s+(\d+)", txt)
        if not m or not m2:
            r["error"] = "tcpreplay: " + txt.strip()[-300:]
            return r
        r.update({"sent_packets": int(m.group(1)), "sent_bytes": int(m.group(2)),
                  "sent_s": float(m.group(3)), "sent_mbps": float(m2.group(1)),
                  "tcpreplay_failed": int(mf.group(1)) if mf else None})
        # Let rovmon drain its ring: SIGUSR1 until `packets` stops moving;
        # drain_s: from tcpreplay's end to the last poll that saw it move
        # (0.5 s resolution), the backlog rovmon still had.
        last, t0 = -1, time.monotonic()
        moved = t0
        while time.monotonic() - t0 < 120:
            os.kill(pid, signal.SIGUSR1)
            time.sleep(0.5)
            try:
                cur = read_stats(stats)["packets"]
            except (OSError, ValueError, IndexError, KeyError):
                cur = -2
            if cur == last:
                break
            if last >= 0:
                moved = time.monotonic()
            last = cur
        r["drain_s"] = round(moved - t0, 1)
        r["softnet_dropped"] = softnet_dropped() - sn0
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith(("VmHWM", "VmRSS")):
                        r[line.split(":")[0].lower() + "_kib"] = int(line.split()[1])
        except OSError:
            pass
        os.kill(pid, signal.SIGTERM)
        p.wait(timeout=60)
        s = read_stats(stats)
        r.update({k: s[k] for k in ("packets", "pcap_recv", "pcap_drop", "pcap_ifdrop",
                                    "bgp_update", "routes_stored", "rib_bytes",
                                    "reasm_gaps", "bgp_msg_across_gap")})
        r["prefixes_decoded"] = s["bgp_announce"] + s["bgp_withdraw"]
        r["clean"] = (s["pcap_drop"] == 0 and s["pcap_ifdrop"] == 0
                      and s["pcap_recv"] == r["sent_packets"] == packets
                      and r["softnet_dropped"] == 0)
        r["exit_status"] = p.returncode
        return r
    finally:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
