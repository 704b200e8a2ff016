#!/bin/sh
# Run every test against one or more build directories.
#   sh tests/run.sh BUILD [BUILD_ASAN]
# The first build runs everything: unit tests (cmocka) and every
# tests/e2e/*.sh.  Further builds (sanitizer builds) run the unit tests and
# the e2e scripts that carry the line "# sanitizer: yes" (the decoding
# tests); a sanitizer report fails the test because the build aborts on it.
# Each e2e script gets ROVMON_BUILD (the build dir) and SHARED (the
# shared data dir); it exits 0 (pass), 77 (skip, with a reason on stdout)
# or anything else (fail).  Static analysis (tests/static/run.sh) runs
# once, with the first build, as the test "static": it reads the sources,
# not a build; ROVMON_STATIC=0 skips it (a quicker local loop, never CI).
# With it runs "fuzz-smoke": the libFuzzer targets (tests/fuzz/) built
# with ASan+UBSan, each over its seed corpus and every input kept in
# tests/fuzz/regress/ (the crashes and hangs fuzzing found), then 5 s of
# fuzzing each (~1 minute in all; ROVMON_FUZZ=0 skips it).
# The last line is "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.."
first=$1
pass=0 fail=0 skip=0 failed=""
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
export SHARED
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p out
for build in "$@"; do
	if [ "$build" = "$first" ] && [ "${ROVMON_STATIC:-1}" = 0 ]; then
		skip=$((skip + 1)); echo "SKIP $build/static: ROVMON_STATIC=0"
	elif [ "$build" = "$first" ]; then
		if sh tests/static/run.sh > out/static.log 2>&1; then
			pass=$((pass + 1)); echo "PASS $build/static"
		else
			fail=$((fail + 1)); failed="$failed $build/static"
			echo "FAIL $build/static"; cat out/static.log
		fi
		if [ "${ROVMON_FUZZ:-1}" = 0 ]; then
			skip=$((skip + 1)); echo "SKIP $build/fuzz-smoke: ROVMON_FUZZ=0"
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
		name="$build/$(basename "$t")"
		if "$t" > "out/$(basename "$build")-$(basename "$t").log" 2>&1; then
			pass=$((pass + 1)); echo "PASS $name"
		else
			fail=$((fail + 1)); failed="$failed $name"
			echo "FAIL $name"; tail -n 30 "out/$(basename "$build")-$(basename "$t").log"
		fi
	done
	for s in tests/e2e/*.sh; do
		[ -f "$s" ] || continue
		if [ "$build" != "$first" ] && ! grep -q '^# sanitizer: yes' "$s"; then
			continue
		fi
		name="$build/$(basename "$s" .sh)"
		log="out/$(basename "$build")-$(basename "$s" .sh).log"
		ROVMON_BUILD=$build sh "$s" > "$log" 2>&1
		rc=$?
		if [ $rc -eq 0 ]; then
			pass=$((pass + 1)); echo "PASS $name"
		elif [ $rc -eq 77 ]; then
			skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$log")"
		else
			fail=$((fail + 1)); failed="$failed $name"
			echo "FAIL $name (exit $rc)"; tail -n 30 "$log"
		fi
	done
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
