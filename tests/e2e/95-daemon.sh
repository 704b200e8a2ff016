#!/bin/sh
# tsan: yes
# Service operation: make install into a staging tree; -D with --pidfile on
# a live veth in a private network namespace (pid file, SIGUSR1 appends a
# stats line carrying the VRP set's age, SIGHUP keeps it running and
# reopens the route log renamed by "logrotate", also mid-stream, with no
# line lost or doubled, SIGTERM removes the pid file); warnings of a -D
# daemon in syslog (a private /dev/log); the Redis status in the stats
# line, connected and then, Redis killed, not; --syslog in the foreground;
# -Z nobody once the capture is open; a configuration file equal to a
# command line; a bad configuration file (exit 3, file:line).
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
PCAP=pcaps/as2-session.pcap
tmp=$(mktemp -d)
rc=0
. tests/lib/redis.sh
. tests/lib/lab.sh
pid= rpid= slpid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2> /dev/null
	redis_cleanup
	[ -n "$slpid" ] && kill "$slpid" 2> /dev/null
	lab_cleanup
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
lab_ns NS rovmon-daemon || { echo "SKIP-PART: no network namespaces: live part skipped"; exit $rc; }
lab_veth "$NS" rvtx "$NS" rvrx || fail "veth"
# The test's directory must be reachable by nobody for the -Z part.
chmod 755 "$tmp"
# Every wait polls its condition (never a fixed time): generous deadline,
# since a loaded CI machine can be slow; only a failure waits it out.
# The condition is a command run anew each time: never pass it a $(...),
# which the shell would expand once, before the first try.
waitfor() {	# waitfor TEST... : up to 30 s
	i=0
	while ! "$@" && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
	"$@"
}
nlines() { [ -f "$1" ] && wc -l < "$1" || echo 0; }
has_lines() {	# has_lines N FILE...: the files hold N lines or more
	hl_n=$1; shift
	[ "$(cat "$@" 2> /dev/null | wc -l)" -ge "$hl_n" ]
}
# fd_of PID PATH: the descriptors of PID open on PATH (e.g. "5 ")
fd_of() {
	for f in /proc/"$1"/fd/*; do
		[ "$(readlink "$f" 2> /dev/null)" = "$2" ] && printf '%s ' "${f##*/}"
	done
}
# A SIGHUP has been acted on once the statistics file, reopened first
# (before the route log, in the same pass), is on another descriptor.
stats_moved() { [ "$(fd_of "$pid" "$1")" != "$old_fd" ] && [ -n "$(fd_of "$pid" "$1")" ]; }
route_log_open() { [ -n "$(fd_of "$pid" "$tmp/live.jsonl")" ]; }
hup() {	# hup STATSFILE: SIGHUP to $pid, wait until it is handled
	old_fd=$(fd_of "$pid" "$1")
	kill -HUP "$pid"
	waitfor stats_moved "$1"
}

# A private syslog: a mount namespace whose /dev is a tmpfs holding the
# usual device nodes (bind mounts) and /dev/log, a datagram socket read by
# a few lines of Python into $tmp/syslog.txt.  Programs run through $INNS
# log there whatever the host has (CI containers have no /dev/log).
INNS=
cat > "$tmp/syslogd.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
out = open(sys.argv[1], "ab", buffering=0)
while True:
    out.write(s.recv(65536).rstrip(b"\0\n") + b"\n")
PY
unshare -m --propagation private sh -c '
	t=$1
	mkdir "$t/olddev" && mount --rbind /dev "$t/olddev" &&
	    mount -t tmpfs -o mode=0755 rovmon-dev /dev || exit 1
	for n in null zero random urandom; do
		: > /dev/$n && mount --bind "$t/olddev/$n" /dev/$n || exit 1
	done
	exec python3 "$t/syslogd.py" "$t/syslog.txt"' sh "$tmp" 2> "$tmp/syslogd.err" &
slpid=$!
if waitfor nsenter -t "$slpid" -m test -S /dev/log 2> /dev/null; then
	INNS="nsenter -t $slpid -m -w"	# -w: its working directory, ours
else
	echo "no private /dev/log here (unshare -m: $(cat "$tmp/syslogd.err")): syslog checks skipped or done with strace"
	kill "$slpid" 2> /dev/null; slpid=
fi
# syslog_has PID TEXT: a daemon.warning (<28>) line of rovmon[PID] with TEXT
syslog_count() {
	grep -c "^<28>.* rovmon\[$1\]: .*$2" "$tmp/syslog.txt" 2> /dev/null
}

HAVE_REPLAY=
command -v tcpreplay > /dev/null && HAVE_REPLAY=1
replay() {	# replay FILE [tcpreplay options]: onto the monitor veth
	f=$1; shift
	ip netns exec "$NS" tcpreplay -q -i rvtx "$@" "$f" > /dev/null 2>&1 || fail "tcpreplay $f"
}
if [ -n "$HAVE_REPLAY" ]; then
	# The same session again, as new TCP sessions (sequence numbers moved).
	for k in 2 3 4; do
		python3 tests/shift_seq.py "$PCAP" "$tmp/replay$k.pcap" ${k}00000000
	done
else
	echo "SKIP-PART: tcpreplay not installed: route log rotation under traffic skipped"
fi
N=$(wc -l < "$tmp/cli.jsonl")	# route events of one replay (section 2)

$INNS ip netns exec "$NS" "$B/rovmon" -D --pidfile "$tmp/rovmon.pid" -i rvrx \
    --vrps "$(pwd)/pcaps/demo-vrps.json" --routes "$tmp/live.jsonl" \
    --stats "$tmp/live.stats" 2> "$tmp/live.err"
st=$?
[ $st -eq 0 ] || fail "rovmon -D exited $st: $(cat "$tmp/live.err")"
if [ -s "$tmp/rovmon.pid" ]; then
	pid=$(cat "$tmp/rovmon.pid")
	kill -0 "$pid" 2> /dev/null || fail "pid file $pid: no such process"
	# A session of its own (setsid), not ours.
	[ "$(awk '{print $6}' /proc/$pid/stat)" != "$(awk '{print $6}' /proc/$$/stat)" ] ||
		fail "-D: still in our session"
	kill -USR1 "$pid"
	waitfor has_lines 1 "$tmp/live.stats" || fail "SIGUSR1: no stats line"
	# logrotate: rename, then SIGHUP.
	if [ -n "$HAVE_REPLAY" ]; then
		replay "$PCAP" --mbps 20
		# every route of the replay logged (and flushed) first
		waitfor has_lines $N "$tmp/live.jsonl" ||
			fail "replay 1: $(nlines "$tmp/live.jsonl") route events, not $N"
		mv "$tmp/live.jsonl" "$tmp/live.jsonl.1"
	fi
	hup "$tmp/live.stats" || fail "SIGHUP: not handled"
	# The new route log is open before the next replay starts.
	waitfor route_log_open || fail "SIGHUP: $tmp/live.jsonl not reopened"
	kill -0 "$pid" 2> /dev/null || fail "SIGHUP: rovmon died"
	if [ -n "$HAVE_REPLAY" ]; then
		replay "$tmp/replay2.pcap" --mbps 20
		# Rotated in the middle of a replay at the capture's own pace
		# (its updates come over ~4 s): lines still buffered go to the
		# old file, later ones to the new.
		replay "$tmp/replay3.pcap" &
		rp=$!
		# some of replay 3 logged: the rotation falls inside it
		waitfor has_lines $((N + 1)) "$tmp/live.jsonl" ||
			fail "replay 3 never reached the route log"
		mv "$tmp/live.jsonl" "$tmp/live.jsonl.2"
		hup "$tmp/live.stats" || fail "SIGHUP mid-replay: not handled"
		waitfor route_log_open || fail "SIGHUP mid-replay: not reopened"
		wait $rp
		# A reopen that fails (the path is now a directory): rovmon
		# goes on writing to the old file and warns once.
		mv "$tmp/live.jsonl" "$tmp/live.jsonl.3"
		mkdir "$tmp/live.jsonl"
		hup "$tmp/live.stats" || fail "SIGHUP (failing reopen): not handled"
		hup "$tmp/live.stats" || fail "second SIGHUP (failing reopen): not handled"
		replay "$tmp/replay4.pcap" --mbps 20
		# the four replays logged, before the SIGTERM
		waitfor has_lines $((4 * N)) "$tmp/live.jsonl.1" \
		    "$tmp/live.jsonl.2" "$tmp/live.jsonl.3" ||
			fail "$(cat "$tmp"/live.jsonl.? | wc -l) route events, not $((4 * N))"
		rmdir "$tmp/live.jsonl"
	fi
	kill -USR1 "$pid"
	waitfor has_lines 2 "$tmp/live.stats" || fail "SIGUSR1 after SIGHUP: no stats line"
	kill -TERM "$pid"
	waitfor test ! -e "/proc/$pid" || fail "SIGTERM: still running"
	[ -e "$tmp/rovmon.pid" ] && fail "SIGTERM: the pid file remains"
	python3 - "$tmp/live.stats" "${HAVE_REPLAY:+$N}" <<'PY' || fail "live stats lines"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) == 3, len(lines)
for s in lines:
    # The VRP set's age, and its data's (rpki-client buildtime), in seconds.
    for k in ("vrp_age", "vrp_data_age"):
        assert isinstance(s[k], int) and s[k] >= 0, (k, s[k])
    assert s["vrp_data_age"] >= s["vrp_age"], s
    assert "redis" not in s, "a redis object without --redis"
    assert s["vrp_count"] > 0 and s["vrp_loaded"] > 0 and s["vrp_generated"] > 0
    # The age is that of the set in use at that moment: a SIGHUP reloads
    # --vrps and starts it again, so ages of different lines are not
    # compared (that depended on the time between the last SIGHUP and exit).
    assert s["vrp_age"] == max(0, s["time"] - s["vrp_loaded"]), s
if sys.argv[2]:
    n = int(sys.argv[2])
    assert lines[-1]["route_reopens"] == 2, lines[-1]["route_reopens"]
    assert lines[-1]["route_events"] == 4 * n, (lines[-1]["route_events"], n)
print("stats: vrp_age %d s, vrp_data_age %d s" % (lines[-1]["vrp_age"], lines[-1]["vrp_data_age"]))
PY
	if [ -n "$HAVE_REPLAY" ]; then
		python3 - "$tmp" "$N" <<'PY' || fail "route log rotation"
import sys
tmp, n = sys.argv[1], int(sys.argv[2])
f = {k: open("%s/live.jsonl.%d" % (tmp, k)).read().splitlines() for k in (1, 2, 3)}
every = f[1] + f[2] + f[3]
print("rotated route logs: .1 %d, .2 %d, .3 %d lines (one replay: %d)" %
      (len(f[1]), len(f[2]), len(f[3]), n))
assert all(l.startswith("{") and l.endswith("}") for l in every), "a cut line"
assert len(set(every)) == len(every), "a line written twice"
assert len(f[1]) == n, "replay 1 not all in .1"
assert len(f[2]) >= n, "replay 2 not all in .2"
assert len(f[2]) + len(f[3]) == 3 * n, "lines lost"
# After the failed reopen, replay 4 went on into the old file.
assert len(f[3]) >= n
PY
		[ $rc -eq 0 ] && echo "PASS: mv + SIGHUP rotates the route log, also mid-stream: no line lost or doubled; a failed reopen keeps the old file"
		if [ -n "$INNS" ]; then
			reopen_warned() { [ "$(syslog_count "$pid" "cannot reopen the route log")" -ge 1 ]; }
			waitfor reopen_warned
			c=$(syslog_count "$pid" "cannot reopen the route log")
			[ "$c" = 1 ] && echo "PASS: -D: the warning went to syslog (daemon.warning, rovmon[$pid]), once for two SIGHUPs" ||
				fail "-D: $c syslog lines for the failed reopen, not 1: $(cat "$tmp/syslog.txt")"
		fi
	fi
	pid=
	[ $rc -eq 0 ] && echo "PASS: -D --pidfile, SIGUSR1 stats line with vrp_age, SIGHUP, SIGTERM removes the pid file"
else
	fail "-D: no pid file: $(cat "$tmp/live.err")"
fi

# --- 4. Redis status in the statistics line; syslog in the foreground ------
if command -v redis-server > /dev/null; then
	SOCK=$tmp/redis.sock
	redis_start "$SOCK" > "$tmp/redis.start" || fail "redis did not start: $(cat "$tmp/redis.start")"
	rpid=$REDIS_PID
	"$B/rovctl" vrp load --from pcaps/demo-vrps.json --redis "unix://$SOCK" \
	    > /dev/null 2>&1 || fail "rovctl vrp load"
	$INNS ip netns exec "$NS" "$B/rovmon" -D --pidfile "$tmp/redis.pid" -i rvrx \
	    --redis "unix://$SOCK" --routes /dev/null --stats "$tmp/redis.stats" \
	    2> "$tmp/redis.err" || fail "rovmon -D --redis: $(cat "$tmp/redis.err")"
	pid=$(cat "$tmp/redis.pid" 2> /dev/null)
fi
if [ -n "$rpid" ] && [ -n "$pid" ]; then
	# redis_stat: a new line (SIGUSR1) whose redis object says
	# connected = $1; 2 if no line comes at all
	redis_stat() {
		rs_n=$(nlines "$tmp/redis.stats")
		kill -USR1 "$pid" 2> /dev/null || return 2
		rs_i=0
		until has_lines $((rs_n + 1)) "$tmp/redis.stats"; do
			rs_i=$((rs_i + 1)); [ $rs_i -lt 100 ] || return 2
			sleep 0.1
		done
		python3 -c 'import json, sys
s = json.loads(open(sys.argv[1]).readlines()[-1])
sys.exit(0 if s["redis"]["connected"] == (sys.argv[2] == "true") else 1)' \
		    "$tmp/redis.stats" "$1" 2> /dev/null
	}
	wait_redis_stat() {	# STATE: up to ~30 s
		ws_i=0
		while [ $ws_i -lt 60 ]; do
			redis_stat "$1"
			case $? in 0) return 0 ;; 2) return 1 ;; esac
			ws_i=$((ws_i + 1)); sleep 0.5
		done
		return 1
	}
	wait_redis_stat true || fail "--redis: never connected: $(tail -n 1 "$tmp/redis.stats")"
	redis_stop "$SOCK" KILL; rpid=
	wait_redis_stat false || fail "--redis: still connected after Redis died"
	kill -TERM "$pid"
	waitfor test ! -e "/proc/$pid" || fail "--redis: SIGTERM: still running"
	python3 - "$tmp/redis.stats" <<'PY' || fail "redis status in the stats lines"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
up = [s for s in lines if s["redis"]["connected"]]
down = [s for s in lines if not s["redis"]["connected"]]
assert up and down and lines.index(up[0]) < lines.index(down[0])
r = up[0]["redis"]
assert isinstance(r["generation"], int) and r["generation"] >= 1, r
assert r["generation"] == up[0]["vrp_generation"], r
assert isinstance(r["last_contact"], int) and r["last_contact"] > 0, r
assert r["last_error"] is None, r
for s in lines:
    assert isinstance(s["vrp_age"], int) and s["vrp_age"] >= 0, s["vrp_age"]
    assert isinstance(s["vrp_data_age"], int), s["vrp_data_age"]
d = lines[-1]["redis"]		# the line written at exit, Redis gone
assert d["connected"] is False and isinstance(d["last_error"], str) and d["last_error"], d
assert d["generation"] == r["generation"], "the last good set is kept"
assert d["last_contact"] >= r["last_contact"]
print("up:", json.dumps(r))
print("down:", json.dumps(d))
PY
	if [ -n "$INNS" ]; then
		outage_logged() { [ "$(syslog_count "$pid" "down; retrying")" -ge 1 ]; }
		waitfor outage_logged &&
			echo "PASS: -D: the Redis outage was reported to syslog" ||
			fail "-D: the Redis outage is not in syslog: $(cat "$tmp/syslog.txt")"
	fi
	pid=
	[ $rc -eq 0 ] && echo "PASS: --redis: the stats line says connected, then not, with the error"
elif [ -z "$rpid" ]; then
	echo "SKIP-PART: redis-server not installed: the redis status check skipped"
else
	fail "rovmon -D --redis: no pid file"
fi

# --syslog (and the configuration file's "syslog") in the foreground:
# diagnostics to syslog, nothing on stderr.  The diagnostic: -r with Redis
# down, a setup error (exit 3, issue 12) reported in one line.
printf 'read %s\nredis unix://%s/none.sock\nroutes /dev/null\nstats /dev/null\nsyslog\n' \
    "$PCAP" "$tmp" > "$tmp/syslog.conf"
if [ -n "$INNS" ]; then
	$INNS "$B/rovmon" --syslog -r "$PCAP" --redis "unix://$tmp/none.sock" \
	    --routes /dev/null --stats /dev/null 2> "$tmp/fg.err" & fpid=$!
	wait $fpid; st=$?
	[ $st -eq 3 ] || fail "--syslog, -r with Redis down: exit $st, not 3"
	$INNS "$B/rovmon" -C "$tmp/syslog.conf" 2>> "$tmp/fg.err" & cpid=$!
	wait $cpid; st=$?
	[ $st -eq 3 ] || fail "syslog in a configuration file, Redis down: exit $st, not 3"
	# the private syslogd may not have written them yet
	both_logged() {
		[ "$(syslog_count $fpid "none.sock db 0: connect: No such file or directory")" = 1 ] &&
		    [ "$(syslog_count $cpid "none.sock db 0: connect: No such file or directory")" = 1 ]
	}
	waitfor both_logged
	if [ ! -s "$tmp/fg.err" ] && both_logged; then
		echo "PASS: --syslog and 'syslog' in -C FILE: the error in syslog, none on stderr"
	else
		fail "--syslog: stderr '$(cat "$tmp/fg.err")', syslog: $(cat "$tmp/syslog.txt")"
	fi
elif command -v strace > /dev/null; then
	strace -f -e trace=connect -o "$tmp/strace.txt" "$B/rovmon" --syslog -r "$PCAP" \
	    --redis "unix://$tmp/none.sock" --routes /dev/null --stats /dev/null 2> "$tmp/fg.err"
	if [ ! -s "$tmp/fg.err" ] && grep -q 'connect(.*"/dev/log"' "$tmp/strace.txt"; then
		echo "PASS: --syslog: connects to /dev/log (strace), nothing on stderr"
	else
		fail "--syslog: stderr '$(cat "$tmp/fg.err")', no connect to /dev/log"
	fi
else
	echo "SKIP-PART: neither a private /dev/log nor strace here: --syslog not checked"
fi

# --- 5. a second instance; -Z ------------------------------------------------
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
waitfor has_lines 1 "$tmp/z.stats" || fail "-Z: SIGUSR1 wrote no stats"
kill -TERM "$pid"
wait "$pid"
st=$?
pid=
[ $st -eq 0 ] || fail "-Z nobody: exit $st: $(cat "$tmp/z.err")"
[ "$(nlines "$tmp/z.stats")" -eq 2 ] || fail "-Z: $(nlines "$tmp/z.stats") stats lines, not 2"
[ $rc -eq 0 ] && echo "PASS: -Z nobody runs as uid $nob after opening the capture"
exit $rc
