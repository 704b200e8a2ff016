#!/bin/sh
# Differential test of route origin validation against BIRD (bird2's
# roa_check), an independent RFC 6811 implementation, on real data.
#
# VRPs: the real rpki-client snapshot of 2025-07-20 (723,521 VRPs; override
# with ROV_VRPS=FILE; its cut pcaps/demo-vrps.json when absent), given unchanged to rovmon (--vrps) and, through
# tests/bird_rov.py, to a private bird2 as static roa4/roa6 tables (all of
# it: loading takes BIRD ~3 s, no reduction needed).
# Routes: the (prefix, origin) of every announcement rovmon decodes from
# pcaps/ipv4-full.pcap, ipv6-full.pcap, as2-session.pcap and addpath.pcap
# (real 2015-2019 routes: a rich mix of states against 2025 VRPs), plus
# synthetic edge routes around a seeded sample of the VRPs (tests/bird/
# rovdiff.py edge: exact prefix and origin, other origin, origin AS0,
# AS_SET origin, sub-prefixes up to and one bit beyond maxLength, host
# routes, less specifics, AS0 VRPs, 4-byte ASes, default routes, IPv4 and
# IPv6).  The synthetic routes go through rovmon's whole path too: they are
# written as a BGP session capture (tests/bird/synth_pcap.py) that rovmon
# reads with the same --vrps.  A sample of them is also checked with
# "rovctl validate" (exit codes) against a reduced VRP file holding every
# VRP that covers them.
# Every (prefix, origin) must get the same state from rovmon and BIRD; an
# AS_SET origin is asked of BIRD as AS 0 (see tests/bird_rov.py).
#
# Exit 0 when identical, >= 1000 routes compared and all three states seen;
# 1 otherwise; 77 only when bird2 is not installed.
set -u
cd "$(dirname "$0")/../.."
BUILD=${ROVMON_BUILD:-build}
ROVMON=$BUILD/rovmon
ROVCTL=$BUILD/rovctl
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
VRPS=${ROV_VRPS:-$SHARED/vrps/rpki-client-9.x-2025-07-20/rpkiclient_summary_20250720T093135Z.json.bz2}
export PYTHONDONTWRITEBYTECODE=1
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:exitcode=86"

if ! command -v bird >/dev/null 2>&1 && [ ! -x /usr/sbin/bird ]; then
	echo "SKIP: bird2 is not installed (apt-get install bird2)"
	exit 77
fi
if [ ! -x "$ROVMON" ]; then
	echo "FAIL: no $ROVMON (make first)"
	exit 1
fi
# Without ../shared (a bare clone), the cut of the same snapshot in
# pcaps/demo-vrps.json: the 11,157 VRPs that cover a route of the captures,
# so every capture route gets the state the whole snapshot gives it; the
# edge routes are then made around those VRPs only.  Reported as a part
# skipped (tests/run.sh), the full-snapshot run being the real test.
if [ ! -r "$VRPS" ] && [ -z "${ROV_VRPS:-}" ]; then
	echo "SKIP-PART: no VRP snapshot $VRPS: compared against its cut pcaps/demo-vrps.json instead of all 723,521 VRPs"
	VRPS=pcaps/demo-vrps.json
fi
if [ ! -r "$VRPS" ]; then
	echo "FAIL: VRP snapshot $VRPS not found (set SHARED or ROV_VRPS)"
	exit 1
fi
work=out/bird-rov-diff/$(basename "$BUILD")
rm -rf "$work"
mkdir -p "$work"
start=$(date +%s)
fail=0

# The Python side reads one decompressed copy (rovmon gets the file as is).
case $(od -An -c -N3 "$VRPS" | tr -d ' ') in
BZh)	bzip2 -dc "$VRPS" > "$work/vrps.json" ;;
*)	if [ "$(od -An -tx1 -N2 "$VRPS" | tr -d ' ')" = 1f8b ]; then
		gzip -dc "$VRPS" > "$work/vrps.json"
	else
		cp "$VRPS" "$work/vrps.json"
	fi ;;
esac

# rovmon on the real captures (in the background while Python works).
run_rovmon() {	# NAME PCAP
	"$ROVMON" -r "$2" --vrps "$VRPS" --routes "$work/$1.jsonl" \
		> "$work/$1.stdout" 2> "$work/$1.stderr"
	echo $? > "$work/$1.rc"
}
(
	for p in ipv4-full ipv6-full as2-session addpath; do
		run_rovmon "$p" "pcaps/$p.pcap"
	done
) &
bg=$!

# Synthetic edge routes, the reduced VRP file covering them, their capture.
python3 tests/bird/rovdiff.py edge "$work/vrps.json" "$work/edge.routes" \
	"$work/edge-vrps.json" 2> "$work/edge.log" || { cat "$work/edge.log"; fail=1; }
python3 tests/bird/synth_pcap.py "$work/edge.routes" "$work/edge.pcap" ||
	fail=1
wait "$bg"
run_rovmon edge "$work/edge.pcap"
t_rovmon=$(date +%s)	# captures, edge routes, their capture: all done

for p in ipv4-full ipv6-full as2-session addpath edge; do
	rc=$(cat "$work/$p.rc")
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
		echo "FAIL: rovmon on $p exited $rc"
		tail -n 5 "$work/$p.stderr"
		fail=1
	fi
	[ -f "$work/$p.jsonl" ] || : > "$work/$p.jsonl"
done

# Every route, once: the captures' and the synthetic ones.
python3 tests/bird/rovdiff.py routes "$work/ipv4-full.jsonl" \
	"$work/ipv6-full.jsonl" "$work/as2-session.jsonl" \
	"$work/addpath.jsonl" > "$work/pcap.routes" || fail=1
cat "$work/pcap.routes" "$work/edge.routes" | awk '!seen[$0]++' \
	> "$work/all.routes"
# The synthetic capture must have carried every synthetic route.
python3 tests/bird/rovdiff.py routes "$work/edge.jsonl" | sort \
	> "$work/edge.seen"
if ! sort "$work/edge.routes" | cmp -s - "$work/edge.seen"; then
	echo "FAIL: rovmon did not decode the synthetic capture's routes:"
	sort "$work/edge.routes" | diff - "$work/edge.seen" | head -n 10
	fail=1
fi

# BIRD's verdicts.
python3 tests/bird_rov.py --timing --keep "$work/bird" "$work/vrps.json" \
	"$work/all.routes" "$work/bird.out" 2> "$work/bird.timing"
rc=$?
sed 's/^/    /' "$work/bird.timing"
if [ $rc -eq 77 ]; then
	echo "SKIP: bird2 is not installed"
	exit 77
elif [ $rc -ne 0 ]; then
	echo "FAIL: tests/bird_rov.py exited $rc"
	exit 1
fi
t_bird=$(date +%s)

# rovmon's verdicts, compared.
python3 tests/bird/rovdiff.py states "$work/ipv4-full.jsonl" \
	"$work/ipv6-full.jsonl" "$work/as2-session.jsonl" \
	"$work/addpath.jsonl" "$work/edge.jsonl" > "$work/rovmon.states" ||
	fail=1
echo "rovmon (--vrps, $(wc -l < "$work/pcap.routes") routes from the captures + $(wc -l < "$work/edge.routes") synthetic) vs BIRD:"
if ! python3 tests/bird/rovdiff.py compare "$work/vrps.json" \
	"$work/bird.out" "$work/rovmon.states" > "$work/compare.txt"; then
	fail=1
fi
head -n 60 "$work/compare.txt"
[ "$(wc -l < "$work/compare.txt")" -gt 61 ] && echo "    ... ($work/compare.txt)" && tail -n 1 "$work/compare.txt"

# rovctl validate on a sample of the synthetic routes, reduced VRP file.
if [ -x "$ROVCTL" ]; then
	awk '$2 != "none" && NR % 25 == 1' "$work/edge.routes" |
	while read -r pfx asn; do
		"$ROVCTL" validate "$pfx" "$asn" --vrps "$work/edge-vrps.json" \
			> /dev/null 2>&1
		case $? in
		0) s=valid ;; 1) s=invalid ;; 5) s=not-found ;; *) s=error ;;
		esac
		echo "$pfx $asn $s"
	done > "$work/rovctl.states"
	echo "rovctl validate (a sample of the synthetic routes, VRPs covering them) vs BIRD:"
	if ! python3 tests/bird/rovdiff.py compare --subset --min 50 \
		"$work/vrps.json" "$work/bird.out" "$work/rovctl.states" \
		> "$work/compare-rovctl.txt"; then
		fail=1
	fi
	head -n 30 "$work/compare-rovctl.txt"
else
	echo "NOTE: no $ROVCTL, rovctl validate not checked"
fi

end=$(date +%s)
echo "time: rovmon on 5 captures (and the edge routes made meanwhile) $((t_rovmon - start)) s, BIRD $((t_bird - t_rovmon)) s, total $((end - start)) s"
if [ $fail -eq 0 ]; then
	rm -f "$work/vrps.json" "$work/bird/bird.conf"	# 75 + 25 MB
	echo "PASS: rovmon and BIRD agree on every route"
else
	echo "FAIL"
fi
exit $fail
