#!/bin/sh
# RFC 8097: the router's own origin validation verdict, stamped on routes as
# the Origin Validation State extended community (0x43/0x00, last octet 0
# valid, 1 not found, 2 invalid), against rovmon's.
#
# BIRD A (AS 65000) holds a ROA table (static ROAs) and six routes; its
# export filter stamps each with roa_check()'s verdict and sends them over
# iBGP (where RFC 8097 says the community belongs: it is non-transitive,
# and BIRD drops non-transitive extended communities towards eBGP peers)
# to BIRD B, across a mirrored veth.  10.82.5.0/24 gets state 7 instead,
# which RFC 8097 does not define: rovmon ignores it (null).  rovmon reads
# the mirror twice, with two reference VRP sets:
#   agree     pcaps/rfc8097-agree.json: BIRD's ROAs; every stamp equals
#             rovmon's verdict; no alert of sid 1000020;
#   disagree  pcaps/rfc8097-disagree.json: 10.82.1.0/24's ROA (AS 65099)
#             dropped (rovmon not-found, the router invalid) and one for
#             10.82.2.0/24 AS 65001 added (rovmon valid, the router
#             not-found): sid 1000020 alerts exactly those two, once each.
# Part 1 checks the recorded capture pcaps/rfc8097.pcap (made by this script
# with RECORD=1, pcaps/README.md) offline, so CI needs no BIRD; part 2 runs
# the speakers live (root, network namespaces, BIRD 2) and checks the same
# of two live rovmons, and that B received every stamp.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
B=${ROVMON_BUILD:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
[ -x "$B/rovmon" ] || { echo "FAIL: build $B/rovmon first"; exit 1; }
command -v python3 > /dev/null || { echo "FAIL: python3 not installed"; exit 1; }
. tests/lib/lab.sh
W=$(mktemp -d /tmp/rovmon-82.XXXXXX)
LAB_DIR=$W
MPIDS=""
cleanup() {
	# shellcheck disable=SC2086
	lab_stop 50 $MPIDS
	lab_cleanup
	wait 2> /dev/null
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() {
	echo "FAIL: $*"
	lab_tails "$W"/*.log "$W"/*.err
	exit 1
}
waitfor() { lab_waitfor "$@" || fail "timeout ($1 s) waiting for $2"; }	# SECONDS WHAT CMD...

# check ROUTES ALERTS MODE: every announcement's router_rpki_state and
# rovmon's state are the expected ones, and sid 1000020 alerted exactly
# the expected prefixes, once each.
check() {
	python3 - "$1" "$2" "$3" << 'EOF' || fail "$3: $(cat "$W/check.err" 2> /dev/null)"
import json, sys
routes, alerts, mode = sys.argv[1:4]
# prefix: (router stamp, rovmon's verdict agree, disagree)
want = {
    "10.82.0.0/24": ("valid", "valid", "valid"),
    "10.82.1.0/24": ("invalid", "invalid", "not-found"),
    "10.82.2.0/24": ("not-found", "not-found", "valid"),
    "10.82.3.0/25": ("invalid", "invalid", "invalid"),
    "10.82.4.0/24": ("not-found", "not-found", "not-found"),
    "10.82.5.0/24": (None, "not-found", "not-found"),
}
col = 1 if mode == "agree" else 2
seen = {}
for line in open(routes):
    r = json.loads(line)
    if r.get("event") != "announce":
        continue
    p = r["prefix"]
    if p not in want:
        sys.exit("unexpected route %s" % p)
    got = (r["router_rpki_state"], r["rpki"]["state"])
    exp = (want[p][0], want[p][col])
    if got != exp:
        sys.exit("%s: router_rpki_state, rpki.state %s, want %s" % (p, got, exp))
    seen[p] = seen.get(p, 0) + 1
if sorted(seen) != sorted(want):
    sys.exit("announced %s, want %s" % (sorted(seen), sorted(want)))
fired = []
for line in open(alerts):
    a = json.loads(line)
    if a["sid"] == 1000020:
        fired.append(a["bgp"]["prefix"])
        if a["bgp"]["router_rpki_state"] != want[a["bgp"]["prefix"]][0]:
            sys.exit("alert without the router's state: %s" % line)
exp = [] if mode == "agree" else ["10.82.1.0/24", "10.82.2.0/24"]
if sorted(fired) != exp:
    sys.exit("sid 1000020 alerted %s, want %s" % (sorted(fired), exp))
print("%s: %d routes, sid 1000020 on %s" % (mode, len(seen), fired))
EOF
}

# ---- part 1: the recorded capture, offline ----
[ "${RECORD:-0}" = 1 ] || [ -f pcaps/rfc8097.pcap ] ||
	fail "pcaps/rfc8097.pcap missing (RECORD=1 $0 makes it)"
[ "${RECORD:-0}" = 1 ] || for m in agree disagree; do
	"$B/rovmon" -q -r pcaps/rfc8097.pcap --vrps pcaps/rfc8097-$m.json \
	    --rules rules/rovmon.rules --routes "$W/off-$m.routes" \
	    --alerts "$W/off-$m.alerts" --stats /dev/null 2> "$W/off-$m.err" ||
		fail "rovmon -r pcaps/rfc8097.pcap ($m)"
	check "$W/off-$m.routes" "$W/off-$m.alerts" $m 2> "$W/check.err"
done

# ---- part 1b: a third-party capture (tcpdump's test suite, bgp-ovs) ----
# Four routes stamped 1, 2, 1, 1 (tcpdump -v prints "unknown extd community
# typecode (0x4300) ... 000000000002"): none covered by the VRPs, so only
# 10.10.10.10/32 (the router: invalid) disagrees; the alert oracle agrees.
OVS=${SHARED:-../shared/data}/tcpdump-tests/bgp-ovs.pcapng
if [ "${RECORD:-0}" != 1 ] && [ -f "$OVS" ]; then
	"$B/rovmon" -q -r "$OVS" --vrps pcaps/rfc8097-agree.json --rules rules/rovmon.rules \
	    --routes "$W/ovs.routes" --alerts "$W/ovs.alerts" --stats /dev/null 2> "$W/ovs.err" ||
		fail "rovmon -r $OVS"
	python3 - "$W/ovs.routes" "$W/ovs.alerts" > "$W/ovs.check" 2>&1 << 'EOF' || fail "bgp-ovs: $(cat "$W/ovs.check")"
import json, sys
want = {"10.0.103.145/32": "not-found", "10.10.10.10/32": "invalid",
        "172.18.0.0/16": "not-found", "192.168.10.0/24": "not-found"}
got = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["event"] == "announce":
        got[r["prefix"]] = r["router_rpki_state"]
if got != want:
    sys.exit("router_rpki_state %s, want %s" % (got, want))
fired = [json.loads(l)["bgp"]["prefix"] for l in open(sys.argv[2])
         if json.loads(l)["sid"] == 1000020]
if fired != ["10.10.10.10/32"]:
    sys.exit("sid 1000020 on %s" % fired)
EOF
	python3 tests/alerts_oracle.py "$W/ovs.routes" "$W/ovs.alerts" > "$W/ovs.check" 2>&1 ||
		fail "bgp-ovs alerts: $(cat "$W/ovs.check")"
elif [ "${RECORD:-0}" != 1 ]; then
	echo "SKIP-PART: bgp-ovs: $OVS missing (the shared data)"
fi

# ---- part 2: BIRD live ----
skip_live() { echo "SKIP-PART: $*"; echo "PASS (offline only): $*"; exit 0; }
for c in bird birdc tcpdump ethtool; do
	command -v $c > /dev/null || skip_live "live part: $c not installed"
done
lab_ns NA rv82-a || skip_live "live part: cannot create network namespaces here"
lab_ns NB rv82-b && lab_ns NM rv82-m || fail "namespaces"
lab_speaker_pair $NA $NB $NM 10.180.82.1/24 fd00:182::1/64 10.180.82.2/24 fd00:182::2/64 ||
	fail "speaker network"
lab_mirror_port $NM br0 mon0 mon1 || fail "mirror port"

cat > "$W/a.conf" << 'EOF'
router id 10.180.82.1;
protocol device {}
roa4 table r4;
protocol static st_roas {
	roa4 { table r4; };
	route 10.82.0.0/24 max 24 as 65001;
	route 10.82.1.0/24 max 24 as 65099;
	route 10.82.3.0/24 max 24 as 65001;
}
protocol static st_routes {
	ipv4 { import all; };
	route 10.82.0.0/24 blackhole { bgp_path.prepend(65001); };
	route 10.82.1.0/24 blackhole { bgp_path.prepend(65001); };
	route 10.82.2.0/24 blackhole { bgp_path.prepend(65001); };
	route 10.82.3.0/25 blackhole { bgp_path.prepend(65001); };
	route 10.82.4.0/24 blackhole { bgp_path.prepend(65002); };
	route 10.82.5.0/24 blackhole { bgp_path.prepend(65001); };
}
# RFC 8097 stamp: roa_check() gives ROA_UNKNOWN / ROA_VALID / ROA_INVALID;
# the community is (unknown 0x4300, 0, state): 0x43 0x00, five zero
# octets, the state.  A route target rides along (ignored by rovmon).
filter stamp {
	bgp_ext_community.add((rt, 65000, 1));
	if net = 10.82.5.0/24 then {
		bgp_ext_community.add((unknown 0x4300, 0, 7));
		accept;
	}
	case roa_check(r4, net, bgp_path.last) {
	ROA_VALID: bgp_ext_community.add((unknown 0x4300, 0, 0));
	ROA_INVALID: bgp_ext_community.add((unknown 0x4300, 0, 2));
	else: bgp_ext_community.add((unknown 0x4300, 0, 1));
	}
	accept;
}
protocol bgp b {
	local 10.180.82.1 as 65000;
	neighbor 10.180.82.2 as 65000;
	connect delay time 1;
	direct;
	ipv4 { import none; export filter stamp; next hop self; };
}
EOF
cat > "$W/b.conf" << 'EOF'
router id 10.180.82.2;
protocol device {}
protocol bgp a {
	local 10.180.82.2 as 65000;
	neighbor 10.180.82.1 as 65000;
	passive;
	direct;
	ipv4 { import all; export none; gateway direct; };
}
EOF
bird -p -c "$W/a.conf" && bird -p -c "$W/b.conf" || fail "bad BIRD config"

# rovmon twice on the mirror, and tcpdump (RECORD=1 keeps its capture)
for m in agree disagree; do
	ip netns exec $NM "$B/rovmon" -i mon1 --vrps pcaps/rfc8097-$m.json \
	    --rules rules/rovmon.rules --routes "$W/live-$m.routes" \
	    --alerts "$W/live-$m.alerts" --stats /dev/null \
	    --pidfile "$W/$m.started" 2> "$W/live-$m.err" &
	MPIDS="$MPIDS $!"
done
ip netns exec $NM tcpdump --immediate-mode -Z root -i mon1 -U -s 0 -w "$W/rec.pcap" tcp port 179 2> "$W/tcpdump.err" &
TPID=$!
MPIDS="$MPIDS $TPID"
pktsocks() { # pktsocks IFACE N: N packet sockets bound to IFACE in M
	idx=$(ip -n $NM -o link show "$1" | cut -d: -f1) && [ -n "$idx" ] || return 1
	[ "$(ip netns exec $NM cat /proc/net/packet | awk -v i="$idx" 'NR > 1 && $5 == i' | wc -l)" -ge "$2" ]
}
waitfor 10 "two rovmons and tcpdump capturing on mon1" pktsocks mon1 3
for m in agree disagree; do waitfor 10 "rovmon ($m) started" test -s "$W/$m.started"; done

lab_bg birdb $NB bird -f -c "$W/b.conf" -s "$W/b.ctl" -P "$W/b.pid"
lab_bg birda $NA bird -f -c "$W/a.conf" -s "$W/a.ctl" -P "$W/a.pid"
waitfor 10 "bird sockets" test -S "$W/a.ctl" -a -S "$W/b.ctl"
established() { birdc -s "$W/b.ctl" show protocols a | grep -q Established; }
waitfor 30 "iBGP session established" established
bcount() { [ "$(birdc -s "$W/b.ctl" show route count table master4 | awk '/routes for/ {print $1}')" = 6 ]; }
lab_waitfor 20 "B: 6 routes" bcount || {
	birdc -s "$W/a.ctl" show route all > "$W/a-routes.log" 2>&1
	birdc -s "$W/b.ctl" show route all > "$W/b-routes.log" 2>&1
	fail "timeout (20 s) waiting for B: 6 routes"
}
# B received each stamp as A's roa_check gave it
for x in 10.82.0.0/24:0 10.82.1.0/24:2 10.82.2.0/24:1 10.82.3.0/25:2 10.82.4.0/24:1 10.82.5.0/24:7; do
	birdc -s "$W/b.ctl" show route "${x%:*}" all > "$W/b-route.txt"
	grep -q "BGP.ext_community:.*(generic, 0x43000000, 0x${x#*:})" "$W/b-route.txt" ||
		fail "B: ${x%:*} without the state ${x#*:}: $(grep ext_comm "$W/b-route.txt")"
done
lines() { [ "$(grep -c '"event":"announce"' "$1" 2> /dev/null)" -ge 6 ]; }
for m in agree disagree; do waitfor 20 "rovmon ($m): 6 announcements" lines "$W/live-$m.routes"; done
# stop the sensors and tcpdump (SIGTERM: they flush) before reading
for p in $MPIDS; do kill "$p" 2> /dev/null; done
for p in $MPIDS; do
	i=0
	while kill -0 "$p" 2> /dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
done
MPIDS=""
for m in agree disagree; do
	check "$W/live-$m.routes" "$W/live-$m.alerts" $m 2> "$W/check.err"
done
if [ "${RECORD:-0}" = 1 ]; then
	cp "$W/rec.pcap" pcaps/rfc8097.pcap && echo "recorded pcaps/rfc8097.pcap"
fi
echo "PASS: RFC 8097 stamps decoded offline and live, agree and disagree"
