#!/bin/sh
# rovmon -r on MRT files (issue 18): what 84-mrt-bgpdump.sh (the route-for-
# route comparison with bgpdump) does not look at: the input choice by
# content (a gzip MRT file on a pipe), the start line, -c counting records,
# a BPF filter said to be ignored, the mrt_* counters, and a file cut mid-
# stream (the pyasn RIBs are the first MiB of a bzip2 file): everything
# before the cut read, one line naming the file and record, exit 1.
# SKIP without the shared data.  A few seconds.
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
MRT=$SHARED/mrt
[ -d "$MRT" ] || { echo "SKIP: shared MRT data not found ($MRT)"; exit 77; }
[ -x "$B/rovmon" ] || { echo "FAIL: build $B/rovmon first"; exit 1; }
tmp=$(mktemp -d /tmp/rovmon-mrt.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
bad() { echo "FAIL - $*"; fail=$((fail + 1)); }
stat() { tr ',' '\n' < "$tmp/stats" | sed -n "s/^\"$1\":\([0-9]*\)$/\1/p"; }
run() { rm -f "$tmp/stats"; "$@" > "$tmp/out" 2> "$tmp/err"; got=$?; }

# 1. updates: BGP4MP with state changes, gzip on a pipe, the start line
U=$MRT/bgpdump-test_data/updates.20020722.2238.gz
run sh -c "cat '$U' | '$B/rovmon' -r - --routes - --stats '$tmp/stats'"
na=$(grep -c '"event":"announce"' "$tmp/out"); nw=$(grep -c '"event":"withdraw"' "$tmp/out")
[ "$got" -eq 0 ] && [ "$(cat "$tmp/err")" = "reading from file -, MRT (RFC 6396), gzip-compressed" ] &&
	[ "$na" -eq 825 ] && [ "$nw" -eq 2419 ] && [ "$(stat mrt_records)" -eq 1121 ] &&
	[ "$(stat mrt_state_changes)" -eq 93 ] &&
	ok "updates.20020722.2238 on a pipe: $na announcements, $nw withdrawals (bgpdump: 825, 2419), 1121 records, 93 state changes" ||
	bad "updates on a pipe: exit $got, $na/$nw events, stderr $(head -c 300 "$tmp/err")"
# every route event has ports 0 and a record number as pkt_num
grep -v '"src_port":0,"dst_addr":"[^"]*","dst_port":0,' "$tmp/out" | head -1 > "$tmp/x"
[ ! -s "$tmp/x" ] && ok "ports 0 in every route event" || bad "a route event with ports: $(cat "$tmp/x")"
last=$(tail -n 1 "$tmp/out" | sed 's/.*"pkt_num":\([0-9]*\).*/\1/')
[ "$last" -le 1121 ] && [ "$last" -gt 1000 ] && ok "pkt_num is the record number (last $last of 1121)" || bad "last pkt_num $last"

# 2. -c counts records; a filter is ignored, said once
run "$B/rovmon" -r "$U" -c 10 --routes - --stats "$tmp/stats" tcp port 179
[ "$got" -eq 0 ] && [ "$(stat mrt_records)" -eq 10 ] &&
	[ "$(grep -c 'the BPF filter "tcp port 179" does not apply' "$tmp/err")" -eq 1 ] &&
	ok "-c 10: 10 records; the filter ignored, one line" || bad "-c 10: exit $got, $(stat mrt_records) records, $(cat "$tmp/err")"

# 3. a RIB cut mid-stream: what came before it, one line, exit 1
R=$MRT/pyasn/rib.20140523.0600_firstMB.bz2
run "$B/rovmon" -q -r "$R" --routes - --stats "$tmp/stats"
na=$(grep -c '"event":"announce"' "$tmp/out")
[ "$got" -eq 1 ] && [ "$na" -eq 270005 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
	grep -q "rib.20140523.0600_firstMB.bz2: record 9074: truncated: 1267 of its bytes, the file ends: bzip2 stream truncated" "$tmp/err" &&
	[ "$(stat mrt_rib_entries)" -eq 270005 ] &&
	ok "cut bzip2 RIB: exit 1, 270005 announcements (bgpdump: 270005), $(cat "$tmp/err")" ||
	bad "cut RIB: exit $got, $na announcements, $(head -c 300 "$tmp/err")"
# a RIB entry's time is its originated time, not the dump's
grep -m 1 '"prefix":"1.0.0.0/24"' "$tmp/out" | grep -q '"ts":"2014-05-21T11:03:23.000000Z","pkt_num":3,' &&
	ok "1.0.0.0/24 at its originated time 2014-05-21T11:03:23, record 3" || bad "1.0.0.0/24: $(grep -m 1 '"prefix":"1.0.0.0/24"' "$tmp/out" | head -c 200)"

# 4. kinds not read: counted, one line per kind
S=$MRT/mrtparse-samples/openbgpd_rib_table-v2
run "$B/rovmon" -q -r "$S" --routes /dev/null --stats "$tmp/stats"
[ "$got" -eq 0 ] && [ "$(stat mrt_skipped)" -eq 2 ] && [ "$(grep -c 'RIB_GENERIC' "$tmp/err")" -eq 1 ] &&
	ok "openbgpd_rib_table-v2: 2 RIB_GENERIC records skipped, one line" || bad "skipped: exit $got, $(stat mrt_skipped), $(cat "$tmp/err")"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
