#!/bin/sh
# Service operation: make install into a staging tree; -D with --pidfile on
# a live veth in a private network namespace (pid file, SIGUSR1 appends a
# stats line, SIGHUP keeps it running, SIGTERM removes the pid file); -Z
# nobody once the capture is open; a configuration file equal to a command
# line; a bad configuration file (exit 3, file:line).
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
PCAP=pcaps/as2-session.pcap
NS=rovmon-daemon-$$
tmp=$(mktemp -d)
rc=0
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2> /dev/null
	ip netns del "$NS" 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; rc=1; }

# --- 1. make install ---------------------------------------------------------
if make --no-print-directory -s install BUILD="$B" DESTDIR="$tmp/root" PREFIX=/usr \
    > "$tmp/install.out" 2>&1; then
	for f in usr/sbin/rovmon usr/sbin/rovctl etc/rovmon/rovmon.rules \
	    etc/rovmon/classification.config etc/rovmon/rovmon.conf.example \
	    usr/share/man/man8/rovmon.8 usr/share/man/man8/rovctl.8 \
	    usr/share/man/man5/rovmon.rules.5 lib/systemd/system/rovmon.service \
	    etc/logrotate.d/rovmon; do
		[ -f "$tmp/root/$f" ] || fail "make install: no $f"
	done
	# An administrator's rules survive a reinstall.
	echo "# mine" > "$tmp/root/etc/rovmon/rovmon.rules"
	make --no-print-directory -s install BUILD="$B" DESTDIR="$tmp/root" \
	    PREFIX=/usr > /dev/null 2>&1 || fail "make install (again)"
	grep -q '^# mine$' "$tmp/root/etc/rovmon/rovmon.rules" ||
		fail "make install overwrote /etc/rovmon/rovmon.rules"
	[ $rc -eq 0 ] && echo "PASS: make install DESTDIR PREFIX=/usr"
else
	fail "make install"; cat "$tmp/install.out"
fi

# --- 2. configuration file = command line -----------------------------------
"$B/rovmon" -r "$PCAP" --routes "$tmp/cli.jsonl" --stats "$tmp/cli.stats" \
    tcp port 179 || fail "rovmon -r exit $?"
cat > "$tmp/rovmon.conf" <<CONF
# the same as the command line
read $PCAP
routes $tmp/cfg.jsonl   # trailing comment
stats $tmp/cfg.stats
filter tcp port 179
CONF
"$B/rovmon" -C "$tmp/rovmon.conf" || fail "rovmon -C exit $?"
if [ -s "$tmp/cli.jsonl" ] && cmp -s "$tmp/cli.jsonl" "$tmp/cfg.jsonl"; then
	echo "PASS: -C FILE gives the same $(wc -l < "$tmp/cli.jsonl") route events as the command line"
else
	fail "-C FILE and the command line differ"
fi
# The command line overrides the file.
"$B/rovmon" -C "$tmp/rovmon.conf" --routes "$tmp/over.jsonl" ||
	fail "rovmon -C --routes exit $?"
cmp -s "$tmp/cli.jsonl" "$tmp/over.jsonl" || fail "--routes did not override the file"
# Two runs appended two stats lines.
"$B/rovmon" -C "$tmp/rovmon.conf" --routes /dev/null || fail "rovmon -C (2) exit $?"
python3 - "$tmp/cfg.stats" <<'PY' || fail "--stats does not append JSON lines"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 3 and all("packets" in s for s in lines), len(lines)
PY
# --stats-interval by capture time: the 5.45 s of as2-session give 4 + 1 lines.
"$B/rovmon" -r "$PCAP" --routes /dev/null --stats "$tmp/int.stats" --stats-interval 1 ||
	fail "--stats-interval exit $?"
[ "$(wc -l < "$tmp/int.stats")" -eq 5 ] &&
	echo "PASS: --stats-interval 1 on a 5.45 s capture: 5 stats lines" ||
	fail "--stats-interval 1: $(wc -l < "$tmp/int.stats") lines, not 5"
printf 'read %s\n# ok\nbogus-option 1\n' "$PCAP" > "$tmp/bad.conf"
"$B/rovmon" -C "$tmp/bad.conf" > /dev/null 2> "$tmp/bad.err"
st=$?
if [ $st -eq 3 ] && grep -qF "$tmp/bad.conf:3: unknown option 'bogus-option'" "$tmp/bad.err"; then
	echo "PASS: a bad option fails with exit 3: $(cat "$tmp/bad.err")"
else
	fail "bad config: exit $st: $(cat "$tmp/bad.err")"
fi

# --- 3. -D, --pidfile, signals, -Z on a live interface ----------------------
ip netns add "$NS" 2> /dev/null || { echo "no network namespaces: live part skipped"; exit $rc; }
ip -n "$NS" link add rvtx type veth peer name rvrx
ip -n "$NS" link set rvtx up
ip -n "$NS" link set rvrx up
# The test's directory must be reachable by nobody for the -Z part.
chmod 755 "$tmp"
waitfor() {	# waitfor TEST... : up to 5 s
	i=0
	while ! "$@" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	"$@"
}
nlines() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
ip netns exec "$NS" "$B/rovmon" -D --pidfile "$tmp/rovmon.pid" -i rvrx \
    --routes "$tmp/live.jsonl" --stats "$tmp/live.stats" 2> "$tmp/live.err"
st=$?
[ $st -eq 0 ] || fail "rovmon -D exited $st: $(cat "$tmp/live.err")"
if [ -s "$tmp/rovmon.pid" ]; then
	pid=$(cat "$tmp/rovmon.pid")
	kill -0 "$pid" 2> /dev/null || fail "pid file $pid: no such process"
	# A session of its own (setsid), not ours.
	[ "$(awk '{print $6}' /proc/$pid/stat)" != "$(awk '{print $6}' /proc/$$/stat)" ] ||
		fail "-D: still in our session"
	kill -USR1 "$pid"
	waitfor test "$(nlines "$tmp/live.stats")" -ge 1 || fail "SIGUSR1: no stats line"
	kill -HUP "$pid"
	sleep 0.3
	kill -0 "$pid" 2> /dev/null || fail "SIGHUP: rovmon died"
	kill -USR1 "$pid"
	waitfor test "$(nlines "$tmp/live.stats")" -ge 2 || fail "SIGUSR1 after SIGHUP: no stats line"
	kill -TERM "$pid"
	waitfor test ! -e "/proc/$pid" || fail "SIGTERM: still running"
	[ -e "$tmp/rovmon.pid" ] && fail "SIGTERM: the pid file remains"
	python3 - "$tmp/live.stats" <<'PY' || fail "live stats lines"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 3, len(lines)
PY
	pid=
	[ $rc -eq 0 ] && echo "PASS: -D --pidfile, SIGUSR1 stats line, SIGHUP, SIGTERM removes the pid file"
else
	fail "-D: no pid file: $(cat "$tmp/live.err")"
fi
# A second instance refuses a live pid file.
ip netns exec "$NS" "$B/rovmon" -i rvrx --pidfile "$tmp/busy.pid" \
    --routes /dev/null --stats /dev/null 2> "$tmp/z0.err" &
pid=$!
waitfor test -s "$tmp/busy.pid" || fail "foreground --pidfile: none"
ip netns exec "$NS" "$B/rovmon" -D -i rvrx --pidfile "$tmp/busy.pid" \
    --routes /dev/null --stats /dev/null 2> "$tmp/busy.err"
st=$?
{ [ $st -eq 3 ] && grep -q "already running" "$tmp/busy.err"; } ||
	fail "second instance: exit $st $(cat "$tmp/busy.err")"
kill -TERM "$pid"; wait "$pid"; pid=

# -Z nobody: the capture and outputs opened as root, then uid nobody.
ip netns exec "$NS" "$B/rovmon" -i rvrx -Z nobody --routes "$tmp/z.jsonl" \
    --stats "$tmp/z.stats" 2> "$tmp/z.err" &
pid=$!
nob=$(id -u nobody)
waitfor grep -q "^Uid:[[:space:]]*$nob[[:space:]]*$nob[[:space:]]*$nob[[:space:]]*$nob" /proc/$pid/status ||
	fail "-Z nobody: $(grep '^[UG]id:' /proc/$pid/status 2> /dev/null) $(cat "$tmp/z.err")"
grep -q "^Groups:[[:space:]]*$(id -g nobody)[[:space:]]*$" /proc/$pid/status ||
	fail "-Z nobody: supplementary groups $(grep '^Groups:' /proc/$pid/status)"
kill -USR1 "$pid"
waitfor test "$(nlines "$tmp/z.stats")" -ge 1 || fail "-Z: SIGUSR1 wrote no stats"
kill -TERM "$pid"
wait "$pid"
st=$?
pid=
[ $st -eq 0 ] || fail "-Z nobody: exit $st: $(cat "$tmp/z.err")"
[ "$(nlines "$tmp/z.stats")" -eq 2 ] || fail "-Z: $(nlines "$tmp/z.stats") stats lines, not 2"
[ $rc -eq 0 ] && echo "PASS: -Z nobody runs as uid $nob after opening the capture"
exit $rc
