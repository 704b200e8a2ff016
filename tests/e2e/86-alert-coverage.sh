#!/bin/sh
# Every missing-ROA and every INVALID announcement is alerted (issue 12):
# for every bundled capture (pcaps/*.pcap, pcaps/linktypes/*) with the
# default rules and pcaps/demo-vrps.json, the (session, prefix, origin)
# pairs alerted as NOT_FOUND equal those the route log says were announced
# NOT_FOUND, INVALID likewise, and the alerts are exactly one per new or
# changed route (tests/alert_coverage.py, written from docs/route-log.md
# and docs/alerts.md).  No event_filter of the default rules held anything
# back (alert_event_filtered 0).  87-alert-coverage-shared.sh does the
# same on the shared captures with a real VRP snapshot.
# sanitizer: yes
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
PY=${PYTHON:-python3}
tmp=$(mktemp -d /tmp/rovmon-coverage.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
rc=0 n=0
for f in pcaps/*.pcap pcaps/linktypes/*; do
	[ -f "$f" ] || continue
	name=$(basename "$f")
	rm -f "$tmp/r.jsonl" "$tmp/a.json" "$tmp/s.json"
	"$B/rovmon" -r "$f" --vrps pcaps/demo-vrps.json --rules rules/rovmon.rules \
	    --routes "$tmp/r.jsonl" --alerts "$tmp/a.json" --stats "$tmp/s.json" \
	    2> "$tmp/err" || { echo "FAIL $name: rovmon exit $?"; cat "$tmp/err"; rc=1; continue; }
	touch "$tmp/a.json"
	$PY tests/alert_coverage.py "$name" "$tmp/r.jsonl" "$tmp/a.json" || rc=1
	$PY -c 'import json, sys
s = json.loads(open(sys.argv[1]).read().splitlines()[-1])
sys.exit(0 if s["alert_event_filtered"] == 0 else 1)' "$tmp/s.json" ||
	    { echo "FAIL $name: alert_event_filtered is not 0"; rc=1; }
	n=$((n + 1))
done
[ $n -ge 12 ] || { echo "FAIL: only $n bundled captures found"; rc=1; }
echo "$n bundled captures checked"
exit $rc
