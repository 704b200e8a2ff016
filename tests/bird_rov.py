#!/usr/bin/env python3
"""Route origin validation by BIRD, the independent reference for rovmon.

usage: tests/bird_rov.py [--keep DIR] [--timing] VRPFILE ROUTES_FILE OUT

VRPFILE: rpki-client JSON (also the GoRTR/StayRTR layout with "AS65000"
strings) or CSV (rpki-client/Routinator: ASN,IP Prefix,Max Length[,...]),
plain or bzip2/gzip-compressed (recognised by magic bytes).
ROUTES_FILE: lines "PREFIX ORIGIN", ORIGIN an AS number (13335 or AS13335)
or "none" (an AS_SET or otherwise unknown origin); blank lines and lines
starting with '#' are ignored.
OUT: lines "PREFIX ORIGIN STATE", one per input route in input order,
STATE one of valid / invalid / not-found (BIRD's ROA_VALID / ROA_INVALID /
ROA_UNKNOWN), or "error:MESSAGE" when BIRD refused to evaluate the route.

How BIRD is fed: a private bird2 (own config, control socket and pid file
in a temporary directory, no protocol that touches the network, router id
192.0.2.1) with "roa4 table r4; roa6 table r6;" filled by two static
protocols generated from the VRP file ("route 1.0.0.0/24 max 24 as 13335;"),
one line per distinct (prefix, maxLength, ASN); BIRD's ROA nets are exactly
that triple, so duplicate VRPs (same triple from two trust anchors) are
written once.  VRP expiry is ignored (static ROAs never expire), as rovmon
does with --vrps.  Nothing of rovmon is used: the VRP file is read by this
script's own small parser, the validation is BIRD's.
The RTR way (protocol rpki to StayRTR serving the same file) is covered in
issue 5, not here.

Each route is then evaluated with "eval roa_check(r4|r6, PREFIX, ASN)" over
BIRD's control socket (the protocol birdc speaks: one command per line, a
reply of lines "NNNN-text" ending with a line "NNNN text"); BIRD answers
"(enum 35)0|1|2" = ROA_UNKNOWN / ROA_VALID / ROA_INVALID.

Origin "none" (AS_SET, RFC 6811 section 2: such a route can never be
valid, it is invalid when covered and not-found otherwise) is evaluated as
AS 0: BIRD's roa_check takes an AS number, and BIRD (like RFC 6811 and
RFC 7607) never lets a VRP match origin AS 0 (net_roa_check tests
"asn && roa->asn == asn"), so AS 0 gives exactly invalid-when-covered,
unknown-otherwise.  The OUT line keeps "none" as the origin.

Timings (this machine, 2 cores, shared with other jobs): the full
2025-07-20 snapshot (723,521 distinct VRPs, 111 MB of config) loads into
BIRD in 2.5-4.5 s after 8-10 s of decompressing, JSON parsing and config
writing; 20k roa_check evaluations take 1-2 s.  No reduction of the VRP set
is needed, BIRD always gets the whole file.
"""
import bz2
import csv
import gzip
import io
import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time


def open_maybe_compressed(path):
    with open(path, 'rb') as f:
        magic = f.read(3)
    if magic[:3] == b'BZh':
        return io.TextIOWrapper(bz2.open(path, 'rb'), encoding='utf-8')
    if magic[:2] == b'\x1f\x8b':
        return io.TextIOWrapper(gzip.open(path, 'rb'), encoding='utf-8')
    return open(path, encoding='utf-8')


def parse_asn(v):
    if isinstance(v, int):
        a = v
    else:
        s = str(v).strip()
        if s[:2].upper() == 'AS':
            s = s[2:]
        a = int(s, 10)
    if not 0 <= a <= 0xffffffff:
        raise ValueError('AS number out of range: %r' % (v,))
    return a


def canon_prefix(text):
    """'2001:DB8:0::/32' -> ('2001:db8::/32', 6, 32); cheap (inet_pton),
    723k VRPs must not take ipaddress's 10 s.  Host bits are left for BIRD
    to reject (it refuses such a config)."""
    addr, _, plen = text.strip().partition('/')
    fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
    addr = socket.inet_ntop(fam, socket.inet_pton(fam, addr))
    plen = int(plen)
    ver = 6 if fam == socket.AF_INET6 else 4
    if not 0 <= plen <= (128 if ver == 6 else 32):
        raise ValueError('bad prefix %r' % text)
    return '%s/%d' % (addr, plen), ver, plen


def load_vrps(path):
    """Return a set of (prefix text, version, maxLength, asn)."""
    with open_maybe_compressed(path) as f:
        text = f.read()
    rows = []
    first = text.lstrip()[:1]
    if first in ('{', '['):
        doc = json.loads(text)
        roas = doc if isinstance(doc, list) else doc.get('roas')
        if not isinstance(roas, list):
            raise ValueError('%s: no "roas" array' % path)
        for r in roas:
            rows.append((r['prefix'], r.get('maxLength', r.get('maxLen')),
                         r['asn']))
    else:
        for row in csv.reader(io.StringIO(text)):
            if not row or row[0].startswith('#'):
                continue
            if row[0].strip().upper() == 'ASN':
                continue            # header
            rows.append((row[1], row[2], row[0]))
    vrps = set()
    for prefix, ml, asn in rows:
        p, ver, plen = canon_prefix(prefix)
        ml = plen if ml is None else int(ml)
        if not plen <= ml <= (128 if ver == 6 else 32):
            raise ValueError('bad maxLength %d for %s' % (ml, p))
        vrps.add((p, ver, ml, parse_asn(asn)))
    return vrps


def write_roa_statics(f, v4, v6):
    """The static protocols vrp4/vrp6 that fill ROA tables r4/r6, one
    "route P max M as A;" per VRP (tuples as load_vrps() gives them; the
    benchmark's BIRD, tests/bench/bird_ref.py, loads the same)."""
    for name, chan, lst in (('vrp4', 'roa4 { table r4; }', v4),
                            ('vrp6', 'roa6 { table r6; }', v6)):
        f.write('protocol static %s {\n\t%s;\n' % (name, chan))
        f.writelines('\troute %s max %d as %d;\n' % (p, ml, asn)
                     for p, _, ml, asn in lst)
        f.write('}\n')


def write_config(path, vrps):
    v4 = [v for v in vrps if v[1] == 4]
    v6 = [v for v in vrps if v[1] == 6]
    with open(path, 'w') as f:
        f.write('# generated by tests/bird_rov.py\n'
                'router id 192.0.2.1;\n'
                'roa4 table r4;\n'
                'roa6 table r6;\n')
        write_roa_statics(f, v4, v6)
    return len(v4), len(v6)


class Bird:
    def __init__(self, sockpath):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(sockpath)
        self.f = self.s.makefile('rb')
        self.reply()                # 0001 BIRD x.y.z ready.

    def reply(self):
        """Read one reply: list of (code, text); code of continuation
        lines (leading space) is the previous one."""
        out = []
        code = None
        while True:
            line = self.f.readline()
            if not line:
                raise EOFError('BIRD closed the control socket')
            line = line.decode('utf-8', 'replace').rstrip('\n')
            if line[:1] == ' ':
                out.append((code, line[1:]))
                continue
            code, sep, text = line[:4], line[4:5], line[5:]
            out.append((code, text))
            if sep == ' ':
                return out

    def cmd(self, c):
        self.s.sendall(c.encode() + b'\n')
        return self.reply()

    def close(self):
        self.f.close()
        self.s.close()


def table_count(b, table, where=''):
    """Routes in table (that match the filter expression where), -1 when
    BIRD's answer has no count."""
    for code, text in b.cmd('show route table %s %s count' % (table, where)):
        # "580366 of 580366 routes for 580366 networks in table r4"
        w = text.split()
        if len(w) >= 3 and w[1] == 'of' and w[0].isdigit():
            return int(w[0])
    return -1


STATES = {'0': 'not-found', '1': 'valid', '2': 'invalid'}


def main(argv):
    keep = None
    timing = False
    args = []
    it = iter(argv[1:])
    for a in it:
        if a == '--keep':
            keep = next(it)
        elif a == '--timing':
            timing = True
        else:
            args.append(a)
    if len(args) != 3:
        sys.stderr.write(__doc__.split('\n\n')[1] + '\n')
        return 2
    vrpfile, routesfile, outfile = args
    bird = shutil.which('bird') or '/usr/sbin/bird'
    if not os.access(bird, os.X_OK):
        sys.stderr.write('bird_rov: bird2 is not installed\n')
        return 77

    t0 = time.monotonic()

    def tick(what):
        if timing:
            sys.stderr.write('bird_rov: %-28s %6.2f s\n' %
                             (what, time.monotonic() - t0))

    routes = []
    with open(routesfile) as f:
        for ln, line in enumerate(f, 1):
            w = line.split()
            if not w or w[0].startswith('#'):
                continue
            if len(w) != 2:
                raise SystemExit('%s:%d: expected "PREFIX ORIGIN"' %
                                 (routesfile, ln))
            net = ipaddress.ip_network(w[0], strict=True)
            asn = None if w[1].lower() == 'none' else parse_asn(w[1])
            routes.append((w[0], w[1], net, asn))
    vrps = load_vrps(vrpfile)
    tick('VRPs parsed (%d)' % len(vrps))

    tmp = keep or tempfile.mkdtemp(prefix='bird-rov.')
    os.makedirs(tmp, exist_ok=True)
    conf = os.path.join(tmp, 'bird.conf')
    sock = os.path.join(tmp, 'bird.ctl')
    pidf = os.path.join(tmp, 'bird.pid')
    n4, n6 = write_config(conf, vrps)
    tick('config written')

    proc = subprocess.Popen([bird, '-f', '-c', conf, '-s', sock, '-P', pidf],
                            stdin=subprocess.DEVNULL,
                            stdout=open(os.path.join(tmp, 'bird.log'), 'w'),
                            stderr=subprocess.STDOUT)
    b = None
    try:
        deadline = time.monotonic() + 300
        while b is None:
            if proc.poll() is not None:
                with open(os.path.join(tmp, 'bird.log')) as f:
                    sys.stderr.write(f.read())
                raise SystemExit('bird_rov: bird exited with %d' %
                                 proc.returncode)
            if time.monotonic() > deadline:
                raise SystemExit('bird_rov: bird did not start')
            try:
                b = Bird(sock)
            except (FileNotFoundError, ConnectionRefusedError):
                time.sleep(0.1)
        tick('bird control socket up')
        # Wait until both ROA tables hold every VRP.
        while True:
            c4, c6 = table_count(b, 'r4'), table_count(b, 'r6')
            if c4 == n4 and c6 == n6:
                break
            if time.monotonic() > deadline:
                raise SystemExit('bird_rov: ROA tables hold %d/%d of %d/%d'
                                 % (c4, c6, n4, n6))
            time.sleep(0.1)
        tick('ROA tables loaded (%d+%d)' % (n4, n6))

        with open(outfile, 'w') as out:
            for text, origin, net, asn in routes:
                table = 'r4' if net.version == 4 else 'r6'
                rep = b.cmd('eval roa_check(%s, %s, %d)' %
                            (table, net, 0 if asn is None else asn))
                code, msg = rep[-1]
                state = None
                if code == '0023' and msg.startswith('(enum 35)'):
                    state = STATES.get(msg[len('(enum 35)'):])
                if state is None:
                    state = 'error:' + '/'.join(
                        t for _, t in rep).replace(' ', '_')
                out.write('%s %s %s\n' % (text, origin, state))
        tick('%d routes evaluated' % len(routes))
    finally:
        if b is not None:
            try:
                b.cmd('down')
            except (OSError, EOFError):
                pass
            b.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if keep is None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
