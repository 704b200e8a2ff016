#!/usr/bin/env python3
"""Rewrite an Ethernet pcap into other link-layer framings.

usage: relink.py IN.pcap OUTPREFIX [VARIANT...]
Writes OUTPREFIX.VARIANT.pcap for each variant (default: all):
  vlan   one 802.1Q tag (TPID 0x8100, VID 179, PCP 0)
  qinq   802.1ad outer tag (TPID 0x88a8, VID 100) + 802.1Q inner (VID 179)
  sll    LINKTYPE_LINUX_SLL (113), 16-byte cooked header
  sll2   LINKTYPE_LINUX_SLL2 (276), 20-byte cooked header, ifindex 2
  raw    LINKTYPE_RAW (101), bare IPv4/IPv6 packets
  null   LINKTYPE_NULL (0), 4-byte address family in the file's byte order
         (AF_INET 2, AF_INET6 24 as on NetBSD/OpenBSD)
  loop   LINKTYPE_LOOP (108), 4-byte address family in network byte order
Timestamps, frame order and IP payloads are unchanged; the original frame
length grows/shrinks with the header.  SLL packet types: frames whose
source MAC is the capturing host's (the destination MAC of frame 1) are
"outgoing" (4), others "to us" (0).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import pcapfile  # noqa: E402

VARIANTS = ["vlan", "qinq", "sll", "sll2", "raw", "null", "loop"]
LT = {"vlan": 1, "qinq": 1, "sll": 113, "sll2": 276, "raw": 101, "null": 0, "loop": 108}


def convert(v, e, data, local_mac):
    dst, src = data[0:6], data[6:12]
    o, et = pcapfile.l3_offset(pcapfile.LINKTYPE_ETHERNET, data)
    ip = data[o:]
    if v == "vlan":
        return dst + src + struct.pack("!HH", 0x8100, 179) + struct.pack("!H", et) + ip
    if v == "qinq":
        return dst + src + struct.pack("!HHHH", 0x88a8, 100, 0x8100, 179) + struct.pack("!H", et) + ip
    ptype = 4 if src == local_mac else 0
    if v == "sll":
        return struct.pack("!HHH", ptype, 1, 6) + src + b"\0\0" + struct.pack("!H", et) + ip
    if v == "sll2":
        return struct.pack("!HHIHBB", et, 0, 2, 1, ptype, 6) + src + b"\0\0" + ip
    if v == "raw":
        return ip
    af = 2 if et == 0x800 else 24
    if v == "null":
        return struct.pack(e + "I", af) + ip
    if v == "loop":
        return struct.pack("!I", af) + ip
    raise SystemExit("unknown variant " + v)


def main():
    src, prefix = sys.argv[1], sys.argv[2]
    want = sys.argv[3:] or VARIANTS
    try:
        header, lt, e, recs = pcapfile.read_pcap(src)
    except ValueError as err:
        raise SystemExit("%s (pcapng is not supported)" % err)
    if lt != pcapfile.LINKTYPE_ETHERNET:
        raise SystemExit("%s: link type %d, need Ethernet (1)" % (src, lt))
    _e, ns, snap, _lt = pcapfile.header_fields(header)
    local_mac = recs[0][1][0:6] if recs else b""
    for v in want:
        out = []
        for (s, f, cl, ol), data in recs:
            nd = convert(v, e, data, local_mac)
            out.append(((s, f, cl, ol + len(nd) - len(data)), nd))
        pcapfile.write_pcap("%s.%s.pcap" % (prefix, v),
                            pcapfile.file_header(LT[v], snap, e, ns), e, out)


main()
