#!/usr/bin/env python3
"""Reference route events of a capture, decoded by tshark (Debian's 4.0).

    tests/tshark_routes.py FILE [--port N] [--asn-len auto|2|4] [-o OUT]

Prints one line per route event, in capture order (frame order; inside a
frame, BGP message order; inside an UPDATE the order rovmon uses:
withdrawn routes, MP_UNREACH_NLRI, NLRI, MP_REACH_NLRI):

    FRAME SRC>DST announce PREFIX ORIGIN [pathid=N]
    FRAME SRC>DST withdraw PREFIX [pathid=N]

SRC and DST are ADDR:PORT ([ADDR]:PORT for IPv6).  Only unicast routes
are listed: IPv4 NLRI and withdrawn routes, MP_REACH/MP_UNREACH with
AFI 1 or 2 and SAFI 1.  PREFIX is canonical (host bits cleared).

ORIGIN follows RFC 6811 on the AS path in the session's AS length, after
merging AS4_PATH into a 2-octet AS_PATH (RFC 6793 4.2.3):
    N          last AS of the final segment, an AS_SEQUENCE
    set        the final segment is an AS_SET
    confed     the final segment is an AS_CONFED_SEQUENCE/AS_CONFED_SET
    empty:N    empty AS_PATH; N is the sender's AS from its OPEN in the
               same TCP connection (4-octet AS capability if present)
    empty:?    empty AS_PATH, OPEN not in the capture
    nopath     no AS_PATH attribute at all (and no BGPsec_PATH)
A BGPsec UPDATE (BGPsec_PATH, no AS_PATH, RFC 8205) takes its origin from
the last Secure_Path segment.

Lines starting with '#' are comments: how the AS length was chosen, and
WARNING lines for everything where tshark's decoding may not be what a
RFC 7606 receiver does (expert errors, missing mandatory attributes,
ADD-PATH guessed differently from the OPENs).  Comparisons ignore them.

AS length: tshark's 'bgp.asn_len' preference is global and its auto-detect
heuristic fails on some 4-octet paths; pinning 4 octets breaks 2-octet
sessions.  So tshark is run in auto mode first; the OPENs of every TCP
connection (tcp.stream) are read from that run; a connection whose two
OPENs both carry the 4-octet AS capability (65) is taken from a run with
asn_len 4, one where an OPEN without it was seen is taken from a run with
asn_len 2, and a connection without OPENs keeps auto-detect.
--asn-len forces one setting for every connection.
"""
import argparse
import hashlib
import ipaddress
import subprocess
import sys
import xml.etree.ElementTree as ET

UNICAST_SAFI = 1
ASN_LEN_PREF = {'auto': 0, '2': 2, '4': 4}


def run_tshark(path, asn_len, port):
    cmd = ['tshark', '-n', '-r', path, '-T', 'pdml',
           '-o', 'bgp.asn_len:%d' % asn_len,
           '-o', 'tcp.desegment_tcp_streams:TRUE',
           '-o', 'bgp.desegment:TRUE']
    if port:
        cmd += ['-d', 'tcp.port==%d,bgp' % port]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    pkts = parse_pdml(p.stdout)
    if p.wait() != 0 and not pkts:
        sys.exit('tshark failed on %s' % path)
    return pkts


def kids(e, name):
    return [c for c in e if c.get('name') == name]


def kid(e, name):
    for c in e:
        if c.get('name') == name:
            return c
    return None


def desc(e, name):
    return [c for c in e.iter() if c.get('name') == name]


def show(e, name, default=None):
    c = kid(e, name)
    return default if c is None else c.get('show')


def endpoint(addr, port):
    if addr is None:
        return '?:%s' % port
    if ':' in addr:
        return '[%s]:%s' % (addr, port)
    return '%s:%s' % (addr, port)


def expert_errors(e):
    """Expert errors (malformed, error severity) anywhere below e."""
    out = []
    for c in e.iter():
        n = c.get('name')
        if n == '_ws.malformed':
            out.append('malformed packet')
        elif n == '_ws.expert':
            sev = show(c, '_ws.expert.severity')
            msg = show(c, '_ws.expert.message', '?')
            # severity 8388608 = error; 6291456 = warning
            if sev is not None and int(sev) >= 8388608:
                out.append(msg)
    return out


PREFIX_FIELDS = {
    'bgp.withdrawn_prefix', 'bgp.nlri_prefix',
    'bgp.mp_reach_nlri_ipv4_prefix', 'bgp.mp_reach_nlri_ipv6_prefix',
    'bgp.mp_unreach_nlri_ipv4_prefix', 'bgp.mp_unreach_nlri_ipv6_prefix',
}


def entries(container, v6):
    """(prefix, pathid) of every prefix item under container."""
    out = []
    if container is None:
        return out
    for item in container.iter():
        pf = [c for c in item if c.get('name') in PREFIX_FIELDS]
        if not pf:
            continue
        addr = pf[0].get('show')
        plen = show(item, 'bgp.prefix_length')
        pid = show(item, 'bgp.nlri_path_id')
        try:
            net = ipaddress.ip_network('%s/%s' % (addr, plen), strict=False)
            text = str(net)
        except ValueError:
            text = 'BAD(%s/%s)' % (addr, plen)
        out.append((text, None if pid is None else int(pid)))
    return out


def segments(attr):
    segs = []
    for s in kids(attr, 'bgp.update.path_attribute.as_path_segment'):
        t = int(show(s, 'bgp.update.path_attribute.as_path_segment.type', '0'))
        a2 = [int(c.get('show')) for c in kids(s, 'bgp.update.path_attribute.as_path_segment.as2')]
        a4 = [int(c.get('show')) for c in kids(s, 'bgp.update.path_attribute.as_path_segment.as4')]
        segs.append((t, a2 + a4, 2 if a2 else 4 if a4 else 0))
    return segs


def parse_update(p):
    m = {'withdrawn': [], 'nlri': [], 'mp_reach': [], 'mp_unreach': [],
         'as_path': None, 'as4_path': None, 'as_width': 0, 'attrs': [],
         'errors': expert_errors(p), 'pathids': set(), 'bgpsec_path': None}
    w = kid(p, 'bgp.update.withdrawn_routes')
    m['withdrawn'] = entries(w, False)
    attrs = kid(p, 'bgp.update.path_attributes')
    for a in ([] if attrs is None else kids(attrs, 'bgp.update.path_attribute')):
        code = int(show(a, 'bgp.update.path_attribute.type_code', '0'))
        m['attrs'].append(code)
        if code == 2:
            m['as_path'] = segments(a)
            for s in m['as_path']:
                m['as_width'] = m['as_width'] or s[2]
        elif code == 17:
            m['as4_path'] = segments(a)
        elif code == 33:
            # BGPsec_PATH (RFC 8205 3.1): Secure_Path segments, most recent
            # first, each pCount/flags/AS.
            pc = [int(c.get('show')) for c in desc(a, 'bgp.update.path_attribute.bgpsec.sps.pcount')]
            fl = [int(c.get('show'), 0) for c in desc(a, 'bgp.update.path_attribute.bgpsec.sps.flags')]
            asn = [int(c.get('show')) for c in desc(a, 'bgp.update.path_attribute.bgpsec.sps.as')]
            m['bgpsec_path'] = list(zip(pc, fl, asn))
        elif code in (14, 15):
            k = 'mp_reach' if code == 14 else 'mp_unreach'
            afi = show(a, 'bgp.update.path_attribute.%s_nlri.afi' % k)
            safi = show(a, 'bgp.update.path_attribute.%s_nlri.safi' % k)
            afi = int(afi) if afi else 0
            safi = int(safi) if safi else 0
            lst = entries(kid(a, 'bgp.update.path_attribute.%s_nlri' % k), afi == 2)
            m[k].append((afi, safi, lst))
    m['nlri'] = entries(kid(p, 'bgp.update.nlri'), False)
    return m


def parse_open(p):
    o = {'myas': int(show(p, 'bgp.open.myas', '0')), 'as4': None, 'addpath': {}}
    for cap in desc(p, 'bgp.cap'):
        t = show(cap, 'bgp.cap.type')
        if t == '65':
            v = show(cap, 'bgp.cap.4as')
            if v is not None:
                o['as4'] = int(v)
        elif t == '69':
            afis = [int(c.get('show')) for c in kids(cap, 'bgp.cap.ap.afi')]
            safis = [int(c.get('show')) for c in kids(cap, 'bgp.cap.ap.safi')]
            srs = [int(c.get('show')) for c in kids(cap, 'bgp.cap.ap.sendreceive')]
            for afi, safi, sr in zip(afis, safis, srs):
                o['addpath'][(afi, safi)] = sr
    return o


def parse_pdml(fh):
    """List of packets: dict(frame, stream, src, dst, msgs=[(type, info)]).
    Streams the PDML (large captures give gigabytes of XML)."""
    pkts = []
    for ev, pk in ET.iterparse(fh, events=('end',)):
        if pk.tag != 'packet':
            continue
        frame = None
        src = dst = None
        sport = dport = stream = None
        msgs = []
        for proto in pk:
            n = proto.get('name')
            if n == 'geninfo':
                frame = int(show(proto, 'num'))
            elif n == 'ip':
                src, dst = show(proto, 'ip.src'), show(proto, 'ip.dst')
            elif n == 'ipv6':
                src, dst = show(proto, 'ipv6.src'), show(proto, 'ipv6.dst')
            elif n == 'tcp':
                sport, dport = show(proto, 'tcp.srcport'), show(proto, 'tcp.dstport')
                stream = int(show(proto, 'tcp.stream', '-1'))
            elif n == 'bgp':
                t = show(proto, 'bgp.type')
                t = int(t) if t is not None else -1
                if t == 2:
                    msgs.append((t, parse_update(proto)))
                elif t == 1:
                    msgs.append((t, parse_open(proto)))
                else:
                    msgs.append((t, {'errors': expert_errors(proto)}))
        if msgs:
            pkts.append({'frame': frame, 'stream': stream,
                         'src': endpoint(src, sport), 'dst': endpoint(dst, dport),
                         'msgs': msgs})
        pk.clear()
    return pkts


def as_count(segs):
    n = 0
    for t, asns, _ in segs:
        if t == 2:
            n += len(asns)
        elif t == 1:
            n += 1
    return n


def merge_as4(as_path, as4_path):
    """RFC 6793 4.2.3: reconstruct the path from AS_PATH and AS4_PATH."""
    as4 = [s for s in as4_path if s[0] in (1, 2)]   # confed segments do not belong in AS4_PATH
    n2, n4 = as_count(as_path), as_count(as4)
    if n2 < n4:
        return as_path, 'AS4_PATH ignored (more ASes than AS_PATH)'
    keep = n2 - n4
    out = []
    for t, asns, w in as_path:
        if keep <= 0:
            if t in (3, 4):
                continue
            break
        if t == 2:
            take = asns[:keep]
            out.append((t, take, w))
            keep -= len(take)
        elif t == 1:
            out.append((t, asns, w))
            keep -= 1
        else:
            out.append((t, asns, w))
    return out + as4, None


def origin_of(segs):
    if not segs:
        return None
    t, asns, _ = segs[-1]
    if t == 2 and asns:
        return str(asns[-1])
    if t == 1:
        return 'set'
    if t in (3, 4):
        return 'confed'
    return 'bad-segment-%d' % t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('file')
    ap.add_argument('--port', type=int, default=0, help='also decode TCP port N as BGP')
    ap.add_argument('--asn-len', choices=['auto', '2', '4'], default=None)
    ap.add_argument('-o', '--output')
    args = ap.parse_args()
    out = open(args.output, 'w') if args.output else sys.stdout

    def emit(s):
        out.write(s + '\n')

    forced = args.asn_len
    with open(args.file, 'rb') as f:
        emit('# capture sha256 %s' % hashlib.sha256(f.read()).hexdigest())
    auto = run_tshark(args.file, ASN_LEN_PREF[forced or 'auto'], args.port)

    # OPENs per connection and direction (first OPEN of each sender).
    opens = {}
    for pk in auto:
        for t, info in pk['msgs']:
            if t == 1:
                opens.setdefault((pk['stream'], pk['src']), info)
    streams = {}
    for pk in auto:
        streams.setdefault(pk['stream'], set()).add(pk['src'])
        streams[pk['stream']].add(pk['dst'])
    choice = {}
    for st, ends in sorted(streams.items(), key=lambda x: x[0]):
        seen = [opens[(st, e)] for e in sorted(ends) if (st, e) in opens]
        if forced:
            c, why = int(ASN_LEN_PREF[forced]), 'forced'
        elif any(o['as4'] is None for o in seen):
            c, why = 2, 'an OPEN without the 4-octet AS capability'
        elif len(seen) == 2:
            c, why = 4, 'both OPENs carry the 4-octet AS capability'
        else:
            c, why = 0, 'OPENs not in the capture (%d of 2 seen): tshark auto-detect' % len(seen)
        choice[st] = c
        emit('# tcp.stream %d %s: asn_len %s (%s)' % (st, ' '.join(sorted(ends)), c or 'auto', why))

    runs = {ASN_LEN_PREF[forced or 'auto']: auto}
    for c in set(choice.values()):
        if c not in runs:
            runs[c] = run_tshark(args.file, c, args.port)
    index = {}
    for c, pkts in runs.items():
        for pk in pkts:
            index[(c, pk['frame'])] = pk

    for pk in auto:
        st = pk['stream']
        use = index.get((choice.get(st, 0), pk['frame']), pk)
        if len(use['msgs']) != len(pk['msgs']):
            emit('# WARNING frame %d: message count differs between asn_len runs' % pk['frame'])
        sender = opens.get((st, pk['src']))
        receiver = opens.get((st, pk['dst']))
        for i, (t, m) in enumerate(use['msgs']):
            where = 'frame %d msg %d %s>%s' % (pk['frame'], i + 1, pk['src'], pk['dst'])
            for e in m.get('errors', []) if t != 1 else []:
                emit('# WARNING %s: tshark expert error: %s' % (where, e))
            if t not in (1, 2, 3, 4, 5):
                emit('# WARNING %s: BGP message type %d' % (where, t))
            if t != 2:
                continue
            emit_update(emit, pk, m, where, sender, receiver, choice.get(st, 0))
    if out is not sys.stdout:
        out.close()


def emit_update(emit, pk, m, where, sender, receiver, asn_len):
    head = '%d %s>%s' % (pk['frame'], pk['src'], pk['dst'])

    def line(ev, pfx, pid, origin=None):
        s = '%s %s %s' % (head, ev, pfx)
        if origin is not None:
            s += ' ' + origin
        if pid is not None:
            s += ' pathid=%d' % pid
        emit(s)

    # origin
    path = m['as_path']
    origin = None
    if path is None and m['bgpsec_path']:
        # RFC 8205 4.4: with BGPsec negotiated the BGPsec_PATH replaces the
        # AS_PATH; the origin is the AS of the last Secure_Path segment
        # (pCount 0 segments are not part of the AS path; flag 0x80 marks a
        # confederation member).
        segs = [x for x in m['bgpsec_path'] if x[0] > 0]
        if not segs:
            origin = 'empty:?'
        elif segs[-1][1] & 0x80:
            origin = 'confed'
        else:
            origin = str(segs[-1][2])
        emit('# NOTE %s: origin from BGPsec_PATH (RFC 8205), no AS_PATH' % where)
    elif path is None:
        origin = 'nopath'
    else:
        segs = path
        if m['as4_path'] is not None:
            if m['as_width'] == 4 or asn_len == 4:
                emit('# NOTE %s: AS4_PATH on a 4-octet session, ignored (RFC 6793 4.2.3... NEW speakers)' % where)
            else:
                segs, note = merge_as4(path, m['as4_path'])
                if note:
                    emit('# NOTE %s: %s' % (where, note))
        origin = origin_of(segs)
        if origin is None:
            if sender is not None:
                origin = 'empty:%d' % (sender['as4'] if sender['as4'] is not None else sender['myas'])
            else:
                origin = 'empty:?'
    # ADD-PATH cross-check with the OPENs
    if sender is not None and receiver is not None:
        def negotiated(afi):
            s = sender['addpath'].get((afi, 1), 0)
            r = receiver['addpath'].get((afi, 1), 0)
            return bool(s & 2) and bool(r & 1)
        for afi, lst in ((1, m['withdrawn'] + m['nlri']),) + tuple(
                (a, l) for a, s, l in m['mp_reach'] + m['mp_unreach'] if s == 1):
            for pfx, pid in lst:
                if (pid is not None) != negotiated(afi):
                    emit('# WARNING %s: %s path id %s but ADD-PATH %snegotiated for AFI %d'
                         % (where, pfx, pid, '' if negotiated(afi) else 'not ', afi))
    # RFC 7606 hints
    announces = m['nlri'] or any(s == 1 and a in (1, 2) and l for a, s, l in m['mp_reach'])
    if announces:
        if 1 not in m['attrs']:
            emit('# WARNING %s: ORIGIN missing (RFC 7606 3.d: treat-as-withdraw)' % where)
        if 2 not in m['attrs'] and 33 not in m['attrs']:
            emit('# WARNING %s: AS_PATH missing (RFC 7606 3.d: treat-as-withdraw)' % where)
        if m['nlri'] and 3 not in m['attrs']:
            emit('# WARNING %s: NEXT_HOP missing with IPv4 NLRI (RFC 7606 3.d: treat-as-withdraw)' % where)
    for code in set(m['attrs']):
        if m['attrs'].count(code) > 1:
            emit('# WARNING %s: attribute %d repeated (RFC 7606 3.g)' % (where, code))
    if path is not None and any(s[0] not in (1, 2, 3, 4) or not s[1] for s in path):
        emit('# WARNING %s: AS_PATH with an empty or unknown segment' % where)

    for pfx, pid in m['withdrawn']:
        line('withdraw', pfx, pid)
    for afi, safi, lst in m['mp_unreach']:
        if afi in (1, 2) and safi == UNICAST_SAFI:
            for pfx, pid in lst:
                line('withdraw', pfx, pid)
    for pfx, pid in m['nlri']:
        line('announce', pfx, pid, origin)
    for afi, safi, lst in m['mp_reach']:
        if afi in (1, 2) and safi == UNICAST_SAFI:
            for pfx, pid in lst:
                line('announce', pfx, pid, origin)


if __name__ == '__main__':
    main()
