#!/usr/bin/env python3
"""aspa_ref.py - an independent reference of ASPA AS_PATH verification.

Written straight from the text of draft-ietf-sidrops-aspa-verification
(-27, 20 July 2026, whose procedures -28 keeps: section numbers here are
-28's), not from rovmon's C (src/rpki/aspa.c): it keeps the draft's
1-based indices, builds the COMPRESSED_AS_PATH as a list and computes the
four ramp bounds of section 5.4 by their definitions (min/max over every
index, no early exit).  tests/e2e/76-aspa-diff.sh compares it with
`rovctl validate-path` on real AS paths.

What the draft leaves to the implementation, decided as docs/aspa.md says
(issue 14): the neighbour-AS check (step 2) and AS_SET (step 3) make the
path invalid; a confederation segment counts as an AS_SET; neighbour AS 0
means "not known" (no check); a path starting with a set has no "most
recently added AS" (step 3 decides); AS 0 never authorises (section 4);
the deciding hop of an invalid / unknown verdict is chosen as docs/aspa.md
describes.

As a module: verify(path, neighbor, role, uspas) -> Verdict.  As a
program: aspa_ref.py ASPA_JSON reads lines "role=R neighbor=N PATH" and
prints what `rovctl validate-path` prints (state, procedure, reason, hop).
"""

import json
import sys
from collections import namedtuple

NO_ATTESTATION, PROVIDER_PLUS, NOT_PROVIDER_PLUS = "No Attestation", "Provider+", "Not Provider+"

# Section 5.5: "received from a Customer or Peer, or is received by an RS
# from an RS-client, or is received by an RS-client from an RS"; 5.6:
# "received from a Provider".  The role is the sender's.
UPSTREAM_ROLES = ("customer", "peer", "rs", "rs-client")
DOWNSTREAM_ROLES = ("provider",)

Verdict = namedtuple("Verdict", "state procedure reason hop")


def parse_path(text):
    """'1 2 {3,4} (5 6) [7]' -> [(kind, [asns])], kind 'seq', 'set',
    'confed_seq', 'confed_set' (bgpdump's notation for sets)."""
    if not any(c in text for c in "{}()[].Aa"):
        # the common case: one plain AS_SEQUENCE
        asns = [int(w) for w in text.replace(",", " ").split()]
        return [("seq", asns)] if asns else []
    segs = []
    kind, cur = "seq", []
    closers = {"{": ("set", "}"), "(": ("confed_seq", ")"), "[": ("confed_set", "]")}
    i = 0
    word = ""

    def flush_word():
        nonlocal word
        if word:
            w = word[2:] if word[:2].upper() == "AS" else word
            if "." in w:
                hi, lo = w.split(".")
                cur.append(int(hi) * 65536 + int(lo))
            else:
                cur.append(int(w))
            word = ""

    def flush_seg(k):
        nonlocal cur
        if cur:
            segs.append((k, cur))
        cur = []

    while i < len(text):
        ch = text[i]
        if ch in closers:
            flush_word()
            flush_seg(kind)
            kind = closers[ch][0]
        elif ch in "})]":
            flush_word()
            flush_seg(kind)
            kind = "seq"
        elif ch in " ,\t":
            flush_word()
        else:
            word += ch
        i += 1
    flush_word()
    flush_seg(kind)
    # consecutive sequence pieces are one AS_SEQUENCE
    out = []
    for k, a in segs:
        if out and k == "seq" and out[-1][0] == "seq":
            out[-1] = ("seq", out[-1][1] + a)
        else:
            out.append((k, a))
    return out


def authorized(uspas, x, y):
    """Section 5.3, Figure 1.  uspas: customer -> set of providers (the
    union over its ASPAs).  AS 0 listed as a provider has no influence
    (section 4): it never makes AS 0 in a path a provider."""
    if x not in uspas:
        return NO_ATTESTATION
    if y != 0 and y in uspas[x]:
        return PROVIDER_PLUS
    return NOT_PROVIDER_PLUS


def compressed(segs):
    """Section 5.2: {AS(N), ..., AS(1)} after removing consecutive
    duplicates; returned 1-based with A[1] the origin (A[0] unused)."""
    flat = [a for _, asns in segs for a in asns]
    comp = []
    for a in flat:
        if not comp or comp[-1] != a:
            comp.append(a)
    # comp[0] is AS(N), the neighbour's; reverse so that index 1 = origin
    return [None] + comp[::-1]


def ramp_bounds(uspas, A):
    """Section 5.4, literally."""
    N = len(A) - 1
    I_np = [i for i in range(1, N) if authorized(uspas, A[i], A[i + 1]) == NOT_PROVIDER_PLUS]
    I_any = [i for i in range(1, N) if authorized(uspas, A[i], A[i + 1]) in (NO_ATTESTATION, NOT_PROVIDER_PLUS)]
    max_up = min(I_np) if I_np else N
    min_up = min(I_any) if I_any else N
    J_np = [j for j in range(2, N + 1) if authorized(uspas, A[j], A[j - 1]) == NOT_PROVIDER_PLUS]
    J_any = [j for j in range(2, N + 1) if authorized(uspas, A[j], A[j - 1]) in (NO_ATTESTATION, NOT_PROVIDER_PLUS)]
    max_down = N - max(J_np) + 1 if J_np else N
    min_down = N - max(J_any) + 1 if J_any else N
    return N, max_up, min_up, max_down, min_down


def verify(segs, neighbor, role, uspas):
    """Sections 5.5 and 5.6 with the decisions of docs/aspa.md."""
    if role in DOWNSTREAM_ROLES:
        procedure = "downstream"
    elif role in UPSTREAM_ROLES:
        procedure = "upstream"
    else:
        return None
    # 1. empty
    if not any(asns for _, asns in segs):
        return Verdict("invalid", procedure, "empty", None)
    # 2. the most recently added AS must be the neighbour AS, unless the
    # receiver is an RS-client (the route came from a route server)
    if neighbor != 0 and role != "rs":
        first_kind, first_asns = next((k, a) for k, a in segs if a)
        if first_kind == "seq" and first_asns[0] != neighbor:
            return Verdict("invalid", procedure, "neighbor", None)
    # 3. AS_SET (and confederation segments)
    if any(k != "seq" for k, a in segs if a):
        return Verdict("invalid", procedure, "as_set", None)
    A = compressed(segs)
    N, max_up, min_up, max_down, min_down = ramp_bounds(uspas, A)
    if procedure == "upstream":
        max_down = min_down = 0
    # 4.-6.
    if max_up + max_down < N:
        # the up-ramp's first "Not Provider+" hop
        return Verdict("invalid", procedure, "hop", (A[max_up], A[max_up + 1]))
    if min_up + min_down < N:
        if min_up < N and authorized(uspas, A[min_up], A[min_up + 1]) == NO_ATTESTATION:
            hop = (A[min_up], A[min_up + 1])
        else:
            J = N - min_down + 1
            hop = (A[J], A[J - 1])
        return Verdict("unknown", procedure, None, hop)
    return Verdict("valid", procedure, None, None)


def load_uspas(path):
    """rpki-client's JSON "aspas": [{"customer_asid", "providers"}] ->
    customer -> union of providers (several ASPAs of one customer)."""
    opener = open
    if path.endswith(".bz2"):
        import bz2
        opener = bz2.open
    with opener(path, "rt") as f:
        doc = json.load(f)
    uspas = {}
    for a in doc.get("aspas", []):
        c = int(a["customer_asid"])
        if c == 0 or not a["providers"]:
            continue  # refused on load (docs/vrps.md)
        uspas.setdefault(c, set()).update(int(p) for p in a["providers"])
    return uspas


def fmt(v):
    """One result as `rovctl validate-path` prints its first fields."""
    hop = "-" if v.hop is None else "AS%d->AS%d" % v.hop
    return "%s %s %s %s" % (v.state, v.procedure, v.reason or "-", hop)


def main():
    uspas = load_uspas(sys.argv[1])
    for line in sys.stdin:
        role, neighbor, words = None, None, []
        for w in line.split():
            if w.startswith("role="):
                role = w[5:]
            elif w.startswith("neighbor="):
                neighbor = int(w[9:])
            else:
                words.append(w)
        segs = parse_path(" ".join(words))
        if neighbor is None:
            first = next((a for _, a in segs if a), [0])
            neighbor = first[0]
        print(fmt(verify(segs, neighbor, role, uspas)))


if __name__ == "__main__":
    main()
