#!/usr/bin/env python3
"""Check rovmon's end-of-run report (--summary) against its own route log.

usage: summary_check.py REPORT ROUTES.jsonl

The oracle is docs/route-log.md: every announce line with its rpki.state,
every withdraw line, the sender (src_addr/src_port) and peer_as.  From the
log alone it computes, per sender and in total, the announcements by RPKI
state and the withdrawals, the sessions (an unordered pair of endpoints),
and the first INVALID announcement with the first VRP that decided it;
then it reads the report's tables (docs/rovmon.8, REPORT) and compares.
Prints one line per check; exit 1 if any failed.
"""
import json
import re
import sys

STATES = ["valid", "invalid", "not-found", "unverified"]


def ep(addr, port):
    return ("[%s]:%d" if ":" in addr else "%s:%d") % (addr, port)


def oracle(path):
    per = {}          # sender -> [valid, invalid, not-found, unverified, withdrawn]
    asn = {}          # sender -> peer_as
    sessions = set()
    first_invalid = None
    ninvalid = 0
    for line in open(path):
        e = json.loads(line)
        src = ep(e["src_addr"], e["src_port"])
        dst = ep(e["dst_addr"], e["dst_port"])
        sessions.add(frozenset((src, dst)))
        row = per.setdefault(src, [0] * 5)
        per.setdefault(dst, [0] * 5)
        if e.get("peer_as") is not None:
            asn[src] = e["peer_as"]
        if e["event"] == "withdraw":
            row[4] += 1
            continue
        st = e["rpki"]["state"] if "rpki" in e else "unverified"
        row[STATES.index(st)] += 1
        if st == "invalid":
            ninvalid += 1
            if first_invalid is None:
                first_invalid = e
    return per, asn, sessions, first_invalid, ninvalid


def section(text, title):
    """The lines of the table under the heading that starts with title."""
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if l.startswith(title):
            out = []
            for m in lines[i + 1:]:
                if not m.strip():
                    break
                out.append(m)
            return l, out
    return None, []


def num(s):
    return int(s.replace(",", ""))


def main():
    report = open(sys.argv[1]).read()
    per, asn, sessions, first_inv, ninv = oracle(sys.argv[2])
    bad = 0

    def check(ok, what):
        nonlocal bad
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            bad += 1

    head, rows = section(report, "BGP sessions: ")
    check(head == "BGP sessions: %d" % len(sessions),
          "session count %d (report: %r)" % (len(sessions), head))
    for sender, a in sorted(asn.items()):
        check(any(re.search(r"\s%s\s+AS%d\s" % (re.escape(sender), a), r)
                  for r in rows), "sender %s shown with AS%d" % (sender, a))

    _, rows = section(report, "Announcements by RPKI state")
    got = {}
    for r in rows[1:]:
        f = r.split()
        if f and f[0].isdigit():
            f = f[1:]
        if len(f) == 6:
            got[f[0]] = [num(x) for x in f[1:]]
    for sender, want in sorted(per.items()):
        check(got.get(sender) == want, "%s by state %s (report: %s)" %
              (sender, want, got.get(sender)))
    total = [sum(v[i] for v in per.values()) for i in range(5)]
    check(got.get("total") == total, "total by state %s (report: %s)" %
          (total, got.get("total")))

    if ninv:
        head, rows = section(report, "INVALID announcements")
        want = ("INVALID announcements (the first 20 of {:,})".format(ninv)
                if ninv > 20 else "INVALID announcements")
        check(head == want, "heading %r (report: %r)" % (want, head))
        v = first_inv["rpki"]["vrps"][0]
        vrp = "%s-%d AS%d" % (v["prefix"], v["max_length"], v["asn"])
        first = rows[1].split() if len(rows) > 1 else []
        check(len(first) > 4 and first[1] == first_inv["prefix"] and
              first[2] == "AS%d" % first_inv["origin_as"] and
              first[3] == first_inv["rpki"]["reason"] and
              vrp in rows[1] and
              " ".join(str(a) for a in first_inv["as_path"]) in rows[1],
              "first INVALID %s AS%d %s, VRP %s (report: %r)" % (
                  first_inv["prefix"], first_inv["origin_as"],
                  first_inv["rpki"]["reason"], vrp,
                  rows[1] if len(rows) > 1 else None))
        if ninv > 20:
            more = "  and {:,} more".format(ninv - 20)
            check(any(r.startswith(more) for r in rows),
                  "closing line %r" % more)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
