#!/usr/bin/env python3
"""Real routes for the BMP testbed (tests/bmp/record.sh, tests/e2e/9x-bmp-*.sh).

usage: routes.py SHARED_MRT_DIR OUTDIR [N4 [N6]]
       routes.py --vrps ROUTES.txt VRPS.json    the VRP file alone, from a routes.txt
       routes.py --from ROUTES.txt OUTDIR       all three files from a routes.txt

Writes, deterministically (no randomness: every k-th distinct prefix):
  routes.cmds   ExaBGP API commands for tests/speakers/feed.py: N4 IPv4 routes
                from AS3856's 2015 table (bgpdump-test_data/updates.et-header.2015.gz)
                and N6 IPv6 routes from RouteViews' rib6 2015 (pyasn/rib6...firstMB.bz2),
                each with its real AS path behind the sender's AS (SENDER_AS; ExaBGP does
                not prepend its own AS).
  routes.txt    one line per route: PREFIX ORIGIN PATH... (the path as sent)
  vrps.json     a VRP file (rpki-client JSON) making about a third of the routes
                INVALID (a VRP for the prefix naming another AS), a third VALID,
                the rest NOT_FOUND: the alerts the tests compare need INVALID routes.
Paths with an AS_SET are left out (ExaBGP would send them, but the test wants plain
origins).  The prefixes are the real ones; nothing here is routed: the testbed's
namespaces are closed.
"""
import ipaddress
import json
import os
import subprocess
import sys

SENDER_AS = 4200000101


def write_vrps(routes, path):
    """routes: [(prefix, path)]; a VRP for 2 of every 3 routes"""
    roas = []
    for i, (p, a) in enumerate(routes):
        net = ipaddress.ip_network(p)
        if i % 3 == 0:      # another origin: INVALID
            roas.append({"prefix": p, "maxLength": net.prefixlen, "asn": "AS64496"})
        elif i % 3 == 1:    # the route's origin: VALID
            roas.append({"prefix": p, "maxLength": net.prefixlen, "asn": "AS%d" % a[-1]})
    with open(path, "w") as f:
        json.dump({"metadata": {"generated": 1700000000}, "roas": roas}, f, indent=0)


def write_all(routes, out):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "routes.cmds"), "w") as f:
        for p, a in routes:
            # "next-hop self" on this IPv4 session would give IPv6 routes a 4-byte
            # next hop (ExaBGP 4.2.21 writes 0.0.0.0): malformed by RFC 4760.
            nh = "fd00:181:18::1" if ":" in p else "self"
            f.write("announce route %s next-hop %s as-path [ %s ] origin igp\n"
                    % (p, nh, " ".join(map(str, a))))
    with open(os.path.join(out, "routes.txt"), "w") as f:
        for p, a in routes:
            f.write("%s %d %s\n" % (p, a[-1], " ".join(map(str, a))))
    write_vrps(routes, os.path.join(out, "vrps.json"))


if sys.argv[1] in ("--vrps", "--from"):
    # bgpdump takes ~30 s on the shared files: the tests use the list committed
    # beside the recordings instead
    rs = []
    for line in open(sys.argv[2]):
        f = line.split()
        rs.append((f[0], [int(a) for a in f[2:]]))
    if sys.argv[1] == "--vrps":
        write_vrps(rs, sys.argv[3])
    else:
        write_all(rs, sys.argv[3])
    sys.exit(0)

mrt, out = sys.argv[1], sys.argv[2]
n4 = int(sys.argv[3]) if len(sys.argv) > 3 else 3000
n6 = int(sys.argv[4]) if len(sys.argv) > 4 else 500
os.makedirs(out, exist_ok=True)


def bgpdump(path):
    p = subprocess.run(["bgpdump", "-m", path], capture_output=True, text=True, check=True)
    for line in p.stdout.splitlines():
        f = line.split("|")
        if len(f) > 7 and f[2] in ("A", "B") and "/" in f[5]:
            yield f[5], f[6]


def uniq(src, minlen):
    seen, res = set(), []
    for pfx, path in src:
        net = ipaddress.ip_network(pfx, strict=False)
        if net.prefixlen < minlen or str(net) in seen:
            continue
        if "{" in path or not path.strip():
            continue
        seen.add(str(net))
        res.append((str(net), [int(a) for a in path.split()]))
    return res


v4 = uniq(bgpdump(mrt + "/bgpdump-test_data/updates.et-header.2015.gz"), 8)
v6 = uniq(bgpdump(mrt + "/pyasn/rib6.20151101.0600_firstMB.bz2"), 16)
v4 = v4[::max(1, len(v4) // n4)][:n4]
v6 = v6[::max(1, len(v6) // n6)][:n6] if n6 else []
routes = [(p, [SENDER_AS] + a) for p, a in v4 + v6]

write_all(routes, out)
print(len(v4), len(v6))
