#!/bin/sh
# BMP from a real exporter, live (issue 18): Debian's gobgpd exports BMP about a
# BGP session carrying 3,500 real routes, and rovmon sees it three ways.
#
# Testbed tests/bmp/lab.sh (private namespaces and addresses): ExaBGP in S
# sends the routes of pcaps/bmp/gobgp-bmp-pre.routes.txt (real prefixes and AS
# paths from the shared MRT files) to gobgpd in R, which exports BMP
# (route-monitoring-policy pre-policy) to C:11019; both sessions cross the
# mirror bridge in M.  Three sensors:
#   station  rovmon --bmp-listen 10.181.18.3:11019 in C (gobgpd connects to it)
#   wire     rovmon -i mon1 'tcp port 179' in M: the BGP session itself
#   passive  rovmon -i mon1 in M: the BGP session and the BMP session (passive
#            BMP, default --bmp-ports)
# all with the VRP file of tests/bmp/routes.py (a third of the routes INVALID)
# and --stale-time 0 (a session that goes down resolves its routes at once).
# Then R disables the neighbor (Cease NOTIFICATION on the wire; BMP Peer Down
# reason 1) and gobgpd stops (the BMP connection closes).
# Checks (tests/bmp/compare.py; ts and pkt_num set aside, it says why):
#  (a) the station's adj-rib-in-pre route events = the wire sensor's, prefix
#      for prefix (origin, AS path, verdicts, peer_as, addresses and ports),
#      and its alerts = the wire sensor's;
#  (b) the passive sensor's adj-rib-in-pre events = its own wire events;
#  (c) Peer Down gives the station the same resolved alerts (2,333) as the
#      session closing on the wire gives the wire sensor.
# Exit 0 pass, 1 fail, 77 skip (no gobgpd/exabgp, no namespaces).
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
case $B in /*) ;; *) B=$PWD/$B ;; esac
CMP=tests/bmp/compare.py
for c in gobgpd gobgp exabgp; do
	command -v $c > /dev/null || { echo "SKIP: $c not installed"; exit 77; }
done
for c in ethtool python3; do
	command -v $c > /dev/null || { echo "FAIL: $c not installed (make deps)"; exit 1; }
done
[ -x "$B/rovmon" ] || { echo "FAIL: build $B/rovmon first"; exit 1; }
. tests/bmp/lab.sh
W=$(mktemp -d /tmp/rovmon-46.XXXXXX)
MPIDS=""
T0=$(date +%s)
cleanup() {
	# shellcheck disable=SC2086
	lab_stop 30 $MPIDS
	bmplab_cleanup
	wait 2> /dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
log() { echo "[46 +$(($(date +%s) - T0))s] $*"; }
fail() {
	echo "FAIL: $*"
	lab_tails "$W"/*.err "$W"/gobgpd.log "$W"/exabgp.log
	exit 1
}
lines() { [ "$(grep -c -- "$2" "$1" 2> /dev/null)" -ge "$3" ]; }	# FILE PATTERN N

python3 tests/bmp/routes.py --from pcaps/bmp/gobgp-bmp-pre.routes.txt "$W/gen" || fail "routes"
N=$(wc -l < "$W/gen/routes.txt")
N4=$(grep -vc ':' "$W/gen/routes.txt")
N6=$((N - N4))
bmplab_up "$W" || { echo "SKIP: cannot create network namespaces here"; exit 77; }

# --- sensors ------------------------------------------------------------------
sensor() { # sensor NAME NS ARGS...
	_n=$1 _ns=$2
	shift 2
	ip netns exec "$_ns" "$B/rovmon" --vrps "$W/gen/vrps.json" --stale-time 0 \
		--routes "$W/$_n.routes" --alerts "$W/$_n.alerts" --pidfile "$W/$_n.pid" \
		"$@" 2> "$W/$_n.err" &
	MPIDS="$MPIDS $!"
	eval "PID_$_n=\$!"
}
sensor wire "$BMPLAB_M" -i mon1 'tcp port 179'
sensor passive "$BMPLAB_M" -i mon1
sensor station "$BMPLAB_C" --bmp-listen $BMPLAB_C4:$BMPLAB_PORT
for s in wire passive station; do
	lab_waitfor 10 "$s" test -s "$W/$s.pid" || fail "sensor $s did not start"
done
log "sensors started: wire and passive on the mirror, the station on $BMPLAB_C4:$BMPLAB_PORT"

# --- the router and the sender ---------------------------------------------------
bmplab_gobgpd "$W" pre-policy false 0 ""
lab_waitfor 15 "BMP" bmplab_bmp_up || fail "gobgpd did not connect to the station"
bmplab_exabgp "$W" "$W/gen/routes.cmds"
lab_waitfor 60 "adj-in" bmplab_adjin ipv4 "$N4" || fail "gobgpd: $N4 IPv4 routes from ExaBGP"
lab_waitfor 30 "adj-in" bmplab_adjin ipv6 "$N6" || fail "gobgpd: $N6 IPv6 routes from ExaBGP"
for s in wire passive station; do
	lab_waitfor 30 "$s" lines "$W/$s.routes" '"event":"announce"' "$N" ||
		fail "$s: $N announcements"
done
lab_waitfor 30 "passive" lines "$W/passive.routes" '"view":"adj-rib-in-pre"' "$N" ||
	fail "passive: $N announcements in the BMP session's adj-rib-in-pre"
log "$N routes in gobgpd's Adj-RIB-In and in every sensor's route log"

ip netns exec "$BMPLAB_R" gobgp neighbor $BMPLAB_S4 disable > /dev/null || fail "gobgp neighbor disable"
lab_waitfor 15 "down" bmplab_bgp_down || fail "the BGP session did not go down"
NRES=$(grep -c '"event":"announce"' "$W/wire.alerts")
for s in wire station; do
	lab_waitfor 20 "$s" lines "$W/$s.alerts" '"event":"resolved"' "$NRES" ||
		fail "$s: $NRES resolved alerts after the session went down"
done
bmplab_stop_gobgpd
bmp_closed() { ! bmplab_bmp_up; }
lab_waitfor 10 "station" bmp_closed ||
	fail "station: the BMP connection did not close"
log "neighbor disabled: Peer Down and the NOTIFICATION resolved $NRES alerted routes; gobgpd stopped"
# shellcheck disable=SC2086
lab_stop 50 $MPIDS
for s in wire passive station; do
	eval "wait \$PID_$s" || fail "$s: exit status $?"
done
MPIDS=""

# --- comparisons --------------------------------------------------------------
python3 $CMP routes "$W/station.routes" adj-rib-in-pre "$W/wire.routes" wire "$N" ||
	fail "(a) station route events differ from the captured session's"
python3 $CMP alerts "$W/station.alerts" "$W/wire.alerts" $((NRES * 2)) ||
	fail "(a) station alerts differ from the captured session's"
python3 $CMP alerts "$W/station.alerts" "$W/wire.alerts" "$NRES" resolved ||
	fail "(c) Peer Down and the session closing resolve different alerts"
log "ok (a), (c): station = the captured session ($N route events, $NRES resolved alerts)"
python3 $CMP routes "$W/passive.routes" adj-rib-in-pre "$W/passive.routes" wire "$N" ||
	fail "(b) passive BMP route events differ from the wire's"
log "ok (b): passive BMP off the mirror = the captured session"
echo "PASS: BMP from gobgpd: station, passive and the captured session agree"
