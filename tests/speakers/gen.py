#!/usr/bin/env python3
"""Generate the route inputs for tests/speakers/record.sh from public MRT data.

usage: gen.py SHARED_MRT_DIR OUTDIR

Reads `bgpdump -m` text (run by this script) and writes, deterministically:
  v4full.static1 / .static2 / .static3   BIRD static-protocol bodies (phases)
  v4full.expect                          intended events for ipv4-full
  v6full.cmds, as2.cmds, addpath.cmds, midstream.cmds
                                          ExaBGP API command scripts for feed.py
  *.expect                               intended events (announce|withdraw PREFIX ORIGIN [path_id])
Origin is the last AS of a final AS_SEQUENCE, "null" for an AS_SET origin.
"""
import ipaddress
import os
import random
import subprocess
import sys

mrt, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)


def bgpdump(path):
    p = subprocess.run(["bgpdump", "-m", path], capture_output=True, text=True, check=True)
    for line in p.stdout.splitlines():
        f = line.split("|")
        if len(f) > 7 and f[2] in ("A", "B"):
            yield f[5], f[6], int(f[4])


def clean(path):
    """real AS path without AS_SET, as list of ints (or None)"""
    if "{" in path or not path.strip():
        return None
    return [int(a) for a in path.split()]


def uniq(src, keep=lambda p, a: True):
    seen, res = set(), []
    for pfx, path, peer in src:
        if "/" not in pfx:
            continue
        pfx = str(ipaddress.ip_network(pfx, strict=False))
        if pfx in seen:
            continue
        a = clean(path)
        if a is None or not keep(pfx, a):
            continue
        seen.add(pfx)
        res.append((pfx, a))
    return res


def w(name, lines):
    with open(os.path.join(out, name), "w") as f:
        for l in lines:
            f.write(l + "\n")


def ev(kind, pfx, origin, pid=None):
    s = "%s %s %s" % (kind, pfx, origin)
    return s + (" %d" % pid if pid is not None else "")


rng = random.Random(179)

# ---------------------------------------------------------------- ipv4-full
# 10,000 routes: every 57th distinct prefix of AS3856's 2015 full table
# (spread over the whole address space), real AS paths.  Sender is BIRD
# (AS 4200000001), which prepends its own AS on the eBGP export.
LOCAL4 = 4200000001
v4all = uniq(bgpdump(mrt + "/bgpdump-test_data/updates.et-header.2015.gz"))
v4all = [x for x in v4all if int(x[0].split("/")[1]) >= 8]
v4 = v4all[::57][:10000]
v4 = [(p, a) for p, a in v4]
hij = v4[1234][0]          # the hijack-like prefix
orig_hij = v4[1234][1]
hij_path = [64496, 64511]   # documentation ASNs: a different origin
withdrawn = set(p for p, _ in rng.sample(v4, 400)) - {hij}
changed = {}
for p, a in rng.sample([x for x in v4 if x[0] not in withdrawn and x[0] != hij], 60):
    changed[p] = [a[0], 3356] + a[1:] if len(a) > 1 else [a[0], 3356, a[0]]
reann = {}
for p in sorted(withdrawn)[:40]:
    a = dict(v4)[p]
    reann[p] = [174] + a


def static(routes):
    lines = []
    for p, a in routes:
        cmds = "".join("bgp_path.prepend(%d); " % x for x in reversed(a))
        lines.append("  route %s blackhole { %sbgp_origin = ORIGIN_IGP; };" % (p, cmds))
    return lines


def origin(a):
    return a[-1] if a else LOCAL4


phase1 = v4
phase2 = []
for p, a in v4:
    if p in withdrawn:
        continue
    if p == hij:
        a = hij_path
    phase2.append((p, changed.get(p, a)))
phase3 = [(p, a) for p, a in phase2 if p != hij] + [(p, reann[p]) for p in sorted(reann)]
w("v4full.static1", static(phase1))
w("v4full.static2", static(phase2))
w("v4full.static3", static(phase3))
exp = [ev("announce", p, origin(a)) for p, a in phase1]
d1 = dict(phase1)
exp += [ev("withdraw", p, origin(d1[p])) for p in sorted(withdrawn)]
exp += [ev("announce", p, origin(a)) for p, a in phase2 if p in changed or p == hij]
exp += [ev("withdraw", hij, origin(hij_path))]
exp += [ev("announce", p, origin(reann[p])) for p in sorted(reann)]
w("v4full.expect", exp)
w("v4full.hijack", ["%s %d %d" % (hij, orig_hij[-1], hij_path[-1])])

# ---------------------------------------------------------------- exabgp helpers


def pathstr(a, aset=None):
    s = " ".join(str(x) for x in a)
    if aset:
        s += " ( " + " ".join(str(x) for x in aset) + " )"
    return "[ %s ]" % s


def ann(p, a, nh="self", aset=None, pid=None):
    pi = " path-information %s" % pid_ip(pid) if pid is not None else ""
    return "announce route %s%s next-hop %s as-path %s origin igp" % (p, pi, nh, pathstr(a, aset))


def wdr(p, nh="self", pid=None):
    pi = " path-information %s" % pid_ip(pid) if pid is not None else ""
    return "withdraw route %s%s next-hop %s" % (p, pi, nh)


def pid_ip(n):
    return "%d.%d.%d.%d" % (n >> 24 & 255, n >> 16 & 255, n >> 8 & 255, n & 255)


def org(a, aset=None):
    return "null" if aset else str(a[-1])


# ---------------------------------------------------------------- ipv6-full
# ~5,000 distinct IPv6 prefixes from RouteViews rib6 2015 (first MiB),
# real paths of the first peer listing each prefix.  Sender ExaBGP
# AS 4200000003 (it does not prepend: the script puts its AS first).
L6 = 4200000003
v6 = uniq(bgpdump(mrt + "/pyasn/rib6.20151101.0600_firstMB.bz2"))
v6 = [x for x in v6 if "/" in x[0]][:5000]
cmds, exp = [], []
for p, a in v6:
    cmds.append(ann(p, [L6] + a))
    exp.append(ev("announce", p, a[-1]))
cmds.append("wait phase2")
# AS_SET-terminated aggregate, hijack-like origin change, withdrawals
cmds.append(ann("2001:db8:1000::/36", [L6, 64500], aset=[64510, 4200000010]))
exp.append(ev("announce", "2001:db8:1000::/36", "null"))
hp, ha = v6[100]
cmds.append(ann(hp, [L6, 64496, 64511]))
exp.append(ev("announce", hp, 64511))
for p, a in v6[200:300]:
    cmds.append(wdr(p))
    exp.append(ev("withdraw", p, a[-1]))
cmds.append("wait phase3")
cmds.append(wdr(hp))
exp.append(ev("withdraw", hp, 64511))
for p, a in v6[200:220]:
    cmds.append(ann(p, [L6, 6939] + a))
    exp.append(ev("announce", p, a[-1]))
cmds.append("wait end")
w("v6full.cmds", cmds)
w("v6full.expect", exp)

# ---------------------------------------------------------------- as2-session
# ExaBGP AS 65001 without the 4-octet AS capability; 300 IPv4 routes from
# RIS 2019 updates, two thirds with 4-byte ASNs in the path.
L2 = 65001
r19 = uniq(bgpdump(mrt + "/bgp-rs/updates.20190101.0000.gz"), lambda p, a: ":" not in p)
big = [x for x in r19 if any(n > 65535 for n in x[1])][::7][:200]
small = [x for x in r19 if all(n <= 65535 for n in x[1])][::37][:100]
as2 = sorted(big + small, key=lambda x: r19.index(x))
cmds, exp = [], []
for p, a in as2:
    cmds.append(ann(p, [L2] + a))
    exp.append(ev("announce", p, a[-1]))
cmds.append("wait phase2")
cmds.append(ann("198.51.100.0/24", [L2, 64500], aset=[64510, 4200000010]))
exp.append(ev("announce", "198.51.100.0/24", "null"))
cmds.append(ann("203.0.113.0/24", [L2, 64500, 4200000020]))
exp.append(ev("announce", "203.0.113.0/24", 4200000020))
cmds.append("wait phase3")
cmds.append(ann("203.0.113.0/24", [L2, 64496, 64511]))
exp.append(ev("announce", "203.0.113.0/24", 64511))
for p, a in as2[:30]:
    cmds.append(wdr(p))
    exp.append(ev("withdraw", p, a[-1]))
cmds.append("wait phase4")
cmds.append(wdr("203.0.113.0/24"))
exp.append(ev("withdraw", "203.0.113.0/24", 64511))
cmds.append("wait end")
w("as2.cmds", cmds)
w("as2.expect", exp)

# ---------------------------------------------------------------- addpath
# ExaBGP AS 4200000007 sends with ADD-PATH (IPv4 + IPv6 unicast over one
# IPv4 session): 400 IPv4 prefixes x 3 paths, 200 IPv6 prefixes x 2 paths,
# the paths being real alternatives seen by different RIS peers in 2019.
LA = 4200000007
alt = {}
for pfx, path, peer in bgpdump(mrt + "/bgp-rs/updates.20190101.0000.gz"):
    pfx = str(ipaddress.ip_network(pfx, strict=False))
    a = clean(path)
    if a is None:
        continue
    lst = alt.setdefault(pfx, [])
    if a not in lst:
        lst.append(a)
a4 = [(p, l) for p, l in alt.items() if ":" not in p and len(l) >= 3][:400]
a6 = [(p, l) for p, l in alt.items() if ":" in p and len(l) >= 2][:200]
cmds, exp = [], []
for p, l in a4:
    for i, a in enumerate(l[:3]):
        cmds.append(ann(p, [LA] + a, pid=i + 1))
        exp.append(ev("announce", p, a[-1], i + 1))
for p, l in a6:
    for i, a in enumerate(l[:2]):
        cmds.append(ann(p, [LA] + a, nh="fd00:179:0:4::1", pid=i + 1))
        exp.append(ev("announce", p, a[-1], i + 1))
cmds.append("wait phase2")
for p, l in a4[:50]:
    cmds.append(wdr(p, pid=2))
    exp.append(ev("withdraw", p, l[1][-1], 2))
for p, l in a6[:20]:
    cmds.append(wdr(p, nh="fd00:179:0:4::1", pid=1))
    exp.append(ev("withdraw", p, l[0][-1], 1))
# same prefix, new path id with a different origin (hijack-like)
for p, l in a4[50:60]:
    cmds.append(ann(p, [LA, 64496, 64511], pid=9))
    exp.append(ev("announce", p, 64511, 9))
cmds.append("wait end")
w("addpath.cmds", cmds)
w("addpath.expect", exp)

# ---------------------------------------------------------------- midstream
# ExaBGP AS 4200000005: 3,000 routes from the 2015 table, then continuous
# churn (batches of withdrawals and re-announcements with changed paths)
# during which the capture is started.
LM = 4200000005
base = v4all[5::97][:3000]
cmds, exp = [], []
for p, a in base:
    cmds.append(ann(p, [LM] + a))
    exp.append(ev("announce", p, a[-1]))
cmds.append("wait churn")
for rnd in range(40):
    batch = base[rnd * 60:(rnd + 1) * 60]
    for p, a in batch[:30]:
        cmds.append(wdr(p))
        exp.append(ev("withdraw", p, a[-1]))
    for p, a in batch[30:]:
        cmds.append(ann(p, [LM, 1299] + a))
        exp.append(ev("announce", p, a[-1]))
    for p, a in batch[:30]:
        cmds.append(ann(p, [LM, 2914] + a))
        exp.append(ev("announce", p, a[-1]))
    cmds.append("sleep 0.1")
cmds.append("wait end")
w("midstream.cmds", cmds)
w("midstream.expect", exp)
print("v4full %d routes, v6full %d, as2 %d, addpath %d+%d prefixes, midstream %d"
      % (len(v4), len(v6), len(as2), len(a4), len(a6), len(base)))
