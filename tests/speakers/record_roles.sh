#!/bin/bash
# Record pcaps/roles-otc.pcap: BGP roles (RFC 9234), OTC and route leaks on
# real speakers, and BIRD's own verdicts on them (the witness).
#   sudo tests/speakers/record_roles.sh
# Needs root, bird2 >= 2.0.11 (local role), exabgp, tcpdump, ethtool, python3.
#
# The topology is defined once, in tests/speakers/roles.py (which also
# writes every configuration): a monitored router R (BIRD AS65010) with
# BIRD neighbours that have roles on both ends (its provider P, its
# customer C, its peer Q, a route server RS with a second client Z), a
# second provider P2 to which R sends everything without a role on its
# side (R leaks, P2 rejects), two ExaBGP speakers without roles (X: R
# says provider, so X is its customer; Y: R says peer) sending routes with
# and without OTC, and M, which claims provider as R does: NOTIFICATION
# 2/11 (Role Mismatch).  Every speaker has its own network namespace and
# one veth to a bridge (ageing 0: floods every frame) in a LAN namespace;
# tcpdump listens on a monitor port of that bridge from before the first
# session opens.  Private addresses 10.179.20.0/24 only.
#
# Phase 1: all sessions up; every BIRD polled until it holds exactly the
# routes the simulation says (never a fixed wait), the capture polled
# until it holds every announcement the simulation puts on the wire,
# then BIRD's view is dumped.  Phase 2: P and Q withdraw one route each,
# X and Y withdraw one leaked route each; polled the same way.
# Outputs: pcaps/roles-otc.pcap, tests/expected/roles-otc.bird.json
# (BIRD's view, checked against the simulation and the wire by roles.py)
# and tests/expected/roles-otc.routes.json (every announcement's expected
# peer_role, otc, leak and aspa, for tests/e2e/89-leaks.sh; ASPA verdicts
# from the hand-made tests/expected/roles-otc.aspa.txt).
# Namespaces rvlk-NAME-<pid> (tests/lib/lab.sh), removed on exit with
# every process started here.
set -eu
cd "$(dirname "$0")/../.."
# The capture must be exactly what the simulation puts on the wire, and
# BIRD now and then sends a route twice (same attributes, a re-export):
# such a recording is made again, up to three attempts.
if [ -z "${RECORD_ROLES_ATTEMPT:-}" ]; then
	for try in 1 2 3; do
		RECORD_ROLES_ATTEMPT=$try "$0" && exit 0
		echo "[record_roles] attempt $try failed" >&2
	done
	exit 1
fi
ROOT=$PWD
SP=$ROOT/tests/speakers
rl() { python3 "$SP/roles.py" "$@"; }
. tests/lib/lab.sh
LAB_DIR=$(mktemp -d /tmp/rovmon-roles.XXXXXX)
W=$LAB_DIR
NODES=$(rl nodes)

log() { echo "[record_roles +$SECONDS s] $*" >&2; }

cleanup() {
	lab_cleanup
	if [ -n "${KEEP:-}" ]; then log "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	log "FAIL: $*"
	for f in "$W"/*.log "$W"/*.birdlog; do [ -s "$f" ] && { echo "--- $f" >&2; tail -n 8 "$f" >&2; }; done
	exit 1
}

bg() { lab_bg "$@"; LASTPID=$LAB_LASTPID; }
waitfor() { # waitfor SECONDS WHAT CMD...
	lab_waitfor "$@" || fail "timeout ($1 s) waiting for $2"
}
ns_of() { eval "echo \$NS_$1"; }

for c in bird birdc exabgp tcpdump ethtool python3; do
	command -v $c > /dev/null || { echo "missing $c" >&2; exit 1; }
done
rl conf "$W"

# --- network: one mirror bridge, one veth per speaker, one monitor port ----------
lab_ns NSL rvlk-lan || fail "cannot create network namespaces"
lab_mirror "$NSL" br0
lab_mirror_port "$NSL" br0 mon0 mon1
for n in $(echo "$NODES" | awk '{print $1}'); do
	lab_ns "NS_$n" "rvlk-$n"
	ns=$(ns_of "$n")
	ip=$(echo "$NODES" | awk -v n="$n" '$1 == n {print $4}')
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	lab_veth "$ns" e0 "$NSL" "l-$n"
	lab_join "$NSL" br0 "l-$n"
	lab_addr "$ns" e0 "$ip/24"
	# the last octet of the address in the MAC: frames say who sent them
	ip -n "$ns" link set e0 address "02:00:0a:b3:14:$(printf %02x "${ip##*.}")"
done

# --- capture from before the first SYN -------------------------------------------
PCAP=$W/roles-otc.pcap
bg tcpdump "$NSL" tcpdump -Z root -i mon1 -s 0 -U -n -w "$PCAP" 'tcp port 179'
CAPPID=$LASTPID
waitfor 10 "tcpdump listening" grep -q 'listening on' "$W/tcpdump.log"

# --- speakers ----------------------------------------------------------------------
birdc_() { local n=$1; shift; ip netns exec "$(ns_of "$n")" birdc -s "$W/$n.ctl" "$@"; }
established() { birdc_ "$1" show protocols "n_$2" | grep -q Established; }
route_count() { # NODE NEIGHBOUR N: exactly N routes from that session
	[ "$(birdc_ "$1" show route protocol "n_$2" count | awk '/routes for/ {print $1}')" = "$3" ]
}
mismatch() { birdc_ r show protocols all n_m | grep -q 'Role mismatch'; }

# passive ends first, so every active end's first SYN finds a listener
BIRDS=$(echo "$NODES" | awk '$2 == "bird" {print $1}')
for pass in passive active; do
	for n in $BIRDS; do
		case $n in r | rs) [ $pass = active ] || continue ;; *) [ $pass = passive ] || continue ;; esac
		bird -p -c "$W/$n.conf" || fail "bad BIRD config $n"
		bg "bird-$n" "$(ns_of "$n")" bird -f -c "$W/$n.conf" -s "$W/$n.ctl" -P "$W/$n.pid"
		waitfor 10 "BIRD $n socket" test -S "$W/$n.ctl"
	done
done
for n in x y; do
	mkdir -p "$W/ctl-$n"
	bg exabgp-$n "$(ns_of "$n")" env exabgp_daemon_user=root exabgp_daemon_daemonize=false \
		exabgp_api_ack=false exabgp_api_cli=false exabgp_log_destination=stdout \
		exabgp_log_level=INFO exabgp_tcp_bind= exabgp_tcp_once=false exabgp "$W/$n.conf"
done

for nb in p p2 c q rs x y; do waitfor 60 "R-$nb established" established r "$nb"; done
waitfor 60 "RS-Z established" established rs z
waitfor 60 "R-M role mismatch" mismatch
log "sessions established; R-M refused with Role Mismatch"

settled() { # PHASE: every BIRD holds exactly what the simulation says
	echo "$NODES" | while read -r n k _a _ip; do
		[ "$k" = bird ] && [ "$n" != m ] || continue
		rl counts "$1" "$n" | while read -r nb cnt; do
			route_count "$n" "$nb" "$cnt" || exit 1
		done || exit 1
	done
}
waitfor 60 "phase 1 routes in every BIRD" settled 1
waitfor 60 "phase 1 routes on the wire" rl seen "$PCAP" 1
log "phase 1 settled"

# --- BIRD's view of phase 1 ------------------------------------------------------------
echo "$NODES" | while read -r n k _a _ip; do
	[ "$k" = bird ] || continue
	rl counts 1 "$n" > "$W/$n.sessions"
	[ "$n" = r ] && echo "m 0" >> "$W/$n.sessions"
	[ "$n" = m ] && echo "r 0" > "$W/$n.sessions"
	while read -r nb _c; do
		birdc_ "$n" show route protocol "n_$nb" all > "$W/$n.$nb.routes"
		birdc_ "$n" show protocols all "n_$nb" > "$W/$n.$nb.proto"
	done < "$W/$n.sessions"
done
birdc_ r show status | head -n 1 > "$W/bird.version"

# --- phase 2: withdrawals -----------------------------------------------------------------
birdc_ p disable st2 > /dev/null
birdc_ q disable st2 > /dev/null
touch "$W/ctl-x/phase2" "$W/ctl-y/phase2"
waitfor 60 "phase 2 routes in every BIRD" settled 2
waitfor 60 "phase 2 withdrawals on the wire" rl seen "$PCAP" 2
log "phase 2 settled"

kill -INT $CAPPID
wait $CAPPID 2> /dev/null || true
rl wire "$PCAP" || fail "the capture differs from the simulation"
mkdir -p pcaps tests/expected
rl witness "$W" tests/expected/roles-otc.bird.json "$PCAP" || fail "BIRD's view differs from the simulation"
rl expect "$PCAP" tests/expected/roles-otc.bird.json tests/expected/roles-otc.aspa.txt \
	tests/expected/roles-otc.routes.json || fail "expected fields: see above"
cp "$PCAP" pcaps/roles-otc.pcap
log "pcaps/roles-otc.pcap: $(tcpdump -r pcaps/roles-otc.pcap 2> /dev/null | wc -l) frames;" \
	"BIRD $(cat "$W/bird.version"), $(exabgp --version 2>&1 | head -n 1)"
