#!/bin/sh
# tsan: yes
# Alert sinks end to end: a local HTTP server (tests/sinks/http_sink.py)
# takes webhook and Elasticsearch _bulk posts, aiosmtpd (Debian's
# python3-aiosmtpd) takes mail.  The driver is the cmocka test
# test_sink_driver in build/tests/test_alert, run with ROVMON_SINK_*.
#   1. all endpoints up: every alert reaches the file, the webhook and ES;
#      mail and chat take priorities 1-2 by default (flood control per
#      sink), and their rate limit lets through exactly rate= of those;
#      tests/check_mapping.py checks the alerts against the ES template.
#   2. endpoints killed mid-run: the file still has every alert, emitting
#      stays fast, failures are counted.
#   3. an endpoint that accepts and never answers: emits return at once,
#      the full queue drops and counts, closing is bounded by the timeout.
set -u
cd "$(dirname "$0")/../.."
BUILD=${ROVMON_BUILD:-build}
T=$BUILD/tests/test_alert
[ -x "$T" ] || { echo "skip: $T not built"; exit 77; }
PY=/usr/bin/python3
$PY -c "import aiosmtpd" 2>/dev/null ||
	{ echo "skip: python3-aiosmtpd not installed (make deps)"; exit 77; }
tmp=$(mktemp -d)
hpid="" spid="" bpid="" dpid=""
cleanup() {
	for p in $hpid $spid $bpid $dpid; do kill "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }
free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
waitfor() {	# file
	i=0
	while [ ! -s "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -s "$1" ] || fail "$1 never appeared"
}
counter() {	# json-file sink-index field ("emit_ms"/"free_ms": any index)
	$PY -c 'import json,sys
d = json.load(open(sys.argv[1]))
f = sys.argv[3]
print(d[f] if f in d else d["counters"]["sinks"][int(sys.argv[2])][f])' "$@"
}
start_servers() {
	rm -f "$tmp/port"
	$PY tests/sinks/http_sink.py "$tmp/port" "$tmp" & hpid=$!
	waitfor "$tmp/port"
	HPORT=$(cat "$tmp/port")
	SPORT=$(free_port)
	$PY -m aiosmtpd -n -l "127.0.0.1:$SPORT" \
	    -c aiosmtpd.handlers.Mailbox "$tmp/maildir" & spid=$!
	i=0
	until $PY -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),1)' "$SPORT" 2>/dev/null; do
		sleep 0.1; i=$((i + 1)); [ $i -lt 100 ] || fail "aiosmtpd did not start"
	done
}
run_driver() {	# N out specs...
	n=$1 out=$2; shift 2
	ROVMON_SINK_TEST=$n ROVMON_SINK_OUT=$out ROVMON_SINK_SPECS="$*" \
	    "$T" > "$out.log" 2>&1 || { cat "$out.log"; fail "driver"; }
}

# 1. everything up
start_servers
N=300
run_driver $N "$tmp/c1.json" "file:$tmp/alerts.json" \
    "webhook:http://127.0.0.1:$HPORT/hook,rate=0" \
    "elasticsearch:http://127.0.0.1:$HPORT/rovmon-alerts/,batch=100" \
    "smtp://127.0.0.1:$SPORT?from=rovmon@example.net&to=noc@example.net&to=sec@example.net,rate=5" \
    "file:$tmp/p1.json,min_priority=1" \
    "slack:http://127.0.0.1:$HPORT/chat"
[ "$(wc -l < "$tmp/alerts.json")" -eq $N ] || fail "file sink lines"
[ "$(wc -l < "$tmp/p1.json")" -eq $((N / 3)) ] || fail "min_priority=1 file"
[ "$(wc -l < "$tmp/webhook.jsonl")" -eq $N ] || fail "webhook posts"
[ "$(wc -l < "$tmp/es.jsonl")" -eq $N ] || fail "es documents"
[ "$(counter "$tmp/c1.json" 1 sent)" -eq $N ] || fail "webhook sent"
[ "$(counter "$tmp/c1.json" 2 sent)" -eq $N ] || fail "es sent"
[ "$(counter "$tmp/c1.json" 2 requests)" -le 6 ] || fail "es batching"
# the driver's alerts cycle through priorities 1, 2, 3: mail and chat
# skip the third by default, then their rate= (chat: 60 a minute) applies
[ "$(counter "$tmp/c1.json" 3 filtered)" -eq $((N / 3)) ] || fail "smtp min_priority"
[ "$(counter "$tmp/c1.json" 3 sent)" -eq 5 ] || fail "smtp sent"
[ "$(counter "$tmp/c1.json" 3 rate_drops)" -eq $((2 * N / 3 - 5)) ] || fail "smtp rate"
[ "$(counter "$tmp/c1.json" 5 filtered)" -eq $((N / 3)) ] || fail "chat min_priority"
[ "$(counter "$tmp/c1.json" 5 sent)" -eq 60 ] || fail "chat sent"
[ "$(counter "$tmp/c1.json" 5 rate_drops)" -eq $((2 * N / 3 - 60)) ] || fail "chat rate"
[ "$(counter "$tmp/c1.json" 1 filtered)" -eq 0 ] || fail "webhook filtered"
$PY - "$tmp/chat.jsonl" <<'PY' || fail "chat priorities"
import json, sys
p = [json.loads(l)["alert"]["priority"] for l in open(sys.argv[1])]
assert len(p) == 60 and set(p) <= {1, 2}, (len(p), set(p))
# the chat text names the VRP that conflicts with the route (issue 12)
for l in open(sys.argv[1]):
    t = json.loads(l)["text"]
    assert t.endswith(" 192.0.2.0/24 origin AS64500 rpki invalid/as "
                      "(VRP 192.0.2.0/23 max_length 23 AS64511) peer 10.0.0.1 AS65001"), t
PY
[ "$(ls "$tmp/maildir/new" | wc -l)" -eq 5 ] || fail "maildir"
$PY - "$tmp/maildir" <<'PY' || fail "mail content"
import mailbox, sys, json
for m in mailbox.Maildir(sys.argv[1], create=False):
    assert m["Subject"].startswith("[rovmon] P"), m["Subject"]
    assert "192.0.2.0/24" in m["Subject"], m["Subject"]
    assert m["To"] == "noc@example.net, sec@example.net", m["To"]
    body = m.get_payload(decode=True).decode()
    text, js = body.split("\n\n", 1)
    assert text.startswith("[1:1000001:2]"), text
    assert "rpki invalid/as (VRP 192.0.2.0/23 max_length 23 AS64511) peer" in text, text
    json.loads(js)
PY
# the alert lines are what the ES template must map
$PY tests/check_mapping.py docs/elk/rovmon-alerts-template.json \
    "$tmp/alerts.json" "$tmp/es.jsonl" || fail "mapping"
$PY - "$tmp/alerts.json" "$tmp/webhook.jsonl" <<'PY' || fail "same alerts"
import json, sys
f = [json.loads(l) for l in open(sys.argv[1])]
w = [json.loads(l)["alert"] for l in open(sys.argv[2])]
assert f == w, "webhook alerts differ from the file's"
PY
echo "ok: endpoints up: $N alerts to file, webhook, ES; 5 mails (rate=5), 60 chat posts, priority 3 kept from both"

# 2. kill the endpoints in the middle of a run
rm -f "$tmp/alerts.json"
N=4000
ROVMON_SINK_PAUSE=1500 ROVMON_SINK_TEST=$N ROVMON_SINK_OUT="$tmp/c2.json" \
    ROVMON_SINK_SPECS="file:$tmp/alerts.json webhook:http://127.0.0.1:$HPORT/hook,rate=0,retry=1 elasticsearch:http://127.0.0.1:$HPORT/rovmon-alerts,retry=1 smtp://127.0.0.1:$SPORT?from=a@example.net&to=b@example.net,rate=0,retry=1" \
    "$T" > "$tmp/c2.log" 2>&1 & dpid=$!
i=0
until grep -q "driver: paused" "$tmp/c2.log" 2>/dev/null; do
	sleep 0.05; i=$((i + 1)); [ $i -lt 400 ] || fail "driver never paused"
done
kill $hpid $spid; wait $hpid $spid 2>/dev/null; hpid="" spid=""
wait $dpid || { cat "$tmp/c2.log"; fail "driver (2)"; }
dpid=""
[ "$(wc -l < "$tmp/alerts.json")" -eq $N ] || fail "file lost alerts"
ms=$(counter "$tmp/c2.json" 0 emit_ms)
$PY -c "import sys; sys.exit(0 if float(sys.argv[1]) < 2000 else 1)" "$ms" ||
	fail "emitting $N alerts took $ms ms"
for s in 1 2 3; do
	e=$(counter "$tmp/c2.json" $s send_errors)
	d=$(counter "$tmp/c2.json" $s queue_drops)
	ok=$(counter "$tmp/c2.json" $s sent)
	fl=$(counter "$tmp/c2.json" $s filtered)	# smtp: priority 3
	[ $((e + d)) -gt 0 ] || fail "sink $s: no failures counted"
	[ $((e + d + ok + fl)) -eq $N ] || fail "sink $s: $ok + $e + $d + $fl != $N"
done
echo "ok: endpoints killed: file has all $N, emit took $ms ms"

# 3. a black hole: accepts connections, never answers
BPORT=$(free_port)
$PY -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(64); open(sys.argv[2], "w").write("up\n")
time.sleep(120)' "$BPORT" "$tmp/bh.up" & bpid=$!
# listening before the first connect (a refusal would test another path)
waitfor "$tmp/bh.up"
N=3000
run_driver $N "$tmp/c3.json" "webhook:http://127.0.0.1:$BPORT/hook,rate=0,queue=1024" \
    "elasticsearch:http://127.0.0.1:$BPORT/idx,queue=100"
ms=$(counter "$tmp/c3.json" 0 emit_ms)
fms=$(counter "$tmp/c3.json" 0 free_ms)
$PY -c "import sys; sys.exit(0 if float(sys.argv[1]) < 1000 else 1)" "$ms" ||
	fail "emit blocked: $ms ms"
$PY -c "import sys; sys.exit(0 if float(sys.argv[1]) < 25000 else 1)" "$fms" ||
	fail "close took $fms ms"
[ "$(counter "$tmp/c3.json" 0 queue_drops)" -ge $((N - 1025)) ] ||
	fail "webhook drops"
[ "$(counter "$tmp/c3.json" 1 queue_drops)" -ge $((N - 600)) ] ||
	fail "es drops"
echo "ok: black hole: emit $ms ms, close $fms ms, drops counted"
