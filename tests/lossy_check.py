#!/usr/bin/env python3
"""Lossy-capture test: drop a share of the data-carrying TCP segments of a
real capture (fixed seed), run rovmon on the full and the lossy capture,
and check:
  1. no garbage: every route event logged from the lossy capture was also
     logged from the full capture (same direction, event, prefix, origin);
  2. recall: of the route events of BGP messages that lost no byte, at
     least MIN_RECALL are logged from the lossy capture.
A message "lost no byte" when none of the frames carrying its bytes was
dropped; messages are framed here independently of rovmon, from the full
capture's TCP streams.

usage: lossy_check.py ROVMON PCAP [--drop 0.01] [--seed 1] [--min-recall 0.95]
"""
import argparse
import collections
import json
import os
import random
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import pcapfile  # noqa: E402


def run_rovmon(rovmon, pcap, tmp, name):
    out = os.path.join(tmp, name + ".jsonl")
    if os.path.exists(out):
        os.unlink(out)
    r = subprocess.run([rovmon, "-r", pcap, "--routes", out,
                        "--stats", os.path.join(tmp, name + ".stats")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"rovmon failed on {pcap} ({r.returncode}): {r.stderr}")
    with open(out) as f:
        return [json.loads(line) for line in f]


def key(ev):
    return (ev["src_addr"], ev["src_port"], ev["dst_addr"], ev["dst_port"],
            ev["event"], ev["prefix"], ev.get("path_id"), ev.get("origin_as"))


def message_frames(linktype, frames):
    """For each direction, frame the BGP messages of the (complete) stream.
    Returns {completing_frame_no: [set of frame numbers carrying bytes of
    each message that completes in that frame]}."""
    streams = collections.defaultdict(dict)   # dir -> {seq: (frame, payload)}
    for no, (_hdr, data) in enumerate(frames, 1):
        t = pcapfile.tcp_of(linktype, data)
        if t is None or not t[6]:
            continue
        src, dst, sp, dp, seq, _fl, pay = t
        streams[(src, sp, dst, dp)].setdefault(seq, (no, pay))
    completing = collections.defaultdict(list)
    for segs in streams.values():
        seqs = sorted(segs)
        base = seqs[0]
        byte_frame = []
        stream = bytearray()
        for s in seqs:
            no, pay = segs[s]
            off = (s - base) & 0xFFFFFFFF
            if off < len(stream):
                continue        # retransmission in the original
            if off > len(stream):
                break           # the original itself has a hole
            stream += pay
            byte_frame += [no] * len(pay)
        # frame messages: find the first marker, then walk lengths
        pos = stream.find(b"\xff" * 16)
        while pos >= 0 and pos + 19 <= len(stream):
            if stream[pos:pos + 16] != b"\xff" * 16:
                break
            ln = struct.unpack(">H", stream[pos + 16:pos + 18])[0]
            if ln < 19 or pos + ln > len(stream):
                break
            fr = set(byte_frame[pos:pos + ln])
            completing[byte_frame[pos + ln - 1]].append(fr)
            pos += ln
    return completing


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rovmon")
    ap.add_argument("pcap")
    ap.add_argument("--drop", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--min-recall", type=float, default=0.95)
    a = ap.parse_args()

    header, linktype, endian, frames = pcapfile.read_pcap(a.pcap)
    rng = random.Random(a.seed)
    data_frames = [no for no, (_h, d) in enumerate(frames, 1)
                   if (t := pcapfile.tcp_of(linktype, d)) and t[6]]
    dropped = set(rng.sample(data_frames, max(1, int(len(data_frames) * a.drop))))
    kept = [no for no in range(1, len(frames) + 1) if no not in dropped]

    with tempfile.TemporaryDirectory() as tmp:
        lossy = os.path.join(tmp, "lossy.pcap")
        pcapfile.write_pcap(lossy, header, endian,
                            [frames[no - 1] for no in kept])
        full_ev = run_rovmon(a.rovmon, a.pcap, tmp, "full")
        lossy_ev = run_rovmon(a.rovmon, lossy, tmp, "lossy")
        with open(os.path.join(tmp, "lossy.stats")) as f:
            st = json.load(f)

    full_keys = collections.Counter(key(e) for e in full_ev)
    garbage = [e for e in lossy_ev if key(e) not in full_keys]

    # A frame is clean when every message completing in it lost no byte.
    completing = message_frames(linktype, frames)
    clean = {no for no, msgs in completing.items()
             if all(not (fr & dropped) for fr in msgs)}
    expected = collections.Counter(key(e) for e in full_ev if e["pkt_num"] in clean)
    got = collections.Counter(key(e) for e in lossy_ev)
    found = sum(min(n, got[k]) for k, n in expected.items())
    total = sum(expected.values())
    recall = found / total if total else 1.0

    print(f"{a.pcap}: {len(frames)} frames, {len(data_frames)} with data, "
          f"dropped {len(dropped)}; full run {len(full_ev)} events, lossy run "
          f"{len(lossy_ev)}; gaps {st.get('reasm_gaps')}, resyncs "
          f"{st.get('bgp_resyncs')}")
    print(f"events in unaffected messages: {total}, logged from lossy: {found} "
          f"(recall {recall:.4f}); garbage events: {len(garbage)}")
    for e in garbage[:10]:
        print("GARBAGE", json.dumps(e))
    ok = not garbage and recall >= a.min_recall and total > 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
