#!/bin/sh
# tsan: yes
# A live sensor following Redis: rovmon -i listens on a veth in a private
# namespace with --redis; a session is replayed, a new VRP generation that
# deletes the ROAs which made one route VALID is loaded with rovctl, the
# session is replayed again (as a new TCP session), then Redis is killed,
# a replay must still be logged, Redis comes back empty, a third
# generation is loaded and a last replay must be judged by it.  The outage
# is no refused VRP set: vrp_load_failed stays 0.
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
PCAP=pcaps/as2-session.pcap
VRPS=pcaps/demo-vrps.json
command -v redis-server > /dev/null || { echo "redis-server not installed"; exit 77; }
command -v tcpreplay > /dev/null || { echo "tcpreplay not installed"; exit 77; }
. tests/lib/lab.sh
lab_ns NS rovmon-sensor || { echo "cannot create network namespaces here"; exit 77; }
tmp=$(mktemp -d /tmp/rovmon-sensor.XXXXXX)
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
start_redis() { redis_start "$SOCK" > "$tmp/redis.start" || fail "redis did not start: $(cat "$tmp/redis.start")"; }
# Waits poll a condition (never a fixed time), up to 30 s.
waitfor() {
	i=0
	while ! "$@" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	"$@"
}
nlines() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
has_lines() { [ "$(nlines "$2")" -ge "$1" ]; }	# N FILE
nrep=0
replay() { # FILE: replay onto the monitor veth, wait until rovmon logged it
	ip netns exec "$NS" tcpreplay -q -i rvtx --mbps 20 "$1" > /dev/null 2>&1 || fail "tcpreplay $1"
	nrep=$((nrep + 1))
	waitfor has_lines $((nrep * NEV)) "$tmp/live.jsonl" ||
		fail "replay $nrep: $(nlines "$tmp/live.jsonl") route events, want $((nrep * NEV))"
}
# sensor_at GEN: a new stats line (SIGUSR1) says the sensor is connected to
# Redis and uses generation GEN
sensor_at() {
	lab_stats_line "$mpid" "$tmp/live.stats" || return 1
	python3 -c 'import json, sys
s = json.loads(open(sys.argv[1]).read().splitlines()[-1])
sys.exit(0 if s["vrp_generation"] == int(sys.argv[2]) and s["redis"]["connected"] else 1)' \
	    "$tmp/live.stats" "$1"
}
wait_sensor_at() {	# GEN: up to ~30 s
	ws_i=0
	until sensor_at "$1"; do
		ws_i=$((ws_i + 1)); [ $ws_i -lt 100 ] || return 1
		sleep 0.2
	done
}

# The route to break: the first VALID announcement of the capture.
"$B/rovmon" -r "$PCAP" --vrps "$VRPS" --routes "$tmp/offline.jsonl" --stats /dev/null 2> /dev/null ||
	fail "offline run"
read -r PFX ORIGIN <<EOT
$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("rpki", {}).get("state") == "valid":
        print(e["prefix"], e["origin_as"]); break' "$tmp/offline.jsonl")
EOT
[ -n "$PFX" ] || fail "no VALID route in $PCAP"
NEV=$(wc -l < "$tmp/offline.jsonl")	# route events of one replay
# Generation 2: the ROAs that make PFX valid are edited to authorise
# another AS (64496, reserved for documentation): the operator's mistake
# this tool exists to catch.
python3 - "$VRPS" "$PFX" "$ORIGIN" "$tmp/gen2.json" <<'PY'
import ipaddress, json, sys
doc = json.load(open(sys.argv[1])); p = ipaddress.ip_network(sys.argv[2]); o = int(sys.argv[3])
for r in doc["roas"]:
    n = ipaddress.ip_network(r["prefix"])
    if r["asn"] == o and n.version == p.version and p.subnet_of(n):
        r["asn"] = 64496
json.dump(doc, open(sys.argv[4], "w"))
PY
python3 tests/shift_seq.py "$PCAP" "$tmp/replay2.pcap" 100000000
python3 tests/shift_seq.py "$PCAP" "$tmp/replay3.pcap" 200000000
python3 tests/shift_seq.py "$PCAP" "$tmp/replay4.pcap" 300000000

start_redis
"$B/rovctl" vrp load --from "$VRPS" --redis "$U" > /dev/null 2>&1 || fail "load generation 1"
lab_veth "$NS" rvtx "$NS" rvrx || fail "veth"
# The pid file is written once the capture is open (and the first
# generation loaded): replaying before would lose packets.
ip netns exec "$NS" "$B/rovmon" -i rvrx --redis "$U" --routes "$tmp/live.jsonl" \
    --pidfile "$tmp/rovmon.pid" --stats "$tmp/live.stats" 2> "$tmp/rovmon.err" &
mpid=$!
waitfor test -s "$tmp/rovmon.pid" || fail "rovmon -i never opened the capture"
replay "$PCAP"
"$B/rovctl" vrp load --from "$tmp/gen2.json" --redis "$U" > /dev/null 2>&1 || fail "load generation 2"
g=$(redis-cli -s "$SOCK" get rovmon:vrp:current)
wait_sensor_at "$g" || fail "the sensor did not adopt generation $g"
replay "$tmp/replay2.pcap"
redis_stop "$SOCK" KILL
replay "$tmp/replay3.pcap"
start_redis
"$B/rovctl" vrp load --from "$VRPS" --redis "$U" > /dev/null 2>&1 || fail "load after restart"
g=$(redis-cli -s "$SOCK" get rovmon:vrp:current)
wait_sensor_at "$g" || fail "the sensor did not reconnect and adopt generation $g"
replay "$tmp/replay4.pcap"
kill -INT "$mpid"; wait "$mpid"; st=$?; mpid=""
[ $st -eq 0 ] || fail "rovmon exited $st"

python3 - "$tmp/live.jsonl" "$PFX" "$ORIGIN" <<'PY' || exit 1
import json, sys
path, pfx, origin = sys.argv[1], sys.argv[2], int(sys.argv[3])
seen = []   # (session, state, generation) for PFX, in order
sessions = []
for l in open(path):
    e = json.loads(l)
    key = (e["src_port"], e["dst_port"], e["pkt_num"] and 0)
    if e["event"] == "announce" and e["prefix"] == pfx and e["origin_as"] == origin:
        r = e.get("rpki")
        seen.append((r["state"], r["generation"]) if r else None)
print(f"{pfx} AS{origin} as judged in the four replays: {seen}")
ok = (len(seen) == 4 and seen[0] is not None and seen[0][0] == "valid"
      and seen[1][0] == "invalid" and seen[1][1] > seen[0][1]
      and seen[2] == seen[1]                 # Redis down: last good set kept
      and seen[3][0] == "valid")             # new generation after restart
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
grep -q "down\|unreachable\|cannot connect\|Connection refused" "$tmp/rovmon.err" ||
	fail "the Redis outage was not reported"
# an outage and an empty Redis are not refused VRP sets (vrp_load_failed
# counts only generations refused for what they hold)
n=$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["vrp_load_failed"])' "$tmp/live.stats")
[ "$n" = 0 ] || fail "vrp_load_failed $n after a Redis outage, want 0"
echo "rovmon reported: $(grep -m1 -i 'redis' "$tmp/rovmon.err")"
