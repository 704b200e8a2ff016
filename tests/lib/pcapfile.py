"""The one capture-file module of the tests: classic pcap reading and writing
(whole files and streamed records), a pcapng reader, and the link/IP/TCP
walk that finds a frame's TCP segment.

Owns: the pcap file header and record layout (both byte orders, micro- and
nanosecond magics), the streaming writer the hostile-input generators use
(lies in caplen/wirelen allowed), and the frame walk for the link types the
tests use.  Independent of rovmon's C decoder, so expectations derived here
are not rovmon checking itself.  Every Python test imports it from tests/lib:

    sys.path.insert(0, os.path.join(TOP, "tests", "lib")); import pcapfile

Frames read from a file are ((sec, frac, caplen, origlen), data); frac is in
the file's unit (us, or ns for the nanosecond magic).
"""
import struct

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276

MAGIC_US = 0xa1b2c3d4
MAGIC_NS = 0xa1b23c4d
# the first four bytes of a file -> (struct byte order, nanosecond stamps)
MAGICS = {b"\xd4\xc3\xb2\xa1": ("<", False), b"\xa1\xb2\xc3\xd4": (">", False),
          b"\x4d\x3c\xb2\xa1": ("<", True), b"\xa1\xb2\x3c\x4d": (">", True)}
PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"


# ---- the file header and records ---------------------------------------

def file_header(linktype=LINKTYPE_ETHERNET, snaplen=65535, endian="<",
                nano=False):
    """A pcap file header, version 2.4, thiszone and sigfigs 0."""
    return struct.pack(endian + "IHHiIII", MAGIC_NS if nano else MAGIC_US,
                       2, 4, 0, 0, snaplen, linktype)


def header_fields(header):
    """(endian, nano, snaplen, linktype) of a 24-byte file header; raises
    ValueError when it is not classic pcap (pcapng included)."""
    if header[:4] not in MAGICS or len(header) < 24:
        raise ValueError("not a classic pcap file")
    e, nano = MAGICS[header[:4]]
    snap, lt = struct.unpack(e + "II", header[16:24])
    return e, nano, snap, lt & 0x0FFFFFFF


def record(sec, frac, data, caplen=None, wirelen=None, endian="<"):
    """One record: its 16-byte header and data.  caplen/wirelen override
    the header fields (a lie is allowed; the data is written as given)."""
    cl = len(data) if caplen is None else caplen
    wl = len(data) if wirelen is None else wirelen
    return struct.pack(endian + "IIII", sec, frac, cl, wl) + data


def record_us(ts_us, data, caplen=None, wirelen=None):
    """record() for a microsecond time stamp, little-endian."""
    return record(ts_us // 1000000, ts_us % 1000000, data, caplen, wirelen)


# ---- whole files --------------------------------------------------------

def read_pcap(path):
    """Return (header_bytes, linktype, endian, [((sec, frac, caplen,
    origlen), data)]); raises ValueError when not classic pcap."""
    with open(path, "rb") as f:
        buf = f.read()
    try:
        e, _nano, _snap, linktype = header_fields(buf[:24])
    except ValueError:
        raise ValueError(f"{path}: not a classic pcap file") from None
    frames = []
    off = 24
    while off + 16 <= len(buf):
        sec, frac, incl, orig = struct.unpack(e + "IIII", buf[off:off + 16])
        data = buf[off + 16:off + 16 + incl]
        frames.append(((sec, frac, incl, orig), data))
        off += 16 + incl
    return buf[:24], linktype, e, frames


def write_pcap(path, header, endian, frames):
    """Write header (as read, or from file_header()) and frames as
    read_pcap() returns them; each caplen is the data's length."""
    with open(path, "wb") as f:
        f.write(header)
        for (sec, frac, _incl, orig), data in frames:
            f.write(record(sec, frac, data, None, orig, endian))


def read_capture(path):
    """(linktype, [(sec, usec, data, origlen)]) for classic pcap (ns stamps
    turned into us) or pcapng (the first interface's link type, its packets
    only); (None, []) when the file is neither."""
    with open(path, "rb") as f:
        buf = f.read()
    if buf[:4] == PCAPNG_MAGIC:
        return _read_pcapng(buf)
    try:
        e, nano, _snap, lt = header_fields(buf[:24])
    except ValueError:
        return None, []
    out, off = [], 24
    while off + 16 <= len(buf):
        sec, frac, incl, orig = struct.unpack(e + "IIII", buf[off:off + 16])
        out.append((sec, frac // 1000 if nano else frac, buf[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    return lt, out


def _read_pcapng(buf):
    e, off, lts, out = "<", 0, [], []
    while off + 12 <= len(buf):
        btype = struct.unpack(e + "I", buf[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            e = "<" if buf[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            lts = []
        blen = struct.unpack(e + "I", buf[off + 4:off + 8])[0]
        if blen < 12:
            break
        body = buf[off + 8:off + blen - 4]
        if btype == 1:
            lts.append(struct.unpack(e + "H", body[:2])[0])
        elif btype == 6 and len(body) >= 20:
            iface, hi, lo, cap, orig = struct.unpack(e + "IIIII", body[:20])
            ts = (hi << 32 | lo)
            out.append((ts // 1000000, ts % 1000000, body[20:20 + cap], orig, iface))
        off += blen
    if not lts:
        return None, []
    lt = lts[0]
    return lt, [(s, u, d, o) for (s, u, d, o, i) in out if i < len(lts) and lts[i] == lt]


class PcapWriter:
    """Streams little-endian microsecond records to a file (a path or an
    open binary file); the clock starts at t0 and advances step_us per
    frame.  Big captures are written frame by frame, never held."""

    def __init__(self, path_or_file, snaplen=65535, t0=1700000000,
                 step_us=100):
        self.f = open(path_or_file, 'wb') if isinstance(path_or_file, str) \
            else path_or_file
        self.f.write(file_header(LINKTYPE_ETHERNET, snaplen))
        self.t = t0 * 1000000
        self.step = step_us
        self.n = 0

    def frame(self, data, caplen=None, wirelen=None, raw_caplen=None):
        """caplen: cut the data to it; raw_caplen: write this caplen field
        (without changing the data written)."""
        self.t += self.step
        self.n += 1
        if caplen is not None:
            wl = len(data) if wirelen is None else wirelen
            data = data[:caplen]
            self.f.write(record_us(self.t, data, None, wl))
        else:
            self.f.write(record_us(self.t, data, raw_caplen, wirelen))

    def advance(self, seconds):
        self.t += int(seconds * 1000000)

    def flush(self):
        self.f.flush()

    def close(self):
        self.f.close()


# ---- frames: link layer to TCP ------------------------------------------

def l3_offset(linktype, data):
    """(offset of the IP header, ethertype) for Ethernet (+802.1Q/QinQ),
    SLL, SLL2, RAW, IPV4/IPV6, NULL and LOOP; raises ValueError for another
    link type."""
    lt = linktype
    if lt == LINKTYPE_ETHERNET:
        et, o = struct.unpack("!H", data[12:14])[0], 14
        while et in (0x8100, 0x88a8, 0x9100) and len(data) >= o + 4:
            et, o = struct.unpack("!H", data[o + 2:o + 4])[0], o + 4
        return o, et
    if lt == LINKTYPE_LINUX_SLL:
        return 16, struct.unpack("!H", data[14:16])[0]
    if lt == LINKTYPE_LINUX_SLL2:
        return 20, struct.unpack("!H", data[0:2])[0]
    if lt in (LINKTYPE_RAW, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_NULL, LINKTYPE_LOOP):
        o = 4 if lt in (LINKTYPE_NULL, LINKTYPE_LOOP) else 0
        return o, 0x800 if data[o] >> 4 == 4 else 0x86dd
    raise ValueError("unsupported link type %d" % lt)


def tcp_of(linktype, data):
    """Return (src, dst, sport, dport, seq, flags, payload) or None: None
    for a frame that is not TCP over IPv4/IPv6, a short Ethernet frame or
    an unsupported link type.  Addresses are bytes."""
    if linktype == LINKTYPE_ETHERNET and len(data) < 14:
        return None
    try:
        off, et = l3_offset(linktype, data)
    except ValueError:
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
    ip_off, _et = l3_offset(linktype, data)
    ver = data[ip_off] >> 4
    tcp_off = ip_off + ((data[ip_off] & 0x0F) * 4 if ver == 4 else 40)
    ack = struct.unpack(">I", data[tcp_off + 8:tcp_off + 12])[0]
    return {"src": src, "dst": dst, "sport": sport, "dport": dport,
            "seq": seq, "ack": ack, "flags": flags, "payload": payload,
            "tcp_off": tcp_off, "ip_off": ip_off, "ip_ver": ver}


def tcp_payload_len(linktype, data):
    """TCP payload length of a frame (from the IP lengths, not the captured
    bytes), or None when it is not TCP over IP."""
    o, et = l3_offset(linktype, data)
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
