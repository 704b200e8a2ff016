#!/usr/bin/env python3
"""aspa_diff.py - differential test of ASPA path verification:
`rovctl validate-path` (rovmon's C, src/rpki/aspa.c) against
tests/aspa_ref.py (a reference written from the draft's text).

    aspa_diff.py --rovctl BUILD/rovctl --aspas REAL.json[.bz2] --tmp DIR
                 PATHFILE...

PATHFILEs hold one AS path per line (bgpdump's field 7); their distinct
paths are used.  Two ASPA sets:
  real       the given rpki-client snapshot's "aspas" (loaded by rovctl
             with its VRPs, as a sensor loads them);
  synthetic  derived from the paths themselves: every AS seen is given,
             with a seeded coin, either no ASPA, an AS0 ASPA, or the set
             of ASes seen just before it in some path (its apparent
             upstreams) with a few of them dropped and a few strangers
             added; so "provider+", "not provider+" and "no attestation"
             hops are all common and so are the three verdicts.
Each path is judged under both procedures in each set: upstream with the
sender's role cycling through customer, peer, rs and rs-client, and
downstream (provider); 2 % of the cases name another neighbour AS
(neighbor=), which must be invalid except from a route server.
Prints the counts per set, procedure and verdict; exits 1 on any
disagreement (state, procedure, reason or deciding hop), on fewer than
--min-paths paths, or when a verdict is rare in the synthetic set.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import aspa_ref  # noqa: E402

UP_ROLES = ("customer", "peer", "rs", "rs-client")


def read_paths(files):
    seen = set()
    out = []
    for fn in files:
        with open(fn) as f:
            for line in f:
                p = line.strip()
                if p and p not in seen:
                    seen.add(p)
                    out.append(p)
    return out


def synthetic(parsed, rng):
    """customer -> providers, from adjacencies (upstream neighbours)."""
    ups = {}
    for segs in parsed:
        flat = [x for k, asns in segs if k == "seq" for x in asns]
        for i in range(1, len(flat)):
            if flat[i] != flat[i - 1]:
                ups.setdefault(flat[i], set()).add(flat[i - 1])
        if flat:
            ups.setdefault(flat[0], set())
    asns = sorted(ups)
    out = {}
    for c in asns:
        r = rng.random()
        if r < 0.35:
            continue                     # no ASPA
        if r < 0.38:
            out[c] = {0}                 # AS0 ASPA
            continue
        s = {p for p in ups[c] if rng.random() >= 0.12}
        for _ in range(rng.randrange(3)):
            s.add(rng.choice(asns))      # strangers
        s.discard(c)
        out[c] = s or {0}
    return out


def write_rpki_client(path, uspas):
    """A small rpki-client 9.x document: one ROA (a VRP file must hold
    one) and the ASPAs, each customer's set split over two records when
    it has several providers, to exercise the union of section 5.3."""
    aspas = []
    for c, provs in sorted(uspas.items()):
        provs = sorted(provs)
        if len(provs) > 3:
            half = len(provs) // 2
            aspas.append({"customer_asid": c, "expires": 1900000000, "providers": provs[:half]})
            aspas.append({"customer_asid": c, "expires": 1900000000, "providers": provs[half:]})
        else:
            aspas.append({"customer_asid": c, "expires": 1900000000, "providers": provs})
    doc = {"metadata": {"buildtime": "2025-07-20T09:31:35Z"},
           "roas": [{"asn": 64496, "prefix": "192.0.2.0/24", "maxLength": 24,
                     "ta": "test", "expires": 1900000000}],
           "aspas": aspas}
    with open(path, "w") as f:
        json.dump(doc, f)


def make_cases(paths, parsed, rng):
    """(line for rovctl, segs, neighbour, role) for both procedures."""
    cases = []
    for n, (p, segs) in enumerate(zip(paths, parsed)):
        first = next((a[0] for k, a in segs if a), 0)
        for role in (UP_ROLES[n % 4], "provider"):
            if rng.random() < 0.02:
                nb = rng.choice((64496, first + 1, 0))
                line = "role=%s neighbor=%d %s" % (role, nb, p)
            else:
                nb = first
                line = "role=%s %s" % (role, p)
            cases.append((line, segs, nb, role))
    return cases


def run_rovctl(rovctl, source, cases, tmp, name):
    inp = os.path.join(tmp, name + ".in")
    with open(inp, "w") as f:
        for c in cases:
            f.write(c[0] + "\n")
    with open(inp) as f:
        p = subprocess.run([rovctl, "validate-path", "--vrps", source, "-"],
                           stdin=f, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    if p.returncode != 0:
        sys.exit("FAIL: rovctl validate-path exited %d: %s" % (p.returncode, p.stderr.strip()))
    out = p.stdout.splitlines()
    if len(out) != len(cases):
        sys.exit("FAIL: rovctl printed %d lines for %d cases" % (len(out), len(cases)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rovctl", required=True)
    ap.add_argument("--aspas", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--min-paths", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=20250720)
    ap.add_argument("pathfiles", nargs="+")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    t0 = time.time()
    paths = read_paths(a.pathfiles)
    parsed = [aspa_ref.parse_path(p) for p in paths]
    print("paths: %d distinct real AS paths (%d with an AS_SET or confederation segment)"
          % (len(paths), sum(1 for s in parsed if any(k != "seq" for k, _ in s))))
    sets = {"real": (a.aspas, aspa_ref.load_uspas(a.aspas))}
    syn = synthetic(parsed, rng)
    syn_file = os.path.join(a.tmp, "synthetic-aspas.json")
    write_rpki_client(syn_file, syn)
    # read back as the reference reads any file (customer AS 0 refused,
    # split records united), not the dict it was written from
    sets["synthetic"] = (syn_file, aspa_ref.load_uspas(syn_file))
    cases = make_cases(paths, parsed, rng)
    bad = 0
    rare = []
    for name, (source, uspas) in sets.items():
        got = run_rovctl(a.rovctl, source, cases, a.tmp, name)
        counts = {}
        for c, line in zip(cases, got):
            v = aspa_ref.verify(c[1], c[2], c[3], uspas)
            want = aspa_ref.fmt(v)
            have = " ".join(line.split(":", 1)[0].split()[:4])
            if have != want:
                bad += 1
                if bad <= 10:
                    print("DIFF %s: %s\n  rovctl:    %s\n  reference: %s"
                          % (name, c[0], line, want))
            key = (v.procedure, v.state)
            counts[key] = counts.get(key, 0) + 1
            if v.reason:
                counts[(v.procedure, "invalid/" + v.reason)] = \
                    counts.get((v.procedure, "invalid/" + v.reason), 0) + 1
        print("%s ASPAs (%d customers):" % (name, len(uspas)))
        for proc in ("upstream", "downstream"):
            tot = sum(counts.get((proc, s), 0) for s in ("valid", "invalid", "unknown"))
            print("  %-10s %7d cases: " % (proc, tot) + ", ".join(
                "%s %d (%.1f%%)" % (s, counts.get((proc, s), 0),
                                   100.0 * counts.get((proc, s), 0) / max(tot, 1))
                for s in ("valid", "invalid", "unknown")) + "; invalid by reason: " + ", ".join(
                "%s %d" % (r, counts.get((proc, "invalid/" + r), 0))
                for r in ("empty", "neighbor", "as_set", "hop")))
            if name == "synthetic":
                for s in ("valid", "invalid", "unknown"):
                    if counts.get((proc, s), 0) < 0.05 * tot:
                        rare.append("%s %s" % (proc, s))
    print("compared %d cases in %.1f s" % (2 * len(cases), time.time() - t0))
    if bad:
        print("FAIL: %d disagreements" % bad)
        return 1
    if len(paths) < a.min_paths:
        print("FAIL: only %d paths (< %d)" % (len(paths), a.min_paths))
        return 1
    if rare:
        print("FAIL: rare verdicts in the synthetic set: " + ", ".join(rare))
        return 1
    print("PASS: rovctl validate-path and tests/aspa_ref.py agree on every case")
    return 0


if __name__ == "__main__":
    sys.exit(main())
