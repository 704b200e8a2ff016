#!/bin/sh
# The control socket (docs/control.md) with real speakers, and under load.
#
# Part 1 (the BIRD/GoBGP lab of 96-speakers.sh, without Redis): gobgpd in
# ns A (AS4200000001) and BIRD in ns B (AS4200000002), an IPv4 and an IPv6
# session through the mirror br0 in ns M; rovmon -i mon1 --vrps FILE
# --alerts --control SOCK starts before the sessions (so it sees the
# OPENs).  The scenario of tests/speakers/e2e/scenario.py: A announces 30
# IPv4 + 20 IPv6 routes (point 1), withdraws 7 and changes 3 origins
# (point 2), then the VRP file is replaced by generation 2 and
# `rovctl reload` (as SIGHUP) makes rovmon reload it (point 3).  At each
# point `rovctl show routes --state invalid --json` must be exactly the
# announced INVALID routes that tests/control_check.py computes from the
# scenario (origin, reason, sender, every covering VRP), `show summary`
# and `show sessions` their counts, sessions, ASes and VRP generation;
# the text forms carry the same numbers; filters (--prefix --longer,
# --origin, --peer, --limit) give the scenario's subsets.
# Part 2 (hostile clients): a request over 1024 bytes, binary garbage,
# an unknown verb, a bad prefix each get one error line (exit 3 from
# rovctl, one line); 16 idle connections fill the client slots and the
# 17th gets "too many clients"; a client that sends nothing is dropped
# after 5 s; the sensor still answers.
# Part 3 (a storm): a second rovmon on a veth gets a full table replayed
# (the bench's cached capture, else pcaps/ipv4-full.pcap) while rovctl
# queries it in a loop, a client that asks for every route and never
# reads holds on, and another asks and vanishes: pcap_drop stays 0,
# pcap_recv is every frame sent, the slow client is dropped (counted in
# control_dropped), and the stored routes the summary gives equal the
# statistics' routes_stored.
# Exit 0 pass, 1 fail, 77 skip.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
B=${ROVMON_BUILD:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
SC=$ROOT/tests/speakers/e2e/scenario.py
CK=$ROOT/tests/control_check.py
. tests/lib/lab.sh
for c in bird birdc gobgpd gobgp; do
	command -v $c > /dev/null || { echo "SKIP: speaker binary $c not installed"; exit 77; }
done
for c in tcpreplay ethtool python3 capinfos; do
	command -v $c > /dev/null || { echo "FAIL: $c not installed (make deps)"; exit 1; }
done
[ -x "$B/rovmon" ] && [ -x "$B/rovctl" ] || { echo "FAIL: build $B/rovmon and $B/rovctl first"; exit 1; }
lab_ns NA rv92-a || { echo "SKIP: cannot create network namespaces here"; exit 77; }
W=$(mktemp -d /tmp/rovmon-92.XXXXXX)
LAB_DIR=$W
MPIDS=""
T0=$(date +%s)
cleanup() {
	# shellcheck disable=SC2086
	lab_stop 20 $MPIDS
	lab_cleanup
	wait 2> /dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
log() { echo "[92 +$(($(date +%s) - T0))s] $*"; }
fail() {
	echo "FAIL: $*"
	lab_tails "$W"/*.err "$W"/*.log
	exit 1
}
waitfor() { lab_waitfor "$@" || fail "timeout ($1 s) waiting for $2"; }
CTL=$W/ctl.sock
rc() { "$B/rovctl" "$@" --control "$CTL"; }
rc2() { "$B/rovctl" "$@" --control "$CTL2"; }

python3 "$SC" gen "$W" || fail "scenario generation"
read -r N4 N6 F4 F6 NALERTS < "$W/counts"

# --- network and the sensor (before the sessions: it sees the OPENs) --------
lab_ns NB rv92-b && lab_ns NM rv92-m || fail "namespaces"
lab_speaker_pair $NA $NB $NM 10.179.200.1/24 fd00:179::1/64 10.179.200.2/24 fd00:179::2/64 ||
	fail "speaker network"
lab_mirror_port $NM br0 mon0 mon1 || fail "mirror port"
cp "$W/vrps1.json" "$W/vrps.json"
ip netns exec $NM "$B/rovmon" -i mon1 --sensor s1 --vrps "$W/vrps.json" \
	--alerts "$W/alerts.json" --routes "$W/routes.jsonl" --control "$CTL" \
	--stats "$W/stats.json" --pidfile "$W/s1.started" 2> "$W/s1.err" &
MPIDS="$MPIDS $!"
S1=$!
waitfor 10 "sensor started" test -s "$W/s1.started"
[ -S "$CTL" ] || fail "no control socket at $CTL"
[ "$(stat -c %a "$CTL")" = 660 ] || fail "control socket mode $(stat -c %a "$CTL"), want 660"

# --- speakers -------------------------------------------------------------------
lab_gobgpd_conf "$W/gobgpd.toml" 10.179.200.1 fd00:179::1 10.179.200.2 fd00:179::2
lab_bird_conf "$W/bird.conf" 10.179.200.2 fd00:179::2 10.179.200.1 fd00:179::1 "$W/bird.birdlog" all
bird -p -c "$W/bird.conf" || fail "bad BIRD config"
BSOCK=$W/bird.ctl
lab_bg gobgpd $NA gobgpd -f "$W/gobgpd.toml" --api-hosts 127.0.0.1:50051 -l warn
waitfor 10 "gobgpd api" ip netns exec $NA gobgp neighbor
lab_bg bird $NB bird -f -c "$W/bird.conf" -s "$BSOCK" -P "$W/bird.pid"
waitfor 10 "bird socket" test -S "$BSOCK"
established() { birdc -s "$BSOCK" show protocols "$1" | grep -q Established; }
bird_count() { [ "$(birdc -s "$BSOCK" show route count table "$1" | awk '/routes for/ {print $1}')" = "$2" ]; }
bird_origin() { birdc -s "$BSOCK" show route "$1" all | grep -q "BGP.as_path: .* $2\$"; }
lines() { [ "$(grep -c -- "$2" "$1" 2> /dev/null)" -ge "$3" ]; }
waitfor 30 "IPv4 session established" established a4
waitfor 30 "IPv6 session established" established a6
log "sessions established"
gob() {
	while read -r op fam pfx asn; do
		if [ "$op" = add ]; then
			ip netns exec $NA gobgp global rib add -a $fam "$pfx" aspath "$asn" origin igp
		else
			ip netns exec $NA gobgp global rib del -a $fam "$pfx"
		fi || fail "gobgp $op $pfx"
	done < "$1"
}
# point N: the three views against the scenario
check_point() {
	rc show routes --state invalid --json > "$W/inv$1.json" 2> "$W/rovctl.err" ||
		fail "point $1: rovctl show routes: $(cat "$W/rovctl.err")"
	python3 "$CK" routes "$1" "$W/inv$1.json" || fail "point $1: routes"
	rc show summary --json > "$W/sum$1.json" || fail "point $1: show summary"
	python3 "$CK" summary "$1" "$W/sum$1.json" || fail "point $1: summary"
	rc show sessions --json > "$W/ses$1.json" || fail "point $1: show sessions"
	python3 "$CK" sessions "$1" "$W/ses$1.json" || fail "point $1: sessions"
}
# the sessions' state and both OPENs are in before any route
sessions_up() { rc show summary --json | grep -q '"sessions":{"seen":2,"up":2,'; }
if ! lab_waitfor 20 "show summary: 2 sessions up" sessions_up; then rc show summary --json; rc show sessions; fail "sessions"; fi

# --- point 1: announcements --------------------------------------------------
gob "$W/phase1.cmds"
waitfor 20 "BIRD: $N4 IPv4 routes" bird_count master4 "$N4"
waitfor 20 "BIRD: $N6 IPv6 routes" bird_count master6 "$N6"
waitfor 20 "$((N4 + N6)) announcements" lines "$W/routes.jsonl" '"event":"announce"' $((N4 + N6))
check_point 1
# the text forms: a person's tables with the same numbers
rc show summary > "$W/sum1.txt" || fail "show summary (text)"
grep -q "^routes  *$((N4 + N6)) stored: " "$W/sum1.txt" || fail "show summary text: $(cat "$W/sum1.txt")"
rc show sessions > "$W/ses1.txt" || fail "show sessions (text)"
[ "$(grep -c 'AS4200000001' "$W/ses1.txt")" = 2 ] && grep -q ' up ' "$W/ses1.txt" ||
	fail "show sessions text: $(cat "$W/ses1.txt")"
rc show routes --state invalid > "$W/inv1.txt" || fail "show routes (text)"
[ "$(($(wc -l < "$W/inv1.txt") - 1))" = "$(wc -l < "$W/inv1.json")" ] ||
	fail "show routes text: $(wc -l < "$W/inv1.txt") lines for $(wc -l < "$W/inv1.json") routes"
grep -q '^prefix  *origin  *state' "$W/inv1.txt" || fail "show routes text header: $(head -1 "$W/inv1.txt")"
# filters: the /20 VALID and its /24s INVALID(length) under 10.179.64.0/20
rc show routes --prefix 10.179.64.0/20 --longer --json > "$W/f1.json" || fail "--longer"
[ "$(wc -l < "$W/f1.json")" = 5 ] || fail "--prefix 10.179.64.0/20 --longer: $(cat "$W/f1.json")"
rc show routes --prefix 10.179.64.0/20 --json > "$W/f2.json" || fail "--prefix"
[ "$(wc -l < "$W/f2.json")" = 1 ] && grep -q '"state":"valid"' "$W/f2.json" ||
	fail "--prefix 10.179.64.0/20: $(cat "$W/f2.json")"
rc show routes --origin AS4200000103 --json > "$W/f3.json" || fail "--origin"
[ "$(grep -c '"state":"not-found"' "$W/f3.json")" = 10 ] && [ "$(wc -l < "$W/f3.json")" = 10 ] ||
	fail "--origin AS4200000103: $(wc -l < "$W/f3.json") routes"
rc show routes --peer fd00:179::1 --json > "$W/f4.json" || fail "--peer"
[ "$(wc -l < "$W/f4.json")" = "$N6" ] || fail "--peer fd00:179::1: $(wc -l < "$W/f4.json") routes, want $N6"
rc show routes --peer 10.179.200.2 --json > "$W/f5.json" || fail "--peer B"
[ ! -s "$W/f5.json" ] || fail "--peer 10.179.200.2 (BIRD exports nothing): $(head -2 "$W/f5.json")"
rc show routes --limit 3 --json > "$W/f6.json" || fail "--limit"
[ "$(wc -l < "$W/f6.json")" = 3 ] || fail "--limit 3: $(wc -l < "$W/f6.json") routes"
log "point 1: routes, summary, sessions, text forms and filters as the scenario"

# --- point 2: withdrawals and origin changes ---------------------------------
NW=$(grep -c '^del' "$W/phase2.cmds") NC=$(grep -c '^add' "$W/phase2.cmds")
gob "$W/phase2.cmds"
waitfor 20 "BIRD: $F4 IPv4 routes" bird_count master4 "$F4"
waitfor 20 "BIRD: $F6 IPv6 routes" bird_count master6 "$F6"
waitfor 20 "BIRD: new origin" bird_origin 10.179.5.0/24 4200000102
waitfor 20 "BIRD: new origin" bird_origin fd00:179::3:0:0:0/80 4200000102
waitfor 20 "$NW withdrawals" lines "$W/routes.jsonl" '"event":"withdraw"' "$NW"
waitfor 20 "$NC more announcements" lines "$W/routes.jsonl" '"event":"announce"' $((N4 + N6 + NC))
check_point 2
log "point 2: after $NW withdrawals and $NC origin changes"

# --- point 3: generation 2 of the VRP file, rovctl reload ---------------------
cp "$W/vrps2.json" "$W/vrps.json.new" && mv "$W/vrps.json.new" "$W/vrps.json"
rc reload > "$W/reload.txt" 2>&1 || fail "rovctl reload: $(cat "$W/reload.txt")"
grep -qx "reload done" "$W/reload.txt" || fail "rovctl reload said: $(cat "$W/reload.txt")"
gen2() { rc show summary --json | grep -q '"generation":2,'; }
waitfor 20 "VRP generation 2 adopted" gen2
waitfor 20 "revalidation alerts" lines "$W/alerts.json" '"event":"revalidate"' 2
check_point 3
rc stats > "$W/stats1.json" || fail "rovctl stats"
python3 - "$W/stats1.json" << 'EOP' || fail "rovctl stats: $(head -c 300 "$W/stats1.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["vrp_generation"] == 2 and s["vrp_swaps"] == 2, s
assert s["control_requests"] >= 20 and s["control_bad_requests"] == 0, s
assert s["pcap_drop"] == 0, s
EOP
log "point 3: rovctl reload adopted generation 2; INVALID routes as the scenario"

# --- part 2: hostile clients ----------------------------------------------------
send() { # send FILE: the bytes of FILE as one connection's request, the reply on stdout
	python3 - "$CTL" "$1" << 'EOP'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(open(sys.argv[2], "rb").read())
s.shutdown(socket.SHUT_WR)
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.stdout.write(out.decode("ascii", "replace"))
EOP
}
head -c 3000 /dev/zero | tr '\0' 'a' > "$W/huge.req"
send "$W/huge.req" > "$W/huge.out"
[ "$(cat "$W/huge.out")" = '{"end":"error","error":"request longer than 1024 bytes"}' ] ||
	fail "huge request: $(head -c 200 "$W/huge.out")"
printf 'show\001\377routes\n' > "$W/bin.req"
send "$W/bin.req" > "$W/bin.out"
[ "$(cat "$W/bin.out")" = '{"end":"error","error":"byte 0x01 at offset 4: a request is one line of printable ASCII words"}' ] ||
	fail "binary request: $(head -c 200 "$W/bin.out")"
printf 'show routes "x\\\n' > "$W/q.req"
send "$W/q.req" > "$W/q.out"
python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).read()); assert d == {"end": "error", "error": "\"x\\: unknown word (state, prefix, longer, origin, peer, limit)"}, d' "$W/q.out" ||
	fail "quoted word: $(cat "$W/q.out")"
rc show routes --prefix 10.0.0.1/8 > "$W/bad.out" 2>&1; r=$?
[ $r = 2 ] && [ "$(wc -l < "$W/bad.out")" = 1 ] || fail "rovctl --prefix 10.0.0.1/8: exit $r: $(cat "$W/bad.out")"
printf 'halt\n' > "$W/halt.req"
send "$W/halt.req" > "$W/halt.out"
grep -q '^{"end":"error","error":"halt: unknown command' "$W/halt.out" || fail "unknown verb: $(cat "$W/halt.out")"
"$B/rovctl" show summary --control "$W/none.sock" > "$W/none.out" 2>&1; r=$?
[ $r = 4 ] && [ "$(wc -l < "$W/none.out")" = 1 ] || fail "no socket: exit $r: $(cat "$W/none.out")"
# 16 idle clients fill the slots; the 17th is turned away with a line;
# they close: the slots are free again at once
python3 - "$CTL" > "$W/full.out" << 'EOP' || fail "client slots: $(cat "$W/full.out")"
import socket, sys
idle = []
for i in range(16):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    idle.append(s)
import time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(10)
line = s.recv(4096).decode()
assert line == '{"end":"error","error":"too many clients, try again"}\n', line
for x in idle:
    x.close()
print("17th refused")
EOP
lab_waitfor 10 "slots free" rc show summary --json > /dev/null || fail "slots not freed"
# a client that connects and sends nothing is dropped after 5 s
python3 - "$CTL" << 'EOP' || fail "silent client not dropped"
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(15)
t = time.time()
assert s.recv(10) == b""
assert 4 <= time.time() - t < 12, time.time() - t
EOP
rc stats > "$W/stats2.json" || fail "rovctl stats"
python3 - "$W/stats2.json" << 'EOP' || fail "counts: $(tr , '\n' < "$W/stats2.json" | grep control_)"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["control_bad_requests"] == 4, s["control_bad_requests"]
assert s["control_refused"] == 1 and s["control_dropped"] == 1, s
EOP
kill -0 $S1 2> /dev/null || fail "rovmon exited"
log "part 2: huge, binary, quoted, unknown requests refused in one line each; slots, silent client"

# --- part 3: a full table replayed during a query storm -----------------------
# The full-table burst: make bench's capture (made once, ~1 min, cached
# under /var/tmp/rovmon-bench); without the shared data or the tools it
# needs, the small real capture, said as a skipped part.
FULL=$(SHARED=$SHARED bash tests/bench/fulltable.sh 2> "$W/fulltable.err") || FULL=""
REPLAY="a full-table replay"
if [ -z "$FULL" ]; then
	echo "SKIP-PART: no full-table capture ($(tail -n 1 "$W/fulltable.err")): the query storm runs over pcaps/ipv4-full.pcap"
	FULL=$ROOT/pcaps/ipv4-full.pcap
	REPLAY="a replay of pcaps/ipv4-full.pcap (no full-table capture)"
fi
NPKT=$(capinfos -c -M "$FULL" | awk '/Number of packets/ {print $NF}')
lab_veth $NM st0 $NM st1 || fail "veth"
CTL2=$W/ctl2.sock
ip netns exec $NM "$B/rovmon" -i st1 --no-validation --control "$CTL2" \
	--stats "$W/stats3.json" --pidfile "$W/s2.started" 2> "$W/s2.err" &
MPIDS="$MPIDS $!"
S2=$!
waitfor 10 "sensor 2 started" test -s "$W/s2.started"
# a client that asks for every route and never reads (started once the
# table is large: its answer is then far more than the socket and its
# ring hold), and one that asks and vanishes
slow_client() {
	python3 - "$CTL2" > "$W/slow.log" 2>&1 << 'EOP' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(sys.argv[1])
s.sendall(b"show routes\n")
v = socket.socket(socket.AF_UNIX)
v.connect(sys.argv[1])
v.sendall(b"show routes\n")
v.close()
time.sleep(60)
EOP
	SLOW=$!
}
SLOW=""
stored() { rc2 show summary --json | sed 's/.*"stored":\([0-9]*\).*/\1/'; }
log "replaying $(basename "$FULL") ($NPKT frames) at 100 Mb/s during a query storm"
ip netns exec $NM tcpreplay -K -q -i st0 --mbps 100 "$FULL" > "$W/tcpreplay.log" 2>&1 &
TR=$!
nq=0
while kill -0 $TR 2> /dev/null; do
	[ -z "$SLOW" ] && [ "$(stored)" -ge 50000 ] && slow_client
	for q in "show summary" "show sessions" "show routes --limit 200" "show routes --state valid" \
	    "show routes --state not-found --prefix 1.0.0.0/8 --longer --limit 50" "stats"; do
		# shellcheck disable=SC2086
		rc2 $q --json > /dev/null 2>> "$W/storm.err" || fail "storm: rovctl $q"
		nq=$((nq + 1))
	done
done
wait $TR || fail "tcpreplay: $(cat "$W/tcpreplay.log")"
[ -n "$SLOW" ] || slow_client	# a small table: all of it
recv_all() { rc2 stats | grep -q "\"pcap_recv\":$NPKT,"; }
waitfor 30 "pcap_recv $NPKT" recv_all
quiet() { # the routes stored stop changing
	a=$(rc2 show summary --json | sed 's/.*"stored":\([0-9]*\).*/\1/')
	sleep 0.5
	b=$(rc2 show summary --json | sed 's/.*"stored":\([0-9]*\).*/\1/')
	[ "$a" = "$b" ]
}
waitfor 30 "the sensor to settle" quiet
slow_dropped() { rc2 stats | grep -q '"control_dropped":[1-9]'; }
waitfor 30 "the slow client dropped" slow_dropped
kill $SLOW 2> /dev/null
rc2 stats > "$W/stats4.json" || fail "stats"
rc2 show summary --json > "$W/sum4.json" || fail "summary"
python3 - "$W/stats4.json" "$W/sum4.json" "$NPKT" << 'EOP' || fail "storm: $(cat "$W/storm.err")"
import json, sys
s = json.load(open(sys.argv[1]))
m = json.load(open(sys.argv[2]))
n = int(sys.argv[3])
bad = []
if s["pcap_drop"] != 0 or s["pcap_ifdrop"] != 0:
    bad.append(f"pcap_drop {s['pcap_drop']}, pcap_ifdrop {s['pcap_ifdrop']}")
if s["pcap_recv"] != n:
    bad.append(f"pcap_recv {s['pcap_recv']}, {n} sent")
if not 1 <= s["control_dropped"] <= 2:
    bad.append(f"control_dropped {s['control_dropped']} (the slow client, maybe the vanished one)")
if m["routes"]["stored"] != s["routes_stored"] or s["routes_stored"] == 0:
    bad.append(f"summary stored {m['routes']['stored']}, stats routes_stored {s['routes_stored']}")
if s["control_bad_requests"] != 0:
    bad.append(f"control_bad_requests {s['control_bad_requests']}")
if bad:
    print("; ".join(bad))
    sys.exit(1)
print(f"pcap_drop 0, {n} frames received, {s['routes_stored']} routes stored, "
      f"{s['control_requests']} requests answered, {s['control_dropped']} clients dropped")
EOP
kill -0 $S2 2> /dev/null || fail "rovmon 2 exited"
log "part 3: $nq queries during the replay"
kill $S1 $S2
wait $S1; r1=$?
wait $S2; r2=$?
[ $r1 = 0 ] && [ $r2 = 0 ] || fail "rovmon exit status $r1, $r2"
[ ! -e "$CTL" ] && [ ! -e "$CTL2" ] || fail "control sockets left behind"
echo "PASS: show routes --state invalid = the scenario's INVALID routes at 3 points (announce, withdraw/change, rovctl reload to generation 2); summary, sessions, filters, text forms; hostile requests refused in one line; pcap_drop 0 during $nq queries over $REPLAY, the slow client dropped"
