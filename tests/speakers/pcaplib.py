"""Minimal pcap (not pcapng) reading/writing shared by relink.py and lossy.py."""
import struct

MAGICS = {b"\xd4\xc3\xb2\xa1": ("<", False), b"\xa1\xb2\xc3\xd4": (">", False),
          b"\x4d\x3c\xb2\xa1": ("<", True), b"\xa1\xb2\x3c\x4d": (">", True)}


def read(path):
    """returns (endian, nanosecond, snaplen, linktype, [(sec, frac, origlen, data)])"""
    d = open(path, "rb").read()
    if d[:4] not in MAGICS:
        raise SystemExit("%s: not a pcap file (pcapng is not supported)" % path)
    e, ns = MAGICS[d[:4]]
    snap, lt = struct.unpack(e + "II", d[16:24])
    recs, o = [], 24
    while o + 16 <= len(d):
        s, f, cl, ol = struct.unpack(e + "IIII", d[o:o + 16])
        recs.append((s, f, ol, d[o + 16:o + 16 + cl]))
        o += 16 + cl
    return e, ns, snap, lt, recs


def write(path, e, ns, snap, lt, recs):
    magic = 0xa1b23c4d if ns else 0xa1b2c3d4
    with open(path, "wb") as f:
        f.write(struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, snap, lt))
        for s, fr, ol, data in recs:
            f.write(struct.pack(e + "IIII", s, fr, len(data), ol))
            f.write(data)


def l3_offset(lt, data):
    """(offset of the IP header, ethertype) for the link types used here"""
    if lt == 1:
        et, o = struct.unpack("!H", data[12:14])[0], 14
        while et in (0x8100, 0x88a8, 0x9100):
            et, o = struct.unpack("!H", data[o + 2:o + 4])[0], o + 4
        return o, et
    if lt == 113:
        return 16, struct.unpack("!H", data[14:16])[0]
    if lt == 276:
        return 20, struct.unpack("!H", data[0:2])[0]
    if lt in (101, 228, 229, 0, 108):
        o = 4 if lt in (0, 108) else 0
        return o, 0x800 if data[o] >> 4 == 4 else 0x86dd
    raise SystemExit("unsupported link type %d" % lt)


def tcp_payload_len(lt, data):
    """TCP payload length of a frame, or None when it is not TCP over IP"""
    o, et = l3_offset(lt, data)
    if et == 0x800:
        if data[o + 9] != 6:
            return None
        ihl = (data[o] & 15) * 4
        tot = struct.unpack("!H", data[o + 2:o + 4])[0]
        t = o + ihl
        return tot - ihl - (data[t + 12] >> 4) * 4
    if et == 0x86dd:
        if data[o + 6] != 6:
            return None
        plen = struct.unpack("!H", data[o + 4:o + 6])[0]
        t = o + 40
        return plen - (data[t + 12] >> 4) * 4
    return None
