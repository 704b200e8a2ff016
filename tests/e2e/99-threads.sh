#!/bin/sh
# --threads: the output stage (rovmon/output.h) writes the same bytes.
# Every capture in pcaps/ (demo VRPs) and, with $SHARED, the public
# captures with routes (the real 2025-07-20 snapshot) run with --threads 1
# and --threads 2: route logs and alert files byte-identical, the same exit
# status and the same counts in the statistics line (alerts, alert lines,
# route events: the end of the run waits for the output thread).  The
# captures known to alert must have alerted, so an output stage that
# wrote nothing would fail.  Then live (-i) with --threads 2: a replay's
# route events and alerts equal the offline run's (time stamps and frame
# numbers aside), and a SIGUSR1 statistics line taken once they are all
# written counts every alert line in the file (the barrier).  Usage:
# --threads 0 and 257 are errors (exit 2), auto runs.
#
# tsan: yes (the output thread against the packet thread; under a
# ThreadSanitizer build the shared part runs its first three captures)
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
tmp=$(mktemp -d /tmp/rovmon-threads.XXXXXX)
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2> /dev/null
	command -v lab_cleanup > /dev/null && lab_cleanup
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
rc=0 n=0

# counts FILE: the statistics line's output counters, one line
counts() {
	python3 -c '
import json, sys
s = json.loads(open(sys.argv[1]).read().splitlines()[-1])
print(*(s.get(k) for k in ("alerts", "alert_lines", "alert_filtered", "route_events", "alert_write_errors")))' "$1"
}

# run CAPTURE VRPS [FILTER]: --threads 1 against --threads 2
run() {
	for t in 1 2; do
		rm -f "$tmp/r$t" "$tmp/a$t"
		"$B/rovmon" -q -r "$1" --vrps "$2" --rules rules/rovmon.rules \
		    --sensor s --routes "$tmp/r$t" --alerts "$tmp/a$t" \
		    --stats "$tmp/s$t" --threads $t ${3:+"$3"} 2> "$tmp/e$t"
		echo $? > "$tmp/rc$t"
		rm -f "$tmp/s$t.c"
		[ -s "$tmp/s$t" ] && counts "$tmp/s$t" > "$tmp/s$t.c"
		rm -f "$tmp/s$t"
	done
	n=$((n + 1))
	for k in r a rc s.c; do
		case $k in s.c) x=s1.c y=s2.c;; *) x=${k}1 y=${k}2;; esac
		[ -f "$tmp/$x" ] || [ -f "$tmp/$y" ] || continue
		if ! cmp -s "$tmp/$x" "$tmp/$y"; then
			echo "FAIL $1: $k differs between --threads 1 and 2"
			rc=1
		fi
	done
}

# nonempty CAPTURE: its alert file had lines
nonempty() {
	[ -s "$tmp/a2" ] || { echo "FAIL $1: no alert written"; rc=1; }
}

[ -z "${ONLY_LIVE:-}" ] && for f in pcaps/*.pcap pcaps/linktypes/*; do
	[ -f "$f" ] || continue
	run "$f" pcaps/demo-vrps.json
	case $f in pcaps/ipv4-full.pcap|pcaps/roles-otc.pcap) nonempty "$f";; esac
done
echo "pcaps/: $n captures"

VRPS=$SHARED/vrps/rpki-client-9.x-2025-07-20/rpkiclient_summary_20250720T093135Z.json.bz2
if [ -n "${ONLY_LIVE:-}" ]; then
	:
elif [ -r "$VRPS" ]; then
	bzip2 -dc "$VRPS" > "$tmp/vrps.json"
	m=$n
	# some with routes: INVALID and NOT_FOUND, withdrawals, ADD-PATH, a
	# reset, confederations, IPv6, another port (each ~1 s: the real
	# snapshot loads twice)
	for f in tcpdump-tests/bgp-4byte-asn.pcap \
	    captures/packetlife/bgp-add-path.cap \
	    captures/packetlife/BGP_hard_reset.cap \
	    captures/packetlife/BGP_MP_NLRI.cap \
	    captures/packetlife/bgp_as_confed_sequence.pcapng.cap \
	    captures/bgp-rs-loopback/BGP_flowspec_redirect.cap; do
		[ -f "$SHARED/$f" ] ||
			{ echo "FAIL: $SHARED/$f missing"; rc=1; continue; }
		filt=
		case $f in *bgp-rs-loopback*) filt="tcp port 1179";; esac
		run "$SHARED/$f" "$tmp/vrps.json" $filt
		case $f in */bgp-4byte-asn.pcap|*/BGP_MP_NLRI.cap) nonempty "$f";; esac
		case $B in *tsan*) [ $((n - m)) -lt 3 ] || break;; esac
	done
	echo "shared: $((n - m)) captures"
	rm -f "$tmp/vrps.json"
else
	echo "SKIP-PART: shared captures ($VRPS not found)"
fi

# usage
for bad in 0 257 x; do
	"$B/rovmon" -r pcaps/ipv4-full.pcap --stats /dev/null --threads $bad \
	    2> "$tmp/err"
	[ $? -eq 2 ] || { echo "FAIL: --threads $bad is not a usage error"; rc=1; }
done
"$B/rovmon" -q -r pcaps/ipv4-full.pcap --routes "$tmp/auto" --stats /dev/null \
    --threads auto || { echo "FAIL: --threads auto"; rc=1; }
cmp -s "$tmp/auto" "$tmp/r1" 2> /dev/null || [ -s "$tmp/auto" ] ||
	{ echo "FAIL: --threads auto wrote no route log"; rc=1; }

# live, --threads 2
live() {
	PCAP=pcaps/ipv4-full.pcap
	command -v tcpreplay > /dev/null ||
		{ echo "SKIP-PART: live (tcpreplay not installed)"; return; }
	. tests/lib/lab.sh
	lab_ns NS rv17pipeline-threads ||
		{ echo "SKIP-PART: live (no network namespaces here)"; return; }
	lab_veth "$NS" rvtx "$NS" rvrx || { echo "FAIL: veth"; rc=1; return; }
	"$B/rovmon" -q -r "$PCAP" --vrps pcaps/demo-vrps.json \
	    --rules rules/rovmon.rules --sensor s --routes "$tmp/file.r" \
	    --alerts "$tmp/file.a" --stats /dev/null --threads 1 --stale-time 0 \
	    2> /dev/null
	nr=$(wc -l < "$tmp/file.r") na=$(wc -l < "$tmp/file.a")
	ip netns exec "$NS" "$B/rovmon" -i rvrx --vrps pcaps/demo-vrps.json \
	    --rules rules/rovmon.rules --sensor s --routes "$tmp/live.r" \
	    --alerts "$tmp/live.a" --stats "$tmp/live.s" --threads 2 --stale-time 0 \
	    --pidfile "$tmp/pid" 2> "$tmp/live.err" &
	pid=$!
	lab_waitfor 30 "the capture" test -s "$tmp/pid" ||
		{ echo "FAIL: rovmon -i never opened the capture"; rc=1; return; }
	ip netns exec "$NS" tcpreplay -q -i rvtx --mbps 50 "$PCAP" \
	    > "$tmp/replay.out" 2>&1 || { echo "FAIL: tcpreplay"; rc=1; return; }
	# written when the link goes quiet (the idle drain, through the queue)
	lab_waitfor 30 "route lines" sh -c "[ \$(wc -l < '$tmp/live.r') -ge $nr ]"
	lab_waitfor 30 "alert lines" sh -c "[ \$(wc -l < '$tmp/live.a') -ge $na ]"
	: > "$tmp/live.s"
	kill -USR1 "$pid"
	lab_waitfor 10 "the stats line" test -s "$tmp/live.s"
	lines=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["alert_lines"])' "$tmp/live.s")
	[ "$lines" = "$(wc -l < "$tmp/live.a")" ] ||
		{ echo "FAIL: live: SIGUSR1 stats say $lines alert lines, the file has $(wc -l < "$tmp/live.a")"; rc=1; }
	kill -INT "$pid"
	wait "$pid"
	lrc=$?
	pid=
	[ $lrc -eq 0 ] || { echo "FAIL: live rovmon exited $lrc"; cat "$tmp/live.err"; rc=1; }
	norm() {
		python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    for k in ("ts", "timestamp", "@timestamp", "pkt_num"):
        e.pop(k, None)
    print(json.dumps(e, sort_keys=True))' "$1"
	}
	for k in r a; do
		norm "$tmp/file.$k" > "$tmp/file.$k.n"
		norm "$tmp/live.$k" > "$tmp/live.$k.n"
		cmp -s "$tmp/file.$k.n" "$tmp/live.$k.n" ||
			{ echo "FAIL: live --threads 2: $k differs from the offline run"; rc=1; }
	done
	echo "live: $nr route events, $na alerts"
}
live

[ $rc -eq 0 ] && echo "PASS: $n captures byte-identical with --threads 1 and 2"
exit $rc
