#!/bin/sh
# sanitizer: yes
# tsan: yes
# Reading a capture (-r), the network sinks deliver every alert or say
# what they lost (docs/alerts.md, "Delivery"); tests/sinks/http_sink.py is
# the webhook and Elasticsearch endpoint.
#   1. a healthy server, default options: the webhook and Elasticsearch
#      receive exactly the alerts of the --alerts file (the same objects),
#      exit 0, no loss reported;
#   2. the same with the smallest queues (queue=1; ES queue=3,batch=2);
#   3. a server that accepts but is slow (its first requests answered
#      after 1 s) with small queues: reading waits, nothing is dropped;
#   4. a server that answers 503 to its first requests: they are retried,
#      every alert arrives; refusals are not retried: a webhook answered
#      400 once, Elasticsearch refusing 3 documents (mapping): exit 1 and
#      the line with the count and the reason; documents rejected with 429
#      are sent again, alone: every alert indexed once;
#   5. a server that stays dead (nothing listens): exit 1 and stderr is
#      exactly one line "rovmon: N alerts lost: SINK (Connection refused)";
#      the file still has every alert; the same with two dead sinks;
#   6. --alerts, --routes, --stats on /dev/full (and --stats-interval):
#      exit 1 and stderr is one line each.
# Conditions are polled; no fixed sleeps.
set -u
cd "$(dirname "$0")/../.."
# a sanitizer report must not pass for the expected exit 1
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:exitcode=86"
export TSAN_OPTIONS="${TSAN_OPTIONS:-}:exitcode=86"
B=${ROVMON_BUILD:-build}
[ -x "$B/rovmon" ] || { echo "skip: $B/rovmon not built"; exit 77; }
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "skip: no $PY"; exit 77; }
[ -w /dev/full ] || { echo "skip: no /dev/full"; exit 77; }
$PY -c 'import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library("curl") else 1)' ||
	{ echo "skip: libcurl not installed (network sinks need it)"; exit 77; }
VRPS=pcaps/demo-vrps.json
BIG=pcaps/ipv4-full.pcap	# the issue's 3,786 alerts (default rules)
SMALL=pcaps/addpath.pcap
tmp=$(mktemp -d /tmp/rovmon-sinks-delivery.XXXXXX)
hpid=""
cleanup() {
	[ -n "$hpid" ] && kill "$hpid" 2> /dev/null
	[ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# server DIR [http_sink.py options]: start one, HPORT is its port
server() {
	[ -n "$hpid" ] && { kill "$hpid"; wait "$hpid" 2> /dev/null; }
	rm -rf "$1"; mkdir -p "$1"
	d=$1; shift
	$PY tests/sinks/http_sink.py "$d/port" "$d" "$@" & hpid=$!
	i=0
	until [ -s "$d/port" ]; do
		i=$((i + 1)); [ $i -le 200 ] || fail "http_sink.py did not start"
		sleep 0.05
	done
	HPORT=$(cat "$d/port")
}
# run NAME PCAP ARGS...: rovmon, exit status in $st, stderr without the
# demo VRPs' expiry warning and the start line in $tmp/NAME.err
run() {
	name=$1 pcap=$2; shift 2
	rm -f "$tmp/$name.alerts"
	"$B/rovmon" -r "$pcap" --vrps "$VRPS" --stats "$tmp/$name.stats" "$@" \
	    2> "$tmp/$name.raw"
	st=$?
	grep -v -e "VRP set is stale" -e "^reading from file " "$tmp/$name.raw" > "$tmp/$name.err"
	! grep -q -e "runtime error" -e "Sanitizer" "$tmp/$name.err" ||
		{ head -n 40 "$tmp/$name.err"; fail "$name: sanitizer report"; }
}
# same DIR NAME: the webhook's and Elasticsearch's alerts are the file's
same() {
	$PY - "$tmp/$2.alerts" "$1/webhook.jsonl" "$1/es.jsonl" "$2" <<'PY'
import json, os, sys
def load(p, key=None):
    if not os.path.exists(p):
        return []
    out = []
    for l in open(p):
        d = json.loads(l)
        out.append(json.dumps(d[key] if key else d, sort_keys=True))
    return out
f = load(sys.argv[1])
w = load(sys.argv[2], "alert")
e = load(sys.argv[3])
print(f"{sys.argv[4]}: {len(f)} alerts in the file, webhook {len(w)}, elasticsearch {len(e)}")
assert len(f) > 0, "no alerts in the file"
assert w == f, "the webhook's alerts differ from the file's"
assert sorted(e) == sorted(f), "the ES documents differ from the file's"
PY
}
# stat NAME EXPR: evaluate EXPR on the last stats line (d)
stat() {
	$PY -c 'import json,sys; d=[json.loads(l) for l in open(sys.argv[1])][-1]; print(eval(sys.argv[2]))' \
	    "$tmp/$1.stats" "$2"
}
noloss() {
	[ $st -eq 0 ] || { cat "$tmp/$1.err"; fail "$1: exit $st"; }
	! grep -q "lost" "$tmp/$1.err" || { cat "$tmp/$1.err"; fail "$1: a loss reported"; }
	[ "$(stat "$1" 'd["alert_queue_drops"] + d["alert_send_errors"] + d["alert_write_errors"]')" -eq 0 ] ||
		fail "$1: losses counted: $(tail -n 1 "$tmp/$1.stats")"
}

# --- 1. defaults --------------------------------------------------------
S=$tmp/s1
server "$S"
run defaults "$BIG" --alerts "$tmp/defaults.alerts" \
    --alert-sink "webhook:http://127.0.0.1:$HPORT/hook" \
    --alert-sink "elasticsearch:http://127.0.0.1:$HPORT/rovmon-alerts"
noloss defaults
same "$S" defaults || fail "defaults: alerts differ"
echo "ok: defaults: every alert reached the webhook and Elasticsearch"

# --- 2. the smallest queues ---------------------------------------------
S=$tmp/s2
server "$S"
run small "$SMALL" --alerts "$tmp/small.alerts" \
    --alert-sink "webhook:http://127.0.0.1:$HPORT/hook,queue=1" \
    --alert-sink "es:http://127.0.0.1:$HPORT/idx,queue=3,batch=2"
noloss small
same "$S" small || fail "small queues: alerts differ"
echo "ok: queue=1 (webhook), queue=3,batch=2 (ES): nothing dropped"

# --- 3. a slow server ---------------------------------------------------
S=$tmp/s3
server "$S" --slow 3:1
run slow "$SMALL" --alerts "$tmp/slow.alerts" \
    --alert-sink "webhook:http://127.0.0.1:$HPORT/hook,queue=2" \
    --alert-sink "es:http://127.0.0.1:$HPORT/idx,queue=10,batch=10"
noloss slow
same "$S" slow || fail "slow server: alerts differ"
echo "ok: slow server (3 answers after 1 s), queues of 2 and 10: nothing dropped"

# --- 4. a server that answers 503 at first ------------------------------
S=$tmp/s4
server "$S" --fail 4:503
run retry "$SMALL" --alerts "$tmp/retry.alerts" \
    --alert-sink "webhook:http://127.0.0.1:$HPORT/hook,queue=4" \
    --alert-sink "es:http://127.0.0.1:$HPORT/idx,queue=10,batch=10"
noloss retry
same "$S" retry || fail "503 server: alerts differ"
[ "$(grep -c ' 503$' "$S/requests.log")" -eq 4 ] || fail "503 server: $(grep -c ' 503$' "$S/requests.log") refusals, want 4"
n=$(wc -l < "$tmp/retry.alerts")
[ "$(stat retry 'd["alert_sent"]')" -eq $((2 * n)) ] || fail "retry: alert_sent"
echo "ok: 4 answers 503: retried, every alert delivered"

# refusals are not retried: each costs its alerts, and says so
S=$tmp/s4b
server "$S" --fail 1:400
run refused "$SMALL" --alerts "$tmp/refused.alerts" \
    --alert-sink "webhook:http://127.0.0.1:$HPORT/hook"
n=$(wc -l < "$tmp/refused.alerts")
want="rovmon: 1 alert lost: webhook:http://127.0.0.1:$HPORT/hook (HTTP status 400)"
[ $st -eq 1 ] && [ "$(cat "$tmp/refused.err")" = "$want" ] &&
    [ "$(wc -l < "$S/webhook.jsonl")" -eq $((n - 1)) ] && [ "$(wc -l < "$S/requests.log")" -eq "$n" ] ||
	{ cat "$tmp/refused.err"; fail "webhook 400: exit $st; want the line: $want"; }
echo "ok: webhook answered 400 once: not retried, exit 1, \"$want\""
S=$tmp/s4c
server "$S" --refuse 3
run mapping "$SMALL" --alerts "$tmp/mapping.alerts" \
    --alert-sink "es:http://127.0.0.1:$HPORT/idx"
n=$(wc -l < "$tmp/mapping.alerts")
[ $st -eq 1 ] && grep -qx "rovmon: 3 alerts lost: es:http://127.0.0.1:$HPORT/idx (3 of [0-9]* documents refused)" "$tmp/mapping.err" &&
    [ "$(wc -l < "$tmp/mapping.err")" -eq 1 ] && [ "$(wc -l < "$S/es.jsonl")" -eq $((n - 3)) ] ||
	{ cat "$tmp/mapping.err"; fail "ES refusing 3 documents: exit $st"; }
echo "ok: Elasticsearch refused 3 documents: not retried, exit 1, \"$(cat "$tmp/mapping.err")\""

# documents rejected for load (429) are sent again, alone: no duplicates
S=$tmp/s4d
server "$S" --refuse 5:429
run busy "$SMALL" --alerts "$tmp/busy.alerts" \
    --alert-sink "es:http://127.0.0.1:$HPORT/idx"
noloss busy
$PY - "$tmp/busy.alerts" "$S/es.jsonl" <<'PY' || fail "ES 429: documents differ"
import json, sys
f = sorted(json.dumps(json.loads(l), sort_keys=True) for l in open(sys.argv[1]))
e = sorted(json.dumps(json.loads(l), sort_keys=True) for l in open(sys.argv[2]))
assert f == e, (len(f), len(e))
PY
grep -qx 5 "$S/es-requests" || fail "ES 429: no request with the 5 rejected documents alone: $(tr '\n' ' ' < "$S/es-requests")"
echo "ok: Elasticsearch rejected 5 documents with 429: those alone sent again, every alert indexed once"

# --- 5. a server that stays dead ----------------------------------------
kill "$hpid"; wait "$hpid" 2> /dev/null; hpid=""
DPORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
W="webhook:http://127.0.0.1:$DPORT/hook,retry=1"
E="elasticsearch:http://127.0.0.1:$DPORT/idx,retry=1"
run dead "$BIG" --alerts "$tmp/dead.alerts" --alert-sink "$W"
n=$(wc -l < "$tmp/dead.alerts")
[ $st -eq 1 ] || { cat "$tmp/dead.err"; fail "dead webhook: exit $st, want 1"; }
[ "$n" -gt 0 ] && [ "$n" -eq "$(stat dead 'd["alerts"]')" ] || fail "dead webhook: the file has $n alerts"
want="rovmon: $n alerts lost: $W (Connection refused)"
[ "$(cat "$tmp/dead.err")" = "$want" ] ||
	{ cat "$tmp/dead.err"; fail "dead webhook: want the line: $want"; }
[ "$(stat dead 'd["alert_send_errors"] + d["alert_queue_drops"]')" -eq "$n" ] ||
	fail "dead webhook: counters $(tail -n 1 "$tmp/dead.stats")"
echo "ok: dead webhook: exit 1, \"$want\""

run dead2 "$SMALL" --alerts "$tmp/dead2.alerts" --alert-sink "$W" --alert-sink "$E"
n=$(wc -l < "$tmp/dead2.alerts")
want="rovmon: $((2 * n)) alerts lost: $n to $W (Connection refused), $n to $E (Connection refused)"
[ $st -eq 1 ] && [ "$(cat "$tmp/dead2.err")" = "$want" ] ||
	{ cat "$tmp/dead2.err"; fail "two dead sinks: exit $st; want the line: $want"; }
echo "ok: two dead sinks: exit 1, \"$want\""

# --- 6. full disks -------------------------------------------------------
run full "$BIG" --alerts /dev/full
n=$(stat full 'd["alerts"]')
want="rovmon: $n alerts lost: file:/dev/full (No space left on device)"
[ $st -eq 1 ] && [ "$n" -gt 0 ] && [ "$(cat "$tmp/full.err")" = "$want" ] ||
	{ cat "$tmp/full.err"; fail "--alerts /dev/full: exit $st; want the line: $want"; }
[ "$(stat full 'd["alert_write_errors"]')" -eq "$n" ] || fail "--alerts /dev/full: alert_write_errors"
echo "ok: --alerts /dev/full: exit 1, \"$want\""

"$B/rovmon" -r "$BIG" --routes /dev/full --stats /dev/null 2> "$tmp/routes.err"
st=$?
[ $st -eq 1 ] && [ "$(grep -vc '^reading from file ' "$tmp/routes.err")" -eq 1 ] &&
    grep -qxF "rovmon: /dev/full: write error on route log" "$tmp/routes.err" ||
	{ cat "$tmp/routes.err"; fail "--routes /dev/full: exit $st"; }
echo "ok: --routes /dev/full: exit 1, \"$(grep -v '^reading from file ' "$tmp/routes.err")\""

for iv in "" "--stats-interval 1"; do
	# shellcheck disable=SC2086
	"$B/rovmon" -r "$BIG" --stats /dev/full $iv 2> "$tmp/stats.err"
	st=$?
	[ $st -eq 1 ] && [ "$(grep -vc '^reading from file ' "$tmp/stats.err")" -eq 1 ] &&
	    grep -qxF "rovmon: /dev/full: cannot write statistics: No space left on device" "$tmp/stats.err" ||
		{ cat "$tmp/stats.err"; fail "--stats /dev/full $iv: exit $st"; }
done
echo "ok: --stats /dev/full (also with --stats-interval 1): exit 1, one line"
exit 0
