#!/bin/sh
# sanitizer: yes
# --state-dir: state that survives a restart (docs/state.md), live.
# pcaps/ipv4-full.pcap (BIRD -> GoBGP: a 10,000-route table, then
# withdrawals, changed paths, a hijack-like change, Cease) is cut at one
# of its quiet gaps into a part A and a part B, replayed with tcpreplay
# on a veth to rovmon -i in a private namespace; rovmon is stopped after
# A and started again with the same --state-dir before B.  The TCP
# session goes on across the restart (no SYN in B): the restored session
# is resumed by its 4-tuple.
#  1. SIGTERM after A (the checkpoint written at exit): the alerts of
#     both runs together equal those of one uninterrupted read of the
#     whole capture, exactly (every field but the time, packet number
#     and VRP generation), no duplicate, nothing missing: B's withdrawals
#     resolve alerts raised in A, B's changed paths alert nothing, the
#     Cease resolves the rest.  The second run says restored (stderr, the
#     statistics' restored_* and restore_gap*, one checkpoint-restored
#     alert, rib_resumed 1).  A second rovmon on the same directory is
#     refused while the first runs (exit 3, the lock).
#  2. SIGKILL after A, cut at another gap, --checkpoint-interval 1: the
#     kill waits for a checkpoint taken after A's last alert (what comes
#     after the last periodic checkpoint is lost: docs/state.md); the
#     union equals the uninterrupted run's again.
#  0. Offline first: each bundled capture of one session (ipv4-full,
#     ipv6-full, addpath with ADD-PATH, as2-session with 2-octet ASNs,
#     midstream, roles-otc) cut at each of its two longest gaps and read
#     with -r in two runs sharing a --state-dir: the union equals one
#     read's alerts exactly (gaps inside a BGP message skipped: such a
#     message is lost across a restart, docs/state.md; so are gaps after
#     which a session says nothing until the end: the end of a file
#     resolves the restored session, which the uninterrupted read keeps;
#     and gaps before every session stored a route: one without is not
#     in the checkpoint).  The second run picks the session up
#     mid-stream, its encodings inferred (docs/state.md); when its first
#     message is its end (a NOTIFICATION), the end resumes the restored
#     session and resolves its routes, as in the uninterrupted read.
#  4. A restored session that never comes back (--stale-time 2, nothing
#     replayed): one session-gone alert and every route that had alerted
#     resolved (session-gone).
#  5. Other VRPs at the restart (offline): the restored routes are judged
#     with them: exactly the routes they make INVALID alert (sid 1000006).
#  3. Refusals (offline, -r): a checkpoint with a bit flipped, a foreign
#     file and a truncated one are each refused with one line naming the
#     file and the reason, set aside under a new name (never overwritten,
#     the bytes kept), an alert sid 1000112, restore_refused 1, and
#     rovmon starts empty.
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
PCAP=pcaps/ipv4-full.pcap
V=pcaps/demo-vrps.json
tmp=$(mktemp -d /tmp/rovmon-restart.XXXXXX)
mpid=""
cleanup() {
	[ -n "$mpid" ] && kill -KILL "$mpid" 2> /dev/null
	command -v lab_cleanup > /dev/null && lab_cleanup
	wait 2> /dev/null
	[ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE
fail() { echo "FAIL: $*"; for f in "$tmp"/run*.err; do [ -f "$f" ] && { echo "== $f"; tail -n 5 "$f"; }; done; exit 1; }
nlines() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
has_lines() { [ "$(nlines "$2")" -ge "$1" ]; }	# N FILE
inns() { ip netns exec "$NS" "$@"; }
# the last statistics line's FIELD
lastfield() {
	python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])[sys.argv[2]])' "$1" "$2"
}

# union_eq FULL A B: the union of the alerts of files A and B (the
# sensor's own events apart) against FULL's, as multisets
union_eq() {
	python3 - "$1" "$2" "$3" <<'PY'
import collections, json, sys
def key(a):
    a = dict(a)
    for k in ("timestamp", "@timestamp", "pkt_num", "b64_data", "pkt_len"):
        a.pop(k, None)
    if "bgp" in a and (a["bgp"].get("rpki") or {}).get("generation") is not None:
        a["bgp"] = dict(a["bgp"], rpki=dict(a["bgp"]["rpki"], generation=None))
    return json.dumps(a, sort_keys=True)
def load(p):
    return collections.Counter(key(json.loads(l)) for l in open(p) if '"event":{"type"' not in l)
full = load(sys.argv[1]); u = load(sys.argv[2]) + load(sys.argv[3])
missing, extra = full - u, u - full
print("%d alerts in the uninterrupted run, %d in the two runs: %d missing, %d extra" %
      (sum(full.values()), sum(u.values()), sum(missing.values()), sum(extra.values())))
for k in list(missing)[:3]: print("  missing:", k[:300])
for k in list(extra)[:3]: print("  extra:", k[:300])
sys.exit(0 if not missing and not extra else 1)
PY
}

# 0. Offline: every one-session capture, cut at its two longest gaps.
echo "# 0: offline, the bundled captures cut in two"
for c in ipv4-full ipv6-full addpath as2-session midstream roles-otc; do
	vr=$V
	[ "$c" = roles-otc ] && vr=pcaps/roles-aspa.json
	"$B/rovmon" -r "pcaps/$c.pcap" --vrps "$vr" --alerts "$tmp/$c.full" --stats /dev/null -q 2> /dev/null ||
		fail "$c: the uninterrupted read"
	ncut=0
	for k in 0 1 2 3 4 5 6 7 8 9; do
		[ $ncut = 2 ] && break
		cut=$(python3 - "pcaps/$c.pcap" "$tmp" "$k" <<'PY'
import os, sys
sys.path.insert(0, os.path.join("tests", "lib")); import pcapfile
hdr, lt, e, frames = pcapfile.read_pcap(sys.argv[1])
ts = [f[0][0] + f[0][1] / 1e6 for f in frames]
gaps = sorted(((ts[i + 1] - ts[i], i + 1) for i in range(len(ts) - 1)), reverse=True)
cut = gaps[int(sys.argv[3])][1]
def flows(fr):
    out = set()
    for f in fr:
        t = pcapfile.tcp_info(lt, f[1])
        if t and t["payload"]:
            out.add(frozenset(((t["src"], t["sport"]), (t["dst"], t["dport"]))))
    return out
# a session silent in the whole second part is gone at its end (the end
# of a file resolves what is held, docs/alerts.md "Session flaps"), while
# the uninterrupted read keeps it: cut where every session speaks again
if flows(frames[:cut]) - flows(frames[cut:]):
    print("silent")
    sys.exit(0)
pcapfile.write_pcap(os.path.join(sys.argv[2], "oa.pcap"), hdr, e, frames[:cut])
pcapfile.write_pcap(os.path.join(sys.argv[2], "ob.pcap"), hdr, e, frames[cut:])
print("%d/%d %d" % (cut, len(frames), len(flows(frames[:cut]))))
PY
) || fail "$c: cutting"
		[ "$cut" = silent ] && continue
		nflows=${cut#* }
		cut=${cut% *}
		rm -rf "$tmp/ost" "$tmp/oa.json" "$tmp/ob.json"
		"$B/rovmon" -r "$tmp/oa.pcap" --vrps "$vr" --alerts "$tmp/oa.json" \
		    --state-dir "$tmp/ost" --stats "$tmp/oa.stats" -q 2> /dev/null || fail "$c: the read of part A"
		# a BGP message begun before the cut and ended after it is
		# lost across a restart (no reassembly state is kept): cut
		# between messages only
		[ "$(lastfield "$tmp/oa.stats" bgp_msg_cut_at_end)" = 0 ] || continue
		"$B/rovmon" -r "$tmp/ob.pcap" --vrps "$vr" --alerts "$tmp/ob.json" \
		    --state-dir "$tmp/ost" --stats "$tmp/ob.stats" -q 2> /dev/null || fail "$c: the read of part B"
		# a session that had stored no route when the first part ended
		# is not in the checkpoint: what its OPENs said (roles, AS) is
		# not kept (docs/state.md); cut where every session had routes
		[ "$(lastfield "$tmp/ob.stats" restored_sessions)" = "$nflows" ] || continue
		ncut=$((ncut + 1))
		r=$(union_eq "$tmp/$c.full" "$tmp/oa.json" "$tmp/ob.json") || fail "$c cut at frame $cut: $r"
		echo "ok - $c cut at frame $cut: $(echo "$r" | head -n 1)"
	done
	[ $ncut -ge 1 ] || fail "$c: no gap between messages among the 10 longest"
done

# 5. New VRPs across the restart: the routes restored are judged with the
# VRPs of the new start.  Part A of ipv4-full read with the demo VRPs;
# the restart with a copy whose ROAs for three of its VALID routes name
# AS64496 instead, and nothing to read: exactly those three alert as
# INVALID after a VRP update (sid 1000006, revalidate), no other.
echo "# 5: other VRPs at the restart: the restored routes judged again"
python3 - "$PCAP" "$tmp" <<'PY' || fail "cutting for part 5"
import os, sys
sys.path.insert(0, os.path.join("tests", "lib")); import pcapfile
hdr, lt, e, frames = pcapfile.read_pcap(sys.argv[1])
pcapfile.write_pcap(os.path.join(sys.argv[2], "va.pcap"), hdr, e, frames[:606])
pcapfile.write_pcap(os.path.join(sys.argv[2], "none.pcap"), hdr, e, [])
PY
"$B/rovmon" -r "$tmp/va.pcap" --vrps "$V" --routes "$tmp/va.jsonl" --alerts "$tmp/va.json" \
    --state-dir "$tmp/vst" --stats /dev/null -q 2> /dev/null || fail "part 5: the read of part A"
python3 - "$V" "$tmp/va.jsonl" "$tmp/vrps2.json" "$tmp/flip.txt" <<'PY' || fail "part 5: other VRPs"
import json, sys
doc = json.load(open(sys.argv[1]))
picked = []
for e in map(json.loads, open(sys.argv[2])):
    r = e.get("rpki") or {}
    if e["event"] != "announce" or r.get("state") != "valid" or len(r.get("vrps", [])) != 1:
        continue
    v = r["vrps"][0]
    hits = [x for x in doc["roas"] if x["prefix"] == v["prefix"] and x["maxLength"] == v["max_length"] and x["asn"] in (v["asn"], "AS%d" % v["asn"])]
    if len(hits) != 1 or any(x["prefix"] == v["prefix"] and x is not hits[0] for x in doc["roas"]):
        continue
    hits[0]["asn"] = 64496
    picked.append(e["prefix"])
    if len(picked) == 3:
        break
assert len(picked) == 3, picked
json.dump(doc, open(sys.argv[3], "w"))
open(sys.argv[4], "w").write("".join(p + "\n" for p in sorted(picked)))
PY
"$B/rovmon" -r "$tmp/none.pcap" --vrps "$tmp/vrps2.json" --alerts "$tmp/vb.json" \
    --state-dir "$tmp/vst" --stats /dev/null -q 2> /dev/null || fail "part 5: the restart with other VRPs"
python3 -c 'import json, sys
print("".join(sorted(a["bgp"]["prefix"] + "\n" for a in map(json.loads, open(sys.argv[1]))
    if a.get("sid") == 1000006)), end="")' "$tmp/vb.json" > "$tmp/reval.txt"
cmp -s "$tmp/reval.txt" "$tmp/flip.txt" ||
	fail "part 5: revalidate alerts for $(tr '\n' ' ' < "$tmp/reval.txt"), want $(tr '\n' ' ' < "$tmp/flip.txt")"
echo "ok - other VRPs at the restart: exactly the 3 restored routes they make INVALID alert (sid 1000006): $(tr '\n' ' ' < "$tmp/flip.txt")"

command -v tcpreplay > /dev/null || { echo "SKIP-PART: tcpreplay not installed"; echo PASS; exit 0; }
[ "$(id -u)" = 0 ] || { echo "SKIP-PART: needs root (network namespaces)"; echo PASS; exit 0; }
. tests/lib/lab.sh
lab_ns NS rovmon-rst || { echo "SKIP-PART: cannot create network namespaces here"; echo PASS; exit 0; }
LAB_DIR=$tmp
lab_veth "$NS" rsa "$NS" rsb || fail "veth"

# The parts: cut at the two longest gaps (~2.7 s, ~2.5 s) between frames.
python3 - "$PCAP" "$tmp" <<'PY' || fail "cutting the capture"
import os, sys
sys.path.insert(0, os.path.join("tests", "lib")); import pcapfile
hdr, lt, e, frames = pcapfile.read_pcap(sys.argv[1])
ts = [f[0][0] + f[0][1] / 1e6 for f in frames]
gaps = sorted(((ts[i + 1] - ts[i], i + 1) for i in range(len(ts) - 1)), reverse=True)
for n, (g, cut) in enumerate(gaps[:2], 1):
    assert g > 2, gaps[:3]
    pcapfile.write_pcap(os.path.join(sys.argv[2], "a%d.pcap" % n), hdr, e, frames[:cut])
    pcapfile.write_pcap(os.path.join(sys.argv[2], "b%d.pcap" % n), hdr, e, frames[cut:])
    print("cut %d at frame %d of %d (a gap of %.2f s)" % (n, cut, len(frames), g))
PY
# The uninterrupted run, and part A alone (its flow open at the end, as
# live), for the counts to wait for.  --stale-time 0 in every run: the
# Cease at the end resolves the session's routes at once, live as
# offline (with a hold, a live run that stops keeps them held while a
# file's end resolves them: docs/alerts.md "Session flaps"); a restored
# session is still held for its flow (docs/state.md).
"$B/rovmon" -r "$PCAP" --vrps "$V" --stale-time 0 --alerts "$tmp/full.json" --stats /dev/null -q 2> /dev/null ||
	fail "the uninterrupted run"
NFULL=$(nlines "$tmp/full.json")
for n in 1 2; do
	"$B/rovmon" -r "$tmp/a$n.pcap" --vrps "$V" --stale-time 0 --alerts "$tmp/off-a$n.json" \
	    --routes "$tmp/off-a$n.routes" --stats /dev/null -q 2> /dev/null ||
		fail "the offline run of part A$n"
done

# compare A B: the union of the alerts of files A and B (the sensor's own
# events apart) against the uninterrupted run's, as multisets
union_is_full() { union_eq "$tmp/full.json" "$1" "$2"; }

# start N DIR [OPTIONS]: rovmon -i rsb, run N's files
start() {
	n=$1 dir=$2; shift 2
	rm -f "$tmp/run$n.pid"
	ip netns exec "$NS" "$B/rovmon" -i rsb --vrps "$V" --stale-time 0 --alerts "$tmp/run$n.json" \
	    --routes "$tmp/run$n.routes" --state-dir "$dir" --stats "$tmp/run$n.stats" --pidfile "$tmp/run$n.pid" "$@" \
	    2> "$tmp/run$n.err" &
	mpid=$!
	lab_waitfor 60 "rovmon" test -s "$tmp/run$n.pid" || fail "run $n: rovmon -i never opened the capture"
	[ "$(cat "$tmp/run$n.pid")" = "$mpid" ] || fail "run $n: pid $(cat "$tmp/run$n.pid"), started $mpid"
}
# part_a_done RUN N: run RUN has logged every route event of part A N
# (the route log is written as each route is handled, before the RIB)
part_a_done() {
	lab_waitfor 30 "part A's route events" has_lines "$(nlines "$tmp/off-a$2.routes")" "$tmp/run$1.routes" ||
		fail "run $1: $(nlines "$tmp/run$1.routes") route events, want $(nlines "$tmp/off-a$2.routes")"
}
# stop SIGNAL: stop rovmon, wait for it
stop() {
	kill -"$1" "$mpid" 2> /dev/null
	wait "$mpid" 2> /dev/null
	st=$?
	mpid=""
	[ "$1" = KILL ] || [ "$st" = 0 ] || fail "rovmon exited $st after SIG$1"
}
replay() { inns tcpreplay -q -i rsa --mbps 50 "$1" > /dev/null 2>&1 || fail "tcpreplay $1"; }

# restored_ok N ROUTES: run N's stderr line, statistics and alert
restored_ok() {
	grep -q "checkpoint: restored 1 sessions, $2 routes; taken [0-9]* s before this start" "$tmp/run$1.err" ||
		fail "run $1 does not say restored 1 sessions, $2 routes: $(cat "$tmp/run$1.err")"
	[ "$(lastfield "$tmp/run$1.stats" restored_routes)" = "$2" ] || fail "run $1: restored_routes"
	[ "$(lastfield "$tmp/run$1.stats" restored_sessions)" = 1 ] || fail "run $1: restored_sessions"
	[ "$(lastfield "$tmp/run$1.stats" rib_resumed)" = 1 ] || fail "run $1: rib_resumed, want 1 (the same 4-tuple)"
	[ "$(lastfield "$tmp/run$1.stats" restore_gap_from)" -gt 0 ] || fail "run $1: restore_gap_from"
	[ "$(grep -c '"sid":1000113' "$tmp/run$1.json")" = 1 ] || fail "run $1: want one checkpoint-restored alert"
}

# 1. SIGTERM between A and B.
echo "# 1: SIGTERM after part A, restart, part B"
start 1 "$tmp/st1"
inns "$B/rovmon" -i rsb --vrps "$V" --alerts "$tmp/other.json" --state-dir "$tmp/st1" \
    --stats /dev/null -q > /dev/null 2> "$tmp/other.err"
[ $? = 3 ] && grep -q "in use by another rovmon (lock held)" "$tmp/other.err" ||
	fail "a second rovmon on the same --state-dir: $(cat "$tmp/other.err")"
replay "$tmp/a1.pcap"
NA=$(nlines "$tmp/off-a1.json")
lab_waitfor 30 "part A's alerts" has_lines "$NA" "$tmp/run1.json" ||
	fail "run 1: $(nlines "$tmp/run1.json") alerts, want $NA"
# and every route event of A: its last UPDATEs may change only paths,
# which raise no alert (a stop before them loses them, and a later
# resolved alert would carry the older path)
part_a_done 1 1
stop TERM
[ -s "$tmp/st1/checkpoint" ] || fail "no checkpoint after SIGTERM"
cp "$tmp/st1/checkpoint" "$tmp/good"	# for part 3
[ "$(lastfield "$tmp/run1.stats" checkpoints)" = 1 ] || fail "run 1: checkpoints, want 1 (at exit)"
NR=$(lastfield "$tmp/run1.stats" routes_stored)
start 2 "$tmp/st1"
replay "$tmp/b1.pcap"
NB=$((NFULL - NA + 1))
lab_waitfor 30 "part B's alerts" has_lines "$NB" "$tmp/run2.json" ||
	fail "run 2: $(nlines "$tmp/run2.json") alerts, want $NB"
stop TERM
restored_ok 2 "$NR"
union_is_full "$tmp/run1.json" "$tmp/run2.json" || fail "part 1: the union differs"
# withdrawn after the restart, alerted before it: resolved
NW=$(python3 - "$tmp/run1.json" "$tmp/run2.json" <<'PY'
import json, sys
alerted = {a["bgp"]["prefix"] for a in map(json.loads, open(sys.argv[1])) if "bgp" in a}
print(sum(1 for a in map(json.loads, open(sys.argv[2])) if "bgp" in a and
          a["bgp"]["event"] == "resolved" and a["bgp"].get("resolve_reason") == "withdrawn" and
          a["bgp"]["prefix"] in alerted))
PY
)
[ "$NW" -gt 0 ] || fail "no withdrawal after the restart resolved an alert raised before it"
echo "ok - SIGTERM: $NA + $((NB - 1)) alerts = the uninterrupted run's $NFULL; $NW withdrawals after the restart resolved alerts raised before it; $NR routes restored"

# 2. SIGKILL between A and B, once a checkpoint has all of A.
echo "# 2: SIGKILL after part A (periodic checkpoints), restart, part B"
start 3 "$tmp/st2" --checkpoint-interval 1
replay "$tmp/a2.pcap"
NA=$(nlines "$tmp/off-a2.json")
lab_waitfor 30 "part A's alerts" has_lines "$NA" "$tmp/run3.json" ||
	fail "run 3: $(nlines "$tmp/run3.json") alerts, want $NA"
part_a_done 3 2
# two more checkpoints: the second was begun after A's last route
ckpts() {
	s=$(nlines "$tmp/run3.stats")
	kill -USR1 "$mpid" 2> /dev/null
	lab_waitfor 5 "stats" has_lines $((s + 1)) "$tmp/run3.stats" > /dev/null || return 1
	lastfield "$tmp/run3.stats" checkpoints
}
C0=$(ckpts) || fail "run 3: no statistics"
ckpts_ge() { [ "$(ckpts)" -ge "$1" ]; }
lab_waitfor 20 "checkpoints" ckpts_ge $((C0 + 2)) || fail "run 3: no periodic checkpoint after $C0"
NR=$(lastfield "$tmp/run3.stats" routes_stored)
stop KILL
start 4 "$tmp/st2"
replay "$tmp/b2.pcap"
NB=$((NFULL - NA + 1))
lab_waitfor 30 "part B's alerts" has_lines "$NB" "$tmp/run4.json" ||
	fail "run 4: $(nlines "$tmp/run4.json") alerts, want $NB"
stop TERM
restored_ok 4 "$NR"
union_is_full "$tmp/run3.json" "$tmp/run4.json" || fail "part 2: the union differs"
echo "ok - SIGKILL: $NA + $((NB - 1)) alerts = the uninterrupted run's $NFULL"

# 4. A session that never comes back: the checkpoint of run 1 (the
# session up, its alerted routes stored) restored with --stale-time 2 and
# nothing replayed: after 2 s one session-gone alert (sid 1000110) and a
# resolved alert (session-gone) for each route that had alerted.
echo "# 4: a restored session that never comes back"
mkdir -p "$tmp/st3" && cp "$tmp/good" "$tmp/st3/checkpoint"
NG=$(python3 - "$tmp/run1.json" <<'PY'
import json, sys
up = set()
for a in map(json.loads, open(sys.argv[1])):
    b = a.get("bgp")
    if b is None:
        continue
    k = (b["prefix"], b.get("path_id"))
    if b["event"] == "resolved":
        up.discard(k)
    else:
        up.add(k)
print(len(up))
PY
)
start 5 "$tmp/st3" --stale-time 2
gone_n() { [ "$(grep -c '"resolve_reason":"session-gone"' "$tmp/run5.json")" -ge "$1" ]; }
lab_waitfor 30 "session-gone" gone_n "$NG" ||
	fail "run 5: $(grep -c '"resolve_reason":"session-gone"' "$tmp/run5.json") routes resolved session-gone, want $NG"
stop TERM
[ "$(grep -c '"resolve_reason":"session-gone"' "$tmp/run5.json")" = "$NG" ] ||
	fail "run 5: more than $NG routes resolved session-gone"
[ "$(grep -c '"sid":1000110' "$tmp/run5.json")" = 1 ] || fail "run 5: want one session-gone alert (sid 1000110)"
[ "$(lastfield "$tmp/run5.stats" routes_stored)" = 0 ] || fail "run 5: routes still stored"
echo "ok - the restored session never came back: after --stale-time 2, $NG alerted routes resolved (session-gone), one sid 1000110"

# 3. Refusals: a bit flipped, a foreign file, a truncated file.
echo "# 3: refused checkpoints"
D=$tmp/st1
n=0
for what in flip foreign cut; do
	n=$((n + 1))
	case $what in
	flip) python3 -c 'import sys; p = sys.argv[1]; b = bytearray(open(p, "rb").read()); b[-5] ^= 0x10; open(p, "wb").write(b)' "$D/checkpoint"
	      why="body checksum mismatch" ;;
	foreign) cp "$V" "$D/checkpoint"; why="not a rovmon checkpoint (no ROVMONCK magic)" ;;
	cut) head -c 1000 "$tmp/good" > "$D/checkpoint"; why="truncated: body of" ;;
	esac
	cp "$D/checkpoint" "$tmp/bad$n"
	"$B/rovmon" -r pcaps/rfc8097.pcap --vrps "$V" --alerts "$tmp/ref$n.json" --state-dir "$D" \
	    --stats "$tmp/ref$n.stats" -q 2> "$tmp/ref$n.err" || fail "$what: exit $?: $(cat "$tmp/ref$n.err")"
	line=$(grep "refused" "$tmp/ref$n.err")
	[ "$(grep -c . "$tmp/ref$n.err" | tr -d ' ')" -le 2 ] && [ "$(echo "$line" | wc -l)" = 1 ] &&
	    echo "$line" | grep -qF "rovmon: $D/checkpoint: refused ($why" &&
	    echo "$line" | grep -q "; kept as $D/checkpoint.refused-[0-9T]*Z\(-[0-9]*\)\?; starting empty$" ||
		fail "$what: $(cat "$tmp/ref$n.err")"
	kept=$(echo "$line" | sed 's/.*kept as \(.*\); starting empty$/\1/')
	cmp -s "$kept" "$tmp/bad$n" || fail "$what: $kept is not the refused file"
	[ "$(lastfield "$tmp/ref$n.stats" restore_refused)" = 1 ] || fail "$what: restore_refused"
	[ "$(lastfield "$tmp/ref$n.stats" restored_routes)" = 0 ] || fail "$what: routes restored"
	python3 - "$tmp/ref$n.json" "$why" "$kept" <<'PY' || fail "$what: the checkpoint-refused alert"
import json, sys
ev = [a for a in map(json.loads, open(sys.argv[1])) if a.get("sid") == 1000112]
assert len(ev) == 1, ev
e = ev[0]["event"]
assert e["type"] == "checkpoint-refused" and e["reason"].startswith(sys.argv[2]) and e["kept_as"] == sys.argv[3], e
PY
	echo "ok - $what: $line"
done
[ "$(ls "$D" | grep -c '^checkpoint\.refused-')" = 3 ] || fail "want 3 refused files kept: $(ls "$D")"
echo "ok - the 3 refused files are kept apart"
echo "PASS"
