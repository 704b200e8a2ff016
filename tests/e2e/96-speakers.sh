#!/bin/sh
# Real speakers, a live mirror port, Redis and a BIRD+StayRTR witness.
#
# Topology (private namespaces, private test addresses only):
#   ns A: gobgpd AS4200000001, a0 10.179.200.1/24 fd00:179::1/64
#   ns B: bird2  AS4200000002, b0 10.179.200.2/24 fd00:179::2/64, two eBGP
#         sessions with A (IPv4 over IPv4, IPv6 over IPv6), protocol rpki
#         to stayrtr on 127.0.0.1 in B, roa4/roa6 tables r4/r6
#   ns M: bridge br0 (ageing_time 0: floods every frame) joining a0's and
#         b0's peers and two monitor ports, mon0 and mon2; two sensors,
#         rovmon -i mon1 --sensor s1 and rovmon -i mon3 --sensor s2 (the
#         ports' veth peers), each with its own alert, route and stats
#         files and --redis on the SAME private redis-server (unix
#         socket), loaded by rovctl.
# Scenario (tests/speakers/e2e/scenario.py): sessions up, both sensors
# start together mid-stream, A announces 30 IPv4 + 20 IPv6 routes (VALID,
# INVALID by origin, INVALID by maxLength, NOT_FOUND), withdraws 7, changes
# 3 origins, a second VRP generation turns two VALID routes INVALID (one
# rovctl load into the shared Redis for both sensors, the StayRTR cache
# file for BIRD), then BIRD resets the IPv4 session (disable/enable):
# since issue 16 that is two alerts, session-down and session-up, and no
# route alert (every route comes back unchanged; docs/alerts.md "Session
# flaps").
# Checks, for each sensor: its alerts are exactly the expected (sid, event,
# prefix, origin, state); for every route BIRD holds, its RPKI state =
# BIRD's roa_check (before and after the new generation); both sessions
# were picked up mid-stream.  Across the sensors: both adopt the same
# second generation (Redis's vrp:current, in a SIGUSR1 stats line taken
# right after the revalidation, in the final stats and in the two
# revalidation alerts), and their alerts and route events are the same
# multisets once the sensor name, time stamps and frame numbers are set
# aside (the two captures start at slightly different frames).
# Exit 0 pass, 1 fail, 77 skip (no namespaces or a missing binary).
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
B=${ROVMON_BUILD:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
SC=$ROOT/tests/speakers/e2e/scenario.py
. tests/lib/redis.sh
. tests/lib/lab.sh
for c in bird birdc gobgpd gobgp; do
	command -v $c > /dev/null || { echo "SKIP: speaker binary $c not installed"; exit 77; }
done
for c in stayrtr redis-server redis-cli ethtool python3; do
	command -v $c > /dev/null || { echo "FAIL: $c not installed (make deps)"; exit 1; }
done
[ -x "$B/rovmon" ] && [ -x "$B/rovctl" ] || { echo "FAIL: build $B/rovmon and $B/rovctl first"; exit 1; }
lab_ns NA rv96-a || { echo "SKIP: cannot create network namespaces here"; exit 77; }
W=$(mktemp -d /tmp/rovmon-96.XXXXXX)
LAB_DIR=$W
MPIDS=""
T0=$(date +%s)
cleanup() {
	# shellcheck disable=SC2086
	lab_stop 20 $MPIDS
	lab_cleanup
	redis_cleanup
	wait 2> /dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
log() { echo "[96 +$(($(date +%s) - T0))s] $*"; }
fail() {
	echo "FAIL: $*"
	lab_tails "$W"/*.log "$W"/*.err
	exit 1
}
waitfor() { lab_waitfor "$@" || fail "timeout ($1 s) waiting for $2"; }	# SECONDS WHAT CMD...

python3 "$SC" gen "$W" || fail "scenario generation"
read -r N4 N6 F4 F6 NALERTS < "$W/counts"

# --- network ----------------------------------------------------------------
# speakers in A (a0) and B (b0), the mirror br0 in M, sensors on mon1, mon3
lab_ns NB rv96-b && lab_ns NM rv96-m || fail "namespaces"
lab_speaker_pair $NA $NB $NM 10.179.200.1/24 fd00:179::1/64 10.179.200.2/24 fd00:179::2/64 ||
	fail "speaker network"
lab_mirror_port $NM br0 mon0 mon1 && lab_mirror_port $NM br0 mon2 mon3 || fail "mirror ports"

# --- Redis (rovmon's VRPs) and StayRTR (BIRD's), same generation 1 -------------
SOCK=$W/redis.sock
redis_start "$SOCK" > "$W/redis.start" || fail "redis: $(cat "$W/redis.start")"
"$B/rovctl" vrp load --from "$W/vrps1.json" --redis "unix://$SOCK" > "$W/rovctl1.log" 2>&1 ||
	fail "rovctl vrp load generation 1"
G1=$(redis-cli -s "$SOCK" get rovmon:vrp:current)
cp "$W/vrps1.json" "$W/rtr.json"
RTRPORT=8323
lab_bg stayrtr $NB stayrtr -checktime=false -cache "$W/rtr.json" -bind 127.0.0.1:$RTRPORT \
	-refresh 1 -metrics.addr 127.0.0.1:9847 -log.verbose=false

# --- speakers -----------------------------------------------------------------
lab_gobgpd_conf "$W/gobgpd.toml" 10.179.200.1 fd00:179::1 10.179.200.2 fd00:179::2
lab_bird_conf "$W/bird.conf" 10.179.200.2 fd00:179::2 10.179.200.1 fd00:179::1 "$W/bird.birdlog" all $RTRPORT
bird -p -c "$W/bird.conf" || fail "bad BIRD config"
BSOCK=$W/bird.ctl
lab_bg gobgpd $NA gobgpd -f "$W/gobgpd.toml" --api-hosts 127.0.0.1:50051 -l warn
waitfor 10 "gobgpd api" ip netns exec $NA gobgp neighbor
lab_bg bird $NB bird -f -c "$W/bird.conf" -s "$BSOCK" -P "$W/bird.pid"
waitfor 10 "bird socket" test -S "$BSOCK"

established() { birdc -s "$BSOCK" show protocols "$1" | grep -q Established; }
down() { birdc -s "$BSOCK" show protocols "$1" | awk -v p="$1" '$1 == p && $4 == "down" {f = 1} END {exit !f}'; }
roa() { # roa TABLE PREFIX ASN STATE(0 unknown, 1 valid, 2 invalid)
	birdc -s "$BSOCK" "eval roa_check($1, $2, $3)" | grep -q "(enum 35)$4"
}
bird_count() { # bird_count TABLE N: exactly N routes
	[ "$(birdc -s "$BSOCK" show route count table "$1" | awk '/routes for/ {print $1}')" = "$2" ]
}
bird_origin() { # bird_origin PREFIX ASN
	birdc -s "$BSOCK" show route "$1" all | grep -q "BGP.as_path: .* $2\$"
}
lines() { # lines FILE PATTERN N: at least N lines match
	[ "$(grep -c -- "$2" "$1" 2> /dev/null)" -ge "$3" ]
}
lines_eq() { [ "$(grep -c -- "$2" "$1" 2> /dev/null)" -eq "$3" ]; }

waitfor 30 "IPv4 session established" established a4
waitfor 30 "IPv6 session established" established a6
waitfor 20 "BIRD rpki generation 1" roa r4 10.179.1.0/24 4200000101 1
waitfor 20 "BIRD rpki generation 1 (IPv6)" roa r6 fd00:179::4000:0:0:0/80 4200000101 1
log "sessions established, BIRD has the VRPs from StayRTR"

# --- two sensors join the established sessions (mid-stream) -------------------
# Sensor sN: rovmon -i IFACE, files $W/sN.alerts.json, .routes.jsonl,
# .stats.json, .err; both follow the same Redis.
SENSORS="s1 s2"
for s in $SENSORS; do
	[ $s = s1 ] && ifc=mon1 || ifc=mon3
	ip netns exec $NM "$B/rovmon" -i $ifc --sensor $s --redis "unix://$SOCK" \
		--alerts "$W/$s.alerts.json" --routes "$W/$s.routes.jsonl" \
		--stats "$W/$s.stats.json" --pidfile "$W/$s.started" 2> "$W/$s.err" &
	MPIDS="$MPIDS $!"
	echo $! > "$W/$s.pid"
done
pktsock() { # pktsock IFACE: a packet socket bound to IFACE in M
	local idx
	idx=$(ip -n $NM -o link show "$1" | cut -d: -f1) && [ -n "$idx" ] || return 1
	ip netns exec $NM cat /proc/net/packet | awk -v i="$idx" 'NR > 1 && $5 == i {f = 1} END {exit !f}'
}
waitfor 10 "sensor s1 capturing on mon1" pktsock mon1
waitfor 10 "sensor s2 capturing on mon3" pktsock mon3
# the pid file is written once the capture is open, its BPF filter set
for s in $SENSORS; do waitfor 10 "sensor $s started" test -s "$W/$s.started"; done
for s in $SENSORS; do kill -0 "$(cat "$W/$s.pid")" 2> /dev/null || fail "$s: rovmon exited"; done

gob() { # gob FILE: run add/del commands with gobgp in A
	while read -r op fam pfx asn; do
		if [ "$op" = add ]; then
			ip netns exec $NA gobgp global rib add -a $fam "$pfx" aspath "$asn" origin igp
		else
			ip netns exec $NA gobgp global rib del -a $fam "$pfx"
		fi || fail "gobgp $op $pfx"
	done < "$1"
}

rov() { # rov LABEL: every sensor's RPKI states = BIRD's roa_check
	python3 "$SC" rov "$BSOCK" "$W" $SENSORS || fail "RPKI states differ ($1)"
}
sensors_lines() { # sensors_lines SUFFIX PATTERN N WHAT: wait for every sensor's file
	for s in $SENSORS; do
		waitfor 20 "$s: $4" lines "$W/$s.$1" "$2" "$3"
	done
}

# --- phase 1: announcements ---------------------------------------------------
gob "$W/phase1.cmds"
waitfor 20 "BIRD: $N4 IPv4 routes" bird_count master4 "$N4"
waitfor 20 "BIRD: $N6 IPv6 routes" bird_count master6 "$N6"
sensors_lines routes.jsonl '"event":"announce"' $((N4 + N6)) "$((N4 + N6)) announcements"
log "phase 1: $N4 + $N6 routes announced, in BIRD and in both sensors' logs"

# --- phase 2: withdrawals and origin changes ----------------------------------
NW=$(grep -c '^del' "$W/phase2.cmds") NC=$(grep -c '^add' "$W/phase2.cmds")
gob "$W/phase2.cmds"
waitfor 20 "BIRD: $F4 IPv4 routes" bird_count master4 "$F4"
waitfor 20 "BIRD: $F6 IPv6 routes" bird_count master6 "$F6"
waitfor 20 "BIRD: new origin" bird_origin 10.179.5.0/24 4200000102
waitfor 20 "BIRD: new origin" bird_origin 10.179.22.0/24 4200000101
waitfor 20 "BIRD: new origin" bird_origin fd00:179::3:0:0:0/80 4200000102
sensors_lines routes.jsonl '"event":"withdraw"' "$NW" "$NW withdrawals"
sensors_lines routes.jsonl '"event":"announce"' $((N4 + N6 + NC)) "$NC more announcements"
log "phase 2: $NW withdrawn, $NC origins changed"
rov "generation 1"

# --- generation 2: one load into the shared Redis, both sensors follow --------
"$B/rovctl" vrp load --from "$W/vrps2.json" --redis "unix://$SOCK" > "$W/rovctl2.log" 2>&1 ||
	fail "rovctl vrp load generation 2"
G2=$(redis-cli -s "$SOCK" get rovmon:vrp:current)
[ -n "$G1" ] && [ -n "$G2" ] && [ "$G2" -gt "$G1" ] 2> /dev/null ||
	fail "Redis vrp:current: generation 1 '$G1', generation 2 '$G2'"
cp "$W/vrps2.json" "$W/rtr.json.new" && mv "$W/rtr.json.new" "$W/rtr.json"
waitfor 20 "BIRD rpki generation 2" roa r4 10.179.100.0/24 4200000101 2
waitfor 20 "BIRD rpki generation 2 (IPv6)" roa r6 fd00:179::4000:0:0:0/80 4200000101 2
sensors_lines alerts.json '"event":"revalidate"' 2 "revalidation alerts"
# A statistics line from each sensor now: both run generation G2.
for p in $MPIDS; do kill -USR1 $p; done
sensors_lines stats.json "\"vrp_generation\":$G2," 1 "statistics line with vrp_generation $G2"
log "generation $G2 loaded (was $G1): BIRD and both sensors see the two routes INVALID"
rov "generation 2"

# --- session reset ----------------------------------------------------------------
for s in $SENSORS; do
	grep -c '"event":"announce"' "$W/$s.routes.jsonl" > "$W/$s.nsd"
done
birdc -s "$BSOCK" disable a4 > /dev/null
waitfor 20 "IPv4 session down" down a4
birdc -s "$BSOCK" enable a4 > /dev/null
waitfor 30 "IPv4 session re-established" established a4
waitfor 20 "BIRD: $F4 IPv4 routes again" bird_count master4 "$F4"
for s in $SENSORS; do
	n=$(cat "$W/$s.nsd")
	waitfor 20 "$s: $F4 re-announcements" lines "$W/$s.routes.jsonl" '"event":"announce"' $((n + F4))
done
sensors_lines alerts.json '"sid"' "$NALERTS" "$NALERTS alerts"
log "IPv4 session reset: $F4 routes announced again"
rov "after the reset"

for p in $MPIDS; do kill -INT $p; done
for s in $SENSORS; do
	p=$(cat "$W/$s.pid") i=0
	while kill -0 $p 2> /dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	wait $p
	st=$?
	[ $st -eq 0 ] || fail "$s: rovmon exited $st"
done
MPIDS=""
rc=0
for s in $SENSORS; do
	python3 "$SC" alerts "$W/$s.alerts.json" "$W/expected.txt" $s || rc=1
done
python3 "$SC" sensors "$G2" "$W" $SENSORS || rc=1
log "done"
[ $rc -eq 0 ] && echo PASS || echo FAIL
exit $rc
