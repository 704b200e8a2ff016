#!/bin/sh
# sanitizer: yes
# Differential test against tshark (Debian 12's 4.0) as the reference decoder.
# For every capture in pcaps/, pcaps/linktypes/, $SHARED/tcpdump-tests/ and
# $SHARED/captures/*/: the announced and withdrawn prefixes, origin ASes and
# path ids rovmon logs (--routes) must equal tshark's decoding of the same
# file, per direction, in order (tests/compare_routes.py --order).
#
# References: tests/expected/NAME.tshark.txt, written by
# tests/expected/regen.sh (tests/tshark_routes.py); a capture without a
# committed reference is decoded by tshark on the spot.  Where tshark is
# wrong or cannot follow, tests/expected/exceptions.txt names a hand-checked
# reference instead, with the reason (one line per capture, each justified
# in the reference file itself); those captures print KNOWN when they match.
#
# Output: one PASS/KNOWN/FAIL line per capture, the differences of each
# failure, a summary.  Exit 0 when all match, 1 otherwise, 77 when there is
# nothing to run.
#
# Also (skipped for sanitizer builds, or with TSHARK_RECHECK=0): tshark is
# re-run on the captures up to TSHARK_RECHECK_BYTES (default 1200) bytes and
# the output must equal the committed reference (detects a stale reference
# or a different tshark).
set -u
cd "$(dirname "$0")/../.."
BUILD=${ROVMON_BUILD:-build}
ROVMON=$BUILD/rovmon
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
. tests/expected/common.sh
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:exitcode=86"
if [ ! -x "$ROVMON" ]; then
	echo "no $ROVMON"
	exit 77
fi
work=out/tshark-diff/$(basename "$BUILD")
rm -rf "$work"
mkdir -p "$work"
have_tshark=0
command -v tshark >/dev/null 2>&1 && have_tshark=1

# name -> reference from the exceptions file
exception_ref() {
	awk -v n="$1" '$1 == n { print $2; exit }' tests/expected/exceptions.txt
}

pass=0 known=0 fail=0 failed=""
list_captures > "$work/list"
[ -s "$work/list" ] || { echo "no captures found (SHARED=$SHARED)"; exit 77; }
# The shared captures that have a committed reference but are not here
# (no ../shared beside the clone): a part left out, said so (tests/run.sh).
nmiss=0
for ref in tests/expected/tcpdump-tests/*.tshark.txt \
    tests/expected/captures/*/*.tshark.txt; do
	[ -f "$ref" ] || continue
	name=${ref#tests/expected/}
	name=${name%.tshark.txt}
	grep -q "^$name " "$work/list" || nmiss=$((nmiss + 1))
done
[ $nmiss -eq 0 ] ||
	echo "SKIP-PART: $nmiss shared captures not diffed (not in SHARED=$SHARED)"
while read -r name path; do
	port=$(bgp_port "$name")
	safe=$(echo "$name" | tr '/' '_')
	out=$work/$safe.jsonl
	ref=$(exception_ref "$name")
	kind=PASS
	if [ -n "$ref" ]; then
		kind=KNOWN
	else
		ref=tests/expected/$name.tshark.txt
		why=""
		if [ ! -f "$ref" ]; then
			why="no committed reference"
		elif ! grep -q "^# capture sha256 $(sha256sum < "$path" | cut -d' ' -f1)\$" "$ref"; then
			why="committed reference is for another version of the capture"
		fi
		if [ -n "$why" ]; then
			if [ $have_tshark -eq 0 ]; then
				echo "FAIL $name: $why and no tshark"
				fail=$((fail + 1)); failed="$failed $name"; continue
			fi
			echo "NOTE $name: $why, running tshark (update it with tests/expected/regen.sh)"
			ref=$work/$safe.tshark.txt
			python3 tests/tshark_routes.py ${port:+--port "$port"} -o "$ref" "$path"
		fi
	fi
	if [ -n "$port" ]; then
		"$ROVMON" -r "$path" --routes "$out" "tcp port 179 or tcp port $port" \
			> "$work/$safe.stdout" 2> "$work/$safe.stderr"
	else
		"$ROVMON" -r "$path" --routes "$out" \
			> "$work/$safe.stdout" 2> "$work/$safe.stderr"
	fi
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
		echo "FAIL $name: rovmon exit $rc"
		tail -n 20 "$work/$safe.stderr"
		fail=$((fail + 1)); failed="$failed $name"; continue
	fi
	[ -f "$out" ] || : > "$out"
	if python3 tests/compare_routes.py --order "$ref" "$out" > "$work/$safe.diff"; then
		if [ $kind = KNOWN ]; then
			echo "KNOWN $name: matches $ref ($(awk -v n="$name" '$1 == n { $1 = $2 = ""; sub(/^ +/, ""); print; exit }' tests/expected/exceptions.txt))"
			known=$((known + 1))
		else
			echo "PASS $name ($(tail -n 1 "$work/$safe.diff"))"
			pass=$((pass + 1))
		fi
	else
		echo "FAIL $name (reference $ref, rovmon exit $rc)"
		sed 's/^/    /' "$work/$safe.diff"
		fail=$((fail + 1)); failed="$failed $name"
	fi
done < "$work/list"

# Is every committed reference still what this tshark prints?
recheck=0 stale=0
case $(basename "$BUILD") in *san*) TSHARK_RECHECK=0;; esac
if [ "${TSHARK_RECHECK:-1}" != 0 ] && [ $have_tshark -eq 1 ]; then
	max=${TSHARK_RECHECK_BYTES:-1200}
	while read -r name path; do
		ref=tests/expected/$name.tshark.txt
		[ -f "$ref" ] || continue
		[ "$(wc -c < "$path")" -le "$max" ] || continue
		safe=$(echo "$name" | tr '/' '_')
		port=$(bgp_port "$name")
		echo "$name $path ${port:-0} $work/$safe.retshark"
	done < "$work/list" > "$work/recheck"
	# two at a time: tshark start-up dominates
	awk '{ print $2, $3, $4 }' "$work/recheck" |
		xargs -r -n 3 -P 2 sh -c 'if [ "$1" = 0 ]; then p=""; else p="--port $1"; fi; python3 tests/tshark_routes.py $p -o "$2" "$0"'
	while read -r name path port new; do
		recheck=$((recheck + 1))
		if ! cmp -s "$new" "tests/expected/$name.tshark.txt"; then
			echo "FAIL $name: tshark output differs from the committed reference (tests/expected/regen.sh?)"
			diff "tests/expected/$name.tshark.txt" "$new" | head -n 20 | sed 's/^/    /'
			stale=$((stale + 1)); failed="$failed $name(ref)"
		fi
	done < "$work/recheck"
	echo "tshark re-run on $recheck small captures: $stale stale references"
	fail=$((fail + stale))
elif [ "${TSHARK_RECHECK:-1}" != 0 ]; then
	echo "SKIP-PART: tshark not installed: committed references not re-checked"
fi

echo "$pass passed, $known known (exceptions.txt), $fail failed"
[ -n "$failed" ] && echo "failed:$failed"
[ $fail -eq 0 ]
