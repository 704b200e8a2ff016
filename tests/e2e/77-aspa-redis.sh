#!/bin/sh
# tsan: yes
# ASPA re-verification on a live sensor (issue 14): rovmon -i listens on a
# veth in a private namespace with --redis and the default rules; the
# real-speaker capture pcaps/roles-otc.pcap (BGP roles in the OPENs, OTC
# leaks) is replayed with generation 1 = pcaps/roles-aspa.json (its VRPs
# and ASPAs).  Then rovctl loads two generations, each changing ONE
# customer's provider set:
#   2: AS64505's provider 65050 is replaced by 65099 (routes through
#      64505 -> 65050 turn ASPA invalid);
#   3: AS64501 gains provider 65020 (its routes, invalid, turn valid).
# After each swap the sensor must alert exactly the stored routes whose
# ASPA verdict changed:
#   - each route that becomes invalid: one 1000008 "revalidate" alert,
#     with prev_aspa_state its old state and the deciding hop;
#   - each route that stops being invalid and is no leak: one 1000007
#     "resolved" (valid) alert; a leak stays alerted (its leak rule still
#     matches: docs/rules.md, "Once per route");
#   - nothing for the others (unknown <-> valid, unchanged routes), and
#     no ROV alert (every route is RPKI valid in every generation).
# The expected verdicts under each generation come from an offline run
# with the same file (--vrps), i.e. as a fresh announcement is judged.
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
PCAP=pcaps/roles-otc.pcap
GEN1=pcaps/roles-aspa.json
[ -f "$PCAP" ] && [ -f "$GEN1" ] || { echo "no $PCAP or $GEN1"; exit 77; }
command -v redis-server > /dev/null || { echo "redis-server not installed"; exit 77; }
command -v tcpreplay > /dev/null || { echo "tcpreplay not installed"; exit 77; }
. tests/lib/lab.sh
lab_ns NS rovmon-aspa || { echo "cannot create network namespaces here"; exit 77; }
tmp=$(mktemp -d /tmp/rovmon-aspa.XXXXXX)
SOCK=$tmp/redis.sock
U=unix://$SOCK
. tests/lib/redis.sh
mpid=""
cleanup() {
	[ -n "$mpid" ] && kill "$mpid" 2> /dev/null
	redis_cleanup
	wait 2> /dev/null
	lab_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/rovmon.err" ] && tail -n 20 "$tmp/rovmon.err"; exit 1; }
# Waits poll a condition (never a fixed time), up to 30 s.
waitfor() {
	i=0
	while ! "$@" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	"$@"
}
nlines() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
has_lines() { [ "$(nlines "$2")" -ge "$1" ]; }	# N FILE
# sensor_at GEN: a new stats line (SIGUSR1, which also drains the alerts
# gathered so far) says the sensor uses generation GEN
sensor_at() {
	lab_stats_line "$mpid" "$tmp/live.stats" || return 1
	python3 -c 'import json, sys
s = json.loads(open(sys.argv[1]).read().splitlines()[-1])
sys.exit(0 if s["vrp_generation"] == int(sys.argv[2]) else 1)' \
	    "$tmp/live.stats" "$1"
}
wait_sensor_at() {	# GEN: up to ~30 s
	ws_i=0
	until sensor_at "$1"; do
		ws_i=$((ws_i + 1)); [ $ws_i -lt 100 ] || return 1
		sleep 0.2
	done
}

# Generations 2 and 3: one customer's provider set changes in each.
python3 - "$GEN1" "$tmp/gen2.json" "$tmp/gen3.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
def change(customer, drop, add):
    n = 0
    for a in doc["aspas"]:
        if a["customer_asid"] == customer:
            a["providers"] = sorted(set(a["providers"]) - set(drop) | set(add))
            n += 1
    assert n == 1, "AS%d has no ASPA in %s" % (customer, sys.argv[1])
change(64505, [65050], [65099])
json.dump(doc, open(sys.argv[2], "w"))
change(64501, [], [65020])
json.dump(doc, open(sys.argv[3], "w"))
PY
# What a fresh announcement gets under each generation.
for g in 1 2 3; do
	f=$GEN1; [ $g = 1 ] || f=$tmp/gen$g.json
	"$B/rovmon" -r "$PCAP" --vrps "$f" --routes "$tmp/offline$g.jsonl" \
	    --stats /dev/null 2> "$tmp/offline$g.err" || fail "offline run with generation $g: $(cat "$tmp/offline$g.err")"
done
NEV=$(wc -l < "$tmp/offline1.jsonl")
python3 - "$tmp/offline1.jsonl" <<'PY' || { echo "rovmon gives no ASPA verdict to $PCAP (roles or ASPA data missing)"; exit 77; }
import json, sys
sys.exit(0 if any(json.loads(l).get("aspa") for l in open(sys.argv[1])) else 1)
PY

redis_start "$SOCK" > "$tmp/redis.start" || fail "redis did not start: $(cat "$tmp/redis.start")"
"$B/rovctl" vrp load --from "$GEN1" --redis "$U" > /dev/null 2>&1 || fail "load generation 1"
g1=$(redis-cli -s "$SOCK" get rovmon:vrp:current)
lab_veth "$NS" rvtx "$NS" rvrx || fail "veth"
# The pid file is written once the capture is open (and the first
# generation loaded): replaying before would lose packets.
ip netns exec "$NS" "$B/rovmon" -i rvrx --redis "$U" --routes "$tmp/live.jsonl" \
    --alerts "$tmp/live.alerts" --rules rules/rovmon.rules --sensor s \
    --pidfile "$tmp/rovmon.pid" --stats "$tmp/live.stats" 2> "$tmp/rovmon.err" &
mpid=$!
waitfor test -s "$tmp/rovmon.pid" || fail "rovmon -i never opened the capture"
ip netns exec "$NS" tcpreplay -q -i rvtx --mbps 20 "$PCAP" > /dev/null 2>&1 || fail "tcpreplay"
waitfor has_lines "$NEV" "$tmp/live.jsonl" ||
	fail "$(nlines "$tmp/live.jsonl") route events, want $NEV"
wait_sensor_at "$g1" || fail "no statistics line at generation $g1"
N1=$(nlines "$tmp/live.alerts")
# swap GEN: load it, wait until the sensor uses it (its alerts drained)
swap() {
	"$B/rovctl" vrp load --from "$tmp/gen$1.json" --redis "$U" > /dev/null 2>&1 || fail "load generation $1"
	g=$(redis-cli -s "$SOCK" get rovmon:vrp:current)
	[ "$g" != "$2" ] || fail "generation $1 is $g, as the one before"
	wait_sensor_at "$g" || fail "the sensor did not adopt generation $1 ($g)"
}
swap 2 "$g1"; g2=$g
N2=$(nlines "$tmp/live.alerts")
swap 3 "$g2"; g3=$g
kill -INT "$mpid"; wait "$mpid"; st=$?; mpid=""
[ $st -eq 0 ] || fail "rovmon exited $st"
cmp -s "$tmp/live.jsonl" "$tmp/offline1.jsonl" 2> /dev/null ||
	python3 - "$tmp/live.jsonl" "$tmp/offline1.jsonl" <<'PY' || fail "the live route log differs from the offline one beyond time stamps and frame numbers"
import json, sys
def strip(e):
    if "rpki" in e:
        e["rpki"].pop("generation")
    return {k: v for k, v in e.items() if k not in ("ts", "pkt_num")}
a = [strip(json.loads(l)) for l in open(sys.argv[1])]
b = [strip(json.loads(l)) for l in open(sys.argv[2])]
sys.exit(0 if sorted(map(json.dumps, a)) == sorted(map(json.dumps, b)) else 1)
PY

check() {	# BEFORE.jsonl AFTER.jsonl FIRST LAST GEN WANT: the alerts FIRST..LAST
python3 - "$@" "$tmp/live.alerts" <<'PY'
import collections, json, sys
b_path, a_path, first, last, gen, need, alerts = sys.argv[1:8]
first, last, gen = int(first), int(last), int(gen)
def stored(path):
    """The routes stored at the end: the last event per route is an announcement."""
    last = {}
    for l in open(path):
        e = json.loads(l)
        key = (e["src_addr"], e["src_port"], e["dst_addr"], e["dst_port"], e["prefix"], e.get("path_id"))
        last[key] = e if e["event"] == "announce" else None
    return {(k[0], k[2], k[4]): e for k, e in last.items() if e is not None}
before, after = stored(b_path), stored(a_path)
assert set(before) == set(after)
want = collections.Counter()
flips = collections.Counter()
for k, e in before.items():
    s1 = (e["aspa"] or {}).get("state")
    s2 = (after[k]["aspa"] or {}).get("state")
    if s1 == s2 or s2 is None:
        continue
    flips[(s1, s2)] += 1
    if s2 == "invalid":
        want[(1000008, "revalidate", None) + k + (s1, s2)] += 1
    elif s1 == "invalid" and e["leak"] is None:
        want[(1000007, "resolved", "valid") + k + (s1, s2)] += 1
got = collections.Counter()
lines = open(alerts).read().splitlines()
for l in lines[first:last]:
    a = json.loads(l)
    b = a["bgp"]
    got[(a["sid"], b["event"], b.get("resolve_reason"), a["src_addr"], a["dst_addr"], b["prefix"],
         b["prev_aspa_state"], (b["aspa"] or {}).get("state"))] += 1
    if b["event"] == "revalidate" and not (b["rpki"]["generation"] == gen and
            b["aspa"]["reason"] is not None and b["aspa"]["hop"] is not None and a["pkt_num"] == 0):
        print("FAIL: revalidate alert without the generation, a reason or the hop:", l)
        sys.exit(1)
print(f"generation {gen}: ASPA flips {dict(flips)}; {last - first} alerts, {sum(want.values())} expected")
if not any((s2 if need == "into" else s1) == "invalid" for s1, s2 in flips):
    print(f"FAIL: no route flips {need} invalid: the test proves little")
    sys.exit(1)
if got != want:
    print("FAIL: the alerts after the swap are not exactly the flipped routes'")
    for k, n in (want - got).items():
        print("  missing   ", n, k)
    for k, n in (got - want).items():
        print("  unexpected", n, k)
    sys.exit(1)
PY
}
N3=$(nlines "$tmp/live.alerts")
check "$tmp/live.jsonl" "$tmp/offline2.jsonl" "$N1" "$N2" "$g2" into || exit 1
check "$tmp/offline2.jsonl" "$tmp/offline3.jsonl" "$N2" "$N3" "$g3" out || exit 1
echo PASS
