#!/bin/sh
# VRP generations in a real Redis (docs/redis.md): loading, status and
# validate exit codes, atomic generation switches under a reader loop,
# loaders that fail or are killed halfway, a watcher across a Redis
# restart, password/db/unix URLs.  Needs redis-server (skip otherwise);
# the real-data parts need $SHARED/vrps/rpki-client-9.x-2025-07-20/.
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
ROVCTL=$B/rovctl
command -v redis-server > /dev/null || { echo "redis-server not installed"; exit 77; }
command -v redis-cli > /dev/null || { echo "redis-cli not installed"; exit 77; }
[ -x "$ROVCTL" ] || { echo "FAIL: $ROVCTL not built"; exit 1; }
SNAP=${SHARED:-../shared/data}/vrps/rpki-client-9.x-2025-07-20
OLD=$SNAP/rpkiclient_summary_20250720T093135Z.json.bz2
NEW=$SNAP/rpkiclient_summary_20250720T100145Z.json.bz2

tmp=$(mktemp -d /tmp/rovmon-redis.XXXXXX)
SOCK=$tmp/redis.sock
U=unix://$SOCK
. tests/lib/redis.sh
wpid="" lpid=""
cleanup() {
	for p in $wpid $lpid; do kill -9 "$p" 2> /dev/null; done
	redis_cleanup
	wait 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
rc=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; rc=1; }
# expect CODE DESCRIPTION COMMAND...: the command's exit code must be CODE
expect() {
	want=$1 what=$2
	shift 2
	"$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$what (exit $got)"
	else bad "$what: exit $got, want $want"; cat "$tmp/out" "$tmp/err"; fi
}
rcli() { redis-cli -s "$SOCK" "$@"; }
start_redis() { redis_start "$SOCK" || { echo "redis did not start"; exit 1; }; }
# the VRP count of the current generation, each record checked (stderr
# to $tmp/count.err)
count() { "$ROVCTL" vrp status --redis "$U" --json 2> "$tmp/count.err" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])' 2> /dev/null; }
gen() { rcli get rovmon:vrp:current; }
start_redis

# --- small hand-written sets ---------------------------------------------
cat > "$tmp/a.csv" <<'CSV'
ASN,IP Prefix,Max Length,Trust Anchor,Expires
AS13335,1.1.1.0/24,24,apnic,4102444800
AS13335,1.0.0.0/24,24,apnic,4102444800
AS64500,192.0.2.0/24,26,ripe,4102444800
AS0,198.51.100.0/24,24,ripe,4102444800
AS64501,2001:db8::/32,48,ripe,4102444800
CSV
grep -v 64501 "$tmp/a.csv" > "$tmp/b.csv"
expect 0 "load a.csv" "$ROVCTL" vrp load --from "$tmp/a.csv" --redis "$U"
[ "$(count)" = 5 ] && ok "status count 5" || bad "status count $(count), want 5"
g1=$(gen)
expect 0 "same content again" "$ROVCTL" vrp load --from "$tmp/a.csv" --redis "$U"
grep -q unchanged "$tmp/out" && [ "$(gen)" = "$g1" ] && ok "unchanged content writes no generation" ||
    bad "identical load switched generation $g1 -> $(gen)"
expect 0 "validate valid" "$ROVCTL" validate 1.1.1.0/24 AS13335 --redis "$U"
grep -q "valid" "$tmp/out" || bad "validate output: $(cat "$tmp/out")"
expect 0 "validate valid, plain ASN, maxLength" "$ROVCTL" validate 192.0.2.64/26 64500 --redis "$U"
expect 1 "validate invalid (as)" "$ROVCTL" validate 1.1.1.0/24 AS64496 --redis "$U" --json
grep -q '"reason":"as"' "$tmp/out" || bad "json reason: $(cat "$tmp/out")"
expect 1 "validate invalid (length)" "$ROVCTL" validate 192.0.2.0/27 AS64500 --redis "$U"
grep -q "(length)" "$tmp/out" || bad "length reason: $(cat "$tmp/out")"
expect 1 "validate invalid (as0)" "$ROVCTL" validate 198.51.100.0/24 AS64500 --redis "$U"
expect 5 "validate not found" "$ROVCTL" validate 203.0.113.0/24 AS64500 --redis "$U"
expect 0 "validate IPv6" "$ROVCTL" validate 2001:db8:1::/48 AS64501 --redis "$U"
expect 2 "validate bad ASN (usage)" "$ROVCTL" validate 1.1.1.0/24 ASX --redis "$U"
expect 3 "validate bad URL" "$ROVCTL" validate 1.1.1.0/24 1 --redis "redis://h:99999"
expect 4 "validate unreachable Redis" "$ROVCTL" validate 1.1.1.0/24 1 --redis "unix://$tmp/none.sock"
expect 0 "validate from a file" "$ROVCTL" validate 1.1.1.0/24 13335 --vrps "$tmp/a.csv"
expect 4 "validate, empty namespace" "$ROVCTL" validate 1.1.1.0/24 13335 --redis "$U" --namespace other:
expect 0 "show --prefix" "$ROVCTL" vrp show --prefix 1.0.0.0/8 --redis "$U"
[ "$(wc -l < "$tmp/out")" -eq 2 ] && ok "show --prefix lists covered VRPs" || bad "show: $(cat "$tmp/out")"
expect 0 "show --prefix (covering)" "$ROVCTL" vrp show --prefix 192.0.2.128/25 --redis "$U"
expect 0 "show --asn" "$ROVCTL" vrp show --asn AS13335 --redis "$U" --json
ROVMON_REDIS=$U expect 0 "ROVMON_REDIS default" "$ROVCTL" vrp status
expect 0 "load b.csv" "$ROVCTL" vrp load --from "$tmp/b.csv" --redis "$U"
[ "$(count)" = 4 ] && ok "new generation, count 4" || bad "count $(count), want 4"
expect 5 "validate after switch" "$ROVCTL" validate 2001:db8:1::/48 AS64501 --redis "$U"

# --- vrp status loads the generation as a sensor does (G6) ----------------
expect 0 "vrp status, a good generation" "$ROVCTL" vrp status --redis "$U"
grep -q "^vrps  *4 (128 bytes in 1 chunks): 4 IPv4, 0 IPv6, 0 expired" "$tmp/out" &&
    grep -q "^trust anchors  2: apnic, ripe" "$tmp/out" && grep -q "^verified  *every record" "$tmp/out" &&
    ok "vrp status: 4 VRPs (4 IPv4), 2 trust anchors, every record verified" || bad "vrp status: $(cat "$tmp/out")"
expect 0 "vrp status --json, a good generation" "$ROVCTL" vrp status --redis "$U" --json
python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
sys.exit(not (d["ok"] is True and d["check"] == "full" and d["count"] == 4 and d["ipv4"] == 4 and
    d["ipv6"] == 0 and d["trust_anchors"] == ["apnic", "ripe"]))' "$tmp/out" &&
    ok "vrp status --json: ok, check full, count 4, trust anchors" || bad "vrp status --json: $(cat "$tmp/out")"

# --- hostile data in Redis is refused -------------------------------------
g=$(gen)
rcli setrange "rovmon:vrp:gen:$g:data:0" 0 "\x09" > /dev/null
expect 4 "corrupt record refused" "$ROVCTL" validate 1.1.1.0/24 13335 --redis "$U"
expect 4 "vrp status: corrupt record refused" "$ROVCTL" vrp status --redis "$U"
grep -q "generation $g refused.*: record 0: address family not 4 or 6" "$tmp/err" &&
    ok "vrp status names the generation and the first error: $(cat "$tmp/err")" || bad "vrp status: $(cat "$tmp/out" "$tmp/err")"
expect 4 "vrp status --json: corrupt record refused" "$ROVCTL" vrp status --redis "$U" --json
python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
sys.exit(not (d["ok"] is False and d["generation"] == int(sys.argv[2]) and "record 0" in d["error"]))' \
    "$tmp/out" "$g" && ok "vrp status --json: ok false, generation $g, the error" || bad "vrp status --json: $(cat "$tmp/out")"
# --quick reads the meta hash and chunk lengths only: blind to the record
expect 0 "vrp status --quick does not read the records" "$ROVCTL" vrp status --redis "$U" --quick
grep -q "^verified  *meta hash and chunk lengths only" "$tmp/out" || bad "vrp status --quick: $(cat "$tmp/out")"
rcli append "rovmon:vrp:gen:$g:data:0" x > /dev/null
expect 4 "chunk of the wrong length refused" "$ROVCTL" vrp status --redis "$U"
expect 4 "chunk of the wrong length refused (--quick)" "$ROVCTL" vrp status --redis "$U" --quick
rcli hset "rovmon:vrp:gen:$g:meta" count 3 > /dev/null
expect 4 "count/chunk mismatch refused" "$ROVCTL" vrp status --redis "$U"
rcli set rovmon:vrp:current banana > /dev/null
expect 4 "non-numeric current refused" "$ROVCTL" vrp status --redis "$U"
rcli set rovmon:vrp:current "$g" > /dev/null
expect 0 "a good load replaces the corrupt generation" "$ROVCTL" vrp load --from "$tmp/a.csv" --redis "$U"
[ "$(count)" = 5 ] && ok "count 5 again" || bad "count $(count)"
# a trust-anchor list that is not a list: the meta and chunks are fine
g=$(gen)
rcli rename "rovmon:vrp:gen:$g:tas" "$tmp-tas" > /dev/null
rcli set "rovmon:vrp:gen:$g:tas" banana > /dev/null
expect 4 "vrp status: trust-anchor list of the wrong type refused" "$ROVCTL" vrp status --redis "$U"
grep -q "generation $g refused.*LRANGE: WRONGTYPE" "$tmp/err" || bad "vrp status: $(cat "$tmp/err")"
rcli del "rovmon:vrp:gen:$g:tas" > /dev/null
rcli rename "$tmp-tas" "rovmon:vrp:gen:$g:tas" > /dev/null
expect 0 "vrp status: the same generation repaired" "$ROVCTL" vrp status --redis "$U"
grep -q "^vrps  *5 (160 bytes in 1 chunks): 4 IPv4, 1 IPv6, 0 expired" "$tmp/out" || bad "vrp status: $(cat "$tmp/out")"

# --- URLs: password, user, db, unix socket forms ---------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis_start "$tmp/pw.sock" --port "$port" --bind 127.0.0.1 --requirepass 's3cr#t' ||
    bad "redis with a password did not start"
PW="redis://:s3cr%23t@127.0.0.1:$port/2"
expect 0 "load with password and db 2" "$ROVCTL" vrp load --from "$tmp/a.csv" --redis "$PW"
[ "$(redis-cli -p "$port" -a 's3cr#t' --no-auth-warning -n 2 get rovmon:vrp:current)" = 1 ] &&
    ok "generation landed in db 2" || bad "db 2 has no generation"
expect 0 "user:password@ form" "$ROVCTL" vrp status --redis "redis://default:s3cr%23t@127.0.0.1:$port/2"
expect 4 "db 0 has nothing" "$ROVCTL" vrp status --redis "redis://:s3cr%23t@127.0.0.1:$port"
expect 4 "wrong password" "$ROVCTL" vrp status --redis "redis://:nope@127.0.0.1:$port/2"
expect 4 "no password" "$ROVCTL" vrp status --redis "redis://127.0.0.1:$port/2"
expect 0 "unix URL with ?db=&password=" "$ROVCTL" vrp status --redis "unix://$tmp/pw.sock?db=2&password=s3cr%23t"
expect 0 "redis+unix:// alias" "$ROVCTL" vrp status --redis "redis+unix://$tmp/pw.sock?password=s3cr%23t&db=2"
expect 3 "unknown query parameter" "$ROVCTL" vrp status --redis "unix://$tmp/pw.sock?tls=1"
expect 3 "rediss:// refused" "$ROVCTL" vrp status --redis "rediss://127.0.0.1:$port"
expect 3 "bad port" "$ROVCTL" vrp status --redis "redis://127.0.0.1:0"
redis_stop "$tmp/pw.sock"

# --- real snapshots: switch under readers, truncation, SIGKILL -----------
if [ -f "$OLD" ] && [ -f "$NEW" ]; then
	expect 0 "load 09:31 snapshot" "$ROVCTL" vrp load --from "$OLD" --redis "$U"
	[ "$(count)" = 723521 ] && ok "723521 VRPs" || bad "count $(count), want 723521"
	expect 0 "82.21.153.0/24 AS3320 valid at 09:31" "$ROVCTL" validate 82.21.153.0/24 AS3320 --redis "$U"
	# Readers never see a partial set while the next generation is written.
	: > "$tmp/reads"; : > "$tmp/codes"
	( while [ ! -f "$tmp/stop" ]; do
		c=$(count) || c="ERR $(grep -v stale "$tmp/count.err")"
		echo "${c:-ERR}" >> "$tmp/reads"
	  done ) &
	lpid=$!
	( while [ ! -f "$tmp/stop" ]; do
		"$ROVCTL" validate 82.21.153.0/24 AS3320 --redis "$U" > /dev/null 2>&1
		echo "$?" >> "$tmp/codes"
	  done ) &
	lpid="$lpid $!"
	expect 0 "load 10:01 snapshot under a reader loop" "$ROVCTL" vrp load --from "$NEW" --redis "$U"
	i=0	# let the readers see the new generation too
	until grep -q 723524 "$tmp/reads"; do
		i=$((i + 1)); [ $i -lt 200 ] || break; sleep 0.1
	done
	touch "$tmp/stop"; wait $lpid; lpid=""
	n=$(wc -l < "$tmp/reads")
	badreads=$(grep -cv -e '^723521$' -e '^723524$' "$tmp/reads")
	[ "$n" -gt 3 ] && [ "$badreads" -eq 0 ] && grep -q 723524 "$tmp/reads" &&
	    ok "$n reads, each saw one complete generation" ||
	    { bad "reader saw a partial or no set: $(sort "$tmp/reads" | uniq -c)"; }
	[ -z "$(grep -v -e '^0$' -e '^1$' "$tmp/codes")" ] &&
	    ok "validate under the switch: $(sort "$tmp/codes" | uniq -c | tr -s ' \n' ' ')" ||
	    bad "validate saw errors: $(sort "$tmp/codes" | uniq -c)"
	[ "$(count)" = 723524 ] && ok "723524 VRPs" || bad "count $(count), want 723524"
	expect 1 "82.21.153.0/24 AS3320 invalid at 10:01" "$ROVCTL" validate 82.21.153.0/24 AS3320 --redis "$U"
	expect 0 "82.21.153.0/24 AS834 valid at 10:01" "$ROVCTL" validate 82.21.153.0/24 834 --redis "$U"

	# A truncated file is refused and changes nothing.
	g=$(gen)
	bzcat "$OLD" | head -c 3000000 > "$tmp/trunc.json"
	expect 4 "truncated VRP file refused" "$ROVCTL" vrp load --from "$tmp/trunc.json" --redis "$U"
	[ "$(gen)" = "$g" ] && [ "$(count)" = 723524 ] && ok "current generation untouched" ||
	    bad "current moved to $(gen)"

	# A loader killed while writing many small chunks.
	seq0=$(rcli get rovmon:vrp:seq)
	part=$((seq0 + 1))
	"$ROVCTL" vrp load --from "$OLD" --redis "$U" --chunk-records 4 > /dev/null 2>&1 &
	kpid=$!
	i=0
	until [ "$(rcli exists "rovmon:vrp:gen:$part:data:40")" = 1 ]; do
		i=$((i + 1)); [ $i -lt 600 ] || break; sleep 0.05
	done
	kill -9 "$kpid"; wait "$kpid" 2> /dev/null
	if [ "$(rcli hget "rovmon:vrp:gen:$part:meta" complete)" = 0 ]; then
		ok "loader killed halfway through generation $part"
	else
		bad "could not catch the loader halfway (complete=$(rcli hget "rovmon:vrp:gen:$part:meta" complete))"
	fi
	[ "$(gen)" = "$g" ] && [ "$(count)" = 723524 ] && ok "current untouched after SIGKILL" ||
	    bad "current $(gen), count $(count) after SIGKILL"
	ttl=$(rcli ttl "rovmon:vrp:gen:$part:data:0")
	[ "$ttl" -gt 0 ] && ok "partial keys expire by themselves (TTL $ttl)" || bad "partial TTL $ttl"
	expect 0 "validate ignores the partial generation" "$ROVCTL" validate 82.21.153.0/24 834 --redis "$U"
else
	echo "SKIP-PART: real snapshots missing in $SNAP: generation switch under readers, truncation, SIGKILL not checked"
fi

expect 0 "load a.csv" "$ROVCTL" vrp load --from "$tmp/a.csv" --redis "$U"
expect 0 "load b.csv" "$ROVCTL" vrp load --from "$tmp/b.csv" --redis "$U"
# SCAN may return a key more than once (it guarantees every key at least
# once while the keyspace rehashes), so count distinct generations.
cur=$(gen) prev=$(rcli get rovmon:vrp:previous)
left=$(rcli --scan --pattern 'rovmon:vrp:gen:*:meta' | sed 's/rovmon:vrp:gen:\([0-9]*\):meta/\1/' | sort -nu | tr '\n' ' ')
[ "$left" = "$prev $cur " ] && ok "only generations $prev and $cur are kept" ||
    bad "generations left: $left (current $cur, previous $prev)"
[ -z "$(rcli --scan --pattern "rovmon:vrp:gen:${part:-0}:*")" ] && ok "partial generation cleaned" ||
    bad "partial generation ${part:-} still present"
[ "$(rcli ttl "rovmon:vrp:gen:$cur:data:0")" = -1 ] && ok "no TTL on the current generation" ||
    bad "current generation has a TTL"

# --- watcher across a Redis restart ----------------------------------------
"$ROVCTL" vrp watch --redis "$U" > "$tmp/watch.out" 2> "$tmp/watch.err" &
wpid=$!
waitfor() {	# waitfor PATTERN FILE
	i=0
	until grep -q "$1" "$2"; do
		i=$((i + 1)); [ $i -lt 200 ] || return 1; sleep 0.1
	done
}
waitfor "^generation $cur: 4 VRPs" "$tmp/watch.out" && ok "watcher loaded generation $cur" ||
    bad "watcher: $(cat "$tmp/watch.out" "$tmp/watch.err")"
expect 0 "load a.csv" "$ROVCTL" vrp load --from "$tmp/a.csv" --redis "$U"
g=$(gen)
waitfor "^generation $g: 5 VRPs" "$tmp/watch.out" && ok "watcher got generation $g by pub/sub" ||
    bad "watcher missed $g: $(cat "$tmp/watch.out")"
rcli save > /dev/null
redis_stop "$SOCK" KILL
# the watcher saw Redis go (it retries from now on)
waitfor "down; retrying" "$tmp/watch.err" || bad "watcher never noticed Redis going: $(cat "$tmp/watch.err")"
start_redis
expect 0 "load b.csv after the restart" "$ROVCTL" vrp load --from "$tmp/b.csv" --redis "$U"
g=$(gen)
waitfor "^generation $g: 4 VRPs" "$tmp/watch.out" && ok "watcher recovered and loaded generation $g" ||
    bad "watcher after restart: $(cat "$tmp/watch.out" "$tmp/watch.err")"
# a generation with a corrupt record: reported once, however often retried
h=$((g + 100))
for k in meta tas data:0; do rcli copy "rovmon:vrp:gen:$g:$k" "rovmon:vrp:gen:$h:$k" > /dev/null; done
rcli setrange "rovmon:vrp:gen:$h:data:0" 0 "\x09" > /dev/null
rcli set rovmon:vrp:current "$h" > /dev/null
rcli publish rovmon:vrp:updates "$h" > /dev/null
waitfor "^generation $h: refused: record 0: address family not 4 or 6" "$tmp/watch.out" &&
    ok "watcher refused generation $h: $(grep "^generation $h" "$tmp/watch.out")" ||
    bad "watcher on a corrupt generation: $(cat "$tmp/watch.out" "$tmp/watch.err")"
sleep 3		# retries after 1 s and 2 s
[ "$(grep -c "^generation $h" "$tmp/watch.out")" -eq 1 ] && ok "the refusal is reported once across retries" ||
    bad "refusal lines: $(grep "^generation $h" "$tmp/watch.out")"
rcli set rovmon:vrp:current "$g" > /dev/null
downs=$(grep -c "down; retrying" "$tmp/watch.err")
ups=$(grep -c "up again" "$tmp/watch.err")
[ "$downs" -eq 1 ] && [ "$ups" -eq 1 ] && ok "one 'down' and one 'up' log line" ||
    bad "log lines: $(cat "$tmp/watch.err")"
kill "$wpid"; wait "$wpid"; wrc=$?; wpid=""
[ $wrc -eq 0 ] && ok "watch stops cleanly" || bad "watch exit $wrc"

[ $rc -eq 0 ] && echo "all Redis checks passed"
exit $rc
