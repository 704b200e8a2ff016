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
# file for BIRD), then BIRD resets the IPv4 session (disable/enable).
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
for c in bird birdc gobgpd gobgp; do
	command -v $c > /dev/null || { echo "SKIP: speaker binary $c not installed"; exit 77; }
done
for c in stayrtr redis-server redis-cli ethtool python3; do
	command -v $c > /dev/null || { echo "FAIL: $c not installed (make deps)"; exit 1; }
done
[ -x "$B/rovmon" ] && [ -x "$B/rovctl" ] || { echo "FAIL: build $B/rovmon and $B/rovctl first"; exit 1; }
NA=rv96-a-$$ NB=rv96-b-$$ NM=rv96-m-$$
ip netns add $NA 2> /dev/null || { echo "SKIP: cannot create network namespaces here"; exit 77; }
W=$(mktemp -d /tmp/rovmon-96.XXXXXX)
PIDS="" MPIDS=""
T0=$(date +%s)
cleanup() {
	for p in $MPIDS $PIDS; do kill "$p" 2> /dev/null; done
	for p in $MPIDS $PIDS; do
		i=0
		while kill -0 "$p" 2> /dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$p" 2> /dev/null
	done
	wait 2> /dev/null
	for n in $NA $NB $NM; do ip netns del $n 2> /dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
log() { echo "[96 +$(($(date +%s) - T0))s] $*"; }
fail() {
	echo "FAIL: $*"
	for f in "$W"/*.log "$W"/*.err; do [ -s "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }; done
	exit 1
}
bg() { # bg NAME NS CMD...
	local name=$1 ns=$2; shift 2
	ip netns exec "$ns" "$@" > "$W/$name.log" 2>&1 &
	PIDS="$PIDS $!"
}
waitfor() { # waitfor SECONDS WHAT CMD...: bounded polling
	local t=$1 what=$2 i=0; shift 2
	until "$@" > /dev/null 2>&1; do
		i=$((i + 1))
		[ $i -le $((t * 10)) ] || fail "timeout ($t s) waiting for $what"
		sleep 0.1
	done
}

python3 "$SC" gen "$W" || fail "scenario generation"
read -r N4 N6 F4 F6 NALERTS < "$W/counts"

# --- network ----------------------------------------------------------------
ip netns add $NB && ip netns add $NM || fail "namespaces"
ip link add a0 netns $NA type veth peer name pa netns $NM
ip link add b0 netns $NB type veth peer name pb netns $NM
ip -n $NM link add mon0 type veth peer name mon1
ip -n $NM link add mon2 type veth peer name mon3
ip -n $NM link add br0 type bridge ageing_time 0 stp_state 0 mcast_snooping 0
ip netns exec $NM sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
for i in pa pb mon0 mon2; do ip -n $NM link set $i master br0; done
for i in pa pb mon0 mon1 mon2 mon3 br0; do
	ip netns exec $NM ethtool -K $i tso off gso off gro off > /dev/null 2>&1
	ip -n $NM link set $i up
done
for x in a b; do
	[ $x = a ] && ns=$NA h=1 || { ns=$NB; h=2; }
	ip -n $ns link set lo up
	ip -n $ns addr add 10.179.200.$h/24 dev ${x}0
	ip -n $ns -6 addr add fd00:179::$h/64 dev ${x}0 nodad
	ip netns exec $ns ethtool -K ${x}0 tso off gso off gro off > /dev/null 2>&1 ||
		ip netns exec $ns ethtool -K ${x}0 tso off gso off > /dev/null
	ip -n $ns link set ${x}0 up
done

# --- Redis (rovmon's VRPs) and StayRTR (BIRD's), same generation 1 -------------
SOCK=$W/redis.sock
redis_start "$SOCK" > "$W/redis.start" || fail "redis: $(cat "$W/redis.start")"
PIDS="$PIDS $REDIS_PID"
"$B/rovctl" vrp load --from "$W/vrps1.json" --redis "unix://$SOCK" > "$W/rovctl1.log" 2>&1 ||
	fail "rovctl vrp load generation 1"
G1=$(redis-cli -s "$SOCK" get rovmon:vrp:current)
cp "$W/vrps1.json" "$W/rtr.json"
RTRPORT=8323
bg stayrtr $NB stayrtr -checktime=false -cache "$W/rtr.json" -bind 127.0.0.1:$RTRPORT \
	-refresh 1 -metrics.addr 127.0.0.1:9847 -log.verbose=false

# --- speakers -----------------------------------------------------------------
cat > "$W/gobgpd.toml" << EOC
[global.config]
  as = 4200000001
  router-id = "10.179.200.1"
  port = 179
  local-address-list = ["10.179.200.1", "fd00:179::1"]
EOC
for fam in ipv4-unicast ipv6-unicast; do
	case $fam in ipv4*) peer=10.179.200.2 loc=10.179.200.1 ;; *) peer=fd00:179::2 loc=fd00:179::1 ;; esac
	cat >> "$W/gobgpd.toml" << EOC
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$peer"
    peer-as = 4200000002
  [neighbors.transport.config]
    passive-mode = true
    local-address = "$loc"
  [neighbors.timers.config]
    hold-time = 90
    connect-retry = 1
    idle-hold-time-after-reset = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "$fam"
EOC
done
cat > "$W/bird.conf" << EOC
router id 10.179.200.2;
log "$W/bird.birdlog" all;
roa4 table r4;
roa6 table r6;
protocol device {}
protocol rpki rtr {
	roa4 { table r4; };
	roa6 { table r6; };
	remote 127.0.0.1 port $RTRPORT;
	retry keep 1;
	refresh keep 1;
}
template bgp spk {
	local as 4200000002;
	hold time 90;
	connect delay time 1;
	connect retry time 1;
	error wait time 1, 2;
}
protocol bgp a4 from spk {
	local 10.179.200.2;
	neighbor 10.179.200.1 as 4200000001;
	ipv4 { import all; export none; };
}
protocol bgp a6 from spk {
	local fd00:179::2;
	neighbor fd00:179::1 as 4200000001;
	ipv6 { import all; export none; };
}
EOC
bird -p -c "$W/bird.conf" || fail "bad BIRD config"
BSOCK=$W/bird.ctl
bg gobgpd $NA gobgpd -f "$W/gobgpd.toml" --api-hosts 127.0.0.1:50051 -l warn
waitfor 10 "gobgpd api" ip netns exec $NA gobgp neighbor
bg bird $NB bird -f -c "$W/bird.conf" -s "$BSOCK" -P "$W/bird.pid"
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
