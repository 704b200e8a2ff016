#!/bin/bash
# The full-table capture for make bench: a BGP session reset's burst, sent
# by a real speaker and captured off a veth the way a SPAN port sees it.
#   tests/bench/fulltable.sh [OUT.pcap]
# Prints the capture's path.  Cached: the capture is made once per set of
# inputs (this script, the generator, the MRT table, the VRP snapshot) under
# $ROVMON_BENCH_CACHE (default /var/tmp/rovmon-bench), outside git.
#
# Topology: namespaces A and B joined by one veth pair (offloads off, MTU
# 1500, so segments are what a mirror port would carry).  BIRD in A
# (AS4200000001) holds the routes of tests/bench/fulltable_gen.py as static
# routes and exports them over two eBGP sessions to BIRD in B
# (AS4200000002): IPv4 over IPv4 (577,704 real routes of one RIS peer's
# table) and IPv6 over IPv6 (537,162 routes derived from the real IPv6
# VRPs), 1,114,866 prefixes in all.  tcpdump in B records both sessions
# from before they open until B holds every route.  Needs root, bird2,
# tcpdump, ethtool, bgpdump, python3.  Private addresses only.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
MRT=$SHARED/mrt/bgpdump-test_data/updates.et-header.2015.gz
VRPS=$SHARED/vrps/rpki-client-9.x-2025-07-20/rpkiclient_summary_20250720T093135Z.json.bz2
CACHE=${ROVMON_BENCH_CACHE:-/var/tmp/rovmon-bench}
for f in "$MRT" "$VRPS"; do
	[ -f "$f" ] || { echo "fulltable: missing input $f" >&2; exit 1; }
done
for c in bird birdc tcpdump ethtool bgpdump python3; do
	command -v $c > /dev/null || { echo "fulltable: $c not installed (make deps)" >&2; exit 1; }
done
KEY=$(cat "$0" tests/bench/fulltable_gen.py "$MRT" "$VRPS" | sha256sum | cut -c1-16)
OUT=${1:-$CACHE/fulltable-$KEY.pcap}
if [ -s "$OUT" ]; then echo "$OUT"; exit 0; fi
mkdir -p "$(dirname "$OUT")"

NA=rvft-a-$$ NB=rvft-b-$$
W=$(mktemp -d /tmp/rovmon-ft.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2> /dev/null || true; done
	sleep 0.3
	for p in $PIDS; do kill -9 "$p" 2> /dev/null || true; done
	wait 2> /dev/null || true
	ip netns del $NA 2> /dev/null || true
	ip netns del $NB 2> /dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
log() { echo "[fulltable +${SECONDS}s] $*" >&2; }
bg() { # bg NAME NS CMD...
	local name=$1 ns=$2; shift 2
	ip netns exec "$ns" "$@" > "$W/$name.log" 2>&1 &
	PIDS="$PIDS $!"
	LASTPID=$!
}
waitfor() { # waitfor SECONDS WHAT CMD...
	local t=$1 what=$2 i=0; shift 2
	until "$@" > /dev/null 2>&1; do
		i=$((i + 1))
		[ $i -le $((t * 2)) ] || { log "timeout waiting for $what"; tail -n 20 "$W"/*.log >&2; exit 1; }
		sleep 0.5
	done
}

log "generating routes"
python3 tests/bench/fulltable_gen.py "$MRT" "$VRPS" "$W/gen" >&2
TOTAL=$(awk '$1 == "total" {print $2}' "$W/gen/counts.txt")

ip netns add $NA
ip netns add $NB
ip link add va netns $NA type veth peer name vb netns $NB
for x in a b; do
	if [ $x = a ]; then ns=$NA h=1; else ns=$NB h=2; fi
	ip -n $ns link set lo up
	ip -n $ns link set v$x mtu 1500 up
	ip -n $ns addr add 10.179.9.$h/24 dev v$x
	ip -n $ns -6 addr add fd00:179:0:9::$h/64 dev v$x nodad
	ip netns exec $ns ethtool -K v$x tso off gso off gro off > /dev/null 2>&1 ||
		ip netns exec $ns ethtool -K v$x tso off gso off > /dev/null
done

cat > "$W/tx.conf" << EOC
router id 10.179.9.1;
protocol device {}
protocol static s4 {
	ipv4;
include "$W/gen/v4.static";
}
protocol static s6 {
	ipv6;
include "$W/gen/v6.static";
}
protocol bgp up4 {
	local 10.179.9.1 as 4200000001;
	neighbor 10.179.9.2 as 4200000002;
	hold time 240;
	ipv4 { import none; export where proto = "s4"; };
}
protocol bgp up6 {
	local fd00:179:0:9::1 as 4200000001;
	neighbor fd00:179:0:9::2 as 4200000002;
	hold time 240;
	ipv6 { import none; export where proto = "s6"; };
}
EOC
cat > "$W/rx.conf" << EOC
router id 10.179.9.2;
protocol device {}
protocol bgp dn4 {
	local 10.179.9.2 as 4200000002;
	neighbor 10.179.9.1 as 4200000001;
	passive on;
	hold time 240;
	ipv4 { import all; export none; };
}
protocol bgp dn6 {
	local fd00:179:0:9::2 as 4200000002;
	neighbor fd00:179:0:9::1 as 4200000001;
	passive on;
	hold time 240;
	ipv6 { import all; export none; };
}
EOC
bg bird-rx $NB bird -f -c "$W/rx.conf" -s "$W/rx.ctl" -P "$W/rx.pid"
waitfor 20 "receiving BIRD" test -S "$W/rx.ctl"
bg tcpdump $NB tcpdump -Z root -i vb -s 0 -B 262144 -U -n -w "$W/ft.pcap" 'tcp port 179'
TCPDUMP=$LASTPID
waitfor 20 tcpdump grep -q 'listening on' "$W/tcpdump.log"
log "starting the sending BIRD with $TOTAL static routes"
bg bird-tx $NA bird -f -c "$W/tx.conf" -s "$W/tx.ctl" -P "$W/tx.pid"
rx_count() {
	ip netns exec $NB birdc -s "$W/rx.ctl" show route count |
		awk '/routes for/ {s += $1} END {print s + 0}'
}
have_all() { [ "$(rx_count)" -ge "$TOTAL" ]; }
waitfor 900 "all $TOTAL routes at the receiver" have_all
log "receiver holds $(rx_count) routes"
sleep 2
kill -INT $TCPDUMP
wait $TCPDUMP 2> /dev/null || true
grep -E 'captured|dropped' "$W/tcpdump.log" >&2 || true
if ! grep -q '^0 packets dropped by kernel' "$W/tcpdump.log"; then
	log "tcpdump dropped packets: capture not kept"
	exit 1
fi
cp "$W/gen/counts.txt" "${OUT%.pcap}.counts.txt"
mv "$W/ft.pcap" "$OUT"
log "wrote $OUT ($(stat -c %s "$OUT") bytes)"
echo "$OUT"
