#!/bin/sh
# Issue 18's MRT acceptance: on every MRT data file in $SHARED/mrt
# (bgpdump-test_data, bgp-rs, pyasn, mrtparse-samples, bgpkit-parser-ripe),
# rovmon -r's announcements and withdrawals equal `bgpdump -m`'s (Debian's
# bgpdump) prefix for prefix: peer, peer AS, event, prefix, path id, AS path,
# origin AS and time (tests/mrt/bgpdump_cmp.py, written from bgpdump's
# documented output and RFC 6396; its head says how).  One line per file,
# PASS or FAIL with counts; the known, explained differences are listed in
# the script (KNOWN) with their RFC reason and printed with each file.
#   part 1  the comparator itself: a route log simulated from bgpdump's lines
#           passes, and each planted bug (AS path, origin, time, a dropped
#           event, order, peer AS) fails;
#   part 2  every file against rovmon;
#   part 3  a bug planted in rovmon's real route log (one AS of one path)
#           must fail.
# SKIP without the shared data or bgpdump.  About 60 s (the 577,737-route
# updates.et-header.2015.gz is most of it).
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
PY=${PYTHON:-python3}
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
MRT=$SHARED/mrt
CMP=tests/mrt/bgpdump_cmp.py
[ -d "$MRT" ] || { echo "SKIP: shared MRT data not found ($MRT)"; exit 77; }
command -v bgpdump > /dev/null || { echo "SKIP: bgpdump not installed (apt install bgpdump)"; exit 77; }
[ -x "$B/rovmon" ] || { echo "FAIL: build $B/rovmon first"; exit 1; }
rc=0

# part 1: the comparator fails on planted bugs and passes unplanted
for f in bgpdump-test_data/updates.20071015.1505.gz bgpdump-test_data/bview.ipv6_unicast_add_path.gz \
    mrtparse-samples/openbgpd_rib_table; do
	out=$($PY $CMP --self-test --name "$f" "$MRT/$f") || { echo "FAIL self-test $f"; rc=1; }
	echo "$out" | grep -v '^ok ' | sed 's/^/  /'
done
[ $rc = 0 ] && echo "PASS comparator self-test (3 files, 6 planted bugs each fail)"

# part 2: every data file
files=$(cd "$MRT" && find . -type f ! -path './bgpdump-test_expect/*' ! -name '*.md' | sed 's|^\./||' | sort)
n=0 fail=0
for f in $files; do
	n=$((n + 1))
	$PY $CMP --rovmon "$B/rovmon" --name "$f" "$MRT/$f" || { fail=$((fail + 1)); rc=1; }
done
echo "$((n - fail)) of $n MRT files equal bgpdump -m (known differences listed above)"

# part 3: a bug planted in rovmon's own output is caught
f=bgpdump-test_data/updates.20071015.1505.gz
if $PY $CMP --rovmon "$B/rovmon" --name "$f" --plant as-path "$MRT/$f" > /dev/null; then
	echo "FAIL planted AS path change in rovmon's route log of $f was not caught"
	rc=1
else
	echo "PASS planted AS path change in rovmon's route log of $f is caught"
fi
exit $rc
