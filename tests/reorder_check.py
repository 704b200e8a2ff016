#!/usr/bin/env python3
"""Reordering-mirror test: make captures from a real one the way a SPAN port
would have delivered it, run rovmon on the original and on each, and check
the route events (--routes).

A mirror port copies the two directions of a link through different queues:
the copies of one direction can come late relative to the other (the peer's
ACK is captured before the data it acknowledges), neighbouring frames can
swap, and an oversubscribed port drops frames.  Scenarios (--mode, repeat):

  within     swap neighbouring data frames of one direction (the later
             segment first), both directions
  ack-first  a data frame and the next frame of the other direction that
             ACKs it, when they are neighbours: the ACK first
  data-first an ACK and the next data frame of the other direction, when
             neighbours: the data before the ACK of the previous segment
  both       within + ack-first + data-first at once
  delay      every frame of one direction (the one that sends more data)
             --delay frames later than the other direction's: its ACKs
             come before the data they acknowledge
  delay-acks the same for the other direction: the data comes before the
             ACKs of earlier data
             (Both from the frame after which each direction has sent two
             data frames, its OPEN and a KEEPALIVE: an UPDATE captured
             before the peer's OPEN is decoded with inferred capabilities
             and says so, "inferred", which is right but not identical.)
  adjacent   --count random neighbouring pairs of frames swapped, whatever
             they are (the issue's measurement)
  hole       drop --holes data segments and every ACK for them: pure ACKs
             of the other direction that acknowledge the hole are dropped,
             data frames of the other direction get their ACK number set
             back to the start of the hole (TCP checksums are not fixed:
             rovmon does not check them), so nothing acknowledges the hole

Permutation scenarios must give exactly the original's route events, per
direction and in order, every field equal, with pkt_num mapped through the
permutation (time stamps travel with their frames).  Hole scenarios must
log no event that the original did not log with the same frame (mapped)
and time: no false route, and the events behind the hole stamped with the
frame that carried their last byte, not the one that released them.
Frames never swap when that would change which copy of a byte is first
(overlapping sequence ranges), nor the first data frame of a direction
(rovmon anchors a direction picked up mid-stream there), nor SYN/FIN/RST.

usage: reorder_check.py ROVMON PCAP [--mode M ...] [--seed N]
           [--count N] [--delay N] [--holes N] [--keep DIR]
       reorder_check.py --make OUT PCAP --mode M [...]   (only write it)
Exit 0 pass, 1 fail, 77 when the capture has nothing to reorder or logs
no route event.
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

SYN, FIN, RST, ACK = 0x02, 0x01, 0x04, 0x10
MODES = ("within", "ack-first", "data-first", "both", "delay", "delay-acks",
         "adjacent", "hole")


def sdiff(a, b):
    """a - b as a signed 32-bit sequence distance (RFC 1982)."""
    d = (a - b) & 0xFFFFFFFF
    return d - (1 << 32) if d >= 1 << 31 else d


class Frame:
    def __init__(self, no, info):
        self.no = no                    # 0-based index in the original
        self.t = info
        self.dir = None
        self.flow = None
        if info is not None:
            self.dir = (info["src"], info["sport"], info["dst"], info["dport"])
            self.flow = frozenset([(info["src"], info["sport"]),
                                   (info["dst"], info["dport"])])

    @property
    def plen(self):
        return len(self.t["payload"]) if self.t else 0

    @property
    def data(self):
        return self.t is not None and self.plen > 0 and \
            not self.t["flags"] & (SYN | FIN | RST)

    @property
    def special(self):
        return self.t is None or bool(self.t["flags"] & (SYN | FIN | RST))

    def acks(self, d):
        """True if this frame ACKs (part of) data frame d."""
        return (self.t is not None and self.t["flags"] & ACK and
                self.flow == d.flow and self.dir != d.dir and
                0 < sdiff(self.t["ack"], d.t["seq"]) <= d.plen)


def load(pcap):
    header, linktype, endian, raw = pcapfile.read_pcap(pcap)
    frames = [Frame(i, pcapfile.tcp_info(linktype, d))
              for i, (_h, d) in enumerate(raw)]
    first = set()
    seen = set()
    for f in frames:
        if f.data and f.dir not in seen:
            seen.add(f.dir)
            first.add(f.no)
    return header, linktype, endian, raw, frames, first


def disjoint_ok(p, q, first):
    """May the frames p, q (same direction) swap?"""
    if p.no in first or q.no in first or not (p.data and q.data):
        return False
    # q entirely after p in sequence space: first copy stays first
    return sdiff(q.t["seq"], p.t["seq"]) >= p.plen


def pick(cands, n, rng, used):
    """Up to n pairs (i, j) from cands whose frames are all distinct and
    whose spans [i, j] do not overlap any other chosen pair's."""
    rng.shuffle(cands)
    out = []
    for i, j in cands:
        if len(out) >= n:
            break
        if any(k in used for k in range(i, j + 1)):
            continue
        used.update(range(i, j + 1))
        out.append((i, j))
    return out


def cands_within(frames, first):
    last = {}
    out = []
    for f in frames:
        if not f.data:
            continue
        p = last.get(f.dir)
        if p is not None and disjoint_ok(p, f, first):
            out.append((p.no, f.no))
        last[f.dir] = f
    return out


def cands_ack_first(frames):
    return [(i, i + 1) for i in range(len(frames) - 1)
            if frames[i].data and not frames[i + 1].special and
            frames[i + 1].acks(frames[i])]


def cands_data_first(frames, first):
    out = []
    for i in range(len(frames) - 1):
        a, d = frames[i], frames[i + 1]
        if (d.data and d.no not in first and not a.special and
                a.flow == d.flow and a.dir != d.dir and
                a.t["flags"] & ACK):
            out.append((i, i + 1))
    return out


def cands_adjacent(frames, first):
    out = []
    for i in range(len(frames) - 1):
        a, b = frames[i], frames[i + 1]
        if a.special or b.special or a.no in first or b.no in first:
            continue
        if a.dir == b.dir and a.plen and b.plen and \
                not disjoint_ok(a, b, first):
            continue
        out.append((i, i + 1))
    return out


def apply_swaps(n, pairs):
    order = list(range(n))
    for i, j in pairs:
        order[i], order[j] = order[j], order[i]
    return order


def busiest_dir(frames):
    c = collections.Counter()
    for f in frames:
        if f.data:
            c[f.dir] += f.plen
    return c.most_common(1)[0][0] if c else None


def delay_order(frames, late_dir, k):
    """Frames of late_dir each come after the k-th later frame of any
    other direction; each direction keeps its own order.  Starts once
    both directions of the flow sent two data frames (OPEN, KEEPALIVE)."""
    order, waiting = [], collections.deque()
    sent = collections.Counter()
    back = (late_dir[2], late_dir[3], late_dir[0], late_dir[1])
    for f in frames:
        if sent[late_dir] < 2 or sent[back] < 2:
            if f.data:
                sent[f.dir] += 1
            order.append(f.no)
            continue
        if f.dir == late_dir:
            waiting.append([f.no, k])
            continue
        order.append(f.no)
        for w in waiting:
            w[1] -= 1
        while waiting and waiting[0][1] <= 0:
            order.append(waiting.popleft()[0])
    order.extend(w[0] for w in waiting)
    return order


def make_hole(frames, raw, first, nholes, rng):
    """Drop nholes data segments (of the busiest direction, away from the
    ends) and all ACKs for them.  Returns (order, new raw frames)."""
    d = busiest_dir(frames)
    data = [f for f in frames if f.dir == d and f.data and f.no not in first]
    # only segments whose bytes are sent once (no retransmission later)
    seqs = collections.Counter(f.t["seq"] for f in data)
    cands = [f for f in data[len(data) // 10: len(data) * 9 // 10]
             if seqs[f.t["seq"]] == 1]
    if not cands:
        return None, None
    holes = sorted(rng.sample(cands, min(nholes, len(cands))),
                   key=lambda f: f.no)
    drop = {f.no for f in holes}
    raw = list(raw)
    for f in frames:
        if f.t is None or f.flow != holes[0].flow or f.dir == d:
            continue
        # the earliest hole this frame's ACK would cover
        for hole in holes:
            if hole.no < f.no and f.t["flags"] & ACK and \
                    sdiff(f.t["ack"], hole.t["seq"]) > 0:
                if f.plen == 0 and not f.special:
                    drop.add(f.no)
                else:
                    off = f.t["tcp_off"] + 8
                    hdr, b = raw[f.no]
                    b = b[:off] + struct.pack(">I", hole.t["seq"]) + \
                        b[off + 4:]
                    raw[f.no] = (hdr, b)
                break
    order = [i for i in range(len(frames)) if i not in drop]
    return order, raw


def build(mode, a, frames, raw, first, rng):
    """Returns (order of original 0-based indices, raw frames) or None."""
    n = len(frames)
    used = set()
    if mode == "within":
        p = pick(cands_within(frames, first), a.count, rng, used)
    elif mode == "ack-first":
        p = pick(cands_ack_first(frames), a.count, rng, used)
    elif mode == "data-first":
        p = pick(cands_data_first(frames, first), a.count, rng, used)
    elif mode == "both":
        p = pick(cands_within(frames, first), a.count, rng, used)
        p += pick(cands_ack_first(frames), a.count, rng, used)
        p += pick(cands_data_first(frames, first), a.count, rng, used)
    elif mode == "adjacent":
        p = pick(cands_adjacent(frames, first), a.count, rng, used)
    elif mode in ("delay", "delay-acks"):
        d = busiest_dir(frames)
        if d is None:
            return None
        if mode == "delay-acks":
            d = (d[2], d[3], d[0], d[1])
        order = delay_order(frames, d, a.delay)
        return (order, raw) if order != list(range(n)) else None
    elif mode == "hole":
        order, raw2 = make_hole(frames, raw, first, a.holes, rng)
        return (order, raw2) if order is not None else None
    if not p:
        return None
    return apply_swaps(n, p), raw


def run_rovmon(rovmon, pcap, tmp, name):
    out = os.path.join(tmp, name + ".jsonl")
    st = os.path.join(tmp, name + ".stats")
    for x in (out, st):
        if os.path.exists(x):
            os.unlink(x)
    r = subprocess.run([rovmon, "-r", pcap, "--routes", out, "--stats", st],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"rovmon failed on {pcap} ({r.returncode}): {r.stderr}")
    with open(out) as f:
        evs = [json.loads(line) for line in f]
    with open(st) as f:
        stats = [json.loads(line) for line in f if line.strip()][-1]
    return evs, stats


def dkey(e):
    return (e["src_addr"], e["src_port"], e["dst_addr"], e["dst_port"])


def remap(evs, order):
    out = []
    for e in evs:
        e = dict(e)
        e["pkt_num"] = order[e["pkt_num"] - 1] + 1 if e["pkt_num"] else 0
        out.append(e)
    return out


def canon(e):
    return json.dumps(e, sort_keys=True)


def check_same(full, got):
    """Per direction, the same events in the same order.  Returns a list
    of problem lines."""
    a, b = collections.defaultdict(list), collections.defaultdict(list)
    for e in full:
        a[dkey(e)].append(canon(e))
    for e in got:
        b[dkey(e)].append(canon(e))
    bad = []
    for k in sorted(set(a) | set(b)):
        x, y = a[k], b[k]
        if x == y:
            continue
        i = next((i for i in range(min(len(x), len(y))) if x[i] != y[i]),
                 min(len(x), len(y)))
        bad.append(f"direction {k}: {len(x)} events in the original, "
                   f"{len(y)} reordered; first difference at #{i}:")
        bad.append("  original:  " + (x[i] if i < len(x) else "(none)"))
        bad.append("  reordered: " + (y[i] if i < len(y) else "(none)"))
    return bad


def check_hole(full, got, dropped_first):
    """No event the original did not log with the same frame and time."""
    have = collections.Counter(canon(e) for e in full)
    bad = []
    for e in got:
        c = canon(e)
        if have[c] <= 0:
            bad.append("not in the original (false route or wrong stamp): "
                       + c)
        else:
            have[c] -= 1
    after = sum(1 for e in got if e["pkt_num"] > dropped_first + 1)
    return bad, after


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rovmon", nargs="?")
    ap.add_argument("pcap")
    ap.add_argument("--make", metavar="OUT")
    ap.add_argument("--mode", action="append", choices=MODES)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--delay", type=int, default=6)
    ap.add_argument("--holes", type=int, default=1)
    a = ap.parse_args()
    modes = a.mode or list(MODES)

    try:
        header, linktype, endian, raw, frames, first = load(a.pcap)
    except ValueError as e:     # pcapng: tests/lib/pcapfile.py reads pcap
        print(f"{e}, skipped")
        return 77
    if a.make:
        rng = random.Random(a.seed)
        r = build(modes[0], a, frames, raw, first, rng)
        if r is None:
            print(f"{a.pcap}: nothing to do for {modes[0]}")
            return 77
        order, raw2 = r
        pcapfile.write_pcap(a.make, header, endian, [raw2[i] for i in order])
        print(" ".join(str(i + 1) for i in order))
        return 0
    if not a.rovmon:
        ap.error("ROVMON needed")

    rc, ran = 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        full, _ = run_rovmon(a.rovmon, a.pcap, tmp, "full")
        if not full:
            print(f"{a.pcap}: no route event to compare, skipped")
            return 77
        for mode in modes:
            rng = random.Random(f"{a.seed}:{mode}")
            r = build(mode, a, frames, raw, first, rng)
            if r is None:
                print(f"{a.pcap} {mode}: nothing to reorder, skipped")
                continue
            order, raw2 = r
            path = os.path.join(tmp, mode + ".pcap")
            pcapfile.write_pcap(path, header, endian, [raw2[i] for i in order])
            got, st = run_rovmon(a.rovmon, path, tmp, mode)
            got = remap(got, order)
            moved = sum(1 for i, o in enumerate(order) if i != o)
            info = (f"gaps {st.get('reasm_gaps')}, acked-hole gaps "
                    f"{st.get('reasm_gap_acked')}, recovered "
                    f"{st.get('reasm_reorder_recovered')}, late "
                    f"{st.get('reasm_gap_late')}")
            if mode == "hole":
                dropped = sorted(set(range(len(frames))) - set(order))
                bad, after = check_hole(full, got, dropped[0])
                what = (f"dropped {len(dropped)} frames; {len(got)} of "
                        f"{len(full)} events, {after} after the hole")
                if after == 0 and not bad:
                    print(f"{a.pcap} {mode}: {what}: no event after the "
                          f"hole proves anything, skipped")
                    continue
            else:
                bad = check_same(full, got)
                what = (f"{moved} frames moved; {len(got)} of {len(full)} "
                        f"events")
            ran += 1
            ok = not bad
            print(f"{a.pcap} {mode}: {what}; {info}: "
                  f"{'PASS' if ok else 'FAIL'}")
            for line in bad[:12]:
                print("  " + line)
            if not ok:
                rc = 1
    if ran == 0:
        print(f"{a.pcap}: nothing to reorder")
        return 77
    return rc


if __name__ == "__main__":
    sys.exit(main())
