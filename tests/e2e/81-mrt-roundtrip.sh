#!/bin/sh
# --write-mrt round trip (issue 18), on every bundled capture (pcaps/ and
# the shared tcpdump-tests and captures: the list of
# /work/notes/identical17.sh): `rovmon -r CAP --write-mrt M` then
# `rovmon -r M`, both with the demo VRPs and the default rules, must give
#  - MRT records that tests/mrt_roundtrip.py (written from RFC 6396 and
#    RFC 8050, not from mrt_write.c) finds well formed, each session
#    Established before its first message;
#  - the same route events, line for line, once pkt_num, the ports and
#    "inferred" are dropped (what an MRT record cannot carry), and the same
#    alerts once those (the session events' port and peer_port too) and the
#    Snort envelope's frame fields (pkt_len, dir) are dropped;
#  - and bgpdump -m (Debian's 1.6.2) must read M and print the same
#    announcements and withdrawals (type and prefix, counted) as the
#    capture's route log, except on the captures listed in EXPECT below:
#    hostile UPDATEs that rovmon refuses by RFC 7606 / RFC 4271 where
#    bgpdump prints what it could read, each with its exact counts.
# Plus --write-mrt - (standard output) writes the same bytes as a file.
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
PY=${PYTHON:-python3}
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
[ -d "$SHARED/tcpdump-tests" ] || { echo "SKIP: shared data not found: $SHARED"; exit 77; }
command -v bgpdump > /dev/null || { echo "SKIP: no bgpdump (apt-get install bgpdump)"; exit 77; }
tmp=$(mktemp -d /tmp/rovmon-mrt-roundtrip.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# capture name: "bgpdump_lines bgpdump_only rovmon_only" of the comparison
# (mrt_roundtrip.py bgpdump), or "abort" where bgpdump cannot read it.
EXPECT='
bgp-addpath.pcap 12 12 0 rovmon: session reset, MP_REACH_NLRI twice (RFC 7606 3(g))
bgp-as-path-oobr.pcap 1 1 0 rovmon: session reset, attributes overrun the UPDATE
bgp-ub.pcap 8 4 0 rovmon: session reset, NLRI do not parse exactly (RFC 7606 5.3)
bgpsec_invalid_signature_block_length.pcap 2 2 2 rovmon: treat-as-withdraw, bgpdump: announce
tok2str-oobr-1.pcap 1 1 0 rovmon: session reset, attributes overrun the UPDATE
bgp-aigp-oobr.pcap abort bgpdump 1.6.2: assertion on a second AS_PATH attribute
'
run() {	# run INPUT TAG [filter]: rovmon's outputs TAG.routes, TAG.alerts
	in=$1 tag=$2; shift 2
	rm -f "$tmp/$tag.routes" "$tmp/$tag.alerts"
	"$B/rovmon" -q -r "$in" --vrps pcaps/demo-vrps.json \
	    --rules rules/rovmon.rules --sensor s --routes "$tmp/$tag.routes" \
	    --alerts "$tmp/$tag.alerts" --stats /dev/null "$@" \
	    2> "$tmp/$tag.err"
	run_rc=$?
	touch "$tmp/$tag.routes" "$tmp/$tag.alerts"
	return $run_rc
}
rc=0 n=0 recs=0 events=0 exc=0 empty=0
# roundtrip CAPTURE [FILTER]: 0, or 1 with the reason printed
roundtrip() {
	f=$1 name=${1##*/}
	shift
	n=$((n + 1))
	rm -f "$tmp/m.mrt"
	run "$f" cap --write-mrt "$tmp/m.mrt" "$@"
	crc=$?
	[ -f "$tmp/m.mrt" ] || { echo "FAIL $name: no MRT file (exit $crc)"; return 1; }
	# No BGP message: no record, and an empty file has no type to read
	# back; then the capture must have no route event and no alert.
	if ! [ -s "$tmp/m.mrt" ]; then
		empty=$((empty + 1))
		if [ -s "$tmp/cap.routes" ] || [ -s "$tmp/cap.alerts" ]; then
			echo "FAIL $name: route events or alerts, but no MRT record"
			return 1
		fi
		return 0
	fi
	run "$tmp/m.mrt" mrt
	mrc=$?
	# under ASan/UBSan (ROVMON_BUILD=build-asan) a report exits 1, as a
	# cut capture does
	if grep -q "Sanitizer\|runtime error" "$tmp/cap.err" "$tmp/mrt.err"; then
		echo "FAIL $name: sanitizer report"
		grep -h -A3 "Sanitizer\|runtime error" "$tmp/cap.err" "$tmp/mrt.err" | head -8
		return 1
	fi
	# a capture cut short exits 1 (docs/hostile-input.md): its MRT is whole
	if [ $mrc -ne 0 ] && [ $crc -ne 1 ]; then
		echo "FAIL $name: rovmon -r of its MRT file exits $mrc (capture $crc)"
		sed 's/^/  /' "$tmp/mrt.err"
		return 1
	fi
	want=$(echo "$EXPECT" | awk -v n="$name" '$1 == n { print $2, $3, $4; exit }')
	bgpdump -m "$tmp/m.mrt" > "$tmp/bd" 2> "$tmp/bd.err"
	brc=$?
	set -- all "$tmp/m.mrt" "$tmp/cap.routes" "$tmp/cap.alerts" \
	    "$tmp/mrt.routes" "$tmp/mrt.alerts"
	if [ "${want%% *}" = abort ]; then
		exc=$((exc + 1))
		[ $brc -ne 0 ] || { echo "FAIL $name: bgpdump no longer aborts: update EXPECT"; return 1; }
	else
		[ $brc -eq 0 ] || { echo "FAIL $name: bgpdump -m exits $brc: $(grep -v syslog "$tmp/bd.err" | head -2)"; return 1; }
		set -- "$@" "$tmp/bd"
	fi
	out=$($PY tests/mrt_roundtrip.py "$@") || { echo "FAIL $name: $out"; return 1; }
	set -- $(echo "$out" | head -1)
	recs=$((recs + $1)) events=$((events + $2))
	[ $# -eq 5 ] || return 0
	counts="$3 $4 $5"
	if [ -n "$want" ]; then
		exc=$((exc + 1))
		[ "$counts" = "$want" ] && return 0
		echo "FAIL $name: bgpdump -m vs route log $counts, expected $want"
	elif [ "$4 $5" = "0 0" ]; then
		return 0
	else
		echo "FAIL $name: bgpdump -m and the route log differ ($counts)"
	fi
	echo "$out" | tail -n +2
	return 1
}
for f in pcaps/*.pcap pcaps/linktypes/* "$SHARED"/tcpdump-tests/*.pcap* \
    "$SHARED"/captures/*/*.pcap* "$SHARED"/captures/*/*.cap; do
	[ -f "$f" ] || continue
	case $f in *.txt|*.md|*.json|*.jsonl) continue;; esac
	case $f in
	*bgp-rs-loopback*) roundtrip "$f" "tcp port 1179" || rc=1;;
	*) roundtrip "$f" || rc=1;;
	esac
done
# No bundled capture closes a session with routes by TCP alone (they all
# send a NOTIFICATION first), which only the Established -> Idle record
# tells a reader: as2-session.pcap without its NOTIFICATION (frame 83).
$PY tests/mrt_roundtrip.py dropframe pcaps/as2-session.pcap "$tmp/tcp-close.pcap" 83
roundtrip "$tmp/tcp-close.pcap" || rc=1
grep -q '"type":"session-down".*"reason":"tcp"' "$tmp/cap.alerts" ||
    { echo "FAIL tcp-close.pcap: no session-down alert for the TCP close"; rc=1; }
# standard output: the same bytes as the file
"$B/rovmon" -q -r pcaps/addpath.pcap --write-mrt - --stats /dev/null > "$tmp/stdout.mrt" 2> /dev/null
rm -f "$tmp/file.mrt"
"$B/rovmon" -q -r pcaps/addpath.pcap --write-mrt "$tmp/file.mrt" --stats /dev/null 2> /dev/null
cmp -s "$tmp/stdout.mrt" "$tmp/file.mrt" || { echo "FAIL: --write-mrt - differs from --write-mrt FILE"; rc=1; }
echo "$n captures ($empty without a BGP message): $recs MRT records, $events route events equal after the round trip; bgpdump -m equal on $((n - empty - exc)), the $exc listed exceptions as expected"
[ $rc -eq 0 ] && echo "PASS: mrt round trip" || echo "FAIL: mrt round trip"
exit $rc
