#!/bin/sh
# rovmon's RTR client against Debian's real stayrtr (docs/rtr.md, "The
# client"), in a private network namespace.  Both caches are fed the shared
# rpki-client snapshot (its ROAs' and ASPAs' "expires" moved to 2100:
# stayrtr drops expired objects even with -checktime=false; its ASPAs as
# 8.x "provider_authorizations", the only form stayrtr 0.5.1 reads, the
# same list for IPv4 and IPv6).
#  1. rovctl vrp load --from rtr:// from stayrtr -protocol 1 and from its
#     default version 2 stores exactly the VRPs a load of the JSON stores
#     (every record compared, and the JSON's unique (prefix, maxLength,
#     ASN) count), and at version 2 its ASPAs (each customer's providers).
#  2. A live rovmon -i --vrps rtr:// (version 2; pcaps/ipv4-full.pcap
#     replayed without its FINs, so its routes stay stored) follows stayrtr to the
#     second snapshot (the cache file replaced; stayrtr re-reads it and
#     sends a Serial Notify) without a restart: its statistics show the
#     new serial and VRP count, and the routes of the replayed capture
#     whose RPKI state the change flips to invalid are alerted, exactly
#     (the second snapshot also turns the ROAs of a few of the capture's
#     valid routes to AS64496, the real diff touching none of them).
#  3. stayrtr killed: the last good set is kept (vrp_count), the client
#     retries, and after the expire interval (12 s) the data is reported
#     expired: stats vrp_rtr_expired, one log line, one alert (sid 1000106).
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
SNAP=$SHARED/vrps/rpki-client-9.x-2025-07-20
A=$SNAP/rpkiclient_summary_20250720T093135Z.json.bz2
Bz=$SNAP/rpkiclient_summary_20250720T100145Z.json.bz2
PCAP=pcaps/ipv4-full.pcap
[ -f "$A" ] && [ -f "$Bz" ] || { echo "no rpki-client snapshots in $SNAP"; exit 77; }
command -v stayrtr > /dev/null || { echo "stayrtr not installed"; exit 77; }
command -v redis-server > /dev/null || { echo "redis-server not installed"; exit 77; }
command -v tcpreplay > /dev/null || { echo "tcpreplay not installed"; exit 77; }
. tests/lib/lab.sh
lab_ns NS rovmon-rtrc || { echo "cannot create network namespaces here"; exit 77; }
tmp=$(mktemp -d /tmp/rovmon-rtrc.XXXXXX)
LAB_DIR=$tmp
SOCK=$tmp/redis.sock
U=unix://$SOCK
. tests/lib/redis.sh
mpid=""
cleanup() {
	[ -n "$mpid" ] && kill "$mpid" 2> /dev/null
	redis_cleanup
	lab_cleanup	# the stayrtrs, before waiting for the rest
	wait 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$tmp/rovmon.err" ] && tail -n 20 "$tmp/rovmon.err"; exit 1; }
nlines() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
has_lines() { [ "$(nlines "$2")" -ge "$1" ]; }	# N FILE
inns() { ip netns exec "$NS" "$@"; }
# the last statistics line's field (after a SIGUSR1 wrote a new one)
stat() {
	st_n=$(nlines "$tmp/live.stats")
	kill -USR1 "$mpid" 2> /dev/null || return 1
	lab_waitfor 5 "stats" has_lines $((st_n + 1)) "$tmp/live.stats" || return 1
	python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])[sys.argv[2]])' \
	    "$tmp/live.stats" "$1"
}
stat_is() { [ "$(stat "$1")" = "$2" ]; }	# FIELD VALUE
stat_gt() { [ "$(stat "$1")" -gt "$2" ]; }	# FIELD N

# The capture without its FINs, RSTs and closing NOTIFICATION (Cease): the
# session stays up, its routes stay stored, so a VRP swap has routes to
# re-validate.
python3 - "$PCAP" "$tmp/open.pcap" <<'PY' || fail "cutting the session's end"
import os, sys
sys.path.insert(0, os.path.join("tests", "lib")); import pcapfile
hdr, lt, e, frames = pcapfile.read_pcap(sys.argv[1])
def ends_session(f):
    t = pcapfile.tcp_info(lt, f[1]) or {}
    pl = t.get("payload") or b""
    i = pl.find(b"\xff" * 16)	# a NOTIFICATION (type 3) ends it too
    return bool(t.get("flags", 0) & 0x05) or (i >= 0 and len(pl) > i + 18 and pl[i + 18] == 3)
keep = [f for f in frames if not ends_session(f)]
pcapfile.write_pcap(sys.argv[2], hdr, e, keep)
PY
PCAP=$tmp/open.pcap
# The snapshots as stayrtr is fed them; the second with the ROAs of a few
# valid routes of the capture given to AS64496.
"$B/rovmon" -r "$PCAP" --routes "$tmp/plain.jsonl" --stats /dev/null 2> /dev/null || fail "offline run"
python3 - "$A" "$Bz" "$tmp/a.json" "$tmp/b.json" "$tmp/plain.jsonl" <<'PY' || fail "preparing the snapshots"
import bz2, ipaddress, json, re, sys
def prep(src):
    t = bz2.open(src, "rt").read()
    t = re.sub(r'"expires": ?\d+', '"expires": 4102444800', t)
    i = t.index('"aspas": [')
    j = t.index("\n\t]", i) + 3
    arr = t[i + len('"aspas": '):j]
    return t[:i] + '"provider_authorizations": {"ipv4": ' + arr + ', "ipv6": ' + arr + "}" + t[j:]
open(sys.argv[3], "w").write(prep(sys.argv[1]))
doc = json.loads(prep(sys.argv[2]))
routes = {}
for l in open(sys.argv[5]):
    e = json.loads(l)
    if e["event"] == "announce" and e.get("origin_as"):
        routes.setdefault(e["prefix"], e["origin_as"])
# 5 routes with exactly one ROA of their origin covering them
byorigin = {}
for r in doc["roas"]:
    byorigin.setdefault(r["asn"], []).append(r)
picked = 0
for pfx, o in sorted(routes.items()):
    p = ipaddress.ip_network(pfx)
    cov = [r for r in byorigin.get(o, []) if ipaddress.ip_network(r["prefix"]).version == p.version
           and p.subnet_of(ipaddress.ip_network(r["prefix"])) and p.prefixlen <= r["maxLength"]]
    if len(cov) == 1 and picked < 5:
        cov[0]["asn"] = 64496
        picked += 1
assert picked == 5, picked
json.dump(doc, open(sys.argv[4], "w"))
PY
for s in a b; do
	"$B/rovmon" -r "$PCAP" --vrps "$tmp/$s.json" --routes "$tmp/off-$s.jsonl" --stats /dev/null \
	    2> "$tmp/off-$s.err" || fail "offline run with $s.json: $(tail -n 2 "$tmp/off-$s.err")"
done

# the routes the second snapshot flips to invalid (as fresh announcements)
NFLIP=$(python3 - "$tmp/off-a.jsonl" "$tmp/off-b.jsonl" "$tmp/flip.txt" <<'PY'
import json, sys
def state(path):
    return {(e["prefix"], e["origin_as"]): (e.get("rpki") or {}).get("state")
            for e in map(json.loads, open(path)) if e["event"] == "announce"}
a, b = state(sys.argv[1]), state(sys.argv[2])
flip = sorted({k[0] for k in a if a[k] != "invalid" and b.get(k) == "invalid"})
open(sys.argv[3], "w").write("".join(p + "\n" for p in flip))
print(len(flip))
PY
)
[ "$NFLIP" -ge 5 ] || fail "the second snapshot flips $NFLIP routes to invalid, want 5 or more"
cp "$tmp/a.json" "$tmp/cache.json"
# Timers: refresh 5 s, retry 1 s, expire 12 s (RFC 8210 allows 600 at the
# least for expire; stayrtr sends what it is told).
lab_bg stayrtr2 "$NS" stayrtr -cache "$tmp/cache.json" -checktime=false -bind 127.0.0.1:8282 \
    -metrics.addr 127.0.0.1:9847 -refresh 1 -rtr.refresh 5 -rtr.retry 1 -rtr.expire 12
S2PID=$LAB_LASTPID
lab_bg stayrtr1 "$NS" stayrtr -cache "$tmp/a.json" -checktime=false -bind 127.0.0.1:8283 \
    -metrics.addr 127.0.0.1:9848 -protocol 1 -refresh 3600
redis_start "$SOCK" > "$tmp/redis.start" || fail "redis did not start: $(cat "$tmp/redis.start")"
"$B/rovctl" vrp load --from "$tmp/a.json" --redis "$U" --namespace file: > /dev/null 2>&1 || fail "load of the JSON"
for s in stayrtr1 stayrtr2; do
	lab_waitfor 90 "$s" grep -q "Server started" "$tmp/$s.log" || fail "$s did not start: $(tail -n 3 "$tmp/$s.log")"
done

# 1. One full exchange each (version 1 on 8283, 2 on 8282), stored in Redis.
for v in 1 2; do
	inns "$B/rovctl" vrp load -v --from rtr://127.0.0.1:$((8284 - v)) --redis "$U" --namespace "v$v:" \
	    > "$tmp/load$v.out" 2> "$tmp/load$v.err" || fail "vrp load from stayrtr -protocol $v: $(cat "$tmp/load$v.err")"
	grep -q "version $v" "$tmp/load$v.err" || fail "version $v not negotiated: $(cat "$tmp/load$v.err")"
done
python3 - "$SOCK" "$tmp/a.json" <<'PY' || fail "the RTR loads differ from the JSON's"
import json, socket, struct, sys
sock, doc = sys.argv[1], json.load(open(sys.argv[2]))
s = socket.socket(socket.AF_UNIX); s.connect(sock); f = s.makefile("rb")
def cmd(*a):
    s.sendall(b"*%d\r\n" % len(a) + b"".join(b"$%d\r\n%s\r\n" % (len(x), x) for x in (x.encode() for x in a)))
    l = f.readline()
    if l[:1] == b"$":
        n = int(l[1:])
        return None if n < 0 else f.read(n + 2)[:-2]
    if l[:1] == b"*":
        return [cmd_bulk() for _ in range(int(l[1:]))]
    return l[1:].strip()
def cmd_bulk():
    l = f.readline(); n = int(l[1:]); return f.read(n + 2)[:-2]
def gen(ns):
    cur = cmd("GET", ns + "vrp:current").decode()
    meta = cmd("HGETALL", "%svrp:gen:%s:meta" % (ns, cur))
    m = dict(zip(meta[::2], meta[1::2]))
    vrps = set()
    for i in range(int(m[b"chunks"])):
        d = cmd("GET", "%svrp:gen:%s:data:%d" % (ns, cur, i))
        for o in range(0, len(d), 32):
            r = d[o:o + 32]
            fam, ln, ml = r[0], r[1], r[2]
            asn = struct.unpack(">I", r[4:8])[0]
            vrps.add((fam, bytes(r[16:16 + (4 if fam == 4 else 16)]), ln, ml, asn))
    aspas = {}
    a = cmd("GET", "%svrp:gen:%s:aspa" % (ns, cur)) or b""
    o = 0
    while o < len(a):
        c, n = struct.unpack(">II", a[o:o + 8]); o += 20
        aspas.setdefault(c, set()).update(struct.unpack(">%dI" % n, a[o:o + 4 * n])); o += 4 * n
    return vrps, aspas
fv, fa = gen("file:")
want = {(r["prefix"], r["maxLength"], r["asn"]) for r in doc["roas"]}
wa = {}
for r in doc["provider_authorizations"]["ipv4"]:
    wa.setdefault(r["customer_asid"], set()).update(r["providers"])
ok = len(fv) == len(want) and fa == wa
print("JSON: %d unique VRPs, %d ASPA customers; its load: %d VRPs, %d ASPA customers" % (len(want), len(wa), len(fv), len(fa)))
for v in (1, 2):
    rv, ra = gen("v%d:" % v)
    same = rv == fv
    print("stayrtr -protocol %d: %d VRPs (%s), %d ASPA customers" % (v, len(rv), "the same" if same else
          "%d missing, %d extra" % (len(fv - rv), len(rv - fv)), len(ra)))
    ok = ok and same and (ra == fa if v == 2 else not ra)
sys.exit(0 if ok else 1)
PY

# 2. A live sensor following stayrtr version 2.
lab_veth "$NS" rvtx "$NS" rvrx || fail "veth"
ip netns exec "$NS" "$B/rovmon" -i rvrx --vrps rtr://127.0.0.1:8282 --routes "$tmp/live.jsonl" \
    --alerts "$tmp/live.alerts" --rules rules/rovmon.rules --sensor s \
    --pidfile "$tmp/rovmon.pid" --stats "$tmp/live.stats" 2> "$tmp/rovmon.err" &
mpid=$!
lab_waitfor 60 "rovmon" test -s "$tmp/rovmon.pid" || fail "rovmon -i never opened the capture"
NEV=$(nlines "$tmp/off-a.jsonl")
inns tcpreplay -q -i rvtx --mbps 50 "$PCAP" > /dev/null 2>&1 || fail "tcpreplay"
lab_waitfor 30 "route events" has_lines "$NEV" "$tmp/live.jsonl" ||
	fail "$(nlines "$tmp/live.jsonl") route events, want $NEV"
S1=$(stat vrp_rtr_serial)
C1=$(stat vrp_count)
[ "$(stat vrp_rtr_version)" = 2 ] || fail "the sensor's session is not at version 2"
N1=$(nlines "$tmp/live.alerts")
CB=$(python3 -c 'import json, sys; print(len({(r["prefix"], r["maxLength"], r["asn"]) for r in json.load(open(sys.argv[1]))["roas"]}))' "$tmp/b.json")
cp "$tmp/b.json" "$tmp/cache.new" && mv "$tmp/cache.new" "$tmp/cache.json"
lab_waitfor 60 "new serial" stat_gt vrp_rtr_serial "$S1" || fail "the sensor stayed at serial $S1"
lab_waitfor 10 "new count" stat_is vrp_count "$CB" || fail "vrp_count $(stat vrp_count), want $CB (was $C1)"
[ "$(stat vrp_rtr_notifies)" -ge 1 ] || fail "no Serial Notify received"
# the routes the swap flips are alerted, exactly: sid 1000006 ("RPKI
# INVALID after VRP update"), one per flipped prefix, no other
reval() {	# the prefixes of the revalidate alerts of sid 1000006
	python3 -c 'import json, sys
print("".join(sorted(a["bgp"]["prefix"] + "\n" for a in map(json.loads, open(sys.argv[1]))
    if a.get("sid") == 1000006 and a["bgp"]["event"] == "revalidate")), end="")' "$tmp/live.alerts"
}
reval_n() { [ "$(reval | wc -l)" -ge "$1" ]; }
lab_waitfor 20 "revalidate alerts" reval_n "$NFLIP" ||
	fail "$(reval | wc -l) revalidate alerts (sid 1000006) after the swap, want $NFLIP"
reval > "$tmp/reval.txt"
cmp -s "$tmp/reval.txt" "$tmp/flip.txt" ||
	fail "revalidate alerts for $(tr '\n' ' ' < "$tmp/reval.txt"), want $(tr '\n' ' ' < "$tmp/flip.txt")"

# 3. stayrtr killed: the sensor keeps the last good set (the second
# snapshot, its alerts standing), retries, and once no update has come for
# the expire interval (12 s from the last End of Data) reports the data
# expired: statistics, one log line, one alert (sid 1000106), not earlier.
NA=$(nlines "$tmp/live.alerts")
T0=$(date +%s)
kill -KILL "$S2PID" 2> /dev/null
lab_waitfor 10 "disconnected" stat_is vrp_rtr_connected 0 || fail "the sensor still says connected"
[ "$(stat vrp_count)" = "$CB" ] || fail "vrp_count $(stat vrp_count) after the cache died, want $CB kept"
[ "$(stat vrp_rtr_expired)" = 0 ] || fail "expired at once, before the expire interval"
lab_waitfor 30 "expired" stat_is vrp_rtr_expired 1 || fail "vrp_rtr_expired never 1"
T1=$(date +%s)
[ "$(stat vrp_count)" = "$CB" ] || fail "vrp_count $(stat vrp_count) after expiry, want $CB kept"
[ "$(grep -c "data expired" "$tmp/rovmon.err")" = 1 ] ||
	fail "want one 'data expired' line: $(grep -c "data expired" "$tmp/rovmon.err")"
python3 - "$tmp/live.alerts" "$NA" <<'PY' || fail "the expiry's alert"
import json, sys
new = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()[int(sys.argv[2]):]]
ev = [a for a in new if a.get("sid") == 1000106]
assert len(ev) == 1 and ev[0]["event"]["type"] == "rtr-expired", new
assert all(a.get("sid") == 1000106 for a in new), [a.get("sid") for a in new]
PY
# the interval counts from the last update, before the kill
[ $((T1 - T0)) -le 20 ] || fail "expiry reported $((T1 - T0)) s after the kill, expire is 12 s"
kill -INT "$mpid"; wait "$mpid"; st=$?; mpid=""
[ $st -eq 0 ] || fail "rovmon exited $st"
echo PASS
