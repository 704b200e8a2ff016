#!/bin/bash
# The route-server-scale capture for make bench (issue 17): N peers per
# address family that all send the same real full table at once, made by
# tests/bench/rsscale_gen.py from the full-table capture
# (tests/bench/fulltable.sh: one IPv4 and one IPv6 eBGP session, 1,114,866
# prefixes), each copy with its own sender address.
#   tests/bench/rsscale.sh [OUT.pcap]
# Prints the capture's path.  N is BENCH_RS_SESSIONS (default 50).
# Cached like the full-table capture: made once per set of inputs (this
# script, the generator, the full-table capture, N) under
# $ROVMON_BENCH_CACHE (default /var/tmp/rovmon-bench), outside git; older
# rsscale captures there are removed first (each is gigabytes).  The
# capture is about N times the full table's 76 MB; when the file system
# has less room than that plus 2 GiB, N is lowered to what fits and said.
set -eu
cd "$(dirname "$0")/../.."
CACHE=${ROVMON_BENCH_CACHE:-/var/tmp/rovmon-bench}
N=${BENCH_RS_SESSIONS:-50}
case $N in '' | *[!0-9]*) echo "rsscale: BENCH_RS_SESSIONS=$N: not a number" >&2; exit 1 ;; esac
[ "$N" -ge 1 ] || { echo "rsscale: BENCH_RS_SESSIONS must be >= 1" >&2; exit 1; }
SRC=$(bash tests/bench/fulltable.sh)
mkdir -p "$CACHE"
per=$(stat -c %s "$SRC")
avail=$(df -B1 --output=avail "$CACHE" | tail -n 1)
KEY=$( (cat "$0" tests/bench/rsscale_gen.py; basename "$SRC"; stat -c %s "$SRC") |
	sha256sum | cut -c1-16)
OUT=${1:-$CACHE/rsscale-$N-$KEY.pcap}
if [ -s "$OUT" ]; then echo "$OUT"; exit 0; fi
if [ $# -eq 0 ]; then # the older cached ones first
	for f in "$CACHE"/rsscale-*.pcap; do
		[ -e "$f" ] || continue
		avail=$((avail + $(stat -c %s "$f")))
	done
fi
fit=$(((avail - 2 * 1024 * 1024 * 1024) / per))
if [ "$fit" -lt "$N" ]; then
	[ "$fit" -ge 1 ] || { echo "rsscale: no room in $CACHE" >&2; exit 1; }
	echo "rsscale: $(df -h --output=avail "$CACHE" | tail -n 1 | tr -d ' ') free in $CACHE:" \
	    "$fit sessions per family instead of $N" >&2
	N=$fit
	OUT=${1:-$CACHE/rsscale-$N-$KEY.pcap}
	if [ -s "$OUT" ]; then echo "$OUT"; exit 0; fi
fi
[ $# -gt 0 ] || rm -f "$CACHE"/rsscale-*.pcap "$CACHE"/rsscale-*.counts.json
echo "[rsscale] writing $N copies of $SRC to $OUT" >&2
python3 tests/bench/rsscale_gen.py "$SRC" "$N" "$OUT.tmp" > "${OUT%.pcap}.counts.json"
mv "$OUT.tmp" "$OUT"
echo "[rsscale] wrote $OUT ($(stat -c %s "$OUT") bytes)" >&2
echo "$OUT"
