#!/bin/sh
# Lossy SPAN port: drop 1% of the data segments of real captures (three
# seeds each) and require no garbage route event and >= 95% of the routes
# of messages that lost no byte.  See tests/lossy_check.py.
set -u
cd "$(dirname "$0")/../.."
ROVMON=${ROVMON_BUILD:-build}/rovmon
rc=0 n=0
for p in pcaps/ipv4-full.pcap pcaps/ipv6-full.pcap pcaps/addpath.pcap; do
	[ -f "$p" ] || continue
	for seed in 1 2 3; do
		n=$((n + 1))
		python3 tests/lossy_check.py "$ROVMON" "$p" --drop 0.01 --seed $seed || rc=1
	done
done
[ $n -gt 0 ] || { echo "no capture to test"; exit 77; }
exit $rc
