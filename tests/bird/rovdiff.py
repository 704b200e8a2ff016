#!/usr/bin/env python3
"""Helpers of tests/e2e/80-bird-rov-diff.sh (rovmon's ROV against BIRD's).

  rovdiff.py routes JSONL... > ROUTES
      the distinct (prefix, origin) of every announcement in rovmon
      --routes files, as "PREFIX ORIGIN" lines (ORIGIN "none" for an
      AS_SET / unknown origin, i.e. "origin_as": null).

  rovdiff.py edge [--seed N] VRPFILE ROUTES_OUT REDUCED_VRPS_OUT
      synthetic edge-case routes derived from a sample of the VRPs (see
      edge_routes()), and an rpki-client JSON file holding every VRP of
      VRPFILE that covers any of them (so that validating those routes
      against the reduced file gives what the full file gives; the
      records are copied unchanged, ta and expires included).

  rovdiff.py states JSONL... > STATES
      rovmon's verdicts: "PREFIX ORIGIN STATE" for every announcement
      that carries an "rpki" object (one line per distinct route; a route
      judged differently by two lines of the logs is reported and fails).

  rovdiff.py compare VRPFILE BIRD_OUT ROVMON_STATES...
      compare BIRD's "PREFIX ORIGIN STATE" with rovmon's; print each
      mismatch with both states and the covering VRPs, the counts per
      state; exit 0 only if every route BIRD judged was judged the same
      by rovmon, at least --min (default 1000) routes were compared, and
      all three states occur.  --subset: compare only the routes rovmon's
      files have (the others are not an error).
"""
import json
import os
import random
import socket
import sys

sys.dont_write_bytecode = True     # no __pycache__ in tests/
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '..'))
import bird_rov  # noqa: E402  (VRP file reader shared with the BIRD side)


def origin_text(j):
    o = j.get('origin_as')
    return 'none' if o is None else str(o)


def announcements(paths):
    for p in paths:
        with open(p) as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                j = json.loads(line)
                if j.get('event') == 'announce' and 'prefix' in j:
                    yield j


def cmd_routes(paths):
    seen = set()
    for j in announcements(paths):
        k = (j['prefix'], origin_text(j))
        if k not in seen:
            seen.add(k)
            print('%s %s' % k)
    return 0


def cmd_states(paths):
    states = {}
    bad = 0
    for j in announcements(paths):
        r = j.get('rpki')
        if not isinstance(r, dict):
            continue
        k = (j['prefix'], origin_text(j))
        s = r.get('state')
        if k in states and states[k] != s:
            sys.stderr.write('rovmon judged %s %s both %s and %s\n' %
                             (k[0], k[1], states[k], s))
            bad += 1
            continue
        states[k] = s
    for (p, o), s in states.items():
        print(p, o, s)
    return 1 if bad else 0


# --- VRP index: prefix -> covering VRPs -----------------------------------

def pfx_int(text):
    addr, _, plen = text.partition('/')
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    b = socket.inet_pton(fam, addr)
    return (6 if fam == socket.AF_INET6 else 4, int.from_bytes(b, 'big'),
            int(plen))


def pfx_text(ver, n, plen):
    bits = 128 if ver == 6 else 32
    fam = socket.AF_INET6 if ver == 6 else socket.AF_INET
    return '%s/%d' % (socket.inet_ntop(fam, n.to_bytes(bits // 8, 'big')),
                      plen)


def mask(ver, n, plen):
    bits = 128 if ver == 6 else 32
    return n >> (bits - plen) << (bits - plen) if plen else 0


class Index:
    def __init__(self, records):
        """records: (prefix text, maxLength, asn, raw) as read_records()."""
        self.by = {}
        self.lens = {4: set(), 6: set()}
        for rec in records:
            ver, n, plen = pfx_int(rec[0])
            self.by.setdefault((ver, plen, n), []).append(rec)
            self.lens[ver].add(plen)
        self.lens = {v: sorted(s) for v, s in self.lens.items()}

    def covering(self, prefix):
        ver, n, plen = pfx_int(prefix)
        out = []
        for l in self.lens[ver]:
            if l > plen:
                break
            out.extend(self.by.get((ver, l, mask(ver, n, l)), ()))
        return out


def read_records(path):
    """(canonical prefix, maxLength, asn, raw record or None) per VRP."""
    with bird_rov.open_maybe_compressed(path) as f:
        text = f.read()
    out = []
    if text.lstrip()[:1] in ('{', '['):
        doc = json.loads(text)
        roas = doc if isinstance(doc, list) else doc['roas']
        for r in roas:
            p, _, plen = bird_rov.canon_prefix(r['prefix'])
            ml = r.get('maxLength', r.get('maxLen'))
            out.append((p, plen if ml is None else int(ml),
                        bird_rov.parse_asn(r['asn']), r))
    else:
        import csv
        import io
        for row in csv.reader(io.StringIO(text)):
            if not row or row[0].startswith('#') or \
                    row[0].strip().upper() == 'ASN':
                continue
            p, _, _ = bird_rov.canon_prefix(row[1])
            out.append((p, int(row[2]), bird_rov.parse_asn(row[0]), None))
    return out


# --- synthetic edge routes -------------------------------------------------

DOC_AS = 64496          # RFC 5398 documentation AS: in no real VRP's AS set


def other_as(asn):
    return DOC_AS if asn != DOC_AS else DOC_AS + 1


def edge_routes(records, seed):
    """Routes probing the corners of RFC 6811 around sampled VRPs.  The
    expected state is not computed here (BIRD is the reference); the
    comment says what each one is meant to probe."""
    rnd = random.Random(seed)
    uniq = sorted({(p, ml, asn) for p, ml, asn, _ in records})
    v4 = [v for v in uniq if ':' not in v[0] and v[2] != 0]
    v6 = [v for v in uniq if ':' in v[0] and v[2] != 0]
    as0 = [v for v in uniq if v[2] == 0]
    sample = rnd.sample(v4, min(200, len(v4))) + \
        rnd.sample(v6, min(120, len(v6)))
    # maxLength > prefix length: the interesting ones for length checks
    for lst in (v4, v6):
        longer = [v for v in lst if v[1] > int(v[0].split('/')[1])]
        sample += rnd.sample(longer, min(60, len(longer)))
    big = [v for v in uniq if v[2] >= 4200000000]
    sample += rnd.sample(big, min(10, len(big)))
    out = []

    def add(ver, n, plen, origin):
        out.append((pfx_text(ver, n, plen), origin))

    for p, ml, asn in sample:
        ver, n, plen = pfx_int(p)
        bits = 128 if ver == 6 else 32
        add(ver, n, plen, str(asn))                 # exact: valid
        add(ver, n, plen, str(other_as(asn)))       # other AS: invalid
        add(ver, n, plen, 'none')                   # AS_SET: invalid
        add(ver, n, plen, '0')                      # origin AS0: invalid
        if ml > plen:
            # at maxLength, first and a random sub-prefix: valid
            add(ver, n, ml, str(asn))
            sub = n | (rnd.getrandbits(ml - plen) << (bits - ml))
            add(ver, sub, ml, str(asn))
            mid = rnd.randint(plen + 1, ml)
            add(ver, mask(ver, sub, mid), mid, str(asn))
        if ml < bits:
            # one bit longer than maxLength: invalid (length)
            sub = n | (rnd.getrandbits(ml + 1 - plen) << (bits - ml - 1))
            add(ver, sub, ml + 1, str(asn))
            add(ver, sub, ml + 1, str(other_as(asn)))
            # host route
            host = n | rnd.getrandbits(bits - plen)
            add(ver, host, bits, str(asn))
        if plen > 0:
            # less specific: not-found unless a shorter VRP covers it
            add(ver, mask(ver, n, plen - 1), plen - 1, str(asn))
            lp = max(1, plen - 8)
            add(ver, mask(ver, n, lp), lp, str(asn))
    for p, ml, asn in rnd.sample(as0, min(40, len(as0))):
        ver, n, plen = pfx_int(p)
        bits = 128 if ver == 6 else 32
        add(ver, n, plen, '0')                      # AS0 VRP, AS0 origin
        add(ver, n, plen, '13335')                  # AS0 VRP only: invalid
        add(ver, n, plen, 'none')
        if ml > plen:
            add(ver, n | (1 << (bits - ml)), ml, '13335')
        if plen > 0:
            add(ver, mask(ver, n, plen - 1), plen - 1, '13335')
    # fixed corners: default routes, AS 4294967295, documentation space
    for p, o in (('0.0.0.0/0', '13335'), ('::/0', '13335'),
                 ('0.0.0.0/0', 'none'), ('::/0', '0'),
                 ('1.1.1.0/24', '13335'), ('1.1.1.0/24', '4294967295'),
                 ('1.1.1.1/32', '13335'), ('2606:4700::/32', '13335'),
                 ('192.0.2.0/24', '64496'), ('2001:db8::/32', '64496'),
                 ('255.255.255.255/32', '4294967294'),
                 ('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', '1')):
        out.append((bird_rov.canon_prefix(p)[0], o))
    seen = set()
    uniq_out = []
    for r in out:
        if r not in seen:
            seen.add(r)
            uniq_out.append(r)
    return uniq_out


def cmd_edge(args):
    seed = 80
    if args[:1] == ['--seed']:
        seed = int(args[1])
        args = args[2:]
    vrpfile, routes_out, reduced_out = args
    records = read_records(vrpfile)
    routes = edge_routes(records, seed)
    idx = Index(records)
    keep = {}
    for p, _ in routes:
        for rec in idx.covering(p):
            keep[id(rec)] = rec
    with open(routes_out, 'w') as f:
        for p, o in routes:
            f.write('%s %s\n' % (p, o))
    roas = []
    for p, ml, asn, raw in sorted(keep.values(), key=lambda r: r[:3]):
        roas.append(raw if raw is not None else
                    {'asn': asn, 'prefix': p, 'maxLength': ml,
                     'ta': 'csv', 'expires': 0})
    with open(reduced_out, 'w') as f:
        json.dump({'metadata': {'generated_by': 'tests/bird/rovdiff.py edge',
                                'from': os.path.basename(vrpfile)},
                   'roas': roas}, f, indent=0)
        f.write('\n')
    sys.stderr.write('edge: %d routes, %d covering VRPs\n' %
                     (len(routes), len(roas)))
    return 0


# --- comparison ------------------------------------------------------------

def read_states(path):
    d = {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) == 3:
                d[(w[0], w[1])] = w[2]
    return d


def cmd_compare(args):
    minimum = 1000
    subset = False
    while args[:1] in (['--min'], ['--subset']):
        if args[0] == '--min':
            minimum = int(args[1])
            args = args[2:]
        else:
            subset = True
            args = args[1:]
    vrpfile, bird_out = args[0], args[1]
    bird = read_states(bird_out)
    rov = {}
    for p in args[2:]:
        rov.update(read_states(p))
    idx = None
    counts = {}
    mism = []
    missing = []
    for k, bs in bird.items():
        rs = rov.get(k)
        if rs is None:
            if not subset:
                missing.append(k)
            continue
        counts[bs] = counts.get(bs, 0) + 1
        if rs != bs:
            mism.append((k, bs, rs))
    for (p, o), bs, rs in mism:
        if idx is None:
            idx = Index(read_records(vrpfile))
        cov = idx.covering(p)
        print('MISMATCH %s origin %s: BIRD %s, rovmon %s; %d covering VRP%s%s'
              % (p, o, bs, rs, len(cov), '' if len(cov) == 1 else 's',
                 ':' if cov else ''))
        for vp, ml, asn, _ in sorted(cov, key=lambda r: r[:3])[:20]:
            print('    %s-%d AS%d' % (vp, ml, asn))
    for p, o in missing[:20]:
        print('MISSING %s origin %s: BIRD %s, no rovmon verdict' %
              (p, o, bird[(p, o)]))
    compared = sum(counts.values())
    print('compared %d routes: %s; %d mismatches, %d without a rovmon '
          'verdict' % (compared, ', '.join(
              '%d %s' % (counts.get(s, 0), s)
              for s in ('valid', 'invalid', 'not-found')) +
              ''.join(', %d %s' % (n, s) for s, n in sorted(counts.items())
                      if s not in ('valid', 'invalid', 'not-found')),
              len(mism), len(missing)))
    ok = not mism and not missing
    if compared < minimum:
        print('FAIL: fewer than %d routes compared' % minimum)
        ok = False
    for s in ('valid', 'invalid', 'not-found'):
        if not counts.get(s):
            print('FAIL: no %s route among those compared' % s)
            ok = False
    return 0 if ok else 1


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == 'routes':
        return cmd_routes(args)
    if cmd == 'states':
        return cmd_states(args)
    if cmd == 'edge':
        return cmd_edge(args)
    if cmd == 'compare':
        return cmd_compare(args)
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
