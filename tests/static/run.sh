#!/bin/sh
# Static analysis, part of make check (issue 7): cppcheck and clang-tidy on
# every source file, with the configuration checked in beside this script
# (tests/static/cppcheck.cfg, .clang-tidy at the top).  Zero findings is the
# bar: exit 1 on any, printing them.
#   sh tests/static/run.sh [cppcheck|clang-tidy]
# clang-tidy runs STATIC_JOBS files at a time (default 2, what CI has): it
# is most of the time, several seconds per file for the analyzer.
set -u
cd "$(dirname "$0")/../.."
which=${1:-all}
jobs=${STATIC_JOBS:-2}
rc=0
DEFS="-D_GNU_SOURCE -DHAVE_LIBNIDS"
if [ "$which" = all ] || [ "$which" = cppcheck ]; then
	command -v cppcheck > /dev/null || { echo "FAIL: cppcheck not installed (make deps)"; exit 1; }
	out=$(cppcheck -q --std=c11 --enable=warning,portability,performance \
	    --library=tests/static/cppcheck.cfg --inline-suppr \
	    --suppress=missingIncludeSystem --error-exitcode=1 \
	    -Iinclude $DEFS src/ 2>&1) || rc=1
	[ -z "$out" ] || { echo "$out"; rc=1; }
	echo "cppcheck: $(echo "$out" | grep -c ': \(error\|warning\|style\|portability\|performance\):') findings"
fi
if [ "$which" = all ] || [ "$which" = clang-tidy ]; then
	command -v clang-tidy > /dev/null || { echo "FAIL: clang-tidy not installed (make deps)"; exit 1; }
	tmp=$(mktemp -d) || exit 1
	trap 'rm -rf "$tmp"' EXIT
	# One output file per source file: lines of two parallel runs never
	# mix, and the findings come out in file order whatever finishes
	# first.  stderr is only "N warnings generated" unless clang-tidy
	# itself fails, which xargs reports and which fails the check too.
	for f in src/*/*.c; do echo "$f"; done |
	    xargs -P "$jobs" -I @ sh -c 'f=$1; o=$2/$(basename "$f")
		clang-tidy --quiet "$f" -- -Iinclude '"$DEFS"' -std=c11 \
		    > "$o.out" 2> "$o.err" || { echo "clang-tidy $f: exit $?"; cat "$o.err"; exit 1; }' \
	    sh @ "$tmp" || rc=1
	out=$(cat "$tmp"/*.out 2> /dev/null | grep -E ': (warning|error):')
	[ -z "$out" ] || { echo "$out"; rc=1; }
	echo "clang-tidy: $(printf '%s' "$out" | grep -c ': \(warning\|error\):') findings"
fi
exit $rc
