"""make bench's MRT section (issue 18: "full table from MRT is processed at
least as fast per prefix as from pcap"; BENCH_ONLY=mrt runs it alone).

The same full table, two ways in:
  pcap      the bench's full-table capture (tests/bench/fulltable.sh:
            1,114,866 prefixes over two BGP sessions, TCP reassembly and
            all);
  mrt       that capture written as MRT by rovmon itself (`rovmon -r PCAP
            --write-mrt OUT`: BGP4MP_ET records of the same UPDATEs),
            cached beside the capture, keyed by the capture's name and the
            writer's source (src/feed/mrt_write.c), so a changed writer
            writes it again.
and, for a second table, the shared RIS file updates.et-header.2015.gz
(577,737 routes of one peer, BGP4MP_ET), gzip-compressed as distributed
(the decompression is in the time) and decompressed once into the cache.

Each input is read by rovmon decode only (-r F --stats S) and decode +
validate (--vrps V, the bench's decompressed snapshot); each also on its
"empty twin" (the pcap's file header alone; the MRT file's first record
alone, a STATE_CHANGE: start-up, format detection and the VRP load) whose
best time is subtracted: the work on the prefixes alone.  Best wall time of
REPEAT round-robin runs (default 5).  Prefixes are bgp_announce +
bgp_withdraw of rovmon's own stats line for that input (the pcap and its
MRT must agree; the section says so when they do not).  The figure of the
acceptance is ratio = (MRT ns/prefix) / (pcap ns/prefix), net: at most 1
means MRT is at least as fast per prefix.
"""
import gzip
import hashlib
import os
import subprocess

from benchlib import Row, empty_pcap, log, repeat, run_rows


def _git_blob(path):
    p = subprocess.run(["git", "hash-object", path], capture_output=True, text=True)
    return p.stdout.strip()[:12] if p.returncode == 0 else "none"


def _has_write_mrt(rovmon):
    p = subprocess.run([rovmon, "--help"], capture_output=True, text=True)
    return "--write-mrt" in (p.stdout + p.stderr)


def written_mrt(rovmon, pcap, cache, tmp):
    """The full-table capture as rovmon's --write-mrt writes it (cached;
    in tmp, not cached, when the writer's source is not in this tree)."""
    stem = os.path.basename(pcap).rsplit(".", 1)[0]
    blob = _git_blob("src/feed/mrt_write.c")
    out = os.path.join(cache if blob != "none" else tmp, f"{stem}-mrt-{blob}.mrt")
    if os.path.exists(out) and os.path.getsize(out) > 0:
        return out
    tmp = out + ".tmp"
    log(f"bench: writing {out} (rovmon -r {pcap} --write-mrt)")
    r = subprocess.run([rovmon, "-r", pcap, "--write-mrt", tmp, "--stats", os.devnull, "-q"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0 or not os.path.exists(tmp):
        log(f"bench: --write-mrt failed (exit {r.returncode}): {r.stderr.strip()[:300]}")
        return None
    os.replace(tmp, out)
    return out


def decompressed(src, cache):
    """src (.gz) decompressed once into the cache."""
    with open(src, "rb") as f:
        key = hashlib.sha256(f.read()).hexdigest()[:16]
    base = os.path.basename(src)
    base = base[:-3] if base.endswith(".gz") else base
    out = os.path.join(cache, f"{base}-{key}.mrt")
    if not (os.path.exists(out) and os.path.getsize(out) > 0):
        with gzip.open(src, "rb") as fi, open(out + ".tmp", "wb") as fo:
            while True:
                b = fi.read(1 << 20)
                if not b:
                    break
                fo.write(b)
        os.replace(out + ".tmp", out)
    return out


def first_record(src, dst):
    """An MRT file holding src's first record alone (RFC 6396 section 2:
    12-octet header, its length field counts the message after it);
    gzip-compressed when src is."""
    gz = src.endswith(".gz")
    with (gzip.open(src, "rb") if gz else open(src, "rb")) as f:
        hdr = f.read(12)
        body = f.read(int.from_bytes(hdr[8:12], "big"))
    with (gzip.open(dst, "wb") if gz else open(dst, "wb")) as f:
        f.write(hdr + body)


def mrt_section(a, rovmon, tmp, errlog):
    cache = os.path.dirname(os.path.abspath(a.full))
    inputs = [("pcap", "full table, pcap", a.full)]
    if _has_write_mrt(rovmon):
        m = written_mrt(rovmon, a.full, cache, tmp)
        if m:
            inputs.append(("mrt", "full table, MRT (--write-mrt of it)", m))
    else:
        log("bench: rovmon has no --write-mrt: the full table as MRT is left out")
    if a.mrt and os.path.exists(a.mrt):
        inputs.append(("ris_gz", "RIS 2015 table, .gz", a.mrt))
        inputs.append(("ris", "RIS 2015 table, decompressed", decompressed(a.mrt, cache)))
    reps = repeat(5)
    rows, twins, usable = [], {}, []
    for key, label, src in inputs:
        if key == "pcap":
            e = os.path.join(tmp, "mrt-empty.pcap")
            empty_pcap(src, e)
        else:
            e = os.path.join(tmp, f"mrt-empty-{key}" + (".gz" if src.endswith(".gz") else ""))
            first_record(src, e)
            r = subprocess.run([rovmon, "-r", e, "-q", "--stats", os.devnull],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                log(f"bench: rovmon does not read {src} as MRT (exit {r.returncode}: "
                    f"{r.stderr.strip()[:200]}): left out")
                continue
        usable.append((key, label, src))
        twins[key] = e
        subprocess.run(["cat", src], stdout=subprocess.DEVNULL, check=True)  # page cache
        for mode, extra in (("decode", []), ("validate", ["--vrps", a.vrps_json])):
            for twin, f in (("", src), ("_empty", e)):
                k = f"{key}_{mode}{twin}"
                st = os.path.join(tmp, k + ".stats.json")
                lab = f"{label}: {mode}" + (" (empty twin)" if twin else "")
                rows.append(Row(k, lab, [rovmon, "-r", f, "--stats", st, "-q"] + extra,
                                stats=st, reps=reps))
    inputs = usable
    run_rows(rows, errlog)
    res = {r.key: r for r in rows}
    out = {"inputs": {}, "rows": {}, "ratio_mrt_over_pcap": {}}
    for key, label, src in inputs:
        s = res[f"{key}_decode"].last_stats()
        n = s["bgp_announce"] + s["bgp_withdraw"]
        info = {"file": src, "bytes": os.path.getsize(src), "prefixes": n,
                "announced": s["bgp_announce"], "withdrawn": s["bgp_withdraw"],
                "updates": s.get("bgp_update")}
        modes = {}
        for mode in ("decode", "validate"):
            r, e = res[f"{key}_{mode}"], res[f"{key}_{mode}_empty"]
            net = r.best - e.best
            modes[mode] = {"best_s": round(r.best, 4), "empty_best_s": round(e.best, 4),
                           "net_s": round(net, 4),
                           "prefixes_per_s": round(n / net) if net > 0 else None,
                           "ns_per_prefix": round(net / n * 1e9, 1) if n and net > 0 else None,
                           "walls_s": [round(w, 4) for w in r.walls],
                           "exit_status": r.status}
        info["modes"] = modes
        out["inputs"][key] = info
    for r in rows:
        out["rows"][r.key] = r.result()
    p = out["inputs"]["pcap"]
    for key in ("mrt", "ris_gz", "ris"):
        if key not in out["inputs"]:
            continue
        out["ratio_mrt_over_pcap"][key] = {
            mode: round(out["inputs"][key]["modes"][mode]["ns_per_prefix"] /
                        p["modes"][mode]["ns_per_prefix"], 3)
            if out["inputs"][key]["modes"][mode]["ns_per_prefix"] and
            p["modes"][mode]["ns_per_prefix"] else None
            for mode in ("decode", "validate")}
    if "mrt" in out["inputs"]:
        out["same_prefixes"] = out["inputs"]["mrt"]["prefixes"] == p["prefixes"]

    print("\n== MRT input (issue 18): the same full table from pcap and from MRT, "
          "net of start-up (empty twin) and VRP load")
    print(f"  {'input':40s} {'prefixes':>10s} {'mode':>9s} {'best':>8s} {'net':>8s} "
          f"{'prefixes/s':>12s} {'ns/prefix':>10s}")
    for key, label, src in inputs:
        x = out["inputs"][key]
        for mode in ("decode", "validate"):
            m = x["modes"][mode]
            rate = f"{m['prefixes_per_s']:12,d}" if m["prefixes_per_s"] else f"{'n/a':>12s}"
            ns = f"{m['ns_per_prefix']:10.1f}" if m["ns_per_prefix"] else f"{'n/a':>10s}"
            print(f"  {label:40s} {x['prefixes']:10,d} {mode:>9s} {m['best_s']:7.3f}s "
                  f"{m['net_s']:7.3f}s {rate} {ns}")
    for key, rr in out["ratio_mrt_over_pcap"].items():
        print(f"  ratio {key} / pcap, ns per prefix: decode only {rr['decode']}, "
              f"decode + validate {rr['validate']} (<= 1: at least as fast)")
    if "same_prefixes" in out and not out["same_prefixes"]:
        print(f"  NOTE: the MRT file gave {out['inputs']['mrt']['prefixes']:,} prefixes, "
              f"the pcap {p['prefixes']:,}")
    return out
