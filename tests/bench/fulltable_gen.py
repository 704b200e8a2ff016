#!/usr/bin/env python3
"""Routes for the full-table benchmark capture (tests/bench/fulltable.sh).

usage: fulltable_gen.py MRT_GZ VRP_JSON[.bz2|.gz] OUTDIR [TOTAL]

Writes, deterministically (same inputs, same output):
  v4.static   BIRD static-protocol body: every distinct IPv4 prefix of one
              real peer's full table (RIPE RIS, AS3856, 2015: 577,737
              routes) with its real AS path.  Paths holding an AS_SET are
              kept with the set dropped (BIRD's filter language can only
              prepend AS_SEQUENCE members); their count is reported.
  v6.static   IPv6 routes topping the table up to TOTAL prefixes
              (default 1,114,866, the size of the full-table capture the
              issue measured tshark on).  Real IPv6 routes are not in the
              shared MRT data, so they are built from the real IPv6 VRPs,
              with AS paths borrowed from the IPv4 table, in a fixed mix:
              the VRP's prefix from its own AS (VALID), from another AS
              (INVALID, origin), one bit longer than maxLength (INVALID,
              length), and unrelated prefixes under 3fff::/20 (RFC 9637,
              NOT_FOUND).
  counts.txt  what was written, by kind.
"""
import bz2
import gzip
import ipaddress
import json
import os
import subprocess
import sys

mrt, vrpfile, out = sys.argv[1:4]
total = int(sys.argv[4]) if len(sys.argv) > 4 else 1114866
os.makedirs(out, exist_ok=True)


def opener(path):
    if path.endswith(".bz2"):
        return bz2.open(path, "rt")
    if path.endswith(".gz"):
        return gzip.open(path, "rt")
    return open(path)


# ---------------------------------------------------------------- IPv4
seen, v4, with_set = set(), [], 0
p = subprocess.run(["bgpdump", "-m", mrt], capture_output=True, text=True, check=True)
for line in p.stdout.splitlines():
    f = line.split("|")
    if len(f) < 8 or f[2] not in ("A", "B") or "/" not in f[5]:
        continue
    pfx = str(ipaddress.ip_network(f[5], strict=False))
    if pfx in seen:
        continue
    path = f[6]
    if "{" in path:
        with_set += 1
        path = path.split("{")[0]
    asns = [int(a) for a in path.split()]
    if not asns:
        continue
    seen.add(pfx)
    v4.append((pfx, asns))


def static(routes):
    for pfx, asns in routes:
        cmds = "".join("bgp_path.prepend(%d); " % a for a in reversed(asns))
        yield "  route %s blackhole { %sbgp_origin = ORIGIN_IGP; };\n" % (pfx, cmds)


with open(os.path.join(out, "v4.static"), "w") as fp:
    fp.writelines(static(v4))

# ---------------------------------------------------------------- IPv6
with opener(vrpfile) as fp:
    roas = json.load(fp)["roas"]
v6vrps = []
for r in roas:
    if ":" not in r["prefix"]:
        continue
    asn = r["asn"]
    asn = int(asn[2:]) if isinstance(asn, str) and asn.upper().startswith("AS") else int(asn)
    v6vrps.append((ipaddress.ip_network(r["prefix"]), int(r["maxLength"]), asn))
v6vrps.sort(key=lambda v: (v[0].network_address, v[0].prefixlen, v[1], v[2]))

need = max(0, total - len(v4))
v6, kinds, used = [], {"valid": 0, "invalid_as": 0, "invalid_length": 0, "not_found": 0}, set()


def add(net, origin, kind):
    s = str(net)
    if s in used or len(v6) >= need:
        return
    used.add(s)
    base = v4[len(v6) % len(v4)][1]
    v6.append((s, base[:-1] + [origin]))
    kinds[kind] += 1


for i, (net, maxlen, asn) in enumerate(v6vrps):
    if len(v6) >= need:
        break
    if asn == 0:
        continue
    k = i % 4
    if k in (0, 1):
        add(net, asn, "valid")
    elif k == 2:
        add(net, asn + 1 if asn < 4294967295 else 1, "invalid_as")
    elif maxlen < 128:
        add(next(net.subnets(new_prefix=maxlen + 1)), asn, "invalid_length")
nf = ipaddress.ip_network("3fff::/20")
i = 0
while len(v6) < need:
    # /48s spread over 3fff::/20 (28 bits of index below the /20)
    addr = int(nf.network_address) | ((i * 2654435761 % (1 << 28)) << 80)
    add(ipaddress.ip_network((addr, 48)), v4[i % len(v4)][1][-1], "not_found")
    i += 1

with open(os.path.join(out, "v6.static"), "w") as fp:
    fp.writelines(static(v6))
with open(os.path.join(out, "counts.txt"), "w") as fp:
    fp.write("ipv4 %d (of which %d had an AS_SET, dropped from the path)\n" % (len(v4), with_set))
    fp.write("ipv6 %d %s\n" % (len(v6), " ".join("%s=%d" % kv for kv in kinds.items())))
    fp.write("total %d\n" % (len(v4) + len(v6)))
print(open(os.path.join(out, "counts.txt")).read(), end="")
