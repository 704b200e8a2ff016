#!/bin/sh
# make bench: performance figures measured in one run on the same file.
#   sh tests/bench.sh BUILD [PCAP]
# Prints wall time, peak RSS and prefixes/s for rovmon and for
# `tshark -r FILE -Y bgp` on the largest bundled capture (or PCAP), with
# `cat` as the floor.  Numbers are reported, never asserted.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
PCAP=${2:-$(ls -S pcaps/*.pcap pcaps/*.pcapng 2>/dev/null | head -n 1)}
[ -n "$PCAP" ] || { echo "bench: no capture in pcaps/"; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# t CMD...: run CMD, print "seconds maxrss_kib"
t() {
	/usr/bin/time -f "%e %M" -o "$out/time" "$@" > /dev/null 2>&1 || true
	cat "$out/time"
}

echo "bench: $PCAP ($(stat -c %s "$PCAP") bytes)"
"$BUILD/rovmon" -r "$PCAP" --stats "$out/stats.json" > /dev/null 2>&1
prefixes=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["bgp_announce"]+s["bgp_withdraw"])' "$out/stats.json")
echo "prefixes (announced + withdrawn): $prefixes"

report() { # name seconds rss
	python3 - "$1" "$2" "$3" "$prefixes" <<'PY'
import sys
name, sec, rss, n = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rate = n / sec if sec > 0 else float("inf")
print(f"{name:34s} {sec:8.3f} s  {rss/1024:8.1f} MiB  {rate:14,.0f} prefixes/s")
PY
}

set -- $(t cat "$PCAP"); cat_s=$1; report "cat" "$1" "$2"
set -- $(t "$BUILD/rovmon" -r "$PCAP"); rov_s=$1; report "rovmon (decode only)" "$1" "$2"
rm -f "$out/routes.jsonl"
set -- $(t "$BUILD/rovmon" -r "$PCAP" --routes "$out/routes.jsonl"); report "rovmon --routes" "$1" "$2"
if command -v tshark > /dev/null; then
	set -- $(t tshark -n -r "$PCAP" -Y bgp); ts_s=$1; report "tshark -Y bgp" "$1" "$2"
	set -- $(t tshark -n -r "$PCAP" -Y bgp -T fields -e bgp.nlri_prefix); report "tshark -T fields nlri_prefix" "$1" "$2"
	python3 -c "import sys; r,t,c=map(float,sys.argv[1:]); print(f'ratio: rovmon is {t/max(r,1e-3):.1f}x faster than tshark -Y bgp; {r/max(c,1e-3):.1f}x the time of cat')" "$rov_s" "$ts_s" "$cat_s"
fi
