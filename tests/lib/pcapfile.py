"""Minimal pcap (not pcapng) reader/writer and TCP/IP frame parser for tests.

Only what the tests need: classic pcap with Ethernet (optionally VLAN-tagged),
raw IP or Linux SLL link types, IPv4/IPv6, TCP.  Used to derive expectations
independently of rovmon's C decoder.
"""
import struct

LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LINUX_SLL = 113


def read_pcap(path):
    """Return (header_bytes, linktype, endian, [(hdr_tuple, data)])."""
    with open(path, "rb") as f:
        buf = f.read()
    magic = buf[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise ValueError(f"{path}: not a classic pcap file")
    linktype = struct.unpack(e + "I", buf[20:24])[0] & 0x0FFFFFFF
    frames = []
    off = 24
    while off + 16 <= len(buf):
        sec, frac, incl, orig = struct.unpack(e + "IIII", buf[off:off + 16])
        data = buf[off + 16:off + 16 + incl]
        frames.append(((sec, frac, incl, orig), data))
        off += 16 + incl
    return buf[:24], linktype, e, frames


def write_pcap(path, header, endian, frames):
    with open(path, "wb") as f:
        f.write(header)
        for (sec, frac, _incl, orig), data in frames:
            f.write(struct.pack(endian + "IIII", sec, frac, len(data), orig))
            f.write(data)


def tcp_of(linktype, data):
    """Return (src, dst, sport, dport, seq, flags, payload) or None."""
    off = 0
    if linktype == LINKTYPE_ETHERNET:
        if len(data) < 14:
            return None
        et = struct.unpack(">H", data[12:14])[0]
        off = 14
        while et in (0x8100, 0x88A8, 0x9100) and len(data) >= off + 4:
            et = struct.unpack(">H", data[off + 2:off + 4])[0]
            off += 4
    elif linktype == LINKTYPE_LINUX_SLL:
        et = struct.unpack(">H", data[14:16])[0]
        off = 16
    elif linktype == LINKTYPE_RAW:
        et = 0x0800 if data[0] >> 4 == 4 else 0x86DD
    else:
        return None
    if et == 0x0800:
        ihl = (data[off] & 0x0F) * 4
        tot = struct.unpack(">H", data[off + 2:off + 4])[0]
        if data[off + 9] != 6:
            return None
        src, dst = data[off + 12:off + 16], data[off + 16:off + 20]
        end = off + tot
        off += ihl
    elif et == 0x86DD:
        plen = struct.unpack(">H", data[off + 4:off + 6])[0]
        if data[off + 6] != 6:
            return None
        src, dst = data[off + 8:off + 24], data[off + 24:off + 40]
        end = off + 40 + plen
        off += 40
    else:
        return None
    sport, dport, seq = struct.unpack(">HHI", data[off:off + 8])
    doff = (data[off + 12] >> 4) * 4
    flags = data[off + 13]
    return src, dst, sport, dport, seq, flags, data[off + doff:end]


def tcp_info(linktype, data):
    """Like tcp_of, with more of the TCP header: a dict with src, dst,
    sport, dport, seq, ack, flags, payload, and tcp_off (where the TCP
    header starts in data, to rewrite it), ip_off, ip_ver; or None."""
    t = tcp_of(linktype, data)
    if t is None:
        return None
    src, dst, sport, dport, seq, flags, payload = t
    # find the TCP header again: same walk as tcp_of
    off = 0
    if linktype == LINKTYPE_ETHERNET:
        et = struct.unpack(">H", data[12:14])[0]
        off = 14
        while et in (0x8100, 0x88A8, 0x9100) and len(data) >= off + 4:
            et = struct.unpack(">H", data[off + 2:off + 4])[0]
            off += 4
    elif linktype == LINKTYPE_LINUX_SLL:
        off = 16
    ip_off = off
    ver = data[off] >> 4
    tcp_off = off + ((data[off] & 0x0F) * 4 if ver == 4 else 40)
    ack = struct.unpack(">I", data[tcp_off + 8:tcp_off + 12])[0]
    return {"src": src, "dst": dst, "sport": sport, "dport": dport,
            "seq": seq, "ack": ack, "flags": flags, "payload": payload,
            "tcp_off": tcp_off, "ip_off": ip_off, "ip_ver": ver}
