#!/bin/sh
# sanitizer: yes
# Differential test of the reassembly engines: on IPv4 captures that hold
# the TCP handshake, rovmon's own engine and libnids must produce the same
# route events in the same order (frame numbers and time stamps aside:
# libnids does not expose frame numbers).  Also run with the sanitizer
# build (tests/run.sh): any ASan/UBSan report or leak, in the libnids
# adapter too, makes rovmon exit non-zero and the test fail.
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
SHARED=${SHARED:-../shared/data}
if ! "$B/rovmon" --engine=libnids -r /dev/null 2>&1 | grep -qv "built without libnids"; then
	echo "rovmon built without libnids"; exit 77
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:exitcode=86"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
norm() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    e.pop("pkt_num", None); e.pop("ts", None)
    print(json.dumps(e, sort_keys=True))' "$1"
}
rc=0 n=0 events=0
for f in "$SHARED"/tcpdump-tests/bgp-4byte-asn.pcap \
    "$SHARED"/tcpdump-tests/bgp-lu-multiple-labels.pcap; do
	[ -f "$f" ] || echo "SKIP-PART: no $f"
done
ls "$SHARED"/captures/packetlife/*.pcap* > /dev/null 2>&1 ||
	echo "SKIP-PART: no $SHARED/captures/packetlife/*.pcap*"
for f in pcaps/ipv4-full.pcap pcaps/as2-session.pcap pcaps/addpath.pcap \
    "$SHARED"/tcpdump-tests/bgp-4byte-asn.pcap \
    "$SHARED"/tcpdump-tests/bgp-lu-multiple-labels.pcap \
    "$SHARED"/captures/packetlife/*.pcap*; do
	[ -f "$f" ] || continue
	# only captures with a SYN on port 179 (libnids needs the handshake)
	tcpdump -nn -r "$f" 'tcp port 179 and tcp[tcpflags] & tcp-syn != 0 and ip' 2>/dev/null | grep -q . || continue
	rm -f "$tmp/own.jsonl" "$tmp/nids.jsonl"
	"$B/rovmon" -r "$f" --routes "$tmp/own.jsonl" --stats /dev/null || { echo "FAIL $f: own engine exit $?"; rc=1; continue; }
	"$B/rovmon" --engine=libnids -r "$f" --routes "$tmp/nids.jsonl" --stats /dev/null || { echo "FAIL $f: libnids engine exit $?"; rc=1; continue; }
	touch "$tmp/own.jsonl" "$tmp/nids.jsonl"
	norm "$tmp/own.jsonl" > "$tmp/own.txt"
	norm "$tmp/nids.jsonl" > "$tmp/nids.txt"
	n=$((n + 1))
	events=$((events + $(wc -l < "$tmp/own.txt")))
	if cmp -s "$tmp/own.txt" "$tmp/nids.txt"; then
		echo "PASS $f: $(wc -l < "$tmp/own.txt") identical route events"
	else
		echo "FAIL $f: engines differ"; diff "$tmp/own.txt" "$tmp/nids.txt" | head -n 10; rc=1
	fi
done
[ $n -gt 0 ] || { echo "no IPv4 capture with a handshake"; exit 77; }
# Two engines that both decode nothing would "agree": require real events.
[ $events -gt 1000 ] || { echo "FAIL: only $events route events compared"; exit 1; }
exit $rc
