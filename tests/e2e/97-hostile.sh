#!/bin/sh
# sanitizer: yes
# Hostile input (issue 7, docs/hostile-input.md): inputs shaped by an
# attacker on the wire or by a broken source.  Every run must end with the
# documented exit status and counters and never with a crash, a sanitizer
# report or an unbounded use of memory.  Generators: tests/hostile/gen.py.
#   1. crafted captures (tests/hostile/check.py checks each against its
#      manifest): truncated pcap, caplen > snaplen, caplen > len, caplen
#      huge, jumbo segments (64 KiB IPv4, IPv6 jumbogram), zero-length
#      segments, BGP length 0/18/4097/65535 (with and without OPENs), a
#      message cut short by the session's or the capture's end (G2:
#      bgp_msg_cut_at_end), unknown well-known attributes (G1:
#      treat-as-withdraw, bgp_unknown_wellknown), overlapping segments
#      with different data (the first copy wins);
#   2. 1M prefixes in one flow (announced, then withdrawn);
#   3. 100,000 concurrent flows, each with data queued behind a hole: the
#      flow limit (65,536) and the 256 MiB reassembly cap hold;
#   4. a SYN flood on port 179 (100,000 SYNs);
#   5. a VRP file of 10M entries: CSV loads, the same as JSON (654 MB) is
#      refused by the 512 MiB cap with a one-line error;
#   6. a 1 GiB line in the rule file (and in -C and VRP files).
# Peak memory (GNU time's maximum RSS) is asserted for the plain build only;
# ASan's shadow memory and quarantine make it meaningless.  With a
# sanitizer build the 100k-flow run queues 100 bytes a flow instead of
# 8 KiB, the VRP file has 2M entries and the 654 MB JSON is left out (the
# 1 GiB CSV line hits the same 512 MiB cap): the paths are the same, the
# volume is what costs time there.  BGP-level rows already covered by
# unit tests and tcpdump's crafted captures are listed in the document.
#
# KNOWN BUGS (strict expected failures): a check listed in KNOWN_BUGS that
# fails prints XFAIL and does not fail the test; if it passes it prints
# XPASS and fails, so that the entry is removed with the fix.
# Exit 0 pass, 1 fail, 77 skip.
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
ROVMON=$B/rovmon
KNOWN_BUGS=${KNOWN_BUGS-""}
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:exitcode=86"
export PYTHONDONTWRITEBYTECODE=1
PY=/usr/bin/python3		# Debian's (a pyenv shim costs ~1 s a start)
[ -x "$PY" ] || PY=python3
[ -x "$ROVMON" ] || { echo "FAIL: $ROVMON not built"; exit 1; }
san=0
if nm "$ROVMON" 2> /dev/null | grep -q __asan_init; then san=1; fi
TIME=/usr/bin/time
[ -x "$TIME" ] || TIME=""
tmp=$(mktemp -d /tmp/rovmon-hostile.XXXXXX)
wpid=""
cleanup() {
	[ -n "$wpid" ] && kill "$wpid" 2> /dev/null
	[ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE
rc=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; rc=1; }
known() {	# NAME DESCRIPTION RESULT(0 = correct behaviour)
	case " $KNOWN_BUGS " in
	*" $1 "*)
		if [ "$3" -eq 0 ]; then bad "XPASS $1: $2 (fixed? remove '$1' from KNOWN_BUGS)"
		else echo "XFAIL $1 (known bug): $2"; fi ;;
	*)
		if [ "$3" -eq 0 ]; then ok "$2"; else bad "$2"; fi ;;
	esac
}
# stat NAME EXPR: EXPR (python, d = the last line of $tmp/NAME.stats)
stat() {
	$PY -c 'import json, sys
d = json.loads(open(sys.argv[1]).read().splitlines()[-1])
print(eval(sys.argv[2]))' "$tmp/$1.stats" "$2" 2> /dev/null
}
# run NAME ARGS...: rovmon ARGS with NAME.stats/.err, exit in $st, peak
# RSS in $rss (KiB, 0 unknown); stdin is passed on
run() {
	name=$1; shift
	rm -f "$tmp/$name.stats"
	if [ -n "$TIME" ]; then
		$TIME -f "%M" -o "$tmp/$name.rss" "$ROVMON" --stats "$tmp/$name.stats" "$@" 2> "$tmp/$name.err"
		st=$?
		rss=$(tail -n 1 "$tmp/$name.rss")
	else
		"$ROVMON" --stats "$tmp/$name.stats" "$@" 2> "$tmp/$name.err"
		st=$?
		rss=0
	fi
	if grep -q -e "runtime error" -e "Sanitizer" "$tmp/$name.err"; then
		bad "$name: sanitizer report"; head -n 30 "$tmp/$name.err"
	fi
}
# rss_below NAME MIB: peak RSS bound (plain builds with GNU time only)
rss_below() {
	[ $san -eq 0 ] && [ "$rss" -gt 0 ] || { echo "# $1: peak RSS $((rss / 1024)) MiB (not asserted)"; return 0; }
	[ "$rss" -le $(($2 * 1024)) ] && ok "$1: peak RSS $((rss / 1024)) MiB <= $2 MiB" ||
		bad "$1: peak RSS $((rss / 1024)) MiB > $2 MiB"
}

# ---- 1. crafted captures ----------------------------------------------------
$PY tests/hostile/gen.py cases "$tmp/cases" || { bad "gen.py cases"; exit 1; }
$PY tests/hostile/check.py "$ROVMON" "$tmp/cases" || rc=1

# ---- 2. 1M prefixes in one flow ---------------------------------------------
N=1000000
$PY tests/hostile/gen.py prefixes "$tmp/1m.pcap" $N
# The RIB needs alerting on.  The default rules alert every NOT_FOUND
# route (issue 12): here 956,590 alerts and as many resolutions, each
# carrying its ~4 KiB UPDATE as b64_data (12 GB of JSON, 15 s plain, ~1 min
# under ASan).  This part is about decoding and the RIB, not alert volume
# (86-alert-coverage.sh checks that): NOT_FOUND is rate-limited in a local
# copy of the rules, as docs/rules.md shows.
sed 's/rpki:not-found; sid:1000005; rev:2;/rpki:not-found; event_filter:track by_peer, type limit, count 100, seconds 60; sid:2000005; rev:1;/' \
    rules/rovmon.rules > "$tmp/1m.rules"
grep -q 'sid:2000005' "$tmp/1m.rules" || bad "1M prefixes: the rate-limited rules copy has no sid 2000005"
run 1m -r "$tmp/1m.pcap" --vrps pcaps/demo-vrps.json --rules "$tmp/1m.rules" --alerts /dev/null
if [ $st -eq 0 ] && [ "$(stat 1m "d['bgp_announce'] == d['bgp_withdraw'] == d['rib_new'] == d['rib_withdrawn'] == $N and d['routes_stored'] == 0 and d['rib_nomem'] == 0 and d['rpki_invalid'] + d['rpki_not_found'] == $N and d['bgp_malformed'] == 0")" = True ]; then
	ok "1M prefixes in one flow: $N announced, validated, stored, withdrawn ($(stat 1m 'd["bgp_update"]') UPDATEs)"
else
	bad "1M prefixes: exit $st: $(tail -n 1 "$tmp/1m.stats")"
fi
rss_below "1M prefixes" 256
rm -f "$tmp/1m.pcap"

# ---- 3. 100k concurrent flows ------------------------------------------------
NF=100000
SZ=8192
[ $san -eq 1 ] && SZ=100
mkfifo "$tmp/flows.pcap"
$PY tests/hostile/gen.py flows - $NF $SZ > "$tmp/flows.pcap" &
wpid=$!
run flows -r "$tmp/flows.pcap"
wait "$wpid"; wpid=""
refused=$((2 * (NF - 65536)))	# both segments of every flow past the limit
if [ $st -eq 0 ] && [ "$(stat flows "d['sessions'] == 65536 and d['reasm_flow_limit'] == $refused and d['reasm_ooo'] == 65536 and d['reasm_nomem'] == 0")" = True ]; then
	ok "$NF flows: 65536 tracked, $refused segments of the others refused (reasm_flow_limit)"
else
	bad "$NF flows: exit $st: $(tail -n 1 "$tmp/flows.stats")"
fi
if [ $SZ -ge 8192 ]; then
	# 65536 x 8 KiB = 512 MiB wanted: the 256 MiB global cap must bite
	[ "$(stat flows "d['reasm_total_mem_limit'] > 0")" = True ] &&
		ok "$NF flows x $SZ bytes queued: the global cap forced $(stat flows 'd["reasm_total_mem_limit"]') skips (reasm_total_mem_limit)" ||
		bad "global reassembly cap never hit: $(tail -n 1 "$tmp/flows.stats")"
	# measured: ~130 MiB for the flows themselves, + the 256 MiB cap
	rss_below "$NF flows x $SZ bytes" 460
else
	echo "# sanitizer build: $SZ bytes a flow, the 256 MiB cap is not reached here (see test_reasm:test_total_mem)"
	rss_below "$NF flows" 0
fi

# ---- 4. SYN flood --------------------------------------------------------------
$PY tests/hostile/gen.py synflood "$tmp/syn.pcap" $NF
run syn -r "$tmp/syn.pcap" --routes "$tmp/syn.routes"
# The table holds 65,536 flows; each SYN past that evicts the oldest flow
# that never carried a byte (G3, fixed), and so does the real session's
# SYN; the rest time out after embryonic_timeout (30 s) once the capture
# moves on 601 s.  Both real sessions are decoded.
if [ $st -eq 0 ] && [ "$(stat syn "d['sessions'] == $NF + 2 and d['sessions_evicted'] == $NF - 65536 + 1 and d['reasm_flow_limit'] == 0 and d['sessions_timeout'] == 65535")" = True ] &&
    grep -q '"prefix":"10.1.0.0/16"' "$tmp/syn.routes" &&
    grep -q '"prefix":"10.2.0.0/16"' "$tmp/syn.routes"; then
	ok "SYN flood: $((NF - 65536 + 1)) half-open flows evicted for new ones (sessions_evicted), the session that starts during the flood and the one after it decoded"
else
	bad "SYN flood: exit $st: $(tail -n 1 "$tmp/syn.stats")"
fi
rss_below "SYN flood" 256
rm -f "$tmp/syn.pcap"

# ---- 5. a VRP file with 10M entries ---------------------------------------------
NV=10000000
[ $san -eq 1 ] && NV=2000000
mkfifo "$tmp/vrps.csv" "$tmp/vrps.json"
$PY tests/hostile/gen.py vrps - $NV csv > "$tmp/vrps.csv" &
wpid=$!
run vcsv -r pcaps/as2-session.pcap --vrps "$tmp/vrps.csv"
wait "$wpid"; wpid=""
if [ $st -eq 0 ] && [ "$(stat vcsv "d['vrp_count'] == $NV")" = True ]; then
	ok "VRP CSV with $NV entries loaded ($(stat vcsv 'd["rpki_not_found"] + d["rpki_invalid"] + d["rpki_valid"]') routes validated)"
else
	bad "VRP CSV with $NV entries: exit $st: $(head -n 3 "$tmp/vcsv.err")"
fi
rss_below "$NV VRPs" 1536
if [ $san -eq 0 ]; then
	$PY tests/hostile/gen.py vrps - 10000000 json > "$tmp/vrps.json" 2> /dev/null &
	wpid=$!
	run vjson -r pcaps/as2-session.pcap --vrps "$tmp/vrps.json"
	kill "$wpid" 2> /dev/null; wait "$wpid" 2> /dev/null; wpid=""
	msg="$tmp/vrps.json: larger than 536870912 bytes"
	if [ $st -eq 3 ] && grep -q "^rovmon: $msg\$" "$tmp/vjson.err"; then
		ok "VRP JSON with 10M entries (654 MB) refused: exit 3, \"$(head -n 1 "$tmp/vjson.err")\""
	else
		bad "VRP JSON with 10M entries: exit $st: $(head -n 3 "$tmp/vjson.err")"
	fi
	rss_below "10M VRPs as JSON, refused" 640
else
	echo "# sanitizer build: the 512 MiB cap is exercised by the 1 GiB CSV line below"
fi

# ---- 6. a 1 GiB line -----------------------------------------------------------------
G=1073741824
$PY tests/hostile/gen.py hugeline "$tmp/huge.rules" $G 'alert bgp (msg:"'
run rules1g -r pcaps/as2-session.pcap --alerts /dev/null --no-validation --rules "$tmp/huge.rules"
want="rovmon: $tmp/huge.rules:1:65536: expected a line of at most 65535 bytes, got a longer line"
[ $st -eq 3 ] && [ "$(head -n 1 "$tmp/rules1g.err")" = "$want" ] &&
	ok "rule file with a 1 GiB line: exit 3, file:line:column error" ||
	bad "rule file with a 1 GiB line: exit $st: $(head -n 3 "$tmp/rules1g.err")"
rss_below "1 GiB rule line" 64
rm -f "$tmp/huge.rules"
# the same line from a FIFO: rovmon stops reading at the cap
mkfifo "$tmp/stream.rules"
$PY tests/hostile/gen.py stream $G '# ' > "$tmp/stream.rules" 2> "$tmp/written" &
wpid=$!
run rulesfifo -r pcaps/as2-session.pcap --alerts /dev/null --no-validation --rules "$tmp/stream.rules"
wait "$wpid"; wpid=""
w=$(cat "$tmp/written")
[ $st -eq 3 ] && [ "$w" -lt 4194304 ] && grep -q ':1:65536: expected a line' "$tmp/rulesfifo.err" &&
	ok "rule line streamed from a FIFO: refused after $w of $G bytes" ||
	bad "rule line from a FIFO: exit $st, $w bytes read: $(head -n 2 "$tmp/rulesfifo.err")"
# configuration file (-C): the line cap is 4094 bytes
mkfifo "$tmp/stream.conf"
$PY tests/hostile/gen.py stream 67108864 'sensor ' > "$tmp/stream.conf" 2> "$tmp/written" &
wpid=$!
run conffifo -C "$tmp/stream.conf" -r pcaps/as2-session.pcap
wait "$wpid"; wpid=""
w=$(cat "$tmp/written")
[ $st -eq 3 ] && grep -q "stream.conf:1: line longer than 4094 bytes" "$tmp/conffifo.err" ||
	bad "-C with a 64 MiB line: exit $st: $(head -n 2 "$tmp/conffifo.err")"
[ $st -eq 3 ] && [ "$w" -lt 4194304 ]
known config-line-drain "-C with a 64 MiB line from a FIFO: refused without reading the rest of the line ($w bytes read)" $?
# VRP CSV: whole files are read up to the 512 MiB cap first
$PY tests/hostile/gen.py hugeline "$tmp/huge.csv" $G 'ASN,IP Prefix,Max Length,Trust Anchor
AS1,'
run csv1g -r pcaps/as2-session.pcap --vrps "$tmp/huge.csv"
[ $st -eq 3 ] && grep -q "huge.csv: larger than 536870912 bytes" "$tmp/csv1g.err" &&
	ok "VRP CSV with a 1 GiB line: exit 3, \"$(head -n 1 "$tmp/csv1g.err")\"" ||
	bad "VRP CSV with a 1 GiB line: exit $st: $(head -n 2 "$tmp/csv1g.err")"
rm -f "$tmp/huge.csv"

[ $rc -eq 0 ] && echo "all hostile-input checks passed"
exit $rc
