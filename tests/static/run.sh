#!/bin/sh
# Static analysis, part of make check (issue 7): cppcheck and clang-tidy on
# every source file, with the configuration checked in beside this script
# (tests/static/cppcheck.cfg, .clang-tidy at the top).  Zero findings is the
# bar: exit 1 on any, printing them.
#   sh tests/static/run.sh [cppcheck|clang-tidy]
set -u
cd "$(dirname "$0")/../.."
which=${1:-all}
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
	out=$(clang-tidy --quiet src/*.c -- -Iinclude $DEFS -std=c11 2> /dev/null |
	    grep -E ': (warning|error):') && rc=1
	[ -z "$out" ] || echo "$out"
	echo "clang-tidy: $(printf '%s' "$out" | grep -c ': \(warning\|error\):') findings"
fi
exit $rc
