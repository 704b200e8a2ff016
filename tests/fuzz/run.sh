#!/bin/sh
# Run the libFuzzer targets built by `make fuzz` (tests/fuzz/README.md).
#
#   sh tests/fuzz/run.sh run SECONDS [TARGET...]    fuzz each target in turn
#   sh tests/fuzz/run.sh smoke SECONDS [TARGET...]  seeds + regressions,
#                                                   then SECONDS of fuzzing
#   sh tests/fuzz/run.sh regress 0 [TARGET...]      replay tests/fuzz/regress/
#
# One process at a time, under nice 19 (the machine is shared): each
# target runs in-process (no -fork/-jobs: one worker), until SECONDS or
# its first finding.  Diagnostics of the code under test are discarded
# (-close_fd_mask=3); libFuzzer's own output and any sanitizer report go
# to build-fuzz/logs/TARGET.log.  A finding is written to
# build-fuzz/artifacts/TARGET/ (crash-*, leak-*, timeout-*, oom-*).
#
# "run" appends one line per target to build-fuzz/logs/summary.tsv:
#   target seconds executions exec/s cov ft corpus(N/size) dir_files result
# Exit status: 0 when no target found anything.
set -u
cd "$(dirname "$0")/../.."
mode=${1:?usage: run.sh run|smoke|regress SECONDS [TARGET...]}
secs=${2:-600}
shift 2 2>/dev/null || shift $#
B=${FUZZ_BUILD:-build-fuzz}
targets=${*:-fuzz_packet fuzz_pcap fuzz_bgp_msg fuzz_vrp fuzz_rules fuzz_redis_reply fuzz_aspa fuzz_rtr fuzz_rtr_audit fuzz_rtr_client fuzz_checkpoint fuzz_control fuzz_bmp fuzz_mrt}
status=0

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Per target: maximum input length and dictionaries.
maxlen() {
	case $1 in
	fuzz_packet|fuzz_pcap) echo 32768 ;;
	fuzz_vrp|fuzz_checkpoint) echo 65536 ;;
	fuzz_control) echo 4096 ;;
	*) echo 16384 ;;
	esac
}
dicts() {
	case $1 in
	fuzz_packet|fuzz_pcap) echo "bgp packet" ;;
	fuzz_bgp_msg) echo bgp ;;
	fuzz_vrp) echo vrp ;;
	fuzz_rules) echo rules ;;
	fuzz_redis_reply) echo redis ;;
	fuzz_aspa) echo aspa ;;
	fuzz_rtr|fuzz_rtr_audit|fuzz_rtr_client) echo rtr ;;
	fuzz_checkpoint) echo checkpoint ;;
	fuzz_control) echo control ;;
	fuzz_mrt) echo "mrt bgp" ;;
	fuzz_bmp) echo "bmp bgp" ;;
	esac
}

mkdir -p "$B/logs" "$B/dict"
for t in $targets; do
	bin=$B/$t
	if [ ! -x "$bin" ]; then
		echo "$bin: not built (make fuzz)" >&2
		status=1
		continue
	fi
	# libFuzzer takes one -dict: concatenate.
	dict=$B/dict/$t.dict
	: > "$dict"
	for d in $(dicts "$t"); do cat "tests/fuzz/dict/$d.dict" >> "$dict"; done
	regress=tests/fuzz/regress/$t
	art=$B/artifacts/$t
	mkdir -p "$art"
	common="-max_len=$(maxlen "$t") -dict=$dict -close_fd_mask=3 -timeout=25 -rss_limit_mb=2560 -artifact_prefix=$art/ -print_final_stats=1"

	case $mode in
	regress)
		files=$(ls "$regress" 2>/dev/null | sed "s|^|$regress/|")
		if [ -z "$files" ]; then
			echo "$t: no regression inputs"
			continue
		fi
		# Given files, libFuzzer runs each once and exits non-zero
		# on the first that fails.
		if nice -n 19 "$bin" $common $files > "$B/logs/$t.regress.log" 2>&1; then
			echo "PASS $t regressions ($(echo "$files" | wc -l))"
		else
			echo "FAIL $t regressions: see $B/logs/$t.regress.log"
			tail -n 40 "$B/logs/$t.regress.log"
			status=1
		fi
		;;
	smoke)
		corpus=$B/smoke-corpus/$t
		mkdir -p "$corpus"
		dirs="tests/fuzz/corpus/$t"
		[ -d "$regress" ] && dirs="$dirs $regress"
		log=$B/logs/$t.smoke.log
		if nice -n 19 "$bin" $common -max_total_time="$secs" \
		    "$corpus" $dirs > "$log" 2>&1; then
			echo "PASS $t: $(grep -a 'DONE' "$log" | tail -n 1)"
		else
			echo "FAIL $t: see $log"
			tail -n 40 "$log"
			status=1
		fi
		;;
	run)
		corpus=$B/corpus/$t
		mkdir -p "$corpus"
		dirs="tests/fuzz/corpus/$t"
		[ -d "$B/seeds/$t" ] && dirs="$dirs $B/seeds/$t"
		[ -d "$regress" ] && dirs="$dirs $regress"
		log=$B/logs/$t.log
		echo "== $t: $secs s, corpus $corpus, seeds $dirs ($(date -u +%FT%TZ))"
		start=$(date +%s)
		nice -n 19 "$bin" $common -max_total_time="$secs" \
		    "$corpus" $dirs > "$log" 2>&1
		rc=$?
		took=$(( $(date +%s) - start ))
		done_line=$(grep -a '^#[0-9]*[[:space:]]*DONE' "$log" | tail -n 1)
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
		last=$(grep -a '^#[0-9]' "$log" | tail -n 1)
		cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
		ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
		# libFuzzer's corpus (after its reductions): "corp: N/SIZE";
		# the directory also keeps inputs that were later reduced.
		corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9]*[A-Za-z]*\).*/\1/p')
		nfiles=$(ls "$corpus" | wc -l)
		if [ $rc -eq 0 ] && [ -n "$done_line" ]; then
			result=clean
		else
			result="FINDING(rc=$rc):$(ls -t "$art" | head -n 1)"
			status=1
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$took" \
		    "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" \
		    "$nfiles" "$result" >> "$B/logs/summary.tsv"
		echo "   ${done_line:-$(grep -a -m 1 -E 'ERROR|SUMMARY' "$log")}"
		echo "   $t: $took s, $execs executions, $rate exec/s, cov $cov ft $ft, corpus $corp ($nfiles files in $corpus), $result"
		;;
	*)
		echo "usage: run.sh run|smoke|regress SECONDS [TARGET...]" >&2
		exit 2
		;;
	esac
done
exit $status
