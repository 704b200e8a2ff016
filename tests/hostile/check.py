#!/usr/bin/env python3
"""Run rovmon on the crafted captures of `gen.py cases DIR` and check each
against DIR/manifest.json.

usage: check.py ROVMON DIR

Every run must end with an allowed exit status and no sanitizer report;
then the statistics (the last --stats line), the route events and, when
given, a text in stderr must match the manifest.  A case with "gap" is a
known gap (docs/hostile-input.md): its observations are printed, only the
absence of a crash is asserted.  Prints one PASS/FAIL/GAP line per case;
exit 0 when none failed.
"""
import json
import os
import subprocess
import sys

OPS = {"==": lambda a, b: a == b, ">=": lambda a, b: a >= b,
       "<=": lambda a, b: a <= b, ">": lambda a, b: a > b}
SAN = ("runtime error", "AddressSanitizer", "LeakSanitizer",
       "UndefinedBehaviorSanitizer")


def run(rovmon, d, c):
    routes = os.path.join(d, c["name"] + ".routes")
    stats = os.path.join(d, c["name"] + ".stats")
    for f in (routes, stats):
        if os.path.exists(f):
            os.unlink(f)
    cmd = [rovmon, "-r", os.path.join(d, c["file"]), "--routes", routes,
           "--stats", stats]
    if c.get("filter"):
        cmd.append(c["filter"])
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=120)
    err = p.stderr.decode(errors="replace")
    st = {}
    if os.path.exists(stats):
        lines = open(stats).read().splitlines()
        if lines:
            st = json.loads(lines[-1])
    ev = []
    if os.path.exists(routes):
        ev = [json.loads(l) for l in open(routes)]
    return p.returncode, err, st, ev


def main():
    rovmon, d = sys.argv[1], sys.argv[2]
    cases = json.load(open(os.path.join(d, "manifest.json")))
    fails = 0
    for c in cases:
        rc, err, st, ev = run(rovmon, d, c)
        why = []
        if rc not in c["exit"]:
            why.append("exit %d, want %s" % (rc, c["exit"]))
        if any(s in err for s in SAN):
            why.append("sanitizer report")
        ann = {e["prefix"] for e in ev if e["event"] == "announce"}
        wd = {e["prefix"] for e in ev if e["event"] == "withdraw"}
        seen = ann | wd
        obs = {k: st.get(k) for k in sorted(set(c["stats"]) | {
            "bgp_bad_header", "bgp_malformed", "bgp_resyncs", "reasm_gaps"})}
        if not c.get("gap"):
            if not st and rc not in (3, 86):
                why.append("no statistics line")
            for k, (op, v) in c["stats"].items():
                if k not in st or not OPS[op](st[k], v):
                    why.append("%s = %s, want %s %s" % (k, st.get(k), op, v))
            for p in c["announce"]:
                if p not in ann:
                    why.append("%s not announced" % p)
            for p in c["withdraw"]:
                if p not in wd:
                    why.append("%s not withdrawn" % p)
            taw = {e["prefix"] for e in ev if e["event"] == "withdraw"
                   and e.get("treat_as_withdraw") is True}
            for p in c.get("taw", []):
                if p not in taw:
                    why.append("%s not withdrawn as treat-as-withdraw" % p)
            for p in c["absent"]:
                if p in seen:
                    why.append("%s logged, must not be" % p)
            if c.get("stderr") and c["stderr"] not in err:
                why.append("stderr lacks %r" % c["stderr"])
        first_err = next((l for l in err.splitlines()
                          if not l.startswith("{") and
                          not l.startswith("reading from file ")), "")
        if why:
            fails += 1
            print("FAIL %s [%s]: %s" % (c["name"], c["row"], "; ".join(why)))
            print("    stderr: " + "\n    ".join(err.splitlines()[:15]))
        elif c.get("gap"):
            print("GAP  %s [%s]: exit %d, %d events %s, %s -- %s" % (
                c["name"], c["row"], rc, len(ev),
                sorted((e["event"], e["prefix"]) for e in ev), obs, c["gap"]))
        else:
            print("PASS %s [%s]: exit %d, %d events, %s%s" % (
                c["name"], c["row"], rc, len(ev), obs,
                ("; stderr: " + first_err) if rc != 0 and first_err else ""))
    print("%d crafted captures, %d failed" % (len(cases), fails))
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
