#!/bin/sh
# sanitizer: yes
# What a person sees on a first run (rovmon(8), START LINE AND PROGRESS, REPORT):
# tcpdump's start line, the end-of-run report (its counts checked against
# the route log of the same run by tests/summary_check.py), the report by
# default on a terminal only (a pseudo-terminal from script(1)), the
# progress line on a terminal and never elsewhere, -v session events.
# No namespaces, a few seconds.
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
SHARED=${SHARED:-../shared/data}
P=pcaps/ipv4-full.pcap
V=pcaps/demo-vrps.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
ok() { echo "PASS: $*"; }
bad() { echo "FAIL: $*"; rc=1; }

# 1. --summary with --routes FILE: report on stdout, start line on stderr.
"$B/rovmon" -r "$P" --vrps "$V" --summary --routes "$tmp/r.jsonl" \
    > "$tmp/rep.out" 2> "$tmp/rep.err"
st=$?
[ $st -eq 0 ] || bad "--summary: exit $st: $(cat "$tmp/rep.err")"
want="reading from file $P, link-type EN10MB (Ethernet), snapshot length 262144"
[ "$(grep -v 'VRP set is stale' "$tmp/rep.err")" = "$want" ] &&
	ok "start line, alone on stderr: $want" ||
	bad "stderr: $(cat "$tmp/rep.err")"
if command -v tcpdump > /dev/null 2>&1; then
	td=$(tcpdump -r "$P" -c 1 2>&1 > /dev/null | head -n 1)
	[ "$td" = "$want" ] && ok "tcpdump prints the same line" ||
		bad "tcpdump says '$td'"
fi
python3 tests/summary_check.py "$tmp/rep.out" "$tmp/r.jsonl" || rc=1
grep -q '^  1  10.179.1.1:35875  AS4200000001  -     as4 ipv4-unicast ' "$tmp/rep.out" &&
    grep -q '^     10.179.1.2:179    AS4200000002  -     as4 ipv4-unicast ' "$tmp/rep.out" &&
    grep -q '^     OPENs seen; closed by NOTIFICATION 6/2 (Cease: Administrative Shutdown) from 10.179.1.1:35875$' "$tmp/rep.out" &&
	ok "session: both speakers, ASNs, no roles, capabilities, how it ended" ||
	bad "session table: $(sed -n '/^BGP sessions/,/^$/p' "$tmp/rep.out")"
grep -q '^  1  10.179.1.1:35875  10.179.1.2:179  6/2 Cease: Administrative Shutdown  0 bytes$' "$tmp/rep.out" &&
	ok "NOTIFICATION listed" || bad "NOTIFICATIONs: $(sed -n '/^NOTIFICATIONs/,/^$/p' "$tmp/rep.out")"
grep -q '^  1  10.179.1.1:35875     1   9,566             1          1              0     0$' "$tmp/rep.out" &&
	ok "messages by type" || bad "messages: $(sed -n '/^Messages/,/^$/p' "$tmp/rep.out")"

# 2. --routes - : the report moves to stderr, stdout stays JSON lines.
"$B/rovmon" -r "$P" --vrps "$V" --summary --routes - > "$tmp/so.out" 2> "$tmp/so.err"
if python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$tmp/so.out" &&
    grep -q '^BGP sessions: 1$' "$tmp/so.err"; then
	ok "--routes - --summary: report on stderr, stdout all JSON"
else
	bad "--routes -: stdout/stderr mixed"
fi

# 3. Not a terminal, no --summary: no report, the stats line as before,
#    no progress line.
"$B/rovmon" -r "$P" --vrps "$V" > "$tmp/nt.out" 2> "$tmp/nt.err"
if [ ! -s "$tmp/nt.out" ] && tail -n 1 "$tmp/nt.err" | grep -q '^{"packets":721,' &&
    ! grep -q "$(printf '\r')" "$tmp/nt.err"; then
	ok "no terminal: no report, statistics line on stderr, no progress"
else
	bad "no terminal: stdout $(head -c 200 "$tmp/nt.out"), stderr $(head -c 300 "$tmp/nt.err")"
fi

# 4. A terminal (script(1) gives a pseudo-terminal): the report is the
#    default, and a run longer than a second shows the progress line.  The
#    feeder writes the capture, then 7 more copies 0.25 s apart, so that
#    the run lasts ~2 s (the progress line starts after 1 s).
if command -v script > /dev/null 2>&1; then
	cat > "$tmp/feed.py" << 'EOF'
import sys, time
d = open(sys.argv[1], "rb").read()
out = sys.stdout.buffer
out.write(d); out.flush()
for _ in range(7):
    time.sleep(0.25)
    out.write(d[24:]); out.flush()
EOF
	script -qec "python3 $tmp/feed.py $P | $B/rovmon -r - --vrps $V" /dev/null \
	    > "$tmp/tty.out" 2>&1 < /dev/null
	cr=$(printf '\r')
	if grep -q '^BGP sessions: ' "$tmp/tty.out" &&
	    grep -q '^reading from file -, link-type EN10MB (Ethernet), snapshot length 262144' "$tmp/tty.out" &&
	    ! grep -q '^{"packets"' "$tmp/tty.out"; then
		ok "terminal: report by default, start line, no statistics JSON"
	else
		bad "terminal: $(head -c 600 "$tmp/tty.out")"
	fi
	if grep -q "${cr}[0-9,]* packets, [0-9,]* routes, [0-9.]* MB/s" "$tmp/tty.out"; then
		ok "terminal: progress line shown"
	else
		bad "terminal: no progress line: $(head -c 600 "$tmp/tty.out" | od -c | head)"
	fi
	# same run, stderr to a file: not a terminal, so no progress there
	script -qec "python3 $tmp/feed.py $P | $B/rovmon -r - --vrps $V 2> $tmp/tty.err" /dev/null \
	    > "$tmp/tty2.out" 2>&1 < /dev/null
	if ! grep -q "$cr" "$tmp/tty.err" && grep -q '^BGP sessions: ' "$tmp/tty2.out"; then
		ok "stderr not a terminal: no progress line in it"
	else
		bad "progress in a file: $(od -c "$tmp/tty.err" | head)"
	fi
else
	echo "script(1) not installed: terminal part skipped"
fi

# 5. -q: no start line.
"$B/rovmon" -q -r "$P" --stats /dev/null > /dev/null 2> "$tmp/q.err"
[ ! -s "$tmp/q.err" ] && ok "-q: nothing on stderr" || bad "-q: $(cat "$tmp/q.err")"

# 6. -v: session events as they happen.
"$B/rovmon" -v -r "$P" --stats /dev/null 2> "$tmp/v.err"
for want in \
    'rovmon: session up: 10.179.1.1:35875 (AS4200000001) <-> 10.179.1.2:179 (AS4200000002)' \
    'rovmon: bgp: 10.179.1.2:179 -> 10.179.1.1:35875: OPEN AS4200000002, hold time 90, BGP identifier 10.179.1.2, capabilities: as4 ipv4-unicast route-refresh hostname(vm) extended-nexthop' \
    'rovmon: bgp: 10.179.1.1:35875 -> 10.179.1.2:179: NOTIFICATION 6/2 Cease: Administrative Shutdown, 0 bytes of data' \
    'rovmon: session down: 10.179.1.1:35875 (AS4200000001) <-> 10.179.1.2:179 (AS4200000002): TCP FIN after a NOTIFICATION'; do
	grep -qxF "$want" "$tmp/v.err" && ok "-v: $want" || bad "-v lacks '$want': $(cat "$tmp/v.err")"
done
"$B/rovmon" -v -r pcaps/midstream.pcap --stats /dev/null 2> "$tmp/m.err"
want='rovmon: bgp: 10.179.5.1:39019 -> 10.179.5.2:179: picked up mid-stream at offset 22: first message UPDATE, no OPEN seen'
grep -qxF "$want" "$tmp/m.err" && ok "-v: $want" || bad "-v mid-stream: $(cat "$tmp/m.err")"

# 6b. RFC 9234 roles (pcaps/roles-otc.pcap, docs/leaks.md): each speaker's
#     role in the report, from the OPENs or --role; a Role Mismatch; the
#     -v lines; the counters.
R=pcaps/roles-otc.pcap
"$B/rovmon" -v -r "$R" --summary --stats "$tmp/ro.stats" --role 10.179.20.50=peer \
    > "$tmp/ro.out" 2> "$tmp/ro.err"
for want in \
    '^  1  10.179.20.10:179    AS65010  provider   as4 ' \
    '^     10.179.20.50:40709  AS65050  customer   as4 ' \
    '^     OPENs seen; --role 10.179.20.50=peer overridden by the OPENs; up when the capture ended$' \
    '^  4  10.179.20.10:32773  AS65010  -          as4 ipv4-unicast role(provider) ' \
    '^     OPENs seen; Role Mismatch: the roles of the OPENs are no pair (RFC 9234 4.2); closed by NOTIFICATION 2/11 (OPEN Message Error: Role Mismatch) from 10.179.20.80:179$' \
    '^  5  10.179.20.10:47017  AS65010  customer   as4 ipv4-unicast route-refresh ' \
    '^  9  10.179.20.40:43997  AS65040  rs         as4 '; do
	grep -q -- "$want" "$tmp/ro.out" && ok "roles: $want" ||
		bad "roles: no '$want' in: $(sed -n '/^BGP sessions/,/^$/p' "$tmp/ro.out")"
done
for kv in '"bgp_role_mismatch":1,' '"bgp_role_mismatch_notification":2,' \
    '"bgp_role_config_disagree":1,' '"bgp_role_malformed":0,'; do
	grep -qF "$kv" "$tmp/ro.stats" && ok "roles: statistics $kv" ||
		bad "roles: statistics lack $kv: $(cat "$tmp/ro.stats")"
done
for want in \
    'rovmon: session up: 10.179.20.10:179 (AS65010, provider) <-> 10.179.20.50:40709 (AS65050, customer)' \
    'rovmon: bgp: 10.179.20.10:32773 <-> 10.179.20.80:179: Role Mismatch (RFC 9234 4.2): 10.179.20.10:32773 says it is provider, 10.179.20.80:179 says it is provider; roles unknown' \
    'rovmon: bgp: 10.179.20.50:40709 <-> 10.179.20.10:179: --role 10.179.20.50=peer disagrees with the OPENs, which make it customer; the OPENs win'; do
	grep -qxF "$want" "$tmp/ro.err" && ok "-v: $want" || bad "-v lacks '$want': $(grep -i role "$tmp/ro.err")"
done
# Mid-stream: without frames 4 and 6 (the OPENs of session 1) its roles
# come from --role alone.
if command -v editcap > /dev/null 2>&1; then
	editcap "$R" "$tmp/mid.pcap" 4 6
	"$B/rovmon" -q -r "$tmp/mid.pcap" --summary --stats /dev/null \
	    --role 10.179.20.50=customer > "$tmp/rm.out" 2>&1
	for want in \
	    '^  1  10.179.20.50:40709  AS?      customer (config)  unknown (no OPEN seen)$' \
	    '^     10.179.20.10:179    AS?      provider (config)  unknown (no OPEN seen)$' \
	    '^     picked up mid-stream: no OPEN seen (encodings inferred: as4 no-add-path); roles from --role; up when the capture ended$'; do
		grep -q -- "$want" "$tmp/rm.out" && ok "mid-stream roles: $want" ||
			bad "mid-stream roles: no '$want' in: $(sed -n '/^BGP sessions/,/^$/p' "$tmp/rm.out")"
	done
else
	echo "editcap not installed: mid-stream roles part skipped"
fi

# 7. A NOTIFICATION with data (RFC 9003 Shutdown Communication), from
#    tcpdump's tests: 74-byte message, 53 bytes of data.
f=$SHARED/tcpdump-tests/bgp-shutdown-communication.pcapng
if [ -f "$f" ]; then
	"$B/rovmon" -v -r "$f" --summary --stats /dev/null > "$tmp/s.out" 2> "$tmp/s.err"
	want='rovmon: bgp: 165.254.255.24:179 -> 165.254.255.17:33202: NOTIFICATION 6/2 Cease: Administrative Shutdown, 53 bytes of data'
	grep -qxF "$want" "$tmp/s.err" && grep -q '^  1  165.254.255.24:179  165.254.255.17:33202  6/2 Cease: Administrative Shutdown  53 bytes$' "$tmp/s.out" &&
		ok "NOTIFICATION with data: -v line and report row" ||
		bad "shutdown communication: $(cat "$tmp/s.err" "$tmp/s.out")"
else
	echo "$f absent: shared-data part skipped"
fi
exit $rc
