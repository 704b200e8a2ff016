#!/bin/sh
# Live capture (-i): replay a recorded session onto a veth inside a private
# network namespace while rovmon listens on the peer end, then stop rovmon
# with SIGINT.  The route events must equal those of the offline run on the
# same file (time stamps and frame numbers aside).
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
PCAP=pcaps/ipv4-full.pcap
command -v tcpreplay > /dev/null || { echo "tcpreplay not installed"; exit 77; }
. tests/lib/lab.sh
lab_ns NS rovmon-live || { echo "cannot create network namespaces here"; exit 77; }
tmp=$(mktemp -d)
cleanup() {
	[ -n "${pid:-}" ] && kill "$pid" 2> /dev/null
	lab_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
lab_veth "$NS" rvtx "$NS" rvrx || { echo "FAIL: veth"; exit 1; }
# Waits poll a condition (never a fixed time), up to 30 s.
waitfor() {
	i=0
	while ! "$@" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	"$@"
}
has_lines() { [ -f "$2" ] && [ "$(wc -l < "$2")" -ge "$1" ]; }	# N FILE
# The offline run first: how many route events the live run must reach.
"$B/rovmon" -r "$PCAP" --routes "$tmp/file.jsonl" --stats /dev/null
nfile=$(wc -l < "$tmp/file.jsonl")
# The pid file is written once the capture is open: replaying before
# would lose the first packets.
ip netns exec "$NS" "$B/rovmon" -i rvrx --routes "$tmp/live.jsonl" \
    --pidfile "$tmp/rovmon.pid" --stats "$tmp/live.stats" 2> "$tmp/live.err" &
pid=$!
waitfor test -s "$tmp/rovmon.pid" ||
	{ echo "FAIL: rovmon -i never opened the capture"; cat "$tmp/live.err"; exit 1; }
ip netns exec "$NS" tcpreplay -q -i rvtx --mbps 50 "$PCAP" > "$tmp/replay.out" 2>&1 ||
	{ echo "FAIL: tcpreplay"; cat "$tmp/replay.out"; exit 1; }
# Every event logged (the log is flushed when the link goes quiet); a
# shortfall is reported by the comparison below.
waitfor has_lines "$nfile" "$tmp/live.jsonl"
kill -INT "$pid"
wait "$pid"
rc=$?
pid=
[ $rc -eq 0 ] || { echo "FAIL: rovmon -i exited $rc"; cat "$tmp/live.err"; exit 1; }
norm() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line); e.pop("ts"); e.pop("pkt_num"); print(json.dumps(e, sort_keys=True))' "$1"
}
norm "$tmp/live.jsonl" > "$tmp/live.txt"
norm "$tmp/file.jsonl" > "$tmp/file.txt"
n=$(wc -l < "$tmp/file.txt")
python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("live stats: packets", s["packets"], "pcap_recv", s["pcap_recv"], "pcap_drop", s["pcap_drop"])' "$tmp/live.stats"
if cmp -s "$tmp/live.txt" "$tmp/file.txt" && [ "$n" -gt 1000 ]; then
	echo "PASS: $n route events captured live equal the offline run"
	exit 0
fi
echo "FAIL: live capture differs from the offline run ($(wc -l < "$tmp/live.txt") vs $n events)"
diff "$tmp/live.txt" "$tmp/file.txt" | head -n 10
exit 1
