#!/bin/sh
# tsan: yes
# Redis that fails over (issue 16): a redis-sentinel:// URL followed
# through a real failover.  Everything runs in a private network namespace
# on its own 127.0.0.1: two redis-server (a master and a replica with
# replicaof), three Debian redis-sentinel (quorum 2, down-after 1 s), a
# fake sentinel (python, canned replies), rovctl and a live sensor (rovmon
# -i on a veth, as 75-sensor-redis.sh).
#
# Part 1, hostile or stale sentinel answers (the fake sentinel): nil, wrong
# types, a host that is not an address, a port out of range, each one
# exact line and exit 4; a stale answer naming the replica is refused by
# ROLE (nothing written to the replica), and with the real sentinels after
# the fake one in the URL the load goes to the verified master.
# Part 2, the failover: rovctl vrp load via the sentinel URL; the sensor
# loads that generation and judges a replayed route VALID; the master is
# SIGKILLed; the sensor says disconnected and keeps its set (vrp_count,
# generation); the sentinels promote the replica; the sensor reconnects to
# it (redis.master, master_changes 1) still with the same set; rovctl vrp
# load of a second VRP file via the same URL is written to the new
# master; the sensor adopts that generation and a replay is judged by it
# (the route flips to INVALID).  Each failover followed is one
# redis-failover alert (sid 1000116).
# Part 3, a demoted master: the old master restarts (empty, saying master)
# and the sentinels make it a replica; a sentinel naming it is refused by
# ROLE; SENTINEL failover moves the master back to it (the replica's
# clients are killed at the demotion); the sensor follows (master_changes
# 2), a third load goes to it and is adopted (the route VALID again).
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
PCAP=pcaps/as2-session.pcap
VRPS=pcaps/demo-vrps.json
command -v redis-server > /dev/null || { echo "redis-server not installed"; exit 77; }
command -v redis-sentinel > /dev/null || { echo "redis-sentinel not installed"; exit 77; }
command -v tcpreplay > /dev/null || { echo "tcpreplay not installed"; exit 77; }
. tests/lib/lab.sh
lab_ns NS rovmon-sentinel || { echo "cannot create network namespaces here"; exit 77; }
tmp=$(mktemp -d /tmp/rovmon-sentinel.XXXXXX)
LAB_DIR=$tmp
mpid=""
cleanup() {
	[ -n "$mpid" ] && kill "$mpid" 2> /dev/null
	lab_cleanup
	wait 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	[ -f "$tmp/rovmon.err" ] && { echo "-- rovmon:"; tail -n 20 "$tmp/rovmon.err"; }
	for f in "$tmp"/s*.log; do [ -f "$f" ] && { echo "-- $f:"; tail -n 8 "$f"; }; done
	exit 1
}
in_ns() { ip netns exec "$NS" "$@"; }
# Polls a condition (never a fixed time), up to 30 s.
waitfor() {
	i=0
	while ! "$@" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	"$@"
}

# Ports of the namespace's own loopback: nothing else listens there.
PM=7001 PR=7002 PF=26370 PDEAD=26371
S1=26381 S2=26382 S3=26383
M=127.0.0.1:$PM R=127.0.0.1:$PR
SU=redis-sentinel://127.0.0.1:$PDEAD,127.0.0.1:$S1,127.0.0.1:$S2,127.0.0.1:$S3/tm

start_redis() {	# NAME PORT [ARG...]
	n=$1 p=$2
	shift 2
	mkdir -p "$tmp/$n"
	lab_bg "$n" "$NS" redis-server --port "$p" --bind 127.0.0.1 --save '' \
	    --appendonly no --dir "$tmp/$n" "$@"
	eval "pid_$n=\$LAB_LASTPID"
	lab_waitfor 20 "redis $n" in_ns redis-cli -p "$p" ping || fail "redis-server $n did not start"
}
start_redis m $PM
start_redis r $PR --replicaof 127.0.0.1 $PM
in_sync() { in_ns redis-cli -p $PR info replication | grep -q 'master_link_status:up'; }
waitfor in_sync || fail "the replica did not sync"
for s in 1 2 3; do
	eval "p=\$S$s"
	cat > "$tmp/s$s.conf" <<EOF
port $p
bind 127.0.0.1
dir $tmp
sentinel monitor tm 127.0.0.1 $PM 2
sentinel down-after-milliseconds tm 1000
sentinel failover-timeout tm 4000
sentinel parallel-syncs tm 1
EOF
	lab_bg "s$s" "$NS" redis-sentinel "$tmp/s$s.conf"
done
# A sentinel is ready when it knows the replica and the other two.
sentinel_ready() {	# PORT
	[ "$(in_ns redis-cli -p "$1" sentinel replicas tm 2> /dev/null | grep -c "^$PR\$")" = 1 ] &&
	    [ "$(in_ns redis-cli -p "$1" sentinel sentinels tm 2> /dev/null | grep -c '^name$')" = 2 ]
}
for p in $S1 $S2 $S3; do
	waitfor sentinel_ready $p || fail "sentinel $p does not know the replica and the other sentinels"
done

# ---- Part 1: a fake sentinel's answers -----------------------------------
cat > "$tmp/fake.py" <<'PY'
# One canned reply (the file's bytes) to whatever each connection sends.
import socket, sys
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", int(sys.argv[1]))); srv.listen(8)
while True:
    c, _ = srv.accept()
    try:
        if c.recv(4096):
            c.sendall(open(sys.argv[2], "rb").read())
        while c.recv(4096):
            pass
    except OSError:
        pass
    c.close()
PY
lab_bg fake "$NS" python3 "$tmp/fake.py" $PF "$tmp/fake.reply"
lab_waitfor 20 "fake sentinel" in_ns python3 -c "import socket; socket.create_connection(('127.0.0.1', $PF))" ||
	fail "the fake sentinel did not start"
FU=redis-sentinel://127.0.0.1:$PF/tm
fake_case() {	# WHAT REPLY(printf) WANT-LINE
	printf '%b' "$2" > "$tmp/fake.reply"
	in_ns "$B/rovctl" vrp status --quick --redis "$FU" > /dev/null 2> "$tmp/err"
	rc=$?
	got=$(cat "$tmp/err")
	[ $rc -eq 4 ] && [ "$got" = "rovctl: redis sentinel tm db 0: no master: $3" ] ||
		fail "fake sentinel, $1: exit $rc, stderr '$got', want 4 and 'rovctl: redis sentinel tm db 0: no master: $3'"
	echo "ok: fake sentinel, $1: $got"
}
FS="sentinel 127.0.0.1:$PF"
fake_case "nil reply" '*-1\r\n' "no sentinel of 1 named one (last: $FS: does not know a master named 'tm')"
fake_case "integers" '*2\r\n:1\r\n:7001\r\n' "no sentinel of 1 named one (last: $FS: get-master-addr-by-name: want two strings (host, port))"
fake_case "one element" '*1\r\n$9\r\n127.0.0.1\r\n' "no sentinel of 1 named one (last: $FS: get-master-addr-by-name: want two strings (host, port))"
fake_case "not an address" '*2\r\n$11\r\n127.0.0.1 x\r\n$4\r\n7001\r\n' "no sentinel of 1 named one (last: $FS: get-master-addr-by-name: the host is not an address or host name)"
fake_case "port 0" '*2\r\n$9\r\n127.0.0.1\r\n$1\r\n0\r\n' "no sentinel of 1 named one (last: $FS: get-master-addr-by-name: port must be 1..65535)"
fake_case "port 65536" '*2\r\n$9\r\n127.0.0.1\r\n$5\r\n65536\r\n' "no sentinel of 1 named one (last: $FS: get-master-addr-by-name: port must be 1..65535)"
fake_case "error reply" '-ERR unknown command\r\n' "no sentinel of 1 named one (last: $FS: SENTINEL: ERR unknown command)"
# A stale answer: the replica.  ROLE refuses it; nothing is written.
printf '*2\r\n$9\r\n127.0.0.1\r\n$4\r\n%s\r\n' $PR > "$tmp/stale.reply"
cp "$tmp/stale.reply" "$tmp/fake.reply"
in_ns "$B/rovctl" vrp load --from "$VRPS" --redis "$FU" > /dev/null 2> "$tmp/err"
rc=$?
want="rovctl: redis sentinel tm db 0: storing VRPs: redis sentinel tm db 0: no master: master $R (sentinel 1): ROLE says 'slave', not master (a stale sentinel answer or a demoted master)"
[ $rc -eq 4 ] && grep -qxF "$want" "$tmp/err" ||
	fail "stale answer: exit $rc, stderr $(cat "$tmp/err"), want 4 and '$want'"
[ -z "$(in_ns redis-cli -p $PM get rovmon:vrp:current)" ] || fail "stale answer: something was written"
echo "ok: a stale answer (the replica) is refused: $(tail -n 1 "$tmp/err")"

# ---- Part 2: the failover -----------------------------------------------
# The URL names the fake sentinel and a dead port first: they are passed
# over for the real sentinels.  The fake now names a sentinel (ROLE says
# 'sentinel'): a wrong answer before and after the failover alike.
printf '*2\r\n$9\r\n127.0.0.1\r\n$5\r\n%s\r\n' $S1 > "$tmp/fake.reply"
SU=redis-sentinel://127.0.0.1:$PF,127.0.0.1:$PDEAD,127.0.0.1:$S1,127.0.0.1:$S2,127.0.0.1:$S3/tm
in_ns "$B/rovctl" vrp load --from "$VRPS" --redis "$SU" > "$tmp/load1" 2>&1 || fail "load 1: $(cat "$tmp/load1")"
G1=$(in_ns redis-cli -p $PM get rovmon:vrp:current)
[ -n "$G1" ] || fail "load 1 wrote nothing to the master"
st=$(in_ns "$B/rovctl" vrp status --json --redis "$SU" 2> /dev/null) || fail "status"
python3 -c 'import json, sys; s = json.loads(sys.argv[1]); sys.exit(0 if s["master"] == sys.argv[2] and s["generation"] == int(sys.argv[3]) else 1)' \
    "$st" "$M" "$G1" || fail "vrp status: $st, want master $M generation $G1"
echo "ok: generation $G1 loaded via $SU onto $M"

# The route to break, and generation 2 that breaks it (as 75-sensor-redis.sh).
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
NEV=$(wc -l < "$tmp/offline.jsonl")
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

nlines() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
has_lines() { [ "$(nlines "$2")" -ge "$1" ]; }
nrep=0
replay() {
	in_ns tcpreplay -q -i rvtx --mbps 20 "$1" > /dev/null 2>&1 || fail "tcpreplay $1"
	nrep=$((nrep + 1))
	waitfor has_lines $((nrep * NEV)) "$tmp/live.jsonl" ||
		fail "replay $nrep: $(nlines "$tmp/live.jsonl") route events, want $((nrep * NEV))"
}
# stats_is PYEXPR: a new stats line (SIGUSR1) for which PYEXPR (over s, the
# line, and r, its redis object) is true.
stats_is() {
	lab_stats_line "$mpid" "$tmp/live.stats" || return 1
	python3 -c 'import json, sys
s = json.loads(open(sys.argv[1]).read().splitlines()[-1]); r = s["redis"]
sys.exit(0 if eval(sys.argv[2]) else 1)' "$tmp/live.stats" "$1"
}
wait_stats() {	# PYEXPR: up to ~40 s
	ws_i=0
	until stats_is "$1"; do
		ws_i=$((ws_i + 1)); [ $ws_i -lt 150 ] || return 1
		sleep 0.2
	done
}
last_stats() { tail -n 1 "$tmp/live.stats"; }

lab_veth "$NS" rvtx "$NS" rvrx || fail "veth"
ip netns exec "$NS" "$B/rovmon" -i rvrx --redis "$SU" --routes "$tmp/live.jsonl" \
    --alerts "$tmp/alerts.json" --pidfile "$tmp/rovmon.pid" --stats "$tmp/live.stats" 2> "$tmp/rovmon.err" &
mpid=$!
waitfor test -s "$tmp/rovmon.pid" || fail "rovmon -i never opened the capture"
wait_stats "r['connected'] and r['master'] == '$M' and s['vrp_generation'] == $G1" ||
	fail "the sensor is not at generation $G1 from $M: $(last_stats)"
N1=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["vrp_count"])' "$(last_stats)")
replay "$PCAP"
echo "ok: the sensor uses generation $G1 ($N1 VRPs) from $M"

# The master dies.
kill -KILL "$pid_m"
wait_stats "not r['connected'] and s['vrp_generation'] == $G1 and s['vrp_count'] == $N1" ||
	fail "the sensor did not notice the loss or lost its set: $(last_stats)"
echo "ok: master killed: the sensor is disconnected and keeps generation $G1 ($N1 VRPs)"
promoted() { in_ns redis-cli -p $S1 sentinel get-master-addr-by-name tm | tr '\n' : | grep -qx "127.0.0.1:$PR:"; }
waitfor promoted || fail "the sentinels did not promote the replica"
in_ns redis-cli -p $PR role | head -n 1 | grep -qx master || fail "$R is not a master after the failover"
echo "ok: the sentinels promoted $R"
wait_stats "r['connected'] and r['master'] == '$R' and r['master_changes'] == 1 and s['vrp_generation'] == $G1 and s['vrp_count'] == $N1" ||
	fail "the sensor did not follow the failover to $R with its set: $(last_stats)"
echo "ok: the sensor follows $R, same set: $(last_stats | python3 -c 'import json, sys; print(json.load(sys.stdin)["redis"])')"

in_ns "$B/rovctl" vrp load --from "$tmp/gen2.json" --redis "$SU" > "$tmp/load2" 2>&1 ||
	fail "load 2 after the failover: $(cat "$tmp/load2")"
G2=$(in_ns redis-cli -p $PR get rovmon:vrp:current)
[ -n "$G2" ] && [ "$G2" -gt "$G1" ] || fail "load 2: generation '$G2' on $R, want > $G1"
wait_stats "r['connected'] and s['vrp_generation'] == $G2 and s['vrp_count'] != 0" ||
	fail "the sensor did not adopt generation $G2: $(last_stats)"
echo "ok: generation $G2 loaded onto $R; the sensor adopted it"
replay "$tmp/replay2.pcap"

# ---- Part 3: the old master comes back demoted; a failover back ----------
# It restarts empty and says master until the sentinels make it a replica
# of $R: only they are asked, so nothing reads or writes it meanwhile.
lab_bg m2 "$NS" redis-server --port $PM --bind 127.0.0.1 --save '' \
    --appendonly no --dir "$tmp/m"
replica_ok() {	# PORT: the sentinels list it as a healthy, synced replica
	in_ns redis-cli -p $S1 sentinel replicas tm 2> /dev/null | python3 -c '
import sys
v = sys.stdin.read().split("\n"); d = dict(zip(v[0::2], v[1::2]))
sys.exit(0 if d.get("port") == sys.argv[1] and d.get("flags") == "slave" and d.get("master-link-status") == "ok" else 1)' "$1"
}
waitfor replica_ok $PM || waitfor replica_ok $PM ||
	fail "the restarted $M did not become a synced replica of $R"
# The demoted master, named by a (lying) sentinel: refused by ROLE.
printf '*2\r\n$9\r\n127.0.0.1\r\n$4\r\n%s\r\n' $PM > "$tmp/fake.reply"
in_ns "$B/rovctl" vrp load --from "$VRPS" --redis "$FU" > /dev/null 2> "$tmp/err" &&
	fail "a load through a sentinel naming the demoted $M succeeded"
grep -qF "master $M (sentinel 1): ROLE says 'slave', not master" "$tmp/err" ||
	fail "the demoted master: $(cat "$tmp/err")"
[ "$(in_ns redis-cli -p $PR get rovmon:vrp:current)" = "$G2" ] || fail "the demoted master: something was written"
echo "ok: the old master came back as a replica; named by a sentinel, it is refused (ROLE)"
printf '*2\r\n$9\r\n127.0.0.1\r\n$5\r\n%s\r\n' $S1 > "$tmp/fake.reply"
# Fail over back: $R is demoted (Sentinel kills its clients' connections),
# $M promoted; the sensor follows it.
# (waitfor runs its command once more at the end: INPROG counts too)
failover() { in_ns redis-cli -p $S1 sentinel failover tm | grep -qx 'OK\|INPROG.*'; }
waitfor failover || fail "SENTINEL failover: $(in_ns redis-cli -p $S1 sentinel failover tm)"
wait_stats "r['connected'] and r['master'] == '$M' and r['master_changes'] == 2 and s['vrp_generation'] == $G2" ||
	fail "the sensor did not follow the failover back to $M: $(last_stats)"
echo "ok: failover back: the sensor follows $M with generation $G2"
in_ns "$B/rovctl" vrp load --from "$VRPS" --redis "$SU" > "$tmp/load3" 2>&1 ||
	fail "load 3 after the failover back: $(cat "$tmp/load3")"
G3=$(in_ns redis-cli -p $PM get rovmon:vrp:current)
[ -n "$G3" ] && [ "$G3" -gt "$G2" ] || fail "load 3: generation '$G3' on $M, want > $G2"
wait_stats "r['connected'] and s['vrp_generation'] == $G3" ||
	fail "the sensor did not adopt generation $G3: $(last_stats)"
echo "ok: generation $G3 loaded onto $M; the sensor adopted it"
python3 tests/shift_seq.py "$PCAP" "$tmp/replay3.pcap" 200000000
replay "$tmp/replay3.pcap"
kill -INT "$mpid"; wait "$mpid"; st=$?; mpid=""
[ $st -eq 0 ] || fail "rovmon exited $st"
grep -q "master is now $R (was $M): following the failover" "$tmp/rovmon.err" ||
	fail "the failover was not logged"
n=$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["vrp_load_failed"])' "$tmp/live.stats")
[ "$n" = 0 ] || fail "vrp_load_failed $n, want 0"
python3 - "$tmp/live.jsonl" "$PFX" "$ORIGIN" "$G1" "$G2" "$G3" <<'PY' || exit 1
import json, sys
path, pfx, origin = sys.argv[1], sys.argv[2], int(sys.argv[3])
g1, g2, g3 = map(int, sys.argv[4:7])
seen = [(e["rpki"]["state"], e["rpki"]["generation"]) for e in map(json.loads, open(path))
        if e["event"] == "announce" and e["prefix"] == pfx and e["origin_as"] == origin]
print(f"{pfx} AS{origin} judged before, between and after the failovers: {seen}")
ok = seen == [("valid", g1), ("invalid", g2), ("valid", g3)]
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
# One redis-failover alert (sid 1000116) per failover followed, no other.
python3 - "$tmp/alerts.json" "$M" "$R" "$G1" "$G2" <<'PY' || exit 1
import json, sys
path, m, r, g1, g2 = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
ev = [a["event"] for a in map(json.loads, open(path)) if a["sid"] == 1000116]
print("redis-failover alerts:", ev)
want = [{"type": "redis-failover", "subject": f"redis master {r}", "master": r, "previous_master": m,
         "master_changes": 1, "generation": g1},
        {"type": "redis-failover", "subject": f"redis master {m}", "master": m, "previous_master": r,
         "master_changes": 2, "generation": g2}]
sys.exit(0 if ev == want else 1)
PY
echo "rovmon reported:"
grep -i "redis\|master" "$tmp/rovmon.err"
