#!/bin/sh
# make bench: rovmon's performance figures (issue 6) in one run, as a
# table on stdout and as JSON in BUILD/bench.json (tests/bench.py; the
# method and the last figures are in docs/performance.md).
#   sh tests/bench.sh [BUILD]
# Environment:
#   BENCH_REPEAT=N     runs per command (default: 3, but 1 for tshark and
#                      tcpdump on the full table)
#   BENCH_TCPDUMP=0    leave tcpdump -nn -v out on the full table (10+ min)
#   BENCH_LIVE=0       skip the live veth test (it needs root)
#   BENCH_LIVE_RATES   tcpreplay rates, default 100,250,500,1000,top (Mb/s)
#   BENCH_TTA=0        skip time to alert (tests/bench/time_to_alert.py, which
#                      also runs alone; BENCH_TTA_RUNS, BENCH_TTA_MBPS,
#                      BENCH_TTA_PARTS=idle,load,vrp tune it)
#   BENCH_FULL=0       skip the full-table sections (small captures only)
#   BENCH_RS=0         skip the route-server-scale section (issue 17)
#   BENCH_RS_SESSIONS  its peers per address family (default 50: ~3.8 GB
#                      capture, 55.7 M routes, 2.3 GB of rovmon RSS)
#   BENCH_TSHARK=0     skip the tshark | tests/bench/rov_ref.py reference
#   BENCH_BIRD=0       skip BIRD with roa_check() (tests/bench/bird_ref.py)
#   BENCH_RSLIVE=0     skip the live replay of the route-server capture
#                      (BENCH_RSLIVE_RATES, BENCH_RSLIVE_FRACTION and
#                      BENCH_RSLIVE_BUFFER, rovmon's -B in KiB, tune it)
#   BENCH_THREADS=0    skip rovmon --threads 1 against --threads 2
#   BENCH_REVAL=0      skip re-validation of 55.7 M stored routes (issue 17;
#                      BENCH_REVAL_SESSIONS peers, default 50: ~2.5 GB)
#   BENCH_BOUNDS=0     skip the measured bounds (tests/bench_bounds.c)
#   BENCH_TTA_BT=MS,.. time to alert again with rovmon --buffer-timeout MS
#                      (default 5; "" for rovmon's defaults only)
#   BENCH_ONLY=SECTION run one section alone: full, rs, vrps, bounds, small,
#                      tshark, bird, rslive, threads, reval, tta or mrt
#                      (JSON in BUILD/bench-SECTION.json)
#   SHARED, VRPS       the shared data directory, the VRP snapshot (.bz2)
#   MRT                the full table as MRT, for the ASPA section's paths
#                      and the MRT section's second table
#   ROVMON_BENCH_CACHE cache for the capture and the decompressed VRPs
#                      (default /var/tmp/rovmon-bench)
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
VRPS=${VRPS:-$SHARED/vrps/rpki-client-9.x-2025-07-20/rpkiclient_summary_20250720T093135Z.json.bz2}
CACHE=${ROVMON_BENCH_CACHE:-/var/tmp/rovmon-bench}
JSON=$BUILD/bench.json
[ -z "${BENCH_ONLY:-}" ] || JSON=$BUILD/bench-$BENCH_ONLY.json
set -- --build "$BUILD" --json "$JSON" --rules rules/rovmon.rules
[ -z "${BENCH_ONLY:-}" ] || set -- "$@" --only "$BENCH_ONLY"

# The full-table capture (cached; made once with root, ~1 minute).
case ${BENCH_ONLY:-full} in full | tshark | bird | threads | reval | bounds | tta | mrt) need_full=1 ;;
*) need_full=0 ;; esac
if [ "${BENCH_FULL:-1}" != 0 ] && [ $need_full = 1 ]; then
	if FULL=$(bash tests/bench/fulltable.sh); then
		set -- "$@" --full "$FULL"
	else
		echo "bench: no full-table capture (tests/bench/fulltable.sh failed);" \
		    "small captures only" >&2
	fi
fi

# The route-server-scale capture (cached; made from the full-table one).
# BENCH_FULL=0 leaves it out too, unless BENCH_ONLY names a section of it.
case ${BENCH_ONLY:-} in rs | rslive | threads) only_rs=1 ;; *) only_rs=0 ;; esac
if [ "${BENCH_RS:-1}" != 0 ] && { [ $only_rs = 1 ] ||
    { [ -z "${BENCH_ONLY:-}" ] && [ "${BENCH_FULL:-1}" != 0 ]; }; }; then
	if RS=$(bash tests/bench/rsscale.sh); then
		set -- "$@" --rs "$RS"
	else
		echo "bench: no route-server-scale capture (tests/bench/rsscale.sh failed)" >&2
	fi
fi

# The VRP snapshot, decompressed once into the cache so that the parse
# times measured are not bunzip2's (the .bz2 is timed too, by bench_rov).
if [ -f "$VRPS" ]; then
	mkdir -p "$CACHE"
	base=$(basename "$VRPS" .bz2)
	key=$(sha256sum "$VRPS" | cut -c1-16)
	PLAIN=$CACHE/${base%.json}-$key.json
	if [ ! -s "$PLAIN" ]; then
		bzip2 -dc "$VRPS" > "$PLAIN.tmp"
		mv "$PLAIN.tmp" "$PLAIN"
	fi
	set -- "$@" --vrps "$VRPS" --vrps-json "$PLAIN"
else
	echo "bench: no VRP snapshot $VRPS: VRP sections skipped" >&2
fi
# The full table's MRT source: every route's AS path for the ASPA section.
MRT=${MRT:-$SHARED/mrt/bgpdump-test_data/updates.et-header.2015.gz}
[ -f "$MRT" ] && set -- "$@" --mrt "$MRT"
[ "${BENCH_LIVE:-1}" != 0 ] || set -- "$@" --no-live
[ "${BENCH_TTA:-1}" != 0 ] || set -- "$@" --no-tta
for x in tshark bird rslive threads; do
	eval "v=\${BENCH_$(echo $x | tr a-z A-Z):-1}"
	[ "$v" != 0 ] || set -- "$@" --no-$x
done

exec python3 tests/bench.py "$@" --small pcaps/ipv4-full.pcap pcaps/ipv6-full.pcap
