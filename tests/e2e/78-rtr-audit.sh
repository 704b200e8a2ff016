#!/bin/sh
# 78-rtr-audit: the passive RTR audit (--rtr-audit, docs/rtr.md "Audit")
# against a real RTR client and cache, end to end.
#
#   ns C: stayrtr (the cache) on c0 10.178.0.1:8282, fed a small ROA JSON
#   ns R: BIRD 2 (the router) r0 10.178.0.2: `protocol rpki` to the cache
#         (refresh keep 1), BGP from S with an import filter on roa_check
#   ns S: BIRD 2 (a speaker, AS65001) s0 10.178.0.3: 4 static routes to R
#   ns M: bridge br0 (floods every frame) joining the three, and two
#         monitor ports: rovmon -i mon1, tcpdump -i mon3 (the RTR flow)
#
# 1. rovmon (--vrps the same JSON) rebuilds BIRD's set from the wire: the
#    router is "complete", 3 VRPs, no difference from the reference.
# 2. BIRD's packets to the cache are dropped before they leave (a
#    blackhole route in R): it sends no query and keeps its set.
#    stayrtr's file and rovmon's --vrps move to the second set (SIGHUP):
#    rovmon reports the exact difference (lacks 2, extra 1, the three
#    VRPs named), the serial lag from the Serial Notify it saw, the two
#    routes BIRD judges unlike the reference (one INVALID it accepts), a
#    stale router (--rtr-stale 4), as alerts and in the statistics; BIRD
#    does still hold the stale route.
# 3. Offline, the recording of step 1 (pcaps/rtr/rtr-bird-stayrtr.pcap is one
#    such, kept): whole, the router is complete with the same 3 VRPs; cut
#    (tests/lib/pcapfile.py) to start after the first full exchange, it is
#    partial (rtr-partial) until the next one (BIRD restarted its rpki
#    protocol), then complete.  The kept pcap is checked without root.
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
. tests/lib/lab.sh
W=$(mktemp -d /tmp/rovmon-78.XXXXXX)
LAB_DIR=$W
MPID=""
cleanup() {
	[ -n "$MPID" ] && kill "$MPID" 2> /dev/null
	lab_cleanup
	rm -rf "$W"
}
trap cleanup EXIT
fail() { echo "FAIL 78-rtr-audit: $*"; for f in "$W"/*.log; do echo "== $f"; tail -5 "$f"; done; exit 1; }
[ -x "$B/rovmon" ] || { echo "FAIL: build $B/rovmon first"; exit 1; }

# --- offline: the kept recording (no root needed) ----------------------------
PCAP=pcaps/rtr/rtr-bird-stayrtr.pcap
VRPS1=pcaps/rtr/rtr-bird-stayrtr.json
offline() {	# pcap, extra args...: the last stats line to $W/off.json
	_p=$1
	shift
	"$B/rovmon" -q -r "$_p" --vrps "$VRPS" --rtr-audit --stats "$W/off.json" \
	    --alerts "$W/off-alerts.json" --rules rules/rovmon.rules "$@" ||
	    fail "rovmon -r $_p exited $?"
}
check_router() {	# file, python condition on r (the router), s (stats)
	python3 - "$1" "$2" << 'EOP'
import json, sys
s = json.loads(open(sys.argv[1]).read().splitlines()[-1])
rs = s.get("rtr_audit", [])
r = rs[0] if len(rs) == 1 else None
ok = r is not None and eval(sys.argv[2])
if not ok:
    print("  router:", json.dumps(r))
sys.exit(0 if ok else 1)
EOP
}
check_offline() {	# pcap: whole = complete, cut = partial, then complete
	offline "$1"
	check_router "$W/off.json" 'r["state"] == "complete" and r["vrps"] == 3 and r["lacks"] == 0 and r["extra"] == 0 and r["compared"] and r["router"] == "10.178.0.2" and r["cache_port"] == 8282 and s["rtr_audit_complete"] >= 2 and s["rtr_audit_malformed"] == 0' ||
	    fail "$1: the router's set is not the reference's 3 VRPs"
	# cut: from the first Serial Query on (after the first full exchange)
	python3 - "$1" "$W/cut.pcap" "$W/cutn" << 'EOP' || fail "cannot cut $1"
import sys
sys.path.insert(0, "tests/lib")
import pcapfile
hdr, lt, endian, frames = pcapfile.read_pcap(sys.argv[1])
first = None
resets = []
for i, (rec, data) in enumerate(frames):
    t = pcapfile.tcp_info(lt, data)
    if t is None:
        continue
    pl = t["payload"]
    if len(pl) >= 8 and pl[1] == 1 and first is None:
        first = i		# a Serial Query
    if len(pl) >= 8 and pl[1] == 2:
        resets.append(i)	# Reset Queries
later = [i for i in resets if first is not None and i > first]
if first is None or not later:
    sys.exit(1)
pcapfile.write_pcap(sys.argv[2], hdr, endian, frames[first:])
open(sys.argv[3], "w").write(str(later[0] - first))	# frames before it
EOP
	offline "$W/cut.pcap" -c "$(cat "$W/cutn")"
	check_router "$W/off.json" 'r["state"] == "partial" and not r["compared"] and s["rtr_audit_complete"] == 0' ||
	    fail "$1 cut mid-session: not partial before the next Reset Query"
	grep -q '"type":"rtr-partial"' "$W/off-alerts.json" ||
	    fail "$1 cut mid-session: no rtr-partial alert"
	offline "$W/cut.pcap"
	check_router "$W/off.json" 'r["state"] == "complete" and r["vrps"] == 3 and r["lacks"] == 0 and r["extra"] == 0 and s["rtr_audit_complete"] >= 1' ||
	    fail "$1 cut mid-session: not complete after the next full exchange"
}
VRPS=$VRPS1
if [ -f "$PCAP" ] || [ -z "${RTR_KEEP_PCAP:-}" ]; then
	check_offline "$PCAP"
fi

# --- live ---------------------------------------------------------------------
for c in bird birdc stayrtr tcpdump ethtool python3; do
	command -v $c > /dev/null || { echo "SKIP: $c not installed (make deps)"; exit 77; }
done
lab_ns NC rv78-c || { echo "SKIP: cannot create network namespaces here"; exit 77; }
lab_ns NR rv78-r && lab_ns NS rv78-s && lab_ns NM rv78-m || fail "namespaces"
lab_mirror "$NM" br0 && lab_veth "$NC" c0 "$NM" pc && lab_veth "$NR" r0 "$NM" pr &&
    lab_veth "$NS" s0 "$NM" ps && lab_join "$NM" br0 pc pr ps &&
    lab_addr "$NC" c0 10.178.0.1/24 && lab_addr "$NR" r0 10.178.0.2/24 &&
    lab_addr "$NS" s0 10.178.0.3/24 &&
    lab_mirror_port "$NM" br0 mon0 mon1 && lab_mirror_port "$NM" br0 mon2 mon3 ||
    fail "links"

vrps() {	# the set (1 or 2) as StayRTR/rpki-client JSON, expiring in 2100
	python3 - "$1" << 'EOP'
import json, sys
roas = [("192.0.2.0/24", 24, 65001), ("203.0.113.0/24", 24, 64999)]
roas += [("198.51.100.0/24", 24, 65001)] if sys.argv[1] == "1" else \
    [("198.51.100.0/24", 24, 65099), ("10.99.0.0/16", 16, 65001)]
print(json.dumps({"metadata": {"buildtime": "2026-12-06T12:00:00Z"},
    "roas": [{"prefix": p, "maxLength": m, "asn": "AS%d" % a, "ta": "lab",
              "expires": 4102444800} for p, m, a in roas]}, indent=1))
EOP
}
vrps 1 > "$W/cache.json" && cp "$W/cache.json" "$W/ref.json" &&
    cp "$W/cache.json" "$W/set1.json"
lab_bg stayrtr "$NC" stayrtr -checktime=false -cache "$W/cache.json" \
    -bind 10.178.0.1:8282 -refresh 1 -metrics.addr 127.0.0.1:9878 -log.verbose=false

cat > "$W/r.conf" << EOC
router id 10.178.0.2;
log "$W/r.birdlog" all;
roa4 table r4;
protocol device {}
protocol rpki rtr {
	roa4 { table r4; };
	remote 10.178.0.1 port 8282;
	retry keep 1;
	refresh keep 1;
}
protocol bgp froms {
	local 10.178.0.2 as 65002;
	neighbor 10.178.0.3 as 65001;
	connect delay time 1; connect retry time 1; error wait time 1, 2;
	ipv4 { import where roa_check(r4, net, bgp_path.last) != ROA_INVALID; export none; };
}
EOC
cat > "$W/s.conf" << EOC
router id 10.178.0.3;
protocol device {}
protocol static st {
	ipv4;
	route 192.0.2.0/24 blackhole;
	route 198.51.100.0/24 blackhole;
	route 203.0.113.0/24 blackhole;
	route 10.99.0.0/16 blackhole;
}
protocol bgp tor {
	local 10.178.0.3 as 65001;
	neighbor 10.178.0.2 as 65002;
	connect delay time 1; connect retry time 1; error wait time 1, 2;
	ipv4 { import none; export all; };
}
EOC
bird -p -c "$W/r.conf" && bird -p -c "$W/s.conf" || fail "bad BIRD config"
lab_bg tcpdump "$NM" tcpdump -U -n -i mon3 -w "$W/rec.pcap" tcp port 8282
TPID=$LAB_LASTPID
lab_bg rovmon "$NM" "$B/rovmon" -i mon1 --vrps "$W/ref.json" --rtr-audit \
    --rtr-stale 4 --alerts "$W/alerts.json" --stats "$W/stats.json" \
    --rules rules/rovmon.rules --sensor s78 -q --pidfile "$W/rovmon.pid"
MPID=$LAB_LASTPID
lab_waitfor 10 "capture" grep -q listening "$W/tcpdump.log" || fail "tcpdump"
# the pid file is written once the capture is open and signals handled
lab_waitfor 10 "rovmon" test -s "$W/rovmon.pid" || fail "rovmon did not start"
lab_bg birdr "$NR" bird -f -c "$W/r.conf" -s "$W/r.ctl"
lab_bg birds "$NS" bird -f -c "$W/s.conf" -s "$W/s.ctl"
stats_ok() {	# python condition: a fresh stats line satisfies it
	kill -USR1 "$MPID" 2> /dev/null || return 1
	sleep 0.2
	check_router "$W/stats.json" "$1" > /dev/null
}

# 1. in sync: rovmon's rebuilt set is stayrtr's (= the reference)
lab_waitfor 20 "sync" stats_ok 'r["state"] == "complete" and r["vrps"] == 3 and r["compared"] and r["lacks"] == 0 and r["extra"] == 0 and s["routes_stored"] == 4' ||
    { check_router "$W/stats.json" 'False'; fail "router not complete with the reference's 3 VRPs"; }
lab_waitfor 10 "BIRD's ROA table" sh -c "birdc -s '$W/r.ctl' show route table r4 count | grep -q '3 of 3'" ||
    fail "BIRD did not load 3 ROAs"
# a second full exchange for the recording (the cut test's "next" one)
birdc -s "$W/r.ctl" restart rtr > /dev/null || fail "birdc restart rtr"
lab_waitfor 10 "second exchange" stats_ok 'r["sessions"] >= 2 and r["state"] == "complete" and s["rtr_audit_complete"] >= 2' ||
    { check_router "$W/stats.json" False; grep -c . "$W/stayrtr.log"; grep -v identical "$W/stayrtr.log" | tail; fail "no second full exchange"; }

# 2. BIRD stops hearing the cache; cache and reference move on
ip -n "$NR" route add blackhole 10.178.0.1/32 || fail "blackhole route"
vrps 2 > "$W/cache.new" && mv "$W/cache.new" "$W/cache.json"
vrps 2 > "$W/ref.new" && mv "$W/ref.new" "$W/ref.json"
kill -HUP "$MPID"
lab_waitfor 20 "drift" stats_ok 'r["lacks"] == 2 and r["extra"] == 1 and r["lacks_examples"] == ["10.99.0.0/16-16 AS65001", "198.51.100.0/24-24 AS65099"] and r["extra_examples"] == ["198.51.100.0/24-24 AS65001"] and r["misjudged"] == 2 and r["invalid_accepted"] == 1 and r["vrps"] == 3 and r["serial_lag"] >= 1' ||
    { check_router "$W/stats.json" 'False'; fail "no exact difference reported"; }
lab_waitfor 10 "stale" grep -q '"type":"rtr-stale"' "$W/alerts.json" ||
    fail "no rtr-stale alert"
birdc -s "$W/r.ctl" show route 198.51.100.0/24 | grep -q "198.51.100.0/24" ||
    fail "BIRD does not hold the stale route (the scenario did not happen)"
python3 - "$W/alerts.json" << 'EOP' || fail "alerts"
import json, sys
ev = {}
for line in open(sys.argv[1]):
    a = json.loads(line)
    if "event" in a:
        ev.setdefault(a["event"]["type"], []).append(a)
d = ev["rtr-drift"][-1]
assert d["sid"] == 1000102 and d["event"]["addr"] == "10.178.0.2", d
assert d["event"]["lacks"] == 2 and d["event"]["extra"] == 1, d
assert d["event"]["lacks_examples"] == ["10.99.0.0/16-16 AS65001", "198.51.100.0/24-24 AS65099"], d
assert d["event"]["extra_examples"] == ["198.51.100.0/24-24 AS65001"], d
m = ev["rtr-misjudged"][-1]
assert m["sid"] == 1000101 and m["priority"] == 1, m
assert m["event"]["routes"] == 2 and m["event"]["invalid_accepted"] == 1, m
assert sorted(m["event"]["examples"]) == [
    "10.99.0.0/16 AS65001 from 10.178.0.3: valid, router not-found",
    "198.51.100.0/24 AS65001 from 10.178.0.3: invalid, router valid"], m
assert ev["rtr-stale"][-1]["sid"] == 1000103
assert "rtr-partial" not in ev, ev.get("rtr-partial")
EOP
kill "$TPID" 2> /dev/null
lab_waitfor 5 "tcpdump" sh -c "! kill -0 $TPID"
if [ -n "${RTR_KEEP_PCAP:-}" ]; then
	cp "$W/rec.pcap" "$RTR_KEEP_PCAP" && cp "$W/set1.json" "${RTR_KEEP_PCAP%.pcap}.json"
fi
# 3. the fresh recording offline, whole and cut (its first exchange only
# counts: the drift part has no further Reset Query)
VRPS=$W/set1.json
check_offline "$W/rec.pcap"
echo "PASS 78-rtr-audit: BIRD's RTR set rebuilt from the wire, the drift (lacks 2, extra 1, 2 routes misjudged, 1 INVALID accepted), stale, partial-then-complete"
