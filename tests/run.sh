#!/bin/sh
# Run every test against one or more build directories.
#   sh tests/run.sh BUILD [BUILD_ASAN] [BUILD_TSAN]
# The first build runs everything: unit tests (cmocka) and every
# tests/e2e/*.sh.  Further builds (sanitizer builds) run the unit tests and
# the e2e scripts that carry the line "# sanitizer: yes" (the decoding
# tests); a sanitizer report fails the test because the build aborts on it.
# A build directory named *tsan* (ThreadSanitizer, `make tsan`) runs only
# the unit tests and e2e scripts with a line "tsan: yes" (those that start
# threads), never the static analysis; a report (in out/tsan/, so that one
# from a daemon counts too) fails the test.
# Each e2e script gets ROVMON_BUILD (the build dir) and SHARED (the
# shared data dir); it exits 0 (pass), 77 (skip, with a reason on stdout)
# or anything else (fail).  Static analysis (tests/static/run.sh) runs
# once, with the first build, as the test "static": it reads the sources,
# not a build; ROVMON_STATIC=0 skips it (a quicker local loop, never CI).
# With it runs "fuzz-smoke": the libFuzzer targets (tests/fuzz/) built
# with ASan+UBSan, each over its seed corpus and every input kept in
# tests/fuzz/regress/ (the crashes and hangs fuzzing found), then 5 s of
# fuzzing each (~1 minute in all; ROVMON_FUZZ=0 skips it).
# A test that runs but could not run some of its parts (a tool or the
# shared data missing) prints one line "SKIP-PART: reason" per part on
# stdout; a unit test does so before cmocka's skip(), and a cmocka skip
# without such a line is counted too ("no reason given"), unless the test
# printed "SKIP-ELSEWHERE: reason" for it (a check that an e2e script runs
# with what it needs, e.g. test_vrp_fetch under 60-vrp-http).  The parts are
# listed after the results, and counted in the last line:
#   "N passed, N failed, N skipped (M parts skipped)"
# so a run without ../shared says how much of the suite it left out.  A
# test that passed with parts skipped says so in its line ("PASS name (2
# of 9 skipped)", "PASS name (1 part skipped)"); a cmocka binary that
# passed none of its tests because all were skipped is a SKIP, not a PASS
# (its reason: the first SKIP-PART/SKIP-ELSEWHERE line).
set -u
cd "$(dirname "$0")/.."
first=$1
pass=0 fail=0 skip=0 failed="" parts=0 skipped=""
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
export SHARED
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1}:log_path=$PWD/out/tsan/report"
mkdir -p out/tsan && chmod 1777 out/tsan	# -Z nobody writes there too
rm -f out/tsan/report.*
: > out/skipped-parts.txt
# parts NAME LOG: note the parts the test left out (see above); sets np
# (their number) and nc (cmocka's count of skipped tests, 0 for a script).
parts() {
	grep '^SKIP-PART: ' "$2" | sed "s|^SKIP-PART: |$1: |" \
	    >> out/skipped-parts.txt
	np=$(grep -c '^SKIP-PART: ' "$2")
	ne=$(grep -c '^SKIP-ELSEWHERE: ' "$2")
	# cmocka's closing "N SKIPPED TEST(S)" (on stderr, in the log)
	nc=$(sed -n 's/^ *\([0-9][0-9]*\) SKIPPED TEST(S)$/\1/p' "$2" |
	    tail -n 1)
	nc=${nc:-0}
	if [ "$nc" -gt $((np + ne)) ]; then
		i=$((np + ne))
		while [ "$i" -lt "$nc" ]; do
			echo "$1: a cmocka test skipped (no reason given)" \
			    >> out/skipped-parts.txt
			i=$((i + 1)); np=$((np + 1))
		done
	fi
	parts=$((parts + np))
}
# cm_ran LOG: the number of tests cmocka ran and did not skip (passed or
# failed), from its closing "[==========] N test(s) run." minus skipped.
cm_ran() {
	cr_n=$(sed -n 's/^\[==========\] \([0-9][0-9]*\) test(s) run\.$/\1/p' "$1" | tail -n 1)
	cr_s=$(sed -n 's/^ *\([0-9][0-9]*\) SKIPPED TEST(S)$/\1/p' "$1" | tail -n 1)
	echo $((${cr_n:-0} - ${cr_s:-0}))
}
# skip_reason LOG: why a test skipped all its checks
skip_reason() {
	sed -n -e 's/^SKIP-PART: //p' -e 's/^SKIP-ELSEWHERE: //p' "$1" | head -n 1
}
# tsan_clean LOG: no ThreadSanitizer report since the last call (else it
# goes into LOG).
tsan_clean() {
	for r in out/tsan/report.*; do
		[ -e "$r" ] || return 0
		cat out/tsan/report.* >> "$1"; rm -f out/tsan/report.*
		return 1
	done
}
for build in "$@"; do
	case $build in *tsan*) tsan=yes;; *) tsan=;; esac
	if [ -z "$tsan" ] && [ "$build" = "$first" ]; then
		if [ "${ROVMON_STATIC:-1}" = 0 ]; then
			skip=$((skip + 1)); echo "SKIP $build/static: ROVMON_STATIC=0"
			skipped="$skipped
$build/static: ROVMON_STATIC=0"
		elif sh tests/static/run.sh > out/static.log 2>&1; then
			pass=$((pass + 1)); echo "PASS $build/static"
		else
			fail=$((fail + 1)); failed="$failed $build/static"
			echo "FAIL $build/static"; cat out/static.log
		fi
		if [ "${ROVMON_FUZZ:-1}" = 0 ]; then
			skip=$((skip + 1)); echo "SKIP $build/fuzz-smoke: ROVMON_FUZZ=0"
			skipped="$skipped
$build/fuzz-smoke: ROVMON_FUZZ=0"
		elif make --no-print-directory fuzz-smoke FUZZ_SMOKE_SECONDS=5 \
		    > out/fuzz-smoke.log 2>&1; then
			pass=$((pass + 1)); echo "PASS $build/fuzz-smoke"
		else
			fail=$((fail + 1)); failed="$failed $build/fuzz-smoke"
			echo "FAIL $build/fuzz-smoke"; tail -n 40 out/fuzz-smoke.log
		fi
	fi
	for t in "$build"/tests/test_*; do
		[ -x "$t" ] || continue
		[ -z "$tsan" ] || grep -qs 'tsan: yes' "tests/unit/${t##*/}.c" ||
		    continue
		name="$build/$(basename "$t")"
		log="out/$(basename "$build")-$(basename "$t").log"
		"$t" > "$log" 2>&1
		rc=$?
		tsan_clean "$log" || rc=66
		if [ $rc -eq 0 ] && [ "$(cm_ran "$log")" -eq 0 ] &&
		    grep -q 'SKIPPED TEST(S)$' "$log"; then
			# every test skipped: nothing was checked
			why="all $(sed -n 's/^ *\([0-9][0-9]*\) SKIPPED TEST(S)$/\1/p' "$log" | tail -n 1) tests skipped: $(skip_reason "$log")"
			skip=$((skip + 1)); echo "SKIP $name: $why"
			skipped="$skipped
$name: $why"
			continue
		fi
		parts "$name" "$log"
		note=""
		[ "$nc" -gt 0 ] &&
		    note=" ($nc of $((nc + $(cm_ran "$log"))) skipped)"
		if [ $rc -eq 0 ]; then
			pass=$((pass + 1)); echo "PASS $name$note"
		else
			fail=$((fail + 1)); failed="$failed $name"
			echo "FAIL $name$note"; tail -n 30 "$log"
		fi
	done
	for s in tests/e2e/*.sh; do
		[ -f "$s" ] || continue
		if [ -n "$tsan" ]; then
			grep -q '^# tsan: yes' "$s" || continue
		elif [ "$build" != "$first" ] && ! grep -q '^# sanitizer: yes' "$s"; then
			continue
		fi
		name="$build/$(basename "$s" .sh)"
		log="out/$(basename "$build")-$(basename "$s" .sh).log"
		ROVMON_BUILD=$build sh "$s" > "$log" 2>&1
		rc=$?
		tsan_clean "$log" || rc=66
		if [ $rc -eq 0 ]; then
			parts "$name" "$log"
			note=""
			[ "$np" -eq 1 ] && note=" (1 part skipped)"
			[ "$np" -gt 1 ] && note=" ($np parts skipped)"
			pass=$((pass + 1)); echo "PASS $name$note"
		elif [ $rc -eq 77 ]; then
			skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$log")"
			skipped="$skipped
$name: $(tail -n 1 "$log")"
		else
			fail=$((fail + 1)); failed="$failed $name"
			echo "FAIL $name (exit $rc)"; tail -n 30 "$log"
			parts "$name" "$log"
		fi
	done
done
[ -n "$skipped" ] && echo "skipped tests:$skipped" | sed '2,$s/^/  /'
[ -s out/skipped-parts.txt ] &&
    { echo "skipped parts:"; sed 's/^/  /' out/skipped-parts.txt; }
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped ($parts parts skipped)"
[ $fail -eq 0 ]
