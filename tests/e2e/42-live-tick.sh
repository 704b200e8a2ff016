#!/bin/sh
# A live sensor sweeps reassembly on a timer (issue 12): replay onto a veth
# a real session in which one data segment is missing and nothing ACKs it,
# cut a few frames after the hole, so the UPDATEs behind the hole wait in
# the out-of-order queue and no further packet comes.  rovmon -i must log
# them while it is still running (gap_timeout, 2 s, on the wall clock via
# reasm_tick from the idle hook), not only at exit; and they must be the
# events of the offline run of the same capture (frame numbers included,
# time stamps aside: tcpreplay sends them now).
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
PCAP=pcaps/ipv4-full.pcap
[ -f "$PCAP" ] || { echo "no $PCAP"; exit 77; }
command -v tcpreplay > /dev/null || { echo "tcpreplay not installed"; exit 77; }
command -v python3 > /dev/null || { echo "python3 not installed"; exit 77; }
. tests/lib/lab.sh
lab_ns NS rovmon-reasm-tick || { echo "cannot create network namespaces here"; exit 77; }
tmp=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2> /dev/null
	lab_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT

# The capture: the hole (tests/reorder_check.py --mode hole), cut 40 frames
# after it.
python3 tests/reorder_check.py --make "$tmp/hole.pcap" "$PCAP" --mode hole \
    > "$tmp/order" || { echo "FAIL: cannot make the capture"; exit 1; }
python3 - "$tmp/hole.pcap" "$tmp/order" "$tmp/cut.pcap" <<'PY' || exit 1
import os, sys
sys.path.insert(0, os.path.join("tests", "lib"))
import pcapfile
header, _lt, endian, frames = pcapfile.read_pcap(sys.argv[1])
order = [int(x) for x in open(sys.argv[2]).read().split()]
hole = next(i for i, o in enumerate(order, 1) if o != i)
pcapfile.write_pcap(sys.argv[3], header, endian, frames[:hole + 40])
print(f"hole before frame {hole}, capture cut at frame {hole + 40}")
PY
"$B/rovmon" -r "$tmp/cut.pcap" --routes "$tmp/file.jsonl" --stats /dev/null ||
	{ echo "FAIL: offline run"; exit 1; }

lab_veth "$NS" rvtx "$NS" rvrx || { echo "FAIL: veth"; exit 1; }
ip netns exec "$NS" "$B/rovmon" -i rvrx --routes "$tmp/live.jsonl" \
    --stats "$tmp/live.stats" --pidfile "$tmp/pid" 2> "$tmp/live.err" &
pid=$!
# Started once the pid file is there (the capture is open).
i=0
while [ ! -s "$tmp/pid" ] && [ $i -lt 200 ]; do
	kill -0 "$pid" 2> /dev/null || { echo "FAIL: rovmon -i died"; cat "$tmp/live.err"; exit 1; }
	sleep 0.1; i=$((i + 1))
done
[ -s "$tmp/pid" ] || { echo "FAIL: rovmon -i did not start"; exit 1; }
ip netns exec "$NS" tcpreplay -q -i rvtx --mbps 50 "$tmp/cut.pcap" > "$tmp/replay.out" 2>&1 ||
	{ echo "FAIL: tcpreplay"; cat "$tmp/replay.out"; exit 1; }

# Poll (deadline 20 s) for every event of the offline run, rovmon running.
want=$(wc -l < "$tmp/file.jsonl")
i=0
while [ $i -lt 200 ]; do
	have=$(cat "$tmp/live.jsonl" 2> /dev/null | wc -l)
	[ "$have" -ge "$want" ] && break
	sleep 0.1; i=$((i + 1))
done
kill -0 "$pid" 2> /dev/null || { echo "FAIL: rovmon -i exited early"; exit 1; }
echo "offline run: $want events; live, before any further packet: $have"
kill -INT "$pid"
wait "$pid"
rc=$?
pid=
[ $rc -eq 0 ] || { echo "FAIL: rovmon -i exited $rc"; cat "$tmp/live.err"; exit 1; }
norm() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line); e.pop("ts"); print(json.dumps(e, sort_keys=True))' "$1"
}
norm "$tmp/live.jsonl" > "$tmp/live.txt"
norm "$tmp/file.jsonl" > "$tmp/file.txt"
gaps=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reasm_gap_timeout"])' "$tmp/live.stats")
if [ "$have" -lt "$want" ]; then
	echo "FAIL: the events behind the hole were not logged while running"
	exit 1
fi
if ! cmp -s "$tmp/live.txt" "$tmp/file.txt"; then
	echo "FAIL: live events differ from the offline run"
	diff "$tmp/live.txt" "$tmp/file.txt" | head -n 10
	exit 1
fi
[ "$gaps" -ge 1 ] || { echo "FAIL: reasm_gap_timeout $gaps, want >= 1"; exit 1; }
echo "PASS: $want events, those behind the hole logged by the timer (reasm_gap_timeout $gaps)"
