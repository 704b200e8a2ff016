#!/bin/sh
# 86-alert-coverage.sh on public captures nobody on the project made
# ($SHARED/captures, $SHARED/tcpdump-tests), validated against a real
# rpki-client snapshot (723,521 VRPs of 2025-07-20): the (session, prefix,
# origin) pairs alerted as NOT_FOUND / INVALID equal those the route log
# says were announced so, one alert per new or changed route.
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
PY=${PYTHON:-python3}
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
VRPS=$SHARED/vrps/rpki-client-9.x-2025-07-20/rpkiclient_summary_20250720T093135Z.json.bz2
[ -r "$VRPS" ] || { echo "shared data not found: no $VRPS"; exit 77; }
tmp=$(mktemp -d /tmp/rovmon-coverage-shared.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# decompressed once: each run then loads it in ~0.5 s instead of ~2 s
bzip2 -dc "$VRPS" > "$tmp/vrps.json" || { echo "FAIL: cannot decompress $VRPS"; exit 1; }
rc=0 n=0
# the shared captures with routes: INVALID and NOT_FOUND, withdrawals,
# ADD-PATH, a session reset, repeats, AS_SET and confederation origins,
# IPv6
for f in tcpdump-tests/bgp-4byte-asn.pcap tcpdump-tests/bgp-ub.pcap \
    tcpdump-tests/bgp-bgpsec.pcap captures/packetlife/bgp-add-path.cap \
    captures/packetlife/IBGP_adjacency.cap captures/packetlife/BGP_hard_reset.cap \
    captures/packetlife/BGP_MP_NLRI.cap captures/packetlife/BGP_AS_set.cap \
    captures/packetlife/bgp_as_confed_sequence.pcapng.cap \
    captures/bgp-rs-loopback/BGP_flowspec_redirect.cap; do
	[ -r "$SHARED/$f" ] || { echo "FAIL: $SHARED/$f missing"; rc=1; continue; }
	rm -f "$tmp/r.jsonl" "$tmp/a.json"
	"$B/rovmon" -r "$SHARED/$f" --vrps "$tmp/vrps.json" --rules rules/rovmon.rules \
	    --routes "$tmp/r.jsonl" --alerts "$tmp/a.json" --stats /dev/null \
	    2> "$tmp/err" || { echo "FAIL $f: rovmon exit $?"; cat "$tmp/err"; rc=1; continue; }
	touch "$tmp/r.jsonl" "$tmp/a.json"
	$PY tests/alert_coverage.py "$f" "$tmp/r.jsonl" "$tmp/a.json" || rc=1
	n=$((n + 1))
done
echo "$n shared captures checked against the real VRP snapshot"
exit $rc
