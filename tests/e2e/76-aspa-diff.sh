#!/bin/sh
# sanitizer: yes
# Differential test of ASPA path verification (issue 14): `rovctl
# validate-path` (src/rpki/aspa.c through the real binary, paths read from
# standard input) against tests/aspa_ref.py, an independent reference
# written in Python from the text of draft-ietf-sidrops-aspa-verification
# (docs/aspa.md), by tests/aspa_diff.py.
#
# Paths: the distinct AS paths of the two shared full IPv4 tables, the
# 2015 one as MRT (read with bgpdump -m) and the 2010 one as bgpdump's own
# text (the MRT is not in the snapshot): about 179,000 paths, AS_SETs
# included.  ASPAs: the 100 real objects of the 2025-07-20 rpki-client
# snapshot (loaded by rovctl with its 723,521 VRPs) and a synthetic set
# derived from the paths' adjacencies and perturbed so that valid, invalid
# and unknown are all common.  Every path is judged upstream (the sender's
# role cycling through customer, peer, rs, rs-client) and downstream
# (provider) in both sets; 2 % of the cases name another neighbour AS.
# Verdict, procedure, reason and deciding hop must agree on every case.
#
# Exit 0 on agreement over >= 100,000 paths with all verdicts common in the
# synthetic set; 1 otherwise; 77 when bgpdump or the shared data is absent.
# About 20 s (35 s with the ASan+UBSan build, which make check also runs it
# with: 717,092 paths through rovctl's parser and aspa_verify()).
set -u
cd "$(dirname "$0")/../.."
BUILD=${ROVMON_BUILD:-build}
ROVCTL=$BUILD/rovctl
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
VRPS=$SHARED/vrps/rpki-client-9.x-2025-07-20/rpkiclient_summary_20250720T093135Z.json.bz2
MRT=$SHARED/mrt/bgpdump-test_data/updates.et-header.2015.gz
TXT=$SHARED/mrt/bgpdump-test_expect/bview.20100701.0759.gz.bgp.gz
export PYTHONDONTWRITEBYTECODE=1
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:exitcode=86"

if [ ! -x "$ROVCTL" ]; then
	echo "FAIL: no $ROVCTL (make first)"
	exit 1
fi
if ! command -v bgpdump > /dev/null 2>&1; then
	echo "SKIP: bgpdump is not installed (apt-get install bgpdump)"
	exit 77
fi
for f in "$VRPS" "$MRT" "$TXT"; do
	if [ ! -r "$f" ]; then
		echo "SKIP: no shared data $f"
		exit 77
	fi
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rovmon-aspadiff.XXXXXX") || exit 1
. tests/lib/redis.sh
cleanup() {
	redis_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Part 1: rovctl validate-path's answers and exit codes on the examples'
# topology (docs/aspa.md): 0 valid, 1 invalid, 5 unknown, 2 usage; on
# standard input a bad line gets an "error" line in its place and exit 2;
# and the same ASPAs read from a Redis generation (--redis).
cat > "$tmp/ex.json" <<'JSON'
{"roas": [{"asn": 64496, "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "t", "expires": 1900000000}],
 "aspas": [{"customer_asid": 65000, "expires": 1900000000, "providers": [65020, 65030]},
  {"customer_asid": 65010, "expires": 1900000000, "providers": [65040]},
  {"customer_asid": 65020, "expires": 1900000000, "providers": [65050]},
  {"customer_asid": 65030, "expires": 1900000000, "providers": [65050, 65060]},
  {"customer_asid": 65060, "expires": 1900000000, "providers": [0]}]}
JSON
fails=0
checks=0
check() {	# WANT_RC WANT_STDOUT|- WANT_STDERR|- ARGS...
	want=$1 out=$2 err=$3
	shift 3
	checks=$((checks + 1))
	"$ROVCTL" validate-path --vrps "$tmp/ex.json" "$@" > "$tmp/o" \
	    2> "$tmp/e" < "$tmp/stdin"
	rc=$?
	if [ "$rc" != "$want" ] ||
	    { [ "$out" != - ] && [ "$(cat "$tmp/o")" != "$out" ]; } ||
	    { [ "$err" != - ] && ! grep -qF -- "$err" "$tmp/e"; }; then
		echo "FAIL: rovctl validate-path $*: exit $rc (want $want)"
		sed 's/^/  stdout: /' "$tmp/o"
		sed 's/^/  stderr: /' "$tmp/e"
		fails=$((fails + 1))
	fi
}
: > "$tmp/stdin"
check 0 "valid upstream - -: 65050 65020 65000 (from customer AS65050)" - \
    --role customer 65050 65020 65000
check 1 "invalid upstream hop AS65020->AS65030: 65030 65020 65000 (from customer AS65030)" - \
    --role customer "65030 65020 65000"
check 5 "unknown downstream - AS65050->AS65060: 65040 65060 65050 65020 65000 (from provider AS65040)" - \
    --role provider 65040 65060 65050 65020 65000
check 1 "invalid upstream neighbor -: 65050 65020 65000 (from peer AS64999)" - \
    --role peer --neighbor 64999 65050 65020 65000
check 0 "valid upstream - -: 65050 65020 65000 (from rs AS64999)" - \
    --role rs --neighbor AS64999 65050 65020 65000
check 1 "invalid downstream as_set -: 65050 {65020,65000} (from provider AS65050)" - \
    --role provider "65050 {65020,65000}"
check 0 '{"path":"65050 65020 65000","role":"rs-client","neighbor_as":65050,"state":"valid","procedure":"upstream","reason":null,"hop":null}' - \
    --role rs-client --json 65050 65020 65000
check 2 "" "validate-path needs --role" 65050 65020 65000
check 2 "" "--role cust: not a role" --role cust 65050
check 2 "" "'}' missing" --role peer "65050 {65020"
check 2 "" "X: not an AS number" --role peer 65050 X
printf '65050 65020 65000\nrole=provider 65050 {65020\n\n# a comment\nrole=peer neighbor=1 65050\n' > "$tmp/stdin"
check 2 "valid upstream - -: 65050 65020 65000 (from customer AS65050)
error - - -: '}' missing (role=provider 65050 {65020)
invalid upstream neighbor -: 65050 (from peer AS1)" - --role customer -
printf '65050 65020 65000\n' > "$tmp/stdin"
check 0 "valid downstream - -: 65050 65020 65000 (from provider AS65050)" - \
    --role provider
# The same ASPAs from a Redis generation (rovctl vrp load): the same
# answer, as a sensor on --redis would give.
if command -v redis-server > /dev/null 2>&1; then
	if redis_start "$tmp/redis.sock" > "$tmp/redis.out"; then
		if "$ROVCTL" vrp load --from "$tmp/ex.json" --redis "$REDIS_URL" \
		    > "$tmp/load.out" 2>&1; then
			: > "$tmp/stdin"
			checks=$((checks + 1))
			got=$("$ROVCTL" validate-path --redis "$REDIS_URL" --role customer \
			    65030 65020 65000 < "$tmp/stdin" 2> "$tmp/e")
			rc=$?
			if [ "$rc" != 1 ] || [ "$got" != "invalid upstream hop AS65020->AS65030: 65030 65020 65000 (from customer AS65030)" ]; then
				echo "FAIL: validate-path --redis: exit $rc, $got"
				cat "$tmp/e"
				fails=$((fails + 1))
			fi
		else
			echo "FAIL: rovctl vrp load into Redis: $(cat "$tmp/load.out")"
			fails=$((fails + 1))
		fi
	else
		echo "FAIL: redis-server did not start: $(cat "$tmp/redis.out")"
		fails=$((fails + 1))
	fi
else
	echo "(redis-server not installed: --redis not checked)"
fi
if [ "$fails" != 0 ]; then
	echo "FAIL: $fails of $checks rovctl validate-path checks"
	exit 1
fi
echo "rovctl validate-path: $checks answers, exit codes and error lines as documented"

# Part 2: the differential.
bgpdump -m "$MRT" 2> /dev/null | cut -d'|' -f7 > "$tmp/paths-2015.txt"
gzip -dc "$TXT" | cut -d'|' -f7 > "$tmp/paths-2010.txt"
python3 tests/aspa_diff.py --rovctl "$ROVCTL" --aspas "$VRPS" --tmp "$tmp" \
    "$tmp/paths-2015.txt" "$tmp/paths-2010.txt"
