#!/bin/sh
# sanitizer: yes
# Usage errors, exit statuses and messages for bad input (issue 12): each
# case checks the exit status and the exact message (or its key part) of
# rovmon and rovctl, and that a usage or setup error is ONE line on
# stderr.  No namespaces, no servers: an unreachable Redis is a unix
# socket that does not exist.  Also: '-' is standard output for --alerts
# and --stats, the default rules are found from a directory outside the
# source tree, and the README's `rovctl vrp show` example prints VRPs.
#   rovmon: 0 ok, 2 usage, 3 setup (bad rules, VRPs, Redis, capture file).
#   rovctl: 0 valid, 1 invalid, 2 usage, 3 other error, 4 VRP source or
#   Redis unavailable, 5 not found.
# Exit 0 pass, 1 fail.
set -u
cd "$(dirname "$0")/../.."
SRC=$(pwd)
B=$(cd "${ROVMON_BUILD:-build}" && pwd)
ROVMON=$B/rovmon
ROVCTL=$B/rovctl
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
[ -x "$ROVMON" ] && [ -x "$ROVCTL" ] || { echo "FAIL: $B/rovmon or rovctl not built"; exit 1; }
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:exitcode=86"
unset ROVMON_REDIS
tmp=$(mktemp -d /tmp/rovmon-usage.XXXXXX)
trap '[ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP PIPE
rc=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; rc=1; }
P=$SRC/pcaps/ipv4-full.pcap
V=$SRC/pcaps/demo-vrps.json
NOSOCK=unix://$tmp/no-redis.sock
HELP_R="; try 'rovmon --help'"
HELP_C="; try 'rovctl --help'"

# run CMD...: exit status in $got, stdout in $tmp/out, stderr in $tmp/err
run() { "$@" > "$tmp/out" 2> "$tmp/err"; got=$?; }
# exact NAME STATUS STDERR CMD...: the status and stderr exactly (one line)
exact() {
	name=$1 want=$2 werr=$3; shift 3
	run "$@"
	if [ "$got" -eq "$want" ] && [ "$(cat "$tmp/err")" = "$werr" ]; then
		ok "$name: exit $got, \"$werr\""
	else
		bad "$name: exit $got (want $want), stderr: $(head -n 3 "$tmp/err")"
		echo "    want: $werr"
	fi
}
# part NAME STATUS TEXT CMD...: the status, one line on stderr holding TEXT
part() {
	name=$1 want=$2 text=$3; shift 3
	run "$@"
	if [ "$got" -eq "$want" ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] &&
	    grep -qF -- "$text" "$tmp/err"; then
		ok "$name: exit $got, $(cat "$tmp/err")"
	else
		bad "$name: exit $got (want $want), stderr ($(wc -l < "$tmp/err") lines): $(head -n 3 "$tmp/err")"
		echo "    want one line with: $text"
	fi
}

echo "# rovmon: usage errors (exit 2, one line, no help dump)"
exact "unknown long option" 2 "rovmon: --frob: unknown option$HELP_R" "$ROVMON" --frob -r "$P"
exact "unknown short option" 2 "rovmon: -x: unknown option$HELP_R" "$ROVMON" -x -r "$P"
exact "unknown letter in a cluster" 2 "rovmon: -j: unknown option$HELP_R" "$ROVMON" -vj -r "$P"
exact "option without its value" 2 "rovmon: --routes: needs a value$HELP_R" "$ROVMON" -r "$P" --routes
exact "short option without its value" 2 "rovmon: -r: needs a value$HELP_R" "$ROVMON" -r
exact "value for a flag" 2 "rovmon: --daemon: takes no value$HELP_R" "$ROVMON" -r "$P" --daemon=yes
exact "bad count" 2 "rovmon: -c: not a positive number: 0$HELP_R" "$ROVMON" -r "$P" -c 0
exact "no packet source" 2 "rovmon: no packet source: give -r FILE or -i IFACE (or --bmp-listen ADDR:PORT)$HELP_R" "$ROVMON" --routes -
exact "two packet sources" 2 "rovmon: -r $P and -i lo: give one packet source$HELP_R" "$ROVMON" -r "$P" -i lo
exact "--control-group alone" 2 "rovmon: --control-group needs --control PATH or -D$HELP_R" "$ROVMON" -r "$P" --control-group adm
exact "--control, empty path" 2 "rovmon: --control: an empty path$HELP_R" "$ROVMON" -r "$P" --control ""
part "--control, no such directory" 3 "rovmon: --control $tmp/nodir/c.sock: No such file or directory" "$ROVMON" -r "$P" --no-validation --control "$tmp/nodir/c.sock"
: > "$tmp/afile"
part "--control on a file" 3 "rovmon: --control $tmp/afile: File exists" "$ROVMON" -r "$P" --no-validation --control "$tmp/afile"
part "--control-group, unknown group" 3 "rovmon: --control-group no-such-group: no such group" "$ROVMON" -r "$P" --no-validation --control "$tmp/c.sock" --control-group no-such-group
exact "two VRP sources" 2 "rovmon: --vrps and --redis: choose one source of VRPs$HELP_R" "$ROVMON" -r "$P" --vrps "$V" --redis "$NOSOCK"
exact "unknown engine" 2 "rovmon: --engine: unknown engine 'foo' (rovmon, libnids)$HELP_R" "$ROVMON" -r "$P" --engine foo
exact "--stale-time, negative" 2 "rovmon: --stale-time: not a number of seconds from 0 to 86400: -1$HELP_R" "$ROVMON" -r "$P" --stale-time -1
exact "--stale-time, not a number" 2 "rovmon: --stale-time: not a number of seconds from 0 to 86400: 2m$HELP_R" "$ROVMON" -r "$P" --stale-time 2m
exact "--stale-time, empty" 2 "rovmon: --stale-time: not a number of seconds from 0 to 86400: $HELP_R" "$ROVMON" -r "$P" --stale-time ""
exact "--buffer-timeout 0" 2 "rovmon: --buffer-timeout: not a number of milliseconds from 1 to 1000: 0$HELP_R" "$ROVMON" -r "$P" --buffer-timeout 0
exact "--buffer-timeout, not a number" 2 "rovmon: --buffer-timeout: not a number of milliseconds from 1 to 1000: 5ms$HELP_R" "$ROVMON" -r "$P" --buffer-timeout 5ms
exact "--stale-time, over a day" 2 "rovmon: --stale-time: not a number of seconds from 0 to 86400: 86401$HELP_R" "$ROVMON" -r "$P" --stale-time 86401
exact "--role without =" 2 "rovmon: --role: not ADDR=ROLE: 10.0.0.1$HELP_R" "$ROVMON" -r "$P" --role 10.0.0.1
exact "--role, bad address" 2 "rovmon: --role 10.0.0.300=peer: not an IPv4 or IPv6 address: 10.0.0.300$HELP_R" "$ROVMON" -r "$P" --role 10.0.0.300=peer
exact "--role, unknown role" 2 "rovmon: --role 2001:db8::1=boss: unknown role 'boss' (provider, customer, peer, rs, rs-client)$HELP_R" "$ROVMON" -r "$P" --role 2001:db8::1=boss
printf 'role 10.0.0.1=customer\nrole 10.0.0.2=Peer\n' > "$tmp/role.conf"
exact "--role in the configuration file" 2 "rovmon: --role 10.0.0.2=Peer: unknown role 'Peer' (provider, customer, peer, rs, rs-client)$HELP_R" "$ROVMON" -C "$tmp/role.conf" -r "$P"
exact "--metrics without a port" 2 "rovmon: --metrics 127.0.0.1: not ADDR:PORT (ADDR:PORT, [ADDR6]:PORT or :PORT)$HELP_R" "$ROVMON" -r "$P" --metrics 127.0.0.1
exact "--metrics with a host name" 2 "rovmon: --metrics localhost:9105: not an IPv4 address or a bracketed IPv6 address: 'localhost' (ADDR:PORT, [ADDR6]:PORT or :PORT)$HELP_R" "$ROVMON" -r "$P" --metrics localhost:9105
exact "--metrics, IPv6 without brackets" 2 "rovmon: --metrics ::1:9105: not an IPv4 address or a bracketed IPv6 address: '::1' (ADDR:PORT, [ADDR6]:PORT or :PORT)$HELP_R" "$ROVMON" -r "$P" --metrics ::1:9105
exact "--metrics, bad port" 2 "rovmon: --metrics 127.0.0.1:70000: not a port from 0 to 65535: '70000' (ADDR:PORT, [ADDR6]:PORT or :PORT)$HELP_R" "$ROVMON" -r "$P" --metrics 127.0.0.1:70000
exact "--metrics-sessions out of range" 2 "rovmon: --metrics-sessions: not a number from 0 to 4096: -1$HELP_R" "$ROVMON" -r "$P" --metrics-sessions -1
exact "--metrics with libnids" 2 "rovmon: --metrics: not with --engine=libnids (its loop has no place for the snapshots)$HELP_R" "$ROVMON" -r "$P" --metrics 127.0.0.1:0 --engine libnids
exact "--alerts without VRPs" 2 "rovmon: alerts need a VRP source: give --vrps FILE|URL or --redis URL (or --no-validation for rules that need no RPKI state)$HELP_R" \
	"$ROVMON" -r "$P" --alerts "$tmp/a.json"
[ ! -e "$tmp/a.json" ] && ok "--alerts without VRPs: no alert file created" || bad "--alerts without VRPs created $tmp/a.json"
exact "--alert-sink without VRPs" 2 "rovmon: alerts need a VRP source: give --vrps FILE|URL or --redis URL (or --no-validation for rules that need no RPKI state)$HELP_R" \
	"$ROVMON" -r "$P" --alert-sink stdout
exact "--state-dir without alerts" 2 "rovmon: --state-dir keeps the routes alerts are raised from: give --alerts FILE or --alert-sink SPEC$HELP_R" \
	"$ROVMON" -r "$P" --vrps "$V" --state-dir "$tmp/st"
exact "--checkpoint-interval without --state-dir" 2 "rovmon: --checkpoint-interval needs --state-dir$HELP_R" \
	"$ROVMON" -r "$P" --checkpoint-interval 5
exact "--checkpoint-interval, bad value" 2 "rovmon: --checkpoint-interval: not a number of seconds from 0 to 31622400: -1$HELP_R" \
	"$ROVMON" -r "$P" --vrps "$V" --alerts "$tmp/a.json" --state-dir "$tmp/st" --checkpoint-interval -1
exact "--state-dir with libnids" 2 "rovmon: --state-dir needs --engine rovmon$HELP_R" \
	"$ROVMON" -r "$P" --vrps "$V" --alerts "$tmp/a.json" --state-dir "$tmp/st" --engine libnids
[ ! -e "$tmp/st" ] && ok "--state-dir usage errors: no directory made" || bad "--state-dir usage error made $tmp/st"
run "$ROVMON" --help
[ "$got" -eq 0 ] && grep -q -- '--state-dir' "$tmp/out" && grep -q -- '--no-validation' "$tmp/out" && grep -q -- '--check-config' "$tmp/out" &&
	[ ! -s "$tmp/err" ] && ok "--help: exit 0, on stdout" || bad "--help: exit $got"
run "$ROVMON" --version
[ "$got" -eq 0 ] && grep -qx 'rovmon [0-9.]*' "$tmp/out" && ok "--version: $(cat "$tmp/out")" || bad "--version: exit $got, $(cat "$tmp/out")"

echo "# rovmon: setup errors (exit 3, one line naming the source and the reason)"
exact "-r, Redis unreachable" 3 "rovmon: redis unix:$tmp/no-redis.sock db 0: connect: No such file or directory" \
	"$ROVMON" -r "$P" --redis "$NOSOCK" --routes "$tmp/r.jsonl"
exact "-r, VRP file missing" 3 "rovmon: $tmp/none.json: No such file or directory" \
	"$ROVMON" -r "$P" --vrps "$tmp/none.json" --routes "$tmp/r.jsonl"
exact "-r, ftp:// VRP URL" 3 "rovmon: ftp://example.net/vrps.json: unsupported URL scheme 'ftp' (http://, https://, rtr:// and rtr+unix:// are fetched; a file is named by its path)" \
	"$ROVMON" -r "$P" --vrps ftp://example.net/vrps.json
printf 'alert bgp (msg:"x"; sid:1;)\nbogus line\n' > "$tmp/broken.rules"
part "broken --rules without --alerts" 3 "$tmp/broken.rules:2:1: expected 'alert', 'log', 'pass' or 'include'" \
	"$ROVMON" -r "$P" --rules "$tmp/broken.rules" --routes "$tmp/r.jsonl"
part "capture file missing" 3 "cannot read capture: $tmp/none.pcap: No such file or directory" \
	"$ROVMON" -r "$tmp/none.pcap"
# a port already taken: a setup error naming it
$PY -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True); time.sleep(30)' > "$tmp/port" &
hold=$!
i=0; while [ ! -s "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
MP=$(cat "$tmp/port")
exact "--metrics, port in use" 3 "rovmon: --metrics 127.0.0.1:$MP: Address already in use" "$ROVMON" -r "$P" --metrics "127.0.0.1:$MP" --routes "$tmp/r.jsonl"
kill "$hold"; wait "$hold" 2> /dev/null
run "$ROVMON" -q -r "$P" --metrics 127.0.0.1:0 --stats /dev/null
[ "$got" -eq 0 ] && [ ! -s "$tmp/err" ] && ok "--metrics 127.0.0.1:0 with -r: exit 0" || bad "--metrics with -r: exit $got, $(head -n 2 "$tmp/err")"
printf 'frobnicate 1\n' > "$tmp/bad.conf"
exact "configuration file, unknown option" 3 "rovmon: $tmp/bad.conf:1: unknown option 'frobnicate'" "$ROVMON" -C "$tmp/bad.conf" -r "$P"

echo "# rovmon --no-validation: routes logged unjudged, on purpose"
# -q: no start line, so that stderr must be empty
run "$ROVMON" -q -r "$P" --redis "$NOSOCK" --no-validation --routes "$tmp/nv.jsonl" --stats /dev/null
n=$(wc -l < "$tmp/nv.jsonl"); j=$(grep -c '"rpki"' "$tmp/nv.jsonl")
[ "$got" -eq 0 ] && [ "$n" -eq 10502 ] && [ "$j" -eq 0 ] && [ ! -s "$tmp/err" ] &&
	ok "-r --redis DOWN --no-validation: exit 0, $n route events, none with rpki" ||
	bad "--no-validation: exit $got, $n events ($j with rpki), $(head -n 2 "$tmp/err")"
run "$ROVMON" -r "$P" --no-validation --alerts "$tmp/nv.json" --stats /dev/null
[ "$got" -eq 0 ] && [ -f "$tmp/nv.json" ] && ok "--alerts with --no-validation: exit 0 ($(wc -l < "$tmp/nv.json") alerts from rules that need no RPKI state)" ||
	bad "--alerts --no-validation: exit $got $(head -n 2 "$tmp/err")"

echo "# rovmon -T / --check-config"
if [ -e /etc/rovmon/rovmon.rules ]; then DEF=/etc/rovmon/rovmon.rules; else DEF=$SRC/rules/rovmon.rules; fi
NR=$(grep -c '^alert' "$DEF")
NV=$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["roas"]))' "$V")
run "$ROVMON" -T --vrps "$V"
[ "$got" -eq 0 ] && [ "$(cat "$tmp/out")" = "rovmon: configuration OK: $NR rules from $DEF, $NV VRPs from $V" ] &&
	ok "-T: exit 0, $(cat "$tmp/out")" || bad "-T: exit $got, $(cat "$tmp/out") $(head -n 2 "$tmp/err")"
exact "-T, broken rules" 3 "rovmon: $tmp/broken.rules:2:1: expected 'alert', 'log', 'pass' or 'include', got 'bogus'" \
	"$ROVMON" --check-config --rules "$tmp/broken.rules"
exact "-T, Redis unreachable" 3 "rovmon: redis unix:$tmp/no-redis.sock db 0: connect: No such file or directory" \
	"$ROVMON" -T --redis "$NOSOCK"
exact "-T, live sensor config, Redis unreachable" 3 "rovmon: redis unix:$tmp/no-redis.sock db 0: connect: No such file or directory" \
	"$ROVMON" -T -i lo --redis "$NOSOCK" --alerts "$tmp/t.json"
[ ! -e "$tmp/t.json" ] && ok "-T opens no output file" || bad "-T created $tmp/t.json"
exact "-T, VRP file missing" 3 "rovmon: $tmp/none.json: No such file or directory" "$ROVMON" -T --vrps "$tmp/none.json"
exact "-T, configuration file" 3 "rovmon: $tmp/bad.conf:1: unknown option 'frobnicate'" "$ROVMON" -T -C "$tmp/bad.conf"
printf 'check-config\n' > "$tmp/t.conf"
exact "check-config not allowed in the file" 3 "rovmon: $tmp/t.conf:1: unknown option 'check-config'" "$ROVMON" -T -C "$tmp/t.conf"

echo "# rovmon: '-' is standard output; default rules from outside the source tree"
(cd "$tmp" && "$ROVMON" -r "$P" --vrps "$V" --alerts "$tmp/file.json" --stats /dev/null 2> /dev/null)
(cd "$tmp" && "$ROVMON" -r "$P" --vrps "$V" --alerts - --stats /dev/null > "$tmp/out" 2> "$tmp/err"); got=$?
na=$(wc -l < "$tmp/file.json")
[ "$got" -eq 0 ] && [ "$na" -gt 100 ] && [ "$(wc -l < "$tmp/out")" -eq "$na" ] && [ ! -e "$tmp/-" ] &&
	ok "--alerts - from $tmp: $na alerts on stdout (default rules $DEF), as many as in a file, no file '-'" ||
	bad "--alerts -: exit $got, $(wc -l < "$tmp/out") lines on stdout, $na in the file $( [ -e "$tmp/-" ] && echo ", a file '-'")"
(cd "$tmp" && "$ROVMON" -q -r "$P" --stats - > "$tmp/out" 2> "$tmp/err"); got=$?
[ "$got" -eq 0 ] && [ "$(wc -l < "$tmp/out")" -eq 1 ] && grep -q '"packets":' "$tmp/out" && [ ! -s "$tmp/err" ] && [ ! -e "$tmp/-" ] &&
	ok "--stats -: the statistics on stdout, no file '-'" || bad "--stats -: exit $got, $(head -c 200 "$tmp/out")"

echo "# rovmon -r: files that are not captures are named"
$PY - "$tmp/u.mrt" <<'EOF'
# An MRT file (RFC 6396 4.4.3, BGP4MP_MESSAGE_AS4): three KEEPALIVEs.
import socket, struct, sys
ka = b"\xff" * 16 + struct.pack("!HB", 19, 4)
body = struct.pack("!IIHH", 65001, 65002, 0, 1) + socket.inet_aton("192.0.2.1") + \
    socket.inet_aton("192.0.2.2") + ka
rec = struct.pack("!IHHI", 1700000000, 16, 4, len(body)) + body
open(sys.argv[1], "wb").write(rec * 3)
EOF
# Issue 18: MRT files and gzip/bzip2-compressed files are read, told by
# their content (never their name).
run "$ROVMON" -r "$tmp/u.mrt" --stats -
[ "$got" -eq 0 ] && [ "$(cat "$tmp/err")" = "reading from file $tmp/u.mrt, MRT (RFC 6396)" ] &&
	grep -q '"mrt_records":3,' "$tmp/out" && grep -q '"bgp_keepalive":3,' "$tmp/out" &&
	ok "MRT file: read, exit 0, $(cat "$tmp/err"), 3 records, 3 KEEPALIVEs" ||
	bad "MRT file: exit $got, $(head -n 2 "$tmp/err")"
gzip -c "$tmp/u.mrt" > "$tmp/u.mrt.gz"
run "$ROVMON" -r "$tmp/u.mrt.gz" --stats -
[ "$got" -eq 0 ] && [ "$(cat "$tmp/err")" = "reading from file $tmp/u.mrt.gz, MRT (RFC 6396), gzip-compressed" ] &&
	grep -q '"mrt_records":3,' "$tmp/out" && ok "gzip-compressed MRT file: $(cat "$tmp/err")" ||
	bad "gzip-compressed MRT file: exit $got, $(head -n 2 "$tmp/err")"
gzip -c "$P" > "$tmp/c.pcap.gz"
run "$ROVMON" -q -r "$tmp/c.pcap.gz" --routes - --stats /dev/null
[ "$got" -eq 0 ] && [ "$(wc -l < "$tmp/out")" -eq 10502 ] && [ ! -s "$tmp/err" ] &&
	ok "gzip-compressed capture: 10502 route events" || bad "gzip-compressed capture: exit $got, $(wc -l < "$tmp/out") events, $(head -n 2 "$tmp/err")"
run sh -c "cat '$tmp/c.pcap.gz' | '$ROVMON' -q -r - --routes - --stats /dev/null"
[ "$got" -eq 0 ] && [ "$(wc -l < "$tmp/out")" -eq 10502 ] &&
	ok "gzip-compressed capture on a pipe: 10502 route events" || bad "gzip on a pipe: exit $got, $(wc -l < "$tmp/out") events, $(head -n 2 "$tmp/err")"
run sh -c "zcat '$tmp/c.pcap.gz' | '$ROVMON' -r - --routes - --stats /dev/null"
[ "$got" -eq 0 ] && [ "$(wc -l < "$tmp/out")" -eq 10502 ] && ok "zcat F | rovmon -r -: 10502 route events" ||
	bad "zcat F | rovmon -r -: exit $got, $(wc -l < "$tmp/out") events"
# cut mid-stream: what decompressed is read, one line says what was lost, exit 1
head -c $(($(wc -c < "$tmp/c.pcap.gz") / 2)) "$tmp/c.pcap.gz" > "$tmp/cut.pcap.gz"
run "$ROVMON" -q -r "$tmp/cut.pcap.gz" --routes - --stats /dev/null
[ "$got" -eq 1 ] && [ "$(wc -l < "$tmp/err")" -eq 1 ] && grep -q "gzip stream truncated" "$tmp/err" &&
	[ "$(wc -l < "$tmp/out")" -gt 1000 ] &&
	ok "gzip-compressed capture cut in half: exit 1, $(wc -l < "$tmp/out") route events, $(cat "$tmp/err")" ||
	bad "cut gzip capture: exit $got, $(wc -l < "$tmp/out") events, $(head -n 2 "$tmp/err")"
if command -v bzip2 > /dev/null; then
	bzip2 -c "$P" > "$tmp/c.pcap.bz2"
	run "$ROVMON" -q -r "$tmp/c.pcap.bz2" --routes - --stats /dev/null
	[ "$got" -eq 0 ] && [ "$(wc -l < "$tmp/out")" -eq 10502 ] &&
		ok "bzip2-compressed capture: 10502 route events" || bad "bzip2-compressed capture: exit $got, $(wc -l < "$tmp/out") events, $(head -n 2 "$tmp/err")"
fi
if command -v xz > /dev/null; then
	xz -c "$P" > "$tmp/c.pcap.xz"
	exact "xz-compressed file" 3 "rovmon: $tmp/c.pcap.xz: cannot read capture: an xz-compressed file: if it holds a capture, decompress it on the way in: xzcat $tmp/c.pcap.xz | rovmon -r -" "$ROVMON" -r "$tmp/c.pcap.xz"
fi
echo "not a capture" > "$tmp/t.txt"
exact "text file" 3 "rovmon: $tmp/t.txt: cannot read capture: unknown file format" "$ROVMON" -r "$tmp/t.txt"

echo "# rovctl: usage errors (exit 2, one line)"
cat > "$tmp/v.csv" <<'CSV'
ASN,IP Prefix,Max Length,Trust Anchor,Expires
AS65546,192.0.2.0/24,24,ripe,4102444800
AS64500,2001:db8::/32,48,ripe,4102444800
CSV
exact "no command" 2 "rovctl: no command (vrp load|status|show|watch, validate, aspa show, validate-path, show summary|sessions|routes, reload, stats)$HELP_C" "$ROVCTL"
exact "unknown command" 2 "rovctl: frob: unknown command (vrp load|status|show|watch, validate, aspa show, validate-path, show summary|sessions|routes, reload, stats)$HELP_C" "$ROVCTL" frob
# the control socket's verbs (docs/control.md)
exact "show without what" 2 "rovctl: show: needs summary, sessions or routes$HELP_C" "$ROVCTL" show
exact "show, unknown" 2 "rovctl: show bgp: unknown (summary, sessions, routes)$HELP_C" "$ROVCTL" show bgp
exact "show routes, bad state" 2 "rovctl: --state bogus: not invalid, valid or not-found$HELP_C" "$ROVCTL" show routes --state bogus
exact "show routes, --longer alone" 2 "rovctl: --longer needs --prefix$HELP_C" "$ROVCTL" show routes --longer
exact "show routes, host bits" 2 "rovctl: --prefix 10.0.0.1/8: host bits set (did you mean 10.0.0.0/8?)$HELP_C" "$ROVCTL" show routes --prefix 10.0.0.1/8
exact "show routes, bad peer" 2 "rovctl: --peer 10.0.0: not an IPv4 or IPv6 address$HELP_C" "$ROVCTL" show routes --peer 10.0.0
exact "show routes, limit 0" 2 "rovctl: --limit: not a number from 1 to 100000000: 0$HELP_C" "$ROVCTL" show routes --limit 0
exact "reload, extra word" 2 "rovctl: now: unexpected argument$HELP_C" "$ROVCTL" reload now
part "show summary, no rovmon" 4 "cannot connect: No such file or directory (is rovmon running with --control?)" "$ROVCTL" show summary --control "$tmp/no.sock"
exact "vrp without subcommand" 2 "rovctl: vrp: needs load, status, show or watch$HELP_C" "$ROVCTL" vrp
exact "aspa without subcommand" 2 "rovctl: aspa: needs show ASN$HELP_C" "$ROVCTL" aspa
exact "aspa show, two ASNs" 2 "rovctl: aspa show needs one customer ASN, got 2 arguments$HELP_C" "$ROVCTL" aspa show 1 2
exact "unknown option" 2 "rovctl: --frob: unknown option$HELP_C" "$ROVCTL" validate 192.0.2.0/24 1 --frob
exact "option without its value" 2 "rovctl: --prefix: needs a value$HELP_C" "$ROVCTL" vrp show --prefix
exact "bad number" 2 "rovctl: --interval: not a number from 0 to 100000000: x$HELP_C" "$ROVCTL" vrp load --from "$tmp/v.csv" --interval x
exact "validate, one argument" 2 "rovctl: validate needs PREFIX and ASN, got 1 argument$HELP_C" "$ROVCTL" validate 192.0.2.0/24
exact "validate, three arguments" 2 "rovctl: 3: unexpected argument$HELP_C" "$ROVCTL" validate 192.0.2.0/24 1 3
exact "host bits set" 2 "rovctl: 192.0.2.1/24: host bits set (did you mean 192.0.2.0/24?)$HELP_C" "$ROVCTL" validate 192.0.2.1/24 1 --vrps "$tmp/v.csv"
exact "host bits set (IPv6, show)" 2 "rovctl: 2001:db8::1/32: host bits set (did you mean 2001:db8::/32?)$HELP_C" "$ROVCTL" vrp show --prefix 2001:db8::1/32 --vrps "$tmp/v.csv"
exact "IPv4 length 33" 2 "rovctl: 192.0.2.0/33: bad length: an IPv4 prefix is /0 to /32$HELP_C" "$ROVCTL" validate 192.0.2.0/33 1 --vrps "$tmp/v.csv"
exact "IPv6 length 129" 2 "rovctl: 2001:db8::/129: bad length: an IPv6 prefix is /0 to /128$HELP_C" "$ROVCTL" validate 2001:db8::/129 1 --vrps "$tmp/v.csv"
exact "no length" 2 "rovctl: 192.0.2.0: not a prefix: no /LENGTH (as in 192.0.2.0/24 or 2001:db8::/32)$HELP_C" "$ROVCTL" validate 192.0.2.0 1 --vrps "$tmp/v.csv"
exact "not an address" 2 "rovctl: 192.0.2.256/24: not a prefix: no IPv4 or IPv6 address before the '/'$HELP_C" "$ROVCTL" validate 192.0.2.256/24 1 --vrps "$tmp/v.csv"
exact "length not a number" 2 "rovctl: 192.0.2.0/2x: not a prefix: the length after the '/' is not a number$HELP_C" "$ROVCTL" validate 192.0.2.0/2x 1 --vrps "$tmp/v.csv"
exact "not an AS number" 2 "rovctl: ASX: not an AS number (13335, AS13335 or asdot 1.10)$HELP_C" "$ROVCTL" validate 192.0.2.0/24 ASX --vrps "$tmp/v.csv"
exact "AS number too large" 2 "rovctl: 4294967296: AS number out of range (0 to 4294967295)$HELP_C" "$ROVCTL" validate 192.0.2.0/24 4294967296 --vrps "$tmp/v.csv"
exact "asdot half too large" 2 "rovctl: 1.65536: asdot AS number out of range (each half 0 to 65535)$HELP_C" "$ROVCTL" validate 192.0.2.0/24 1.65536 --vrps "$tmp/v.csv"
exact "--control-group alone" 2 "rovmon: --control-group needs --control PATH or -D$HELP_R" "$ROVMON" -r "$P" --control-group adm
exact "--control, empty path" 2 "rovmon: --control: an empty path$HELP_R" "$ROVMON" -r "$P" --control ""
part "--control, no such directory" 3 "rovmon: --control $tmp/nodir/c.sock: No such file or directory" "$ROVMON" -r "$P" --no-validation --control "$tmp/nodir/c.sock"
: > "$tmp/afile"
part "--control on a file" 3 "rovmon: --control $tmp/afile: File exists" "$ROVMON" -r "$P" --no-validation --control "$tmp/afile"
part "--control-group, unknown group" 3 "rovmon: --control-group no-such-group: no such group" "$ROVMON" -r "$P" --no-validation --control "$tmp/c.sock" --control-group no-such-group
exact "two VRP sources" 2 "rovctl: --vrps and --redis: choose one source of VRPs$HELP_C" "$ROVCTL" validate 192.0.2.0/24 1 --vrps "$tmp/v.csv" --redis "$NOSOCK"
exact "vrp show without a query" 2 "rovctl: vrp show needs one of --prefix PREFIX and --asn ASN$HELP_C" "$ROVCTL" vrp show --vrps "$tmp/v.csv"
exact "vrp load without --from" 2 "rovctl: vrp load needs --from FILE|URL$HELP_C" "$ROVCTL" vrp load --redis "$NOSOCK"
run "$ROVCTL" --version
[ "$got" -eq 0 ] && grep -qx 'rovctl [0-9.]*' "$tmp/out" && ok "rovctl --version: $(cat "$tmp/out")" || bad "rovctl --version: exit $got, $(cat "$tmp/out")"

echo "# rovctl: answers"
for a in 1.10 AS1.10 65546 AS65546; do
	run "$ROVCTL" validate 192.0.2.0/24 "$a" --vrps "$tmp/v.csv"
	[ "$got" -eq 0 ] && grep -q '^192.0.2.0/24 AS65546: valid' "$tmp/out" && ok "ASN $a = AS65546: valid (exit 0)" ||
		bad "ASN $a: exit $got, $(cat "$tmp/out" "$tmp/err")"
done
run "$ROVCTL" validate 198.51.100.0/24 64500 --vrps "$tmp/v.csv"
[ "$got" -eq 5 ] && grep -q 'not-found' "$tmp/out" && ok "validate not found: exit 5" || bad "validate not found: exit $got"
run "$ROVCTL" validate 192.0.2.0/24 64500 --vrps "$tmp/v.csv"
[ "$got" -eq 1 ] && ok "validate invalid: exit 1" || bad "validate invalid: exit $got"
run "$ROVCTL" vrp show --prefix 198.51.100.0/24 --vrps "$tmp/v.csv"
[ "$got" -eq 5 ] && [ "$(cat "$tmp/out")" = "no VRP covers 198.51.100.0/24 or lies within it" ] &&
	ok "vrp show, nothing: exit 5, \"$(cat "$tmp/out")\"" || bad "vrp show, nothing: exit $got, \"$(cat "$tmp/out")\""
run "$ROVCTL" vrp show --asn 1.11 --vrps "$tmp/v.csv"
[ "$got" -eq 5 ] && [ "$(cat "$tmp/out")" = "no VRP for AS65547" ] &&
	ok "vrp show --asn, nothing: exit 5, \"$(cat "$tmp/out")\"" || bad "vrp show --asn, nothing: exit $got, \"$(cat "$tmp/out")\""
exact "validate, no source given (ROVMON_REDIS)" 4 "rovctl: no --vrps or --redis: using the VRPs in Redis at unix://$tmp/no-redis.sock (\$ROVMON_REDIS)
rovctl: redis unix:$tmp/no-redis.sock db 0: connect: No such file or directory" env ROVMON_REDIS="$NOSOCK" "$ROVCTL" validate 192.0.2.0/24 1
run "$ROVCTL" vrp show --prefix 192.0.2.0/24
[ "$(head -n 1 "$tmp/err")" = "rovctl: no --vrps or --redis: using the VRPs in Redis at redis://127.0.0.1:6379 (the default; \$ROVMON_REDIS is not set)" ] &&
	ok "vrp show, no source given: says it uses the default Redis (exit $got)" || bad "vrp show, no source: $(head -n 2 "$tmp/err")"
exact "vrp load --from ftp://" 4 "rovctl: ftp://example.net/vrps.csv: unsupported URL scheme 'ftp' (http://, https://, rtr:// and rtr+unix:// are fetched; a file is named by its path)" \
	"$ROVCTL" vrp load --from ftp://example.net/vrps.csv --redis "$NOSOCK"
# Sentinel URLs (docs/redis.md, "Sentinel"): each mistake names the part
# of the URL; a sentinel that cannot be reached is exit 4 (rovctl), 3
# (rovmon -r), one line.  127.0.0.1:1 is assumed closed.
exact "sentinel URL, port out of range" 3 "rovctl: bad Redis URL: sentinel 2: port must be 1..65535" \
	"$ROVCTL" vrp status --redis redis-sentinel://127.0.0.1,127.0.0.1:65536/tm
exact "sentinel URL, empty host" 3 "rovctl: bad Redis URL: sentinel 2: missing host" \
	"$ROVCTL" vrp load --from "$V" --redis redis-sentinel://127.0.0.1,:26379/tm
exact "sentinel URL, no master name" 3 "rovctl: bad Redis URL: missing /MASTERNAME after the sentinels" \
	"$ROVCTL" vrp status --redis redis-sentinel://127.0.0.1:26379
exact "sentinel URL, bad master name" 3 "rovctl: bad Redis URL: master name: character 3 must be a letter, digit, '.', '_', ':' or '-'" \
	"$ROVCTL" validate 192.0.2.0/24 1 --redis 'redis-sentinel://127.0.0.1/tm%20x'
exact "sentinel URL, db not a number" 3 "rovctl: bad Redis URL: db (after the master name) must be a number" \
	"$ROVCTL" vrp status --redis redis-sentinel://127.0.0.1/tm/x
exact "sentinel URL, query" 3 "rovctl: bad Redis URL: redis-sentinel:// URLs take no query; use /MASTERNAME/DB" \
	"$ROVCTL" vrp status --redis 'redis-sentinel://127.0.0.1/tm?db=1'
exact "sentinel URL, no sentinel answers" 4 "rovctl: redis sentinel tm db 2: no master: no sentinel of 1 named one (last: sentinel 127.0.0.1:1: connect: Connection refused)" \
	"$ROVCTL" vrp status --redis redis-sentinel://127.0.0.1:1/tm/2
exact "rovmon -r, sentinel URL, bad port" 3 "rovmon: bad Redis URL: sentinel 1: port must be 1..65535" \
	"$ROVMON" -r "$P" --redis redis-sentinel://127.0.0.1:0/tm --routes "$tmp/s.jsonl"
exact "rovmon -r, no sentinel answers" 3 "rovmon: redis sentinel tm db 0: no master: no sentinel of 1 named one (last: sentinel 127.0.0.1:1: connect: Connection refused)" \
	"$ROVMON" -r "$P" --redis redis-sentinel://127.0.0.1:1/tm --routes "$tmp/s.jsonl"
# The README's example prints what it claims: the VRPs covering the prefix.
ex=$(grep -o 'rovctl vrp show --prefix [^ ]* --vrps pcaps/demo-vrps.json' README.md | head -n 1)
pfx=$(echo "$ex" | awk '{print $5}')
run "$ROVCTL" vrp show --prefix "$pfx" --vrps "$V"
[ -n "$ex" ] && [ "$got" -eq 0 ] && [ "$(wc -l < "$tmp/out")" -ge 1 ] &&
	ok "README: '$ex' prints $(wc -l < "$tmp/out") VRPs" || bad "README example '$ex': exit $got, $(cat "$tmp/out")"

[ $rc -eq 0 ] && echo "all usage checks passed"
exit $rc
