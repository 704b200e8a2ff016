#!/bin/sh
# sanitizer: yes
# Reordering mirror port (issue 12): captures made from real ones the way a
# SPAN port delivers them (neighbouring frames swapped within and across
# directions, one direction delayed, holes nothing acknowledges; see
# tests/reorder_check.py) must give the route events of the original capture,
# frame numbers (mapped through the permutation) and times included; a hole
# must give no event the original did not log with the same frame and time.
# pcaps/*.pcap always; the classic pcaps of $SHARED when present.
set -u
cd "$(dirname "$0")/../.."
BUILD=${ROVMON_BUILD:-build}
ROVMON=$BUILD/rovmon
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:exitcode=86"
[ -x "$ROVMON" ] || { echo "no $ROVMON"; exit 77; }
command -v python3 > /dev/null || { echo "python3 not installed"; exit 77; }

rc=0 ran=0
check() {
	python3 tests/reorder_check.py "$ROVMON" "$@"
	case $? in
	0) ran=$((ran + 1)) ;;
	77) ;;
	*) ran=$((ran + 1)); rc=1 ;;
	esac
}
for p in pcaps/*.pcap; do
	[ -f "$p" ] && check "$p" --seed 1
done
for p in pcaps/ipv4-full.pcap pcaps/ipv6-full.pcap; do
	[ -f "$p" ] && check "$p" --seed 2
done
# The shape of the issue's measurement: 77 neighbouring pairs swapped.
[ -f pcaps/ipv4-full.pcap ] &&
	check pcaps/ipv4-full.pcap --mode adjacent --mode within --count 77
if [ -d "$SHARED" ]; then
	for p in "$SHARED"/tcpdump-tests/*.pcap "$SHARED"/captures/*/*.cap \
	    "$SHARED"/captures/*/*.pcap; do
		[ -f "$p" ] && check "$p"
	done
fi
[ $ran -gt 0 ] || { echo "no capture to reorder"; exit 77; }
echo "$ran captures checked"
exit $rc
