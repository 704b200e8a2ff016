#!/bin/sh
# make bench: performance figures measured in one run (tests/bench.py).
#   sh tests/bench.sh BUILD [PCAP...]
# Default captures: the bundled ones with the most prefixes.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
shift || true
[ $# -gt 0 ] || set -- pcaps/ipv4-full.pcap pcaps/ipv6-full.pcap
python3 tests/bench.py "$BUILD" "$@"

# bench-rov: the ROV index on the real VRP snapshot (build time, memory,
# lookups/s on one thread; see tests/bench_rov.c).
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
VRPS=${VRPS:-$SHARED/vrps/rpki-client-9.x-2025-07-20/rpkiclient_summary_20250720T093135Z.json.bz2}
if [ -f "$VRPS" ]; then
	make -s BUILD="$BUILD" "$BUILD/bench_rov" > /dev/null
	echo "bench-rov: $VRPS"
	"$BUILD/bench_rov" "$VRPS" 2> /dev/null
else
	echo "bench-rov: skipped, no $VRPS"
fi

# bench-rib: stored route state for a full table (1M routes over 50k
# distinct paths, from tests/unit/test_rib.c's full-table case): bytes per
# route and the time to re-validate every stored route.
make -s BUILD="$BUILD" "$BUILD/tests/test_rib" > /dev/null
echo "bench-rib:"
"$BUILD/tests/test_rib" 2>&1 | grep '^rib:' || true
