#!/usr/bin/env python3
"""Copy a classic pcap, adding DELTA to every TCP sequence and
acknowledgement number, so that a replayed session looks like a new
session to a reassembler that has seen the original (tests only).

usage: shift_seq.py IN OUT DELTA
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import pcapfile  # noqa: E402


def main():
    src, dst, delta = sys.argv[1], sys.argv[2], int(sys.argv[3])
    header, linktype, endian, frames = pcapfile.read_pcap(src)
    assert linktype == pcapfile.LINKTYPE_ETHERNET, "Ethernet only"
    out = []
    for hdr, data in frames:
        b = bytearray(data)
        et = struct.unpack(">H", b[12:14])[0]
        off = 14
        if et == 0x0800:
            l4 = off + (b[off] & 0x0F) * 4
        elif et == 0x86DD:
            l4 = off + 40
        else:
            out.append((hdr, bytes(b)))
            continue
        seq, ack = struct.unpack(">II", b[l4 + 4:l4 + 12])
        b[l4 + 4:l4 + 12] = struct.pack(">II", (seq + delta) & 0xFFFFFFFF,
                                        (ack + delta) & 0xFFFFFFFF if ack else 0)
        out.append((hdr, bytes(b)))
    pcapfile.write_pcap(dst, header, endian, out)


if __name__ == "__main__":
    main()
