#!/bin/sh
# ASPA objects in Redis generations (docs/redis.md): stored in the same
# generation as the VRPs, read back strictly (every record checked),
# `rovctl vrp status` and `rovctl aspa show` on them, generations without
# ASPAs (as written before they existed) still read with count 0, hostile
# ASPA strings and meta fields refused.  Needs redis-server (skip
# otherwise); the real-data part needs $SHARED/vrps/rpki-client-9.x-2025-07-20/.
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

tmp=$(mktemp -d /tmp/rovmon-aspa.XXXXXX)
SOCK=$tmp/redis.sock
U=unix://$SOCK
. tests/lib/redis.sh
cleanup() {
	redis_cleanup
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
rc=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; rc=1; }
expect() {
	want=$1 what=$2
	shift 2
	"$@" > "$tmp/out" 2> "$tmp/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$what (exit $got)"
	else bad "$what: exit $got, want $want"; cat "$tmp/out" "$tmp/err"; fi
}
rcli() { redis-cli -s "$SOCK" "$@"; }
gen() { rcli get rovmon:vrp:current; }
# poke KEY OFFSET OCTAL-ESCAPES: write raw bytes (redis-cli does not
# unescape its arguments; -x takes the last one from stdin as it is)
poke() { printf "$3" | rcli -x setrange "$1" "$2" > /dev/null; }
# jq-less checks of the last --json output: python3 expression on d
jcheck() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(not eval(sys.argv[2]))' "$tmp/out" "$1"; }
redis_start "$SOCK" || { echo "redis did not start"; exit 1; }

# --- a generation without ASPAs: the layout written before there were any --
cat > "$tmp/a.csv" <<'CSV'
ASN,IP Prefix,Max Length,Trust Anchor,Expires
AS64500,192.0.2.0/24,24,ripe,4102444800
AS64501,2001:db8::/32,48,apnic,4102444800
CSV
expect 0 "load a CSV (no ASPAs)" "$ROVCTL" vrp load --from "$tmp/a.csv" --redis "$U"
g=$(gen)
[ "$(rcli hexists "rovmon:vrp:gen:$g:meta" aspa_count)" = 0 ] && [ "$(rcli exists "rovmon:vrp:gen:$g:aspa")" = 0 ] &&
    ok "no ASPA: meta and keys as before ASPAs existed" || bad "generation $g has ASPA fields or keys"
expect 0 "status of a generation without ASPAs" "$ROVCTL" vrp status --redis "$U" --json
jcheck 'd["aspas"] == 0 and d["aspa_customers"] == 0 and d["count"] == 2' &&
    ok "status: 0 ASPAs" || bad "status: $(cat "$tmp/out")"
expect 5 "aspa show with no ASPA data" "$ROVCTL" aspa show AS64500 --redis "$U"
grep -q "^no ASPA for AS64500$" "$tmp/out" && grep -q "holds no ASPA objects at all" "$tmp/err" &&
    ok "aspa show says none, and that the data has none" || bad "aspa show: $(cat "$tmp/out" "$tmp/err")"

# --- VRPs and ASPAs in one generation ---------------------------------------
cat > "$tmp/b.json" <<'JSON'
{"metadata": {"buildtime": "2026-01-02T03:04:05Z"},
 "roas": [{"asn": 64500, "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "ripe", "expires": 4102444800},
          {"asn": "AS64501", "prefix": "2001:db8::/32", "maxLength": 48, "ta": "apnic", "expires": 4102444800}],
 "aspas": [{"customer": "AS64500", "providers": ["AS64511", "AS64510"], "ta": "ripe"},
           {"customer_asid": 64500, "expires": 4102444800, "providers": [64512, 64511], "ta": "apnic"},
           {"customer_asid": 64501, "expires": 4102444800, "providers": [0]},
           {"customer_asid": 64502, "providers": [64502]}]}
JSON
expect 0 "load VRPs with ASPAs" "$ROVCTL" vrp load --from "$tmp/b.json" --redis "$U"
grep -q "2 VRPs from .*, 3 ASPA objects (1 rejected)" "$tmp/out" &&
    grep -q "b.json: aspas record 4: AS64502 is listed as its own provider" "$tmp/err" &&
    ok "load: 3 ASPA objects stored, the bad one named" || bad "load: $(cat "$tmp/out" "$tmp/err")"
g2=$(gen)
[ "$g2" -gt "$g" ] && [ "$(rcli hget "rovmon:vrp:gen:$g2:meta" aspa_count)" = 3 ] &&
    [ "$(rcli strlen "rovmon:vrp:gen:$g2:aspa")" = $((3 * 20 + 5 * 4)) ] &&
    [ "$(rcli hget "rovmon:vrp:gen:$g2:meta" aspa_bytes)" = 80 ] &&
    [ "$(rcli ttl "rovmon:vrp:gen:$g2:aspa")" = -1 ] &&
    ok "generation $g2: aspa_count 3, 80 bytes, persisted by the switch" ||
    bad "generation $g2 meta/aspa: $(rcli hgetall "rovmon:vrp:gen:$g2:meta" | tr '\n' ' ')"
expect 0 "status with ASPAs" "$ROVCTL" vrp status --redis "$U"
grep -q "^aspas  *3 (80 bytes): 2 customers, 0 expired$" "$tmp/out" &&
    ok "status: 3 ASPAs, 2 customers, 0 expired" || bad "status: $(cat "$tmp/out")"
expect 0 "status --json with ASPAs" "$ROVCTL" vrp status --redis "$U" --json
jcheck 'd["aspas"] == 3 and d["aspa_customers"] == 2 and d["aspa_expired"] == 0 and d["aspa_oldest_expiry"] == 4102444800' &&
    ok "status --json: aspas 3, customers 2" || bad "status --json: $(cat "$tmp/out")"
expect 0 "status --quick with ASPAs" "$ROVCTL" vrp status --redis "$U" --quick --json
jcheck 'd["aspas"] == 3 and d["check"] == "quick"' || bad "status --quick: $(cat "$tmp/out")"
expect 0 "aspa show AS64500 (Redis)" "$ROVCTL" aspa show AS64500 --redis "$U"
[ "$(sed -n 1p "$tmp/out")" = "AS64500: 3 providers (union of 2 ASPA objects): AS64510 AS64511 AS64512" ] &&
    [ "$(sed -n 2p "$tmp/out")" = "  ta ripe, expires unknown: AS64511 AS64510" ] &&
    [ "$(sed -n 3p "$tmp/out")" = "  ta apnic, expires 2100-01-01T00:00:00Z: AS64512 AS64511" ] &&
    ok "aspa show: the union and the two records it came from" || bad "aspa show: $(cat "$tmp/out")"
expect 0 "aspa show --json (Redis)" "$ROVCTL" aspa show 64501 --redis "$U" --json
jcheck 'd["customer_as"] == 64501 and d["providers"] == [0] and d["records"] == [{"ta": None, "expires": 4102444800, "providers": [0]}] and d["data"]["generation"] == '"$g2" &&
    ok "aspa show --json: AS64501 provider AS0, no TA" || bad "aspa show --json: $(cat "$tmp/out")"
expect 0 "aspa show from the file" "$ROVCTL" aspa show 64501 --from "$tmp/b.json" --json
jcheck 'd["providers"] == [0] and d["data"]["generation"] == 0' || bad "aspa show --from: $(cat "$tmp/out")"
expect 5 "aspa show, customer without ASPA" "$ROVCTL" aspa show 64502 --redis "$U"
expect 2 "aspa show, bad ASN" "$ROVCTL" aspa show AS-1 --redis "$U"
expect 2 "aspa show, no ASN" "$ROVCTL" aspa show --redis "$U"

# the same content is unchanged; a changed provider set alone is new
expect 0 "same VRPs and ASPAs again" "$ROVCTL" vrp load --from "$tmp/b.json" --redis "$U"
grep -q "^unchanged: generation $g2 has the same 2 VRPs and 3 ASPA objects" "$tmp/out" &&
    ok "unchanged content writes no generation" || bad "reload: $(cat "$tmp/out")"
sed 's/"AS64511", "AS64510"/"AS64511", "AS64513"/' "$tmp/b.json" > "$tmp/c.json"
expect 0 "one provider changed" "$ROVCTL" vrp load --from "$tmp/c.json" --redis "$U"
g3=$(gen)
[ "$g3" -gt "$g2" ] && ok "an ASPA change alone makes generation $g3" || bad "no new generation: $(cat "$tmp/out")"
expect 0 "aspa show after the switch" "$ROVCTL" aspa show AS64500 --redis "$U"
grep -q "^AS64500: 3 providers (union of 2 ASPA objects): AS64511 AS64512 AS64513" "$tmp/out" &&
    ok "aspa show reads the new generation" || bad "aspa show: $(cat "$tmp/out")"
# back to VRPs only: ASPAs gone with the same switch
expect 0 "back to the CSV" "$ROVCTL" vrp load --from "$tmp/a.csv" --redis "$U"
expect 0 "status, no ASPAs again" "$ROVCTL" vrp status --redis "$U" --json
jcheck 'd["aspas"] == 0 and d["count"] == 2' && ok "the switch dropped the ASPAs with the VRPs" ||
    bad "status: $(cat "$tmp/out")"
expect 0 "ASPAs once more" "$ROVCTL" vrp load --from "$tmp/b.json" --redis "$U"

# --- a sensor adopts the VRPs and the ASPAs of one generation together ----
ROVMON=$B/rovmon
"$ROVMON" -q -r pcaps/as2-session.pcap --redis "$U" --routes /dev/null --stats "$tmp/stats" 2> "$tmp/err"
python3 -c 'import json, sys; s = json.loads(open(sys.argv[1]).read().splitlines()[-1])
sys.exit(not (s["vrp_count"] == 2 and s["aspa_count"] == 3 and s["aspa_customers"] == 2 and s["aspa_expired"] == 0 and
    s["aspa_loaded"] == s["vrp_loaded"] and s["aspa_age"] is not None and s["vrp_generation"] == int(sys.argv[2])))' \
    "$tmp/stats" "$(gen)" && ok "rovmon --redis: stats aspa_count 3, aspa_customers 2 from generation $(gen)" ||
    bad "rovmon stats: $(tail -n 1 "$tmp/stats") $(cat "$tmp/err")"

# --- hostile ASPA data in Redis is refused ---------------------------------
g=$(gen)
K=rovmon:vrp:gen:$g
poke "$K:aspa" 17 '\001'
expect 4 "ASPA padding not zero refused" "$ROVCTL" vrp status --redis "$U"
grep -q "generation $g refused.*ASPA record 0: padding not zero" "$tmp/err" &&
    ok "vrp status names the ASPA record and the rule" || bad "status: $(cat "$tmp/err")"
expect 0 "--quick is blind to ASPA content" "$ROVCTL" vrp status --redis "$U" --quick
poke "$K:aspa" 17 '\000'
poke "$K:aspa" 16 '\007'
expect 4 "ASPA trust anchor index out of range refused" "$ROVCTL" aspa show 64500 --redis "$U"
grep -q "ASPA record 0: trust anchor index out of range" "$tmp/err" || bad "aspa show: $(cat "$tmp/err")"
poke "$K:aspa" 16 '\000'
poke "$K:aspa" 0 '\000\000\000\000'
expect 4 "ASPA customer AS0 refused" "$ROVCTL" vrp status --redis "$U"
grep -q "ASPA record 0: customer AS0" "$tmp/err" || bad "status: $(cat "$tmp/err")"
poke "$K:aspa" 0 '\000\000\373\364'
poke "$K:aspa" 4 '\000\000\001\000'
expect 4 "ASPA provider count past the end refused" "$ROVCTL" vrp status --redis "$U"
grep -q "ASPA record 0: truncated in the providers" "$tmp/err" || bad "status: $(cat "$tmp/err")"
poke "$K:aspa" 4 '\000\000\000\002'
expect 0 "repaired" "$ROVCTL" vrp status --redis "$U"
rcli append "$K:aspa" "xxxx" > /dev/null
expect 4 "ASPA string of the wrong length refused" "$ROVCTL" vrp status --redis "$U"
expect 4 "... also by --quick" "$ROVCTL" vrp status --redis "$U" --quick
grep -q "ASPA objects: wrong type or length (want 80 bytes)" "$tmp/err" || bad "status: $(cat "$tmp/err")"
rcli hset "$K:meta" aspa_bytes 84 > /dev/null
expect 4 "bytes after the last ASPA record refused" "$ROVCTL" vrp status --redis "$U"
grep -q "4 bytes after the last ASPA record" "$tmp/err" || bad "status: $(cat "$tmp/err")"
rcli hdel "$K:meta" aspa_bytes > /dev/null
expect 4 "aspa_count without aspa_bytes refused" "$ROVCTL" vrp status --redis "$U"
grep -q "aspa_count without aspa_bytes" "$tmp/err" || bad "status: $(cat "$tmp/err")"
rcli hset "$K:meta" aspa_bytes 80 > /dev/null
rcli del "$K:aspa" > /dev/null
expect 4 "ASPA string missing refused" "$ROVCTL" vrp status --redis "$U" --quick
grep -q "ASPA objects missing" "$tmp/err" || bad "status: $(cat "$tmp/err")"
rcli set "$K:aspa" "" > /dev/null
rcli hset "$K:meta" aspa_count 99999999 > /dev/null
expect 4 "aspa_count out of range refused" "$ROVCTL" vrp status --redis "$U"
expect 0 "a good load replaces the corrupt generation" "$ROVCTL" vrp load --from "$tmp/c.json" --redis "$U"

# --- the real snapshot: 100 ASPAs, a round trip ---------------------------
if [ -r "$OLD" ]; then
	expect 0 "load the real snapshot" "$ROVCTL" vrp load --from "$OLD" --redis "$U"
	grep -q "723521 VRPs from .* 100 ASPA objects (0 rejected)" "$tmp/out" || bad "load: $(cat "$tmp/out")"
	expect 0 "status of the real snapshot" "$ROVCTL" vrp status --redis "$U" --json
	jcheck 'd["count"] == 723521 and d["aspas"] == 100 and d["aspa_customers"] == 100 and d["aspa_oldest_expiry"] == 1753024373 and d["aspa_expired"] == 100' &&
		ok "real snapshot: 100 ASPAs of 100 customers in Redis" || bad "status: $(cat "$tmp/out")"
	for asn in 945 52025 39002 401519; do
		"$ROVCTL" aspa show "$asn" --redis "$U" --json 2> /dev/null | python3 -c '
import json, sys; d = json.load(sys.stdin); del d["data"]; print(json.dumps(d, sort_keys=True))' > "$tmp/r.$asn"
		"$ROVCTL" aspa show "$asn" --from "$OLD" --json 2> /dev/null | python3 -c '
import json, sys; d = json.load(sys.stdin); del d["data"]; print(json.dumps(d, sort_keys=True))' > "$tmp/f.$asn"
		[ -s "$tmp/r.$asn" ] && cmp -s "$tmp/r.$asn" "$tmp/f.$asn" ||
			bad "AS$asn differs between Redis and the file: $(cat "$tmp/r.$asn" "$tmp/f.$asn")"
	done
	grep -q '"providers": \[13213, 150369\]' "$tmp/r.945" && grep -q '"expires": 1753070425' "$tmp/r.945" &&
		ok "AS945 from Redis: AS13213 AS150369, expires 1753070425, as in the file" || bad "AS945: $(cat "$tmp/r.945")"
else
	echo "SKIP-PART: no $OLD"
fi
exit $rc
