# tests/lib/redis.sh: a private redis-server for a test script (POSIX sh,
# sourced: `. tests/lib/redis.sh` from the top of the tree).
#
#   redis_start SOCK [ARG...]  start redis-server listening on the unix
#       socket SOCK (no TCP unless ARG says --port N), its dump (for SAVE
#       and the restart after it), log and pid in SOCK.rdb, SOCK.log and
#       SOCK.pid, so servers sharing a directory share nothing; extra
#       ARGs go to redis-server (--requirepass, --port, --bind).  Waits
#       until PING is answered (polling, 20 s deadline; a NOAUTH answer
#       counts).  Sets REDIS_URL (unix://SOCK) and REDIS_PID.  Returns 1
#       with the log's tail on stdout when the server did not come up; the
#       caller decides whether that fails or skips the test.
#   redis_stop SOCK [SIGNAL]   send SIGNAL (default TERM; KILL to crash
#       it) to the server on SOCK and wait until it is gone, so a restart
#       on the same socket or port cannot race it.
#   redis_cleanup  kill -9 every server this shell started; call it from
#       the caller's EXIT trap (before removing the directory), the
#       library sets no trap of its own.
# The pid kept in SOCK.pid lets several servers run at once and a stop work
# from any subshell.

REDIS_SOCKS=""

redis_start() {
	_rs_sock=$1
	shift
	redis-server --port 0 --unixsocket "$_rs_sock" --save '' --appendonly no \
	    --dir "$(dirname "$_rs_sock")" --dbfilename "$(basename "$_rs_sock").rdb" \
	    --daemonize no "$@" \
	    > "$_rs_sock.log" 2>&1 &
	REDIS_PID=$!
	echo "$REDIS_PID" > "$_rs_sock.pid"
	REDIS_SOCKS="$REDIS_SOCKS $_rs_sock"
	REDIS_URL=unix://$_rs_sock
	_rs_i=0
	until redis-cli -s "$_rs_sock" ping > /dev/null 2>&1; do
		_rs_i=$((_rs_i + 1))
		if [ $_rs_i -ge 200 ] || ! kill -0 "$REDIS_PID" 2> /dev/null; then
			echo "redis-server on $_rs_sock did not answer PING:"
			tail -n 5 "$_rs_sock.log"
			return 1
		fi
		sleep 0.1
	done
	return 0
}

redis_stop() {
	_rs_pid=$(cat "$1.pid" 2> /dev/null) || return 0
	kill -"${2:-TERM}" "$_rs_pid" 2> /dev/null
	wait "$_rs_pid" 2> /dev/null	# reaps it when it is this shell's child
	_rs_i=0
	while kill -0 "$_rs_pid" 2> /dev/null && [ $_rs_i -lt 200 ]; do
		sleep 0.1
		_rs_i=$((_rs_i + 1))
	done
	rm -f "$1.pid"
}

redis_cleanup() {
	for _rs_sock in $REDIS_SOCKS; do
		[ -f "$_rs_sock.pid" ] && redis_stop "$_rs_sock" KILL
	done
	return 0
}
