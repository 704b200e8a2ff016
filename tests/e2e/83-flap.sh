#!/bin/sh
# A session flap is not an alert storm (issue 16; docs/alerts.md "Session
# flaps"), with real speakers: BIRD A (AS 65001, passive) announces a table
# of 3,072 routes (1,024 VALID, 1,024 INVALID, 1,024 NOT_FOUND against the
# VRPs below) to BIRD B (AS 65002) over eBGP across a mirrored veth; one
# rovmon -i --stale-time 15 on the mirror.
#  1. every INVALID and NOT_FOUND route alerts once (2,048 alerts);
#  2. B's protocol is disabled (a NOTIFICATION, Cease), A's table is
#     changed while the session is down (birdc configure), B's protocol is
#     enabled again: the alerts of the flap are exactly session-down
#     (1000108, with the NOTIFICATION and the 3,072 routes held),
#     session-up (1000109) and the routes whose state changed: 10 VALID
#     -> INVALID (1000001), 10 INVALID -> VALID (1000007 valid), 5
#     INVALID with another invalid origin (1000001), 10 new NOT_FOUND
#     (1000005), and of the 15 routes A no longer has the 10 that had
#     alerted (1000007 stale, at A's End-of-RIB); the 3,032 routes
#     announced again unchanged and 5 whose AS path alone changed raise
#     nothing;
#  3. B's protocol is disabled for good: session-down, then, after the
#     15 s hold, session-gone (1000110) and every alerted route resolved
#     ("session-gone"): 2,049, and nothing else;
#  4. the statistics agree (rib_held 2, rib_adopted 1, rib_stale_resolved
#     15, rib_gone_resolved 3,067, nothing held or stale at the end).
# Exit 0 pass, 1 fail, 77 skip (no namespaces or no BIRD).
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
B=${ROVMON_BUILD:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
[ -x "$B/rovmon" ] || { echo "FAIL: build $B/rovmon first"; exit 1; }
for c in bird birdc; do
	command -v $c > /dev/null || { echo "SKIP: speaker binary $c not installed"; exit 77; }
done
command -v python3 > /dev/null || { echo "FAIL: python3 not installed"; exit 1; }
. tests/lib/lab.sh
lab_ns NA rv83-a || { echo "SKIP: cannot create network namespaces here"; exit 77; }
W=$(mktemp -d /tmp/rovmon-83.XXXXXX)
LAB_DIR=$W
MPID=""
cleanup() {
	[ -n "$MPID" ] && kill "$MPID" 2> /dev/null
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

lab_ns NB rv83-b && lab_ns NM rv83-m || fail "namespaces"
# private test addresses only (10.183.0.0/24 for the link; the routes are
# data in 10.184-187.0.0/16)
lab_mirror $NM br0 && lab_veth $NA a0 $NM pa && lab_veth $NB b0 $NM pb &&
	lab_join $NM br0 pa pb && lab_addr $NA a0 10.183.0.1/24 &&
	lab_addr $NB b0 10.183.0.2/24 || fail "speaker network"
lab_mirror_port $NM br0 mon0 mon1 || fail "mirror port"

# The table, A's two configurations, the VRPs and the expected alerts of
# each part, written by one generator.
python3 - "$W" << 'EOF' || fail "generator"
import json, sys
w = sys.argv[1]
def routes(net, n):            # n /26s of 10.<net>.0.0/16
    return ["10.%d.%d.%d/26" % (net, i // 4, (i % 4) * 64) for i in range(n)]
V, I, N = routes(184, 1024), routes(185, 1024), routes(186, 1024)
t1 = {p: [64501] for p in V}                 # VALID: ROA 10.184/16-26 AS 64501
t1.update({p: [64502] for p in I})           # INVALID (as): ROA for AS 64599
t1.update({p: [64503] for p in N})           # NOT_FOUND: no ROA
t2 = dict(t1)
for p in V[:10]: t2[p] = [64502]             # VALID -> INVALID
for p in I[:10]: t2[p] = [64599]             # INVALID -> VALID
for p in I[10:15]: t2[p] = [64555]           # INVALID, another origin
for p in I[15:20] + V[20:25] + N[20:25]:     # gone from A
    del t2[p]
for p in routes(187, 10): t2[p] = [64504]    # new NOT_FOUND
for p in N[30:35]: t2[p] = [64503, 64900]    # path only: same origin
def conf(t, path):
    with open(path, "w") as f:
        f.write("router id 10.183.0.1;\nprotocol device {}\n"
                "protocol static st {\n\tipv4 { import all; };\n")
        for p, asns in t.items():
            pre = "".join("bgp_path.prepend(%d); " % a for a in asns)
            f.write("\troute %s blackhole { %s};\n" % (p, pre))
        f.write("}\nprotocol bgp b {\n\tlocal 10.183.0.1 as 65001;\n"
                "\tneighbor 10.183.0.2 as 65002;\n\tpassive;\n"
                "\tipv4 { import none; export all; };\n}\n")
conf(t1, w + "/a1.conf")
conf(t2, w + "/a2.conf")
roas = [{"prefix": "10.184.0.0/16", "maxLength": 26, "asn": 64501},
        {"prefix": "10.185.0.0/16", "maxLength": 26, "asn": 64599}]
for r in roas:
    r.update(ta="test", expires=4102444800)
json.dump({"metadata": {"buildtime": "2026-01-01T00:00:00Z", "roas": 2}, "roas": roas},
          open(w + "/vrps.json", "w"))
def state(p, asns):
    o = asns[0]                              # the first prepended is the origin
    if p.startswith("10.184."): return "valid" if o == 64501 else "invalid"
    if p.startswith("10.185."): return "valid" if o == 64599 else "invalid"
    return "not-found"
SID = {"invalid": 1000001, "not-found": 1000005}
exp = {"initial": [], "flap": [], "gone": []}
for p, a in t1.items():
    s = state(p, a)
    if s in SID: exp["initial"].append((SID[s], "announce", p, s))
for p, a in t2.items():
    s, old = state(p, a), t1.get(p)
    os_ = state(p, old) if old else None
    if old is None or (old[0] != a[0] and s != "valid"):
        if s in SID: exp["flap"].append((SID[s], "announce", p, s))
    elif old[0] != a[0] and s == "valid" and os_ in SID:
        exp["flap"].append((1000007, "resolved/valid", p, s))
for p, a in t1.items():
    if p not in t2 and state(p, a) in SID:
        exp["flap"].append((1000007, "resolved/stale", p, state(p, a)))
for p, a in t2.items():
    s = state(p, a)
    if s in SID: exp["gone"].append((1000007, "resolved/session-gone", p, s))
json.dump({"exp": exp, "n1": len(t1), "n2": len(t2)}, open(w + "/expected.json", "w"))
print(len(t1), len(t2), len(exp["initial"]), len(exp["flap"]), len(exp["gone"]),
      file=open(w + "/counts", "w"))
EOF
read N1 N2 NINIT NFLAP NGONE < "$W/counts"
cat > "$W/b.conf" << 'EOF'
router id 10.183.0.2;
protocol device {}
protocol bgp a {
	local 10.183.0.2 as 65002;
	neighbor 10.183.0.1 as 65001;
	connect delay time 1;
	connect retry time 1;
	error wait time 1, 2;
	ipv4 { import all; export none; };
}
EOF
bird -p -c "$W/a1.conf" && bird -p -c "$W/a2.conf" && bird -p -c "$W/b.conf" ||
	fail "bad BIRD config"

ip netns exec $NM "$B/rovmon" -i mon1 --vrps "$W/vrps.json" --rules rules/rovmon.rules \
    --stale-time 15 --alerts "$W/a.json" --routes "$W/r.jsonl" --stats "$W/s.json" \
    --pidfile "$W/started" 2> "$W/rovmon.err" &
MPID=$!
waitfor 10 "rovmon started" test -s "$W/started"

lab_bg birda $NA bird -f -c "$W/a1.conf" -s "$W/a.ctl" -P "$W/a.pid"
lab_bg birdb $NB bird -f -c "$W/b.conf" -s "$W/b.ctl" -P "$W/b.pid"
waitfor 10 "bird sockets" test -S "$W/a.ctl" -a -S "$W/b.ctl"
established() { birdc -s "$W/b.ctl" show protocols a | grep -q Established; }
bcount() { [ "$(birdc -s "$W/b.ctl" show route count table master4 | awk '/routes for/ {print $1}')" = "$1" ]; }
count() { [ "$(grep -c "$2" "$W/a.json" 2> /dev/null)" -ge "$3" ]; }	# count - PATTERN N

# ---- 1. the table --------------------------------------------------------------
waitfor 30 "eBGP session established" established
waitfor 30 "B: $N1 routes" bcount "$N1"
waitfor 20 "$NINIT alerts" count - '"sid"' "$NINIT"

# ---- 2. the flap: down, A's table changed, up again ------------------------------
birdc -s "$W/b.ctl" disable a > /dev/null || fail "birdc disable"
waitfor 20 "session-down alert" count - '"session-down"' 1
birdc -s "$W/a.ctl" configure \""$W/a2.conf"\" > "$W/configure.log" 2>&1 ||
	fail "birdc configure a2.conf"
acount() { [ "$(birdc -s "$W/a.ctl" show route count table master4 | awk '/routes for/ {print $1}')" = "$N2" ]; }
waitfor 10 "A: $N2 routes" acount
birdc -s "$W/b.ctl" enable a > /dev/null || fail "birdc enable"
waitfor 30 "eBGP session re-established" established
waitfor 30 "B: $N2 routes" bcount "$N2"
# every alert of the flap (those of the stale routes come at A's End-of-RIB)
waitfor 40 "$NINIT + $NFLAP + 2 alerts" count - '"sid"' $((NINIT + NFLAP + 2))

# ---- 3. down for good: every held route resolved after the hold ------------------
birdc -s "$W/b.ctl" disable a > /dev/null || fail "birdc disable (2)"
waitfor 20 "second session-down alert" count - '"session-down"' 2
waitfor 60 "session-gone alert" count - '"session-gone"' 1
waitfor 20 "$NGONE resolutions" count - '"resolve_reason":"session-gone"' "$NGONE"
kill "$MPID"
i=0
while kill -0 "$MPID" 2> /dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait "$MPID" || fail "rovmon exited $?"
MPID=""

python3 - "$W" << 'EOF' || fail "alerts"
import collections, json, sys
w = sys.argv[1]
e = json.load(open(w + "/expected.json"))
alerts = [json.loads(l) for l in open(w + "/a.json")]
st = [json.loads(l) for l in open(w + "/s.json")][-1]
def key(a):
    b = a["bgp"]
    ev = b["event"] + ("/" + b["resolve_reason"] if b["event"] == "resolved" else "")
    return (a["sid"], ev, b["prefix"], (b.get("rpki") or {}).get("state") or b.get("prev_state"))
# the parts, split at the session events
downs = [i for i, a in enumerate(alerts) if a.get("event", {}).get("type") == "session-down"]
ok = True
def bad(m):
    global ok
    ok = False
    print("FAIL:", m)
if len(downs) != 2:
    bad("%d session-down alerts, want 2" % len(downs))
    sys.exit(1)
parts = {"initial": alerts[:downs[0]], "flap": alerts[downs[0]:downs[1]],
         "gone": alerts[downs[1]:]}
for name, al in parts.items():
    sev = [(a["sid"], a["event"]["type"]) for a in al if "bgp" not in a]
    want_sev = {"initial": [], "flap": [(1000108, "session-down"), (1000109, "session-up")],
                "gone": [(1000108, "session-down"), (1000110, "session-gone")]}[name]
    if sev != want_sev:
        bad("%s: session alerts %s, want %s" % (name, sev, want_sev))
    got = collections.Counter(key(a) for a in al if "bgp" in a)
    exp = collections.Counter(tuple(x) for x in e["exp"][name])
    if got != exp:
        bad("%s: route alerts differ: missing %s, unexpected %s" % (
            name, list((exp - got).items())[:5], list((got - exp).items())[:5]))
    by = collections.Counter(k[0] for k in got.elements())
    print("%s: %d session alerts %s, %d route alerts %s" % (
        name, len(sev), [t for _, t in sev], sum(got.values()), dict(sorted(by.items()))))
d1, up, d2, gone = (a["event"] for a in alerts if "bgp" not in a)
if not (d1["reason"] == "notification" and d1["code"] == 6 and d1["routes_held"] == e["n1"]
        and d1["peer_as"] in (65001, 65002) and d1["as"] in (65001, 65002)):
    bad("first session-down: %s" % d1)
if not (up["routes_held"] == e["n1"] and up["previous_session_id"] == d1["session_id"]
        and up["session_id"] != d1["session_id"]):
    bad("session-up: %s" % up)
if not (d2["routes_held"] == e["n2"] and gone["routes_resolved"] == e["n2"]
        and gone["held_seconds"] >= 15):
    bad("second session-down / session-gone: %s / %s" % (d2, gone))
print("session-down: %s (%s/%s), %d routes held; session-up after %d s; "
      "session-gone after %d s: %d routes" % (d1["notification"], d1["code"], d1["subcode"],
      d1["routes_held"], up["down_seconds"], gone["held_seconds"], gone["routes_resolved"]))
# the stale routes went at A's End-of-RIB, not at the end of the 15 s wait
upt = [a["@timestamp"] for a in parts["flap"] if a.get("event", {}).get("type") == "session-up"][0]
stale_t = [a["@timestamp"] for a in parts["flap"] if "bgp" in a
           and a["bgp"].get("resolve_reason") == "stale"]
from datetime import datetime
def t(x):
    return datetime.strptime(x, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()
if len(stale_t) != 10 or max(t(x) for x in stale_t) - t(upt) >= 15:
    bad("stale resolutions %s: not all at A's End-of-RIB (session up %s, wait 15 s)" % (stale_t, upt))
want = {"rib_held": 2, "rib_adopted": 1, "rib_resumed": 0, "rib_stale_resolved": 15,
        "rib_gone_resolved": e["n2"], "rib_held_sessions": 0, "rib_held_routes": 0,
        "rib_stale_routes": 0, "routes_stored": 0}
got = {k: st.get(k) for k in want}
if got != want:
    bad("statistics %s, want %s" % (got, want))
print("stale routes resolved %s (session up %s); statistics %s" % (
    sorted(set(stale_t)), upt, got))
sys.exit(0 if ok else 1)
EOF
echo "PASS: a flap of a $N1-route session is 2 session alerts and $NFLAP route alerts; a session that does not come back resolves its $NGONE alerted routes"
