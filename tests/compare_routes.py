#!/usr/bin/env python3
"""Compare a reference route list with rovmon's route log.

    tests/compare_routes.py [--order] [--max N] REFERENCE ROVMON_JSONL
    tests/compare_routes.py --to-ref ROVMON_JSONL     (print it normalised)

Either file may be any of the three formats below (detected from the
first line that is not a comment): rovmon's JSON lines, a reference list,
or a sending speaker's view.

REFERENCE is the output of tests/tshark_routes.py, or a hand-checked list
in the same format (tests/expected/*.txt); '#' starts a comment, blank
lines are ignored:

    FRAME SRC>DST announce PREFIX ORIGIN [pathid=N] [taw]
    FRAME SRC>DST withdraw PREFIX [pathid=N] [taw]

FRAME may be '-' (not compared in any case; it is only shown in diffs).
'taw' marks a withdrawal that RFC 7606 treat-as-withdraw made out of an
announcement (rovmon: "treat_as_withdraw":true).

rovmon's JSON lines are normalised to the same tokens:
    direction   src_addr:src_port>dst_addr:dst_port ([v6]:port)
    ORIGIN      origin_kind seq   -> origin_as
                origin_kind set   -> set
                origin_kind peer  -> empty:<origin_as>  (empty AS_PATH, the
                                     sender's AS from its OPEN)
                other, with as_path []                 -> empty:?
                other, as_path ending in a confed seg. -> confed
                other, no as_path                      -> nopath
                otherwise                              -> none:<origin_kind>
A sending speaker's view (pcaps/*.sent.txt, tests/speakers/wire.py) is
'announce|withdraw PREFIX ORIGIN [PATH_ID] [taw]' without frame or
direction; against it, directions are merged and 'empty:N' becomes N.

So an empty AS_PATH compares equal only when both sides agree on whether
the sender's OPEN was seen and on its AS.

Both lists are compared as multisets of (event, prefix, origin, path id,
taw) per direction; with --order also as sequences per direction (the
order of the route events a sender sent).  The first --max (20)
differences are printed; the exit status is 0 when equal, 1 when not,
2 on bad input.
"""
import argparse
import collections
import json
import sys


def endpoint(addr, port):
    if addr is not None and ':' in addr:
        return '[%s]:%s' % (addr, port)
    return '%s:%s' % (addr, port)


def parse_ref(path):
    out = []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.split('#', 1)[0].strip()   # '#' starts a comment anywhere
            if not line:
                continue
            t = line.split()
            if len(t) < 4 or t[2] not in ('announce', 'withdraw') or '>' not in t[1]:
                sys.exit('%s:%d: bad reference line: %s' % (path, n, raw.rstrip()))
            frame, direction, ev, pfx = t[:4]
            rest = t[4:]
            origin = ''
            if ev == 'announce':
                if not rest:
                    sys.exit('%s:%d: announce without origin' % (path, n))
                origin, rest = rest[0], rest[1:]
            pid = ''
            taw = ''
            for x in rest:
                if x.startswith('pathid='):
                    pid = x
                elif x == 'taw':
                    taw = 'taw'
                else:
                    sys.exit('%s:%d: unknown token %r' % (path, n, x))
            out.append((direction, (ev, pfx, origin, pid, taw), frame))
    return out


def parse_sent(path):
    """A sending speaker's view (tests/speakers/wire.py): no frame, no
    direction; 'withdraw PREFIX ORIGIN|-' carries the origin of the route
    removed (ignored here); ORIGIN 'null' is an AS_SET; an empty path gives
    the sender's AS; PATH_ID is a bare number."""
    out = []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.split('#', 1)[0].strip()
            if not line:
                continue
            t = line.split()
            if t[0] not in ('announce', 'withdraw') or len(t) < 3 or len(t) > 5:
                sys.exit('%s:%d: bad sent-view line: %s' % (path, n, raw.rstrip()))
            ev, pfx, origin = t[0], t[1], t[2]
            rest = t[3:]
            taw = ''
            if rest and rest[-1] == 'taw':
                taw, rest = 'taw', rest[:-1]
            pid = 'pathid=%s' % rest[0] if rest else ''
            if ev == 'withdraw':
                origin = ''
            elif origin == 'null':
                origin = 'set'
            out.append(('*', (ev, pfx, origin, pid, taw), '-'))
    return out


def sent_like(events):
    """Reduce normalised events to what a sent view can express."""
    out = []
    for d, (ev, pfx, origin, pid, taw), fr in events:
        if origin.startswith('empty:'):
            origin = origin[6:]
        out.append(('*', (ev, pfx, origin, pid, taw), fr))
    return out


def parse_any(path):
    """(events, is_sent_view) of a reference list, sent view or JSONL."""
    with open(path) as f:
        for raw in f:
            s = raw.strip()
            if not s or s.startswith('#'):
                continue
            if s.startswith('{'):
                return parse_rovmon(path), False
            if s.split()[0] in ('announce', 'withdraw'):
                return parse_sent(path), True
            break
    return parse_ref(path), False


def rovmon_origin(o):
    kind = o.get('origin_kind')
    if kind == 'seq':
        return str(o.get('origin_as'))
    if kind == 'set':
        return 'set'
    if kind == 'peer':
        a = o.get('origin_as')
        return 'empty:%s' % ('?' if a is None else a)
    path = o.get('as_path', None)
    if 'as_path' not in o:
        return 'nopath'
    if path == []:
        return 'empty:?'
    if isinstance(path, list) and path and isinstance(path[-1], dict):
        return 'confed'
    return 'none:%s' % kind


def parse_rovmon(path):
    out = []
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                o = json.loads(raw)
            except ValueError as e:
                sys.exit('%s:%d: not JSON (%s): %s' % (path, n, e, raw[:200]))
            ev = o.get('event')
            direction = '%s>%s' % (endpoint(o.get('src_addr'), o.get('src_port')),
                                   endpoint(o.get('dst_addr'), o.get('dst_port')))
            origin = rovmon_origin(o) if ev == 'announce' else ''
            pid = 'pathid=%d' % o['path_id'] if o.get('path_id') is not None else ''
            taw = 'taw' if o.get('treat_as_withdraw') else ''
            out.append((direction, (ev, o.get('prefix'), origin, pid, taw),
                        str(o.get('pkt_num', '-'))))
    return out


def fmt(direction, key, frame):
    ev, pfx, origin, pid, taw = key
    return ' '.join(x for x in (frame, direction, ev, pfx, origin, pid, taw) if x)


def compare(ref, got, order, maxn, out):
    diffs = []
    dirs = sorted(set(d for d, _, _ in ref) | set(d for d, _, _ in got))
    for d in dirs:
        r = [(k, f) for dd, k, f in ref if dd == d]
        g = [(k, f) for dd, k, f in got if dd == d]
        rc = collections.Counter(k for k, _ in r)
        gc = collections.Counter(k for k, _ in g)
        if rc != gc:
            # walk in reference order so the first differences come first
            missing = rc - gc
            extra = gc - rc
            for k, f in r:
                if missing[k] > 0:
                    missing[k] -= 1
                    diffs.append('- reference only: ' + fmt(d, k, f))
            for k, f in g:
                if extra[k] > 0:
                    extra[k] -= 1
                    diffs.append('+ rovmon only:    ' + fmt(d, k, f))
        elif order:
            for i, ((rk, rf), (gk, gf)) in enumerate(zip(r, g)):
                if rk != gk:
                    diffs.append('~ order differs at event %d of %s: reference %s, rovmon %s'
                                 % (i + 1, d, fmt(d, rk, rf), fmt(d, gk, gf)))
                    break
    for line in diffs[:maxn]:
        out.write(line + '\n')
    if len(diffs) > maxn:
        out.write('... %d more differences\n' % (len(diffs) - maxn))
    out.write('%d reference events, %d rovmon events, %d differences\n'
              % (len(ref), len(got), len(diffs)))
    return not diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--order', action='store_true', help='also compare the sequence per direction')
    ap.add_argument('--max', type=int, default=20)
    ap.add_argument('--to-ref', action='store_true', help='print ROVMON_JSONL in reference format')
    ap.add_argument('files', nargs='+')
    a = ap.parse_args()
    if a.to_ref:
        for d, k, f in parse_rovmon(a.files[0]):
            print(fmt(d, k, f))
        return 0
    if len(a.files) != 2:
        ap.error('need REFERENCE and ROVMON_JSONL')
    ref, ref_sent = parse_any(a.files[0])
    got, got_sent = parse_any(a.files[1])
    if ref_sent != got_sent:
        # a sent view has neither directions nor empty-path markers
        ref, got = sent_like(ref), sent_like(got)
        if a.order:
            sys.stdout.write('note: sent view, directions merged: order not compared\n')
            a.order = False
    ok = compare(ref, got, a.order, a.max, sys.stdout)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
