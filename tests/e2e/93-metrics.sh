#!/bin/sh
# 93-metrics: rovmon --metrics (docs/metrics.md) scraped by Debian's real
# prometheus, in a private network namespace.
#  1. A live rovmon -i (pcaps/ipv4-full.pcap replayed onto a veth without
#     its FINs, RSTs and closing NOTIFICATION, so the session's routes stay
#     stored; VRPs pcaps/demo-vrps.json) serves /metrics on 127.0.0.1:9105;
#     prometheus scrapes it every second.  Once the replay's route events
#     are all written, a PromQL query through prometheus's HTTP API of
#     rovmon_routes{rpki_state="invalid"} equals the invalid routes stored,
#     computed independently from the route log (the last event of each
#     route), the statistics line's routes_invalid and `rovctl show
#     summary` on the control socket (the issue's acceptance); likewise the
#     valid and stored totals, the per-sender gauge and the packet counter.
#  2. promtool check metrics on a scrape; promtool check rules on
#     docs/prometheus-alerts.yml, and promtool test rules: they fire on
#     synthetic series when they should (tests/prometheus-alerts.test.yml);
#     prometheus loaded them.
#  3. Hostile clients (docs/hostile-input.md): another path 404, POST and
#     DELETE 405 with Allow, a GET announcing a body 400, a garbage request
#     line and a 64 KiB header refused (4xx or closed), HEAD without a
#     body; 8 slow clients from
#     127.0.0.2 (one more is refused by the per-address limit) are closed
#     by the server's timeout while prometheus, from 127.0.0.1, keeps
#     scraping; the sensor keeps reading (its packet count grows with a
#     second replay).
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
PCAP=pcaps/ipv4-full.pcap
VRPS=pcaps/demo-vrps.json
command -v prometheus > /dev/null || { echo "prometheus not installed"; exit 77; }
command -v promtool > /dev/null || { echo "promtool not installed"; exit 77; }
command -v tcpreplay > /dev/null || { echo "tcpreplay not installed"; exit 77; }
command -v curl > /dev/null || { echo "curl not installed"; exit 77; }
. tests/lib/lab.sh
lab_ns NS rovmon-metrics || { echo "cannot create network namespaces here"; exit 77; }
tmp=$(mktemp -d /tmp/rovmon-metrics.XXXXXX)
LAB_DIR=$tmp
mpid=""
cleanup() {
	[ -n "$mpid" ] && kill "$mpid" 2> /dev/null
	lab_cleanup	# prometheus
	wait 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/rovmon.err" ] && tail -n 20 "$tmp/rovmon.err"; exit 1; }
nlines() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
has_lines() { [ "$(nlines "$2")" -ge "$1" ]; }	# N FILE
inns() { ip netns exec "$NS" "$@"; }
M=http://127.0.0.1:9105
P=http://127.0.0.1:9090
# the last statistics line's field (after a SIGUSR1 wrote a new one)
stat() {
	st_n=$(nlines "$tmp/live.stats")
	kill -USR1 "$mpid" 2> /dev/null || return 1
	lab_waitfor 5 "stats" has_lines $((st_n + 1)) "$tmp/live.stats" || return 1
	python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])[sys.argv[2]])' \
	    "$tmp/live.stats" "$1"
}
# a PromQL query's single value through prometheus's HTTP API ("" when none)
promql() {
	inns curl -sf --max-time 5 -G "$P/api/v1/query" --data-urlencode "query=$1" > "$tmp/q.json" || return 1
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
r = d["data"]["result"]
assert d["status"] == "success", d
print(r[0]["value"][1] if len(r) == 1 else "")' "$tmp/q.json"
}
promql_is() { [ "$(promql "$1")" = "$2" ]; }	# QUERY VALUE
# one sample of a scrape: "NAME{LABELS} VALUE" -> VALUE
sample() { grep -F "$1 " "$tmp/scrape.txt" | awk '{ print $NF }'; }

# The capture without what ends its session (as 79-rtr-client.sh does).
python3 - "$PCAP" "$tmp/open.pcap" <<'PY' || fail "cutting the session's end"
import os, sys
sys.path.insert(0, os.path.join("tests", "lib")); import pcapfile
hdr, lt, e, frames = pcapfile.read_pcap(sys.argv[1])
def ends_session(f):
    t = pcapfile.tcp_info(lt, f[1]) or {}
    pl = t.get("payload") or b""
    i = pl.find(b"\xff" * 16)
    return bool(t.get("flags", 0) & 0x05) or (i >= 0 and len(pl) > i + 18 and pl[i + 18] == 3)
keep = [f for f in frames if not ends_session(f)]
pcapfile.write_pcap(sys.argv[2], hdr, e, keep)
PY
NEV=$("$B/rovmon" -r "$tmp/open.pcap" --vrps "$VRPS" --routes - --stats /dev/null 2> /dev/null | wc -l)
[ "$NEV" -gt 1000 ] || fail "the offline run wrote $NEV route events"
NPKT=$("$B/rovmon" -r "$tmp/open.pcap" --stats - 2> /dev/null | python3 -c 'import json, sys; print(json.loads(sys.stdin.read().splitlines()[-1])["packets"])')

# 1. The sensor and prometheus.
lab_veth "$NS" mtx "$NS" mrx || fail "veth"
ip -n "$NS" addr add 127.0.0.2/8 dev lo 2> /dev/null || :
ip netns exec "$NS" "$B/rovmon" -i mrx --vrps "$VRPS" --routes "$tmp/live.jsonl" --alerts "$tmp/live.alerts" \
    --rules rules/rovmon.rules --sensor s --metrics 127.0.0.1:9105 --metrics-sessions 4 --control "$tmp/ctl.sock" \
    --pidfile "$tmp/rovmon.pid" --stats "$tmp/live.stats" 2> "$tmp/rovmon.err" &
mpid=$!
lab_waitfor 60 "rovmon" test -s "$tmp/rovmon.pid" || fail "rovmon -i never opened the capture"
cat > "$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $(pwd)/docs/prometheus-alerts.yml
scrape_configs:
  - job_name: rovmon
    static_configs:
      - targets: ['127.0.0.1:9105']
EOF
lab_bg prometheus "$NS" prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
    --web.listen-address=127.0.0.1:9090
lab_waitfor 60 "prometheus" inns curl -sf "$P/-/ready" || fail "prometheus not ready: $(tail -n 3 "$tmp/prometheus.log")"
lab_waitfor 30 "first scrape" promql_is 'up{job="rovmon"}' 1 || fail "prometheus never scraped rovmon: $(promql 'up')"
inns tcpreplay -q -i mtx --mbps 50 "$tmp/open.pcap" > /dev/null 2>&1 || fail "tcpreplay"
lab_waitfor 30 "route events" has_lines "$NEV" "$tmp/live.jsonl" ||
	fail "$(nlines "$tmp/live.jsonl") route events, want $NEV"
# The routes stored now, from the route log alone: the last event of each
# (sender, receiver, prefix, path id) that is an announcement, by state.
python3 - "$tmp/live.jsonl" > "$tmp/want.txt" <<'PY' || fail "reading the route log"
import collections, json, sys
last = {}
for e in map(json.loads, open(sys.argv[1])):
    k = (e["src_addr"], e["src_port"], e["dst_addr"], e["dst_port"], e["prefix"], e.get("path_id"))
    last[k] = e
n = collections.Counter((e.get("rpki") or {}).get("state") for e in last.values() if e["event"] == "announce")
print(n["invalid"], n["valid"], sum(n.values()))
PY
read -r WINV WVAL WALL < "$tmp/want.txt"
[ "$WINV" -gt 0 ] || fail "no invalid route stored in the scenario"
echo "route log: $WALL routes stored, $WINV invalid, $WVAL valid"
lab_waitfor 20 "invalid gauge" promql_is 'rovmon_routes{rpki_state="invalid"}' "$WINV" ||
	fail "prometheus: rovmon_routes{rpki_state=\"invalid\"} $(promql 'rovmon_routes{rpki_state="invalid"}'), route log $WINV"
[ "$(stat routes_invalid)" = "$WINV" ] || fail "stats routes_invalid $(stat routes_invalid), route log $WINV"
# the issue's acceptance: the gauge as prometheus has it equals rovctl show
# summary's count (docs/metrics.md: both are rib_count_by_state())
"$B/rovctl" show summary --json --control "$tmp/ctl.sock" > "$tmp/summary.json" 2> "$tmp/summary.err" ||
	fail "rovctl show summary: $(cat "$tmp/summary.err")"
CINV=$(python3 -c 'import json, sys
for l in open(sys.argv[1]):
    f = json.loads(l)
    f = f.get("summary", f)	# the object, or the frame that carries it
    if "routes" in f:
        print(f["routes"]["invalid"])' "$tmp/summary.json")
[ "$CINV" = "$(promql 'rovmon_routes{rpki_state="invalid"}')" ] && [ "$CINV" = "$WINV" ] ||
	fail "rovctl show summary: $CINV invalid routes, prometheus $(promql 'rovmon_routes{rpki_state="invalid"}'), route log $WINV"
echo "invalid routes stored: route log $WINV, prometheus, stats line and rovctl show summary $CINV"
lab_waitfor 10 "valid gauge" promql_is 'rovmon_routes{rpki_state="valid"}' "$WVAL" ||
	fail "rovmon_routes{rpki_state=\"valid\"} $(promql 'rovmon_routes{rpki_state="valid"}'), route log $WVAL"
lab_waitfor 10 "stored" promql_is 'sum(rovmon_routes)' "$WALL" || fail "sum(rovmon_routes) $(promql 'sum(rovmon_routes)'), route log $WALL"
# one sender (10.179.1.1, AS4200000001): its own series holds them all
lab_waitfor 10 "per sender" promql_is 'sum(rovmon_session_routes{peer="10.179.1.1",rpki_state="invalid"})' "$WINV" ||
	fail "rovmon_session_routes of 10.179.1.1: $(promql 'sum(rovmon_session_routes{peer="10.179.1.1",rpki_state="invalid"})')"
lab_waitfor 10 "packets" promql_is 'rovmon_packets_total' "$NPKT" || fail "rovmon_packets_total $(promql rovmon_packets_total), want $NPKT"
[ "$(promql 'rovmon_build_info')" = 1 ] || fail "no rovmon_build_info"
echo "snapshot cost on the packet thread: $(promql 'max_over_time(rovmon_snapshot_duration_seconds[1h])') s at most"


# 2. promtool on a scrape and on the example rules.
inns curl -sf "$M/metrics" > "$tmp/scrape.txt" || fail "scrape"
promtool check metrics < "$tmp/scrape.txt" > "$tmp/promtool.out" 2>&1 || fail "promtool check metrics: $(cat "$tmp/promtool.out")"
[ "$(sample 'rovmon_routes{rpki_state="invalid"}')" = "$WINV" ] || fail "scrape: $(grep rovmon_routes "$tmp/scrape.txt")"
grep -q '^# TYPE rovmon_session_routes gauge$' "$tmp/scrape.txt" || fail "no TYPE line for rovmon_session_routes"
promtool check rules docs/prometheus-alerts.yml > "$tmp/rules.out" 2>&1 || fail "promtool check rules: $(cat "$tmp/rules.out")"
promtool test rules tests/prometheus-alerts.test.yml > "$tmp/rtest.out" 2>&1 || fail "promtool test rules: $(cat "$tmp/rtest.out")"
# the rules as prometheus loaded them: RovmonNoSession is not firing (a session is up)
[ "$(promql 'rovmon_tcp_sessions')" -ge 1 ] || fail "rovmon_tcp_sessions $(promql rovmon_tcp_sessions)"
inns curl -sf "$P/api/v1/rules" | grep -q '"name":"RovmonVrpSetStale"' || fail "prometheus did not load docs/prometheus-alerts.yml"

# 3. Hostile clients.
code() { inns curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@"; }
[ "$(code "$M/")" = 404 ] || fail "GET / answered $(code "$M/"), want 404"
[ "$(code "$M/metrics/x")" = 404 ] || fail "GET /metrics/x: want 404"
[ "$(code -X POST -d x=1 "$M/metrics")" = 405 ] || fail "POST: want 405"
[ "$(code -X DELETE "$M/metrics")" = 405 ] || fail "DELETE: want 405"
inns curl -s -D - -o /dev/null -X PUT "$M/metrics" | grep -qi '^Allow: GET, HEAD' || fail "405 without Allow"
inns curl -s -I "$M/metrics" > "$tmp/head.txt" && grep -q '^HTTP/1.1 200' "$tmp/head.txt" || fail "HEAD: $(head -n 1 "$tmp/head.txt")"
inns python3 - <<'PY' || fail "hostile requests"
import socket, sys
def ask(data, src="127.0.0.1"):
    s = socket.create_connection(("127.0.0.1", 9105), timeout=15, source_address=(src, 0))
    s.sendall(data)
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except (ConnectionResetError, socket.timeout):
        pass
    s.close()
    return out
def status(out):
    return int(out.split(b" ")[1]) if out.startswith(b"HTTP/1.") else 0
r = ask(b"\x00\xffGARBAGE \x01\x02\r\n\r\n")
assert status(r) in (0, 400), r[:80]
r = ask(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n")
assert status(r) in (0, 400, 413, 414, 431), r[:80]
r = ask(b"GET /" + b"m" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
assert status(r) in (0, 400, 404, 414, 431), r[:80]
r = ask(b"GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + b"b" * 1000)
assert status(r) == 400, r[:80]
r = ask(b"HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
assert status(r) == 200 and r.endswith(b"\r\n\r\n"), r[-80:]
r = ask(b"GET /metrics HTTP/1.0\r\n\r\n")
assert status(r) == 200 and b"rovmon_build_info" in r, r[:80]
print("hostile requests: refused or answered as they should")
PY
# Slow clients: 8 from 127.0.0.2 each send half a request line and wait;
# a 9th from there is refused at once (per-address limit); meanwhile
# prometheus (127.0.0.1) scrapes on; the server closes the 8 after its
# 10 s timeout.
SCR0=$(promql 'count_over_time(up{job="rovmon"}[1h])')
inns python3 - > "$tmp/slow.out" 2>&1 <<'PY' &
import socket, time
ss = []
for i in range(8):
    s = socket.create_connection(("127.0.0.1", 9105), timeout=60, source_address=("127.0.0.2", 0))
    s.sendall(b"GET /metr")
    ss.append(s)
time.sleep(0.5)
s = socket.create_connection(("127.0.0.1", 9105), timeout=5, source_address=("127.0.0.2", 0))
s.sendall(b"GET /metrics HTTP/1.0\r\n\r\n")
try:
    r = s.recv(100)
except (ConnectionResetError, socket.timeout):
    r = b""
print("ninth:", r[:12])
t0 = time.time()
for s in ss:
    s.settimeout(max(1, 40 - (time.time() - t0)))
    try:
        b = s.recv(100)
    except ConnectionResetError:
        b = b""
    print("closed after %.0f s: %r" % (time.time() - t0, b[:12]))
PY
slowpid=$!
lab_waitfor 10 "ninth refused" grep -q "^ninth" "$tmp/slow.out" || fail "the 9th slow client was not answered: $(cat "$tmp/slow.out")"
grep -q "^ninth: b''" "$tmp/slow.out" || fail "the 9th slow client from one address got: $(cat "$tmp/slow.out")"
# the sensor still reads: a second replay (same routes) is counted
P0=$(stat packets)
inns tcpreplay -q -i mtx --mbps 50 "$tmp/open.pcap" > /dev/null 2>&1 || fail "second tcpreplay"
lab_waitfor 20 "packets" promql_is 'rovmon_packets_total' "$((P0 + NPKT))" ||
	fail "rovmon_packets_total $(promql rovmon_packets_total) during the slow clients, want $((P0 + NPKT))"
wait "$slowpid"
[ "$(grep -c '^closed after' "$tmp/slow.out")" = 8 ] || fail "slow clients: $(cat "$tmp/slow.out")"
[ "$(promql 'count_over_time(up{job="rovmon"}[1h])')" -gt "$SCR0" ] || fail "prometheus stopped scraping during the slow clients"
[ "$(promql 'min_over_time(up{job="rovmon"}[1h])')" = 1 ] || fail "a scrape failed: $(promql 'min_over_time(up{job="rovmon"}[1h])')"
[ "$(stat pcap_drop)" = 0 ] || fail "pcap_drop $(stat pcap_drop)"
kill -INT "$mpid"; wait "$mpid"; st=$?; mpid=""
[ $st -eq 0 ] || fail "rovmon exited $st"
echo PASS
