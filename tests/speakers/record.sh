#!/bin/bash
# Record the demo/test captures in pcaps/ from real BGP speakers (BIRD 2,
# GoBGP, ExaBGP) talking over veth pairs between private network namespaces.
#   sudo tests/speakers/record.sh [SCENARIO...]
# Scenarios: ipv4-full ipv6-full as2-session addpath midstream linktypes
# (default: all).  Needs root, bird2, gobgpd/gobgp, exabgp, tcpdump, ethtool,
# bgpdump, python3.  Private addresses only (10.179.N.0/24,
# fd00:179:0:N::/64, inside the namespaces); nothing leaves the machine.
# Writes pcaps/<name>.pcap and pcaps/<name>.sent.txt (the route events the
# sender put on the wire, decoded by tests/speakers/wire.py and checked
# against the generated input list).  Idempotent: namespaces and processes
# are removed on exit.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$PWD
SP=$ROOT/tests/speakers
OUT=$ROOT/pcaps
MRT=${MRT:-$ROOT/../shared/data/mrt}
[ -d "$MRT" ] || MRT=/work/shared/data/mrt
W=$(mktemp -d /tmp/rovmon-record.XXXXXX)
. "$ROOT/tests/lib/lab.sh"
NSA="" NSB=""	# rvrec-a-PID, rvrec-b-PID while a scenario runs (net_up)
PIDS=""

log() { echo "[record] $*" >&2; }

stop_all() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	sleep 0.3
	for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	PIDS=""
	lab_cleanup
}
cleanup() { stop_all; rm -rf "$W"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

bg() { # bg LOGNAME NS CMD...: run CMD in namespace NS in the background
	local name=$1 ns=$2; shift 2
	ip netns exec "$ns" "$@" >"$W/$name.log" 2>&1 &
	PIDS="$PIDS $!"
	LASTPID=$!
}

net_up() { # net_up N: namespaces a/b, veth va<->vb, 10.179.N.1/2, fd00:179:0:N::1/2
	local n=$1
	stop_all
	lab_ns NSA rvrec-a
	lab_ns NSB rvrec-b
	lab_veth $NSA va $NSB vb	# up, offloads off
	for x in a b; do
		local ns; [ $x = a ] && ns=$NSA || ns=$NSB
		local h; [ $x = a ] && h=1 || h=2
		ip -n $ns link set v$x mtu 1500
		lab_addr $ns v$x 10.179.$n.$h/24 fd00:179:0:$n::$h/64
	done
	ip -n $NSA link set va address 02:00:0a:b3:00:01
	ip -n $NSB link set vb address 02:00:0a:b3:00:02
}

capture_start() { # capture_start FILE [NS IF]
	local f=$1 ns=${2:-$NSB} ifc=${3:-vb}
	bg "tcpdump-$(basename "$f")" "$ns" tcpdump -Z root -i "$ifc" -s 0 -U -n -w "$f" 'tcp port 179'
	CAPPID=$LASTPID
	local i=0
	until grep -q 'listening on' "$W/tcpdump-$(basename "$f").log" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 100 ] || { log "tcpdump did not start"; exit 1; }
		sleep 0.1
	done
}

capture_stop() { # capture_stop PID
	sleep 0.5
	kill -INT "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

waitfor() { # waitfor SECONDS DESCRIPTION CMD...: poll until CMD succeeds
	local t=$1 what=$2 i=0; shift 2
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt $((t * 5)) ]; then
			log "timeout waiting for $what"
			tail -n 20 "$W"/*.log >&2
			ip netns exec $NSB gobgp neighbor >&2 2>/dev/null || true
			exit 1
		fi
		sleep 0.2
	done
}

# --- BIRD ---------------------------------------------------------------
bird_up() { # bird_up NAME NS CONF
	bird -p -c "$3" || { log "bad BIRD config $3"; exit 1; }
	bg "bird-$1" "$2" bird -f -c "$3" -s "$W/$1.ctl" -P "$W/$1.pid"
	waitfor 10 "bird $1 socket" test -S "$W/$1.ctl"
}
birdc_() { local name=$1 ns=$2; shift 2; ip netns exec "$ns" birdc -s "$W/$name.ctl" "$@"; }
bird_established() { birdc_ "$1" "$2" show protocols "$3" | grep -q Established; }
bird_down() { birdc_ "$1" "$2" show protocols "$3" | awk -v p="$3" '$1 == p && $4 == "down" {f = 1} END {exit !f}'; }
bird_routes_ge() { # NAME NS N: at least N routes in tables (all channels)
	local c
	c=$(birdc_ "$1" "$2" show route count | awk '/routes for/ {s += $1} END {print s + 0}')
	[ "$c" -ge "$3" ]
}

# --- GoBGP --------------------------------------------------------------
gobgp_up() { # gobgp_up NAME NS CONF
	bg "gobgpd-$1" "$2" gobgpd -f "$3" --api-hosts 127.0.0.1:50051 -l warn
	waitfor 10 "gobgpd $1 api" ip netns exec "$2" gobgp neighbor
}
gobgp_established() { ip netns exec "$1" gobgp neighbor "$2" | grep -qi 'BGP state = established'; }
gobgp_rcvd_ge() { # NS NEIGHBOR N [AFI]: Adj-RIB-In holds at least N paths
	local c
	c=$(ip netns exec "$1" gobgp neighbor "$2" adj-in -a "${4:-ipv4}" 2>/dev/null | grep -cE '/[0-9]+ ' || true)
	[ "$c" -ge "$3" ]
}

# --- ExaBGP -------------------------------------------------------------
exabgp_up() { # exabgp_up NAME NS CONF
	rm -rf "$W/ctl-$1"; mkdir -p "$W/ctl-$1"
	bg "exabgp-$1" "$2" env exabgp_daemon_user=root exabgp_daemon_daemonize=false \
		exabgp_api_ack=false exabgp_api_cli=false exabgp_log_destination=stdout \
		exabgp_log_level=INFO exabgp_tcp_bind= exabgp_tcp_once=true exabgp "$3"
	EXAPID=$LASTPID
}
phase() { # phase NAME PHASE: release the feed script into PHASE
	touch "$W/ctl-$1/$2"
}
sent() { test -e "$W/ctl-$1/$2.sent"; }

exabgp_conf() { # exabgp_conf FILE NAME CMDS LOCAL PEER LAS PAS RID "families" "caps"
	cat >"$1" <<EOC
process feed {
	run /usr/bin/python3 $SP/feed.py $3 $W/ctl-$2;
	encoder text;
}
neighbor $5 {
	router-id $8;
	local-address $4;
	local-as $6;
	peer-as $7;
	hold-time 90;
	group-updates true;
	family { $9 }
	capability { route-refresh; ${10} }
	api { processes [ feed ]; }
}
EOC
}

bird_rx_conf() { # bird_rx_conf FILE RID LOCAL LAS PEER PAS "channels"
	cat >"$1" <<EOC
router id $2;
log "$W/bird-rx.birdlog" all;
protocol device {}
protocol bgp up {
	local $3 as $4;
	neighbor $5 as $6;
	passive on;
	hold time 90;
	$7
}
EOC
}

gobgp_rx_conf() { # gobgp_rx_conf FILE RID LOCAL LAS PEER PAS "afisafi blocks"
	cat >"$1" <<EOC
[global.config]
  as = $4
  router-id = "$2"
  port = 179
  local-address-list = ["$3"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$5"
    peer-as = $6
  [neighbors.transport.config]
    passive-mode = true
    local-address = "$3"
  [neighbors.timers.config]
    hold-time = 90
$7
EOC
}

afisafi() { # afisafi NAME [addpath-receive]
	printf '  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = "%s"\n' "$1"
	[ "${2:-}" = "" ] || printf '    [neighbors.afi-safis.add-paths.config]\n      receive = true\n'
}

finish() { # finish NAME: decode sent events, compare with the input list
	local name=$1 key=$2
	python3 "$SP/wire.py" --stats "$OUT/$name.pcap" >"$OUT/$name.sent.txt" 2>"$W/$name.stats"
	cat "$W/$name.stats" >&2
	if [ -f "$GEN/$key.expect" ]; then
		if diff <(sort "$GEN/$key.expect") <(sort "$OUT/$name.sent.txt") >"$W/$name.diff"; then
			log "$name: $(wc -l <"$OUT/$name.sent.txt") events on the wire = generated input (as a multiset)"
		else
			log "$name: wire events differ from the input list:"; head -n 20 "$W/$name.diff" >&2
		fi
	fi
}

# =========================================================================
rec_ipv4_full() { # BIRD (AS4200000001) -> GoBGP (AS4200000002), IPv4
	net_up 1
	cp "$GEN/v4full.static1" "$W/routes.conf"
	cat >"$W/bird-tx.conf" <<EOC
router id 10.179.1.1;
protocol device {}
protocol static feedroutes {
	ipv4;
include "$W/routes.conf";
}
protocol bgp up {
	local 10.179.1.1 as 4200000001;
	neighbor 10.179.1.2 as 4200000002;
	hold time 90;
	connect delay time 1;
	ipv4 { import none; export where proto = "feedroutes"; };
}
EOC
	gobgp_rx_conf "$W/gobgp-rx.toml" 10.179.1.2 10.179.1.2 4200000002 10.179.1.1 4200000001 "$(afisafi ipv4-unicast)"
	gobgp_up rx $NSB "$W/gobgp-rx.toml"
	capture_start "$OUT/ipv4-full.pcap"
	bird_up tx $NSA "$W/bird-tx.conf"
	waitfor 30 "ipv4-full established" gobgp_established $NSB 10.179.1.1
	waitfor 60 "ipv4-full table" gobgp_rcvd_ge $NSB 10.179.1.1 10000
	sleep 1
	cp "$GEN/v4full.static2" "$W/routes.conf"; birdc_ tx $NSA configure >/dev/null
	waitfor 30 "ipv4-full phase 2" bash -c "! gobgp_rcvd_ge $NSB 10.179.1.1 9601"
	sleep 2
	cp "$GEN/v4full.static3" "$W/routes.conf"; birdc_ tx $NSA configure >/dev/null
	waitfor 30 "ipv4-full phase 3" gobgp_rcvd_ge $NSB 10.179.1.1 9639
	sleep 1
	birdc_ tx $NSA disable up >/dev/null   # BIRD sends NOTIFICATION Cease
	waitfor 20 "BIRD session down" bird_down tx $NSA up
	sleep 0.5
	capture_stop $CAPPID
	stop_all
	finish ipv4-full v4full
}
export -f gobgp_rcvd_ge
export NSB


rec_ipv6_full() { # ExaBGP (AS4200000003) -> BIRD (AS4200000004), IPv6 transport
	net_up 2
	exabgp_conf "$W/exa.conf" tx "$GEN/v6full.cmds" fd00:179:0:2::1 fd00:179:0:2::2 \
		4200000003 4200000004 10.179.2.1 "ipv6 unicast;" "asn4 enable;"
	bird_rx_conf "$W/bird-rx.conf" 10.179.2.2 fd00:179:0:2::2 4200000004 fd00:179:0:2::1 4200000003 \
		'ipv6 { import all; export none; };'
	bird_up rx $NSB "$W/bird-rx.conf"
	capture_start "$OUT/ipv6-full.pcap"
	exabgp_up tx $NSA "$W/exa.conf"
	waitfor 30 "ipv6-full established" bird_established rx $NSB up
	waitfor 60 "ipv6-full table" bird_routes_ge rx $NSB 5000
	sleep 1; phase tx phase2; waitfor 20 "phase2 fed" sent tx phase2
	sleep 2; phase tx phase3; waitfor 20 "phase3 fed" sent tx phase3
	sleep 2
	birdc_ rx $NSB disable up >/dev/null   # BIRD sends NOTIFICATION Cease
	waitfor 20 "BIRD session down" bird_down rx $NSB up
	sleep 0.3
	kill -TERM $EXAPID 2>/dev/null || true; wait $EXAPID 2>/dev/null || true
	capture_stop $CAPPID
	stop_all
	finish ipv6-full v6full
}

rec_as2() { # ExaBGP AS65001 without 4-octet AS capability -> GoBGP AS65002
	net_up 3
	exabgp_conf "$W/exa.conf" tx "$GEN/as2.cmds" 10.179.3.1 10.179.3.2 \
		65001 65002 10.179.3.1 "ipv4 unicast;" "asn4 disable;"
	gobgp_rx_conf "$W/gobgp-rx.toml" 10.179.3.2 10.179.3.2 65002 10.179.3.1 65001 "$(afisafi ipv4-unicast)"
	gobgp_up rx $NSB "$W/gobgp-rx.toml"
	capture_start "$OUT/as2-session.pcap"
	exabgp_up tx $NSA "$W/exa.conf"
	waitfor 30 "as2 established" gobgp_established $NSB 10.179.3.1
	waitfor 30 "as2 table" gobgp_rcvd_ge $NSB 10.179.3.1 262
	for p in phase2 phase3 phase4; do sleep 1; phase tx $p; waitfor 20 "$p fed" sent tx $p; done
	sleep 1
	ip netns exec $NSB gobgp neighbor 10.179.3.1 disable >/dev/null
	sleep 0.5
	capture_stop $CAPPID
	stop_all
	finish as2-session as2
}

rec_addpath() { # ExaBGP AS4200000007 ADD-PATH send -> GoBGP AS4200000008 receive
	net_up 4
	exabgp_conf "$W/exa.conf" tx "$GEN/addpath.cmds" 10.179.4.1 10.179.4.2 \
		4200000007 4200000008 10.179.4.1 "ipv4 unicast; ipv6 unicast;" "asn4 enable; add-path send;"
	gobgp_rx_conf "$W/gobgp-rx.toml" 10.179.4.2 10.179.4.2 4200000008 10.179.4.1 4200000007 \
		"$(afisafi ipv4-unicast rx; afisafi ipv6-unicast rx)"
	gobgp_up rx $NSB "$W/gobgp-rx.toml"
	capture_start "$OUT/addpath.pcap"
	exabgp_up tx $NSA "$W/exa.conf"
	waitfor 30 "addpath established" gobgp_established $NSB 10.179.4.1
	waitfor 30 "addpath table" gobgp_rcvd_ge $NSB 10.179.4.1 1200
	sleep 1; phase tx phase2; waitfor 20 "phase2 fed" sent tx phase2
	sleep 2
	ip netns exec $NSB gobgp neighbor 10.179.4.1 disable >/dev/null
	sleep 0.5
	capture_stop $CAPPID
	stop_all
	finish addpath addpath
}

first_data_mid() { # FILE: does the first TCP payload start inside a BGP message?
	python3 - "$1" "$SP/../lib" <<'EOP'
import sys
sys.path.insert(0, sys.argv[2])
import pcapfile
_h, lt, _e, frames = pcapfile.read_pcap(sys.argv[1])
for _hdr, p in frames:
    t = pcapfile.tcp_of(lt, p)
    if t and t[6]:
        sys.exit(0 if t[6][:16] != b"\xff" * 16 else 1)
sys.exit(1)
EOP
}

rec_midstream() {
	local try
	for try in 1 2 3 4; do
		rec_midstream1
		if first_data_mid "$OUT/midstream.pcap"; then return 0; fi
		log "midstream: capture began on a message boundary; recording again"
	done
}

rec_midstream1() { # ExaBGP AS4200000005 -> BIRD AS4200000006, capture joins during churn
	net_up 5
	exabgp_conf "$W/exa.conf" tx "$GEN/midstream.cmds" 10.179.5.1 10.179.5.2 \
		4200000005 4200000006 10.179.5.1 "ipv4 unicast;" "asn4 enable;"
	bird_rx_conf "$W/bird-rx.conf" 10.179.5.2 10.179.5.2 4200000006 10.179.5.1 4200000005 \
		'ipv4 { import all; export none; };'
	bird_up rx $NSB "$W/bird-rx.conf"
	capture_start "$W/midstream-full.pcap" $NSA va   # whole session: ground truth only
	FULLPID=$CAPPID
	exabgp_up tx $NSA "$W/exa.conf"
	waitfor 30 "midstream established" bird_established rx $NSB up
	waitfor 30 "midstream table" bird_routes_ge rx $NSB 3000
	sleep 1
	# a slow link (160 kbit/s token bucket on the sender's egress) keeps the
	# sender's socket backlogged, so segments are full and the capture
	# starts in the middle of a BGP message
	ip netns exec $NSA tc qdisc add dev va root tbf rate 160kbit burst 8kb latency 5s
	phase tx churn
	sleep 1.5
	capture_start "$OUT/midstream.pcap"
	MIDPID=$CAPPID
	sleep 4
	capture_stop $MIDPID
	waitfor 30 "churn fed" sent tx churn
	sleep 1
	capture_stop $FULLPID
	stop_all
	python3 "$SP/wire.py" --window "$OUT/midstream.pcap" "$W/midstream-full.pcap" >"$OUT/midstream.sent.txt"
	python3 "$SP/wire.py" "$W/midstream-full.pcap" | sort >"$W/mid-all"
	if diff -q "$W/mid-all" <(sort "$GEN/midstream.expect") >/dev/null; then
		log "midstream: full session = generated input; $(wc -l <"$OUT/midstream.sent.txt") events inside the capture window"
	else
		log "midstream: full session differs from the input list"
	fi
}

rec_linktypes() {
	mkdir -p "$OUT/linktypes"
	python3 "$SP/relink.py" "$OUT/as2-session.pcap" "$OUT/linktypes/as2-session"
}

mkdir -p "$OUT"
if [ -z "${RECORD_GEN:-}" ]; then
	# parent: generate the inputs once, then record each scenario in a child
	# process (own namespaces, processes and trap), retrying a failed one
	python3 "$SP/gen.py" "$MRT" "$W/gen" >&2
	export RECORD_GEN=$W/gen
	for s in ${*:-ipv4-full ipv6-full as2-session addpath midstream linktypes}; do
		ok=
		for try in 1 2 3; do
			log "=== $s (attempt $try)"
			if "$SP/record.sh" "$s"; then ok=1; break; fi
		done
		[ -n "$ok" ] || { log "$s failed"; exit 1; }
	done
	log "done"
	exit 0
fi
GEN=$RECORD_GEN
case $1 in
ipv4-full) rec_ipv4_full ;;
ipv6-full) rec_ipv6_full ;;
as2-session) rec_as2 ;;
addpath) rec_addpath ;;
midstream) rec_midstream ;;
linktypes) rec_linktypes ;;
*) log "unknown scenario $1"; exit 2 ;;
esac
