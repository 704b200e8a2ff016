# tests/lib/lab.sh: the network lab of the live tests (POSIX sh, sourced:
# `. tests/lib/lab.sh` from the top of the tree; needs root and iproute2).
#
# Namespaces and links
#   lab_ns VAR BASE      create a namespace named BASE-<pid of the shell>
#       (a further -N when that exists), its loopback up; sets VAR to the
#       name.  Returns 1 when namespaces cannot be made here: the caller
#       skips (exit 77) or skips a part.
#   lab_veth NS1 IF1 NS2 IF2   a veth pair IF1 (in NS1) - IF2 (in NS2, may
#       be NS1), both ends up with TSO, GSO and GRO off, so every frame
#       crosses the pair (and reaches a capture) as it was sent.
#   lab_offload_off NS IF      TSO/GSO/GRO off (GRO is not offered by
#       older veth drivers: TSO/GSO then); best effort, never fails.
#   lab_addr NS IF ADDR...     add addresses (IPv6 ones without DAD).
#   lab_mirror NS BR           a bridge in NS that floods every frame to
#       every port (ageing_time 0, no STP, no multicast snooping): a mirror.
#       IPv6 is disabled in NS so the mirror adds no frames of its own.
#   lab_mirror_port NS BR PORT CAPTURE   a veth pair PORT - CAPTURE in NS,
#       PORT joined to BR: a sensor listens on CAPTURE.
#   lab_join NS BR IF...       join interfaces of NS to the bridge BR.
#   lab_speaker_pair NA NB NM A4 A6 B4 B6   two speakers' namespaces NA
#       (a0, addresses A4 A6) and NB (b0, B4 B6) joined through the
#       mirror br0 in NM (ports pa, pb); add capture ports with
#       lab_mirror_port NM br0 mon0 mon1.
# Processes
#   lab_bg NAME NS CMD...      run CMD in NS in the background, output in
#       $LAB_DIR/NAME.log; its pid in LAB_LASTPID, stopped by lab_cleanup.
#   lab_waitfor SECONDS WHAT CMD...  poll CMD (output discarded) every
#       0.1 s until it succeeds; 1 on the deadline (the caller says WHAT).
# Speaker configurations (tests/e2e/96-speakers.sh and tests/soak.sh: the
# same two speakers, AS 4200000001 (gobgpd, passive) and AS 4200000002
# (BIRD), one IPv4 and one IPv6 session)
#   lab_gobgpd_conf FILE LOCAL4 LOCAL6 PEER4 PEER6
#   lab_bird_conf FILE LOCAL4 LOCAL6 PEER4 PEER6 LOGFILE LOGCLASSES [RTRPORT]
#       with RTRPORT: an RPKI-RTR client of 127.0.0.1:RTRPORT filling the
#       ROA tables r4 and r6.
#   lab_stop TENTHS PID...     SIGTERM to every PID, then SIGKILL to each
#       one still running TENTHS tenths of a second after (a test's own
#       processes, from its EXIT trap).
#   lab_stats_line PID FILE    SIGUSR1 to the rovmon PID, then wait (up to
#       5 s) for FILE, its --stats, to gain the line that writes; 1 when
#       the signal cannot be sent or on the deadline.
# Failures
#   lab_tails FILE...          the last 15 lines of each non-empty FILE,
#       each under "--- FILE": what a failing test shows of its logs.
# Cleanup
#   lab_cleanup   stop the lab_bg processes (SIGTERM, SIGKILL after 2 s),
#       delete every namespace lab_ns made (their links go with them).
#       Call it from the caller's EXIT trap; the library sets no trap.
#       Callable again: a later lab_ns starts a new lab.
# Set LAB_DIR (for lab_bg's logs) before lab_bg.  Safe under set -e.

LAB_NSS=""
LAB_PIDS=""

lab_ns() {
	_lab_n=$2-$$
	_lab_i=1
	while [ -e "/run/netns/$_lab_n" ]; do
		_lab_i=$((_lab_i + 1))
		_lab_n=$2-$$-$_lab_i
	done
	ip netns add "$_lab_n" 2> /dev/null || return 1
	LAB_NSS="$LAB_NSS $_lab_n"
	ip -n "$_lab_n" link set lo up
	eval "$1=\$_lab_n"
}

lab_offload_off() {
	ip netns exec "$1" ethtool -K "$2" tso off gso off gro off > /dev/null 2>&1 ||
		ip netns exec "$1" ethtool -K "$2" tso off gso off > /dev/null 2>&1 || :
}

lab_veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
	lab_offload_off "$1" "$2"
	lab_offload_off "$3" "$4"
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

lab_addr() {
	_lab_ns=$1 _lab_if=$2
	shift 2
	for _lab_a in "$@"; do
		case $_lab_a in
		*:*) ip -n "$_lab_ns" -6 addr add "$_lab_a" dev "$_lab_if" nodad ;;
		*) ip -n "$_lab_ns" addr add "$_lab_a" dev "$_lab_if" ;;
		esac || return 1
	done
}

lab_mirror() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
	    net.ipv6.conf.default.disable_ipv6=1 || return 1
	ip -n "$1" link add "$2" type bridge ageing_time 0 stp_state 0 mcast_snooping 0 || return 1
	lab_offload_off "$1" "$2"
	ip -n "$1" link set "$2" up
}

lab_join() {
	_lab_ns=$1 _lab_br=$2
	shift 2
	for _lab_if in "$@"; do
		ip -n "$_lab_ns" link set "$_lab_if" master "$_lab_br" || return 1
	done
}

lab_mirror_port() {
	lab_veth "$1" "$3" "$1" "$4" && lab_join "$1" "$2" "$3"
}

lab_speaker_pair() {
	lab_mirror "$3" br0 &&
	    lab_veth "$1" a0 "$3" pa && lab_veth "$2" b0 "$3" pb &&
	    lab_join "$3" br0 pa pb &&
	    lab_addr "$1" a0 "$4" "$5" && lab_addr "$2" b0 "$6" "$7"
}

lab_bg() {
	_lab_name=$1 _lab_ns=$2
	shift 2
	ip netns exec "$_lab_ns" "$@" > "${LAB_DIR:?lab_bg needs LAB_DIR}/$_lab_name.log" 2>&1 &
	LAB_LASTPID=$!
	LAB_PIDS="$LAB_PIDS $LAB_LASTPID"
}

lab_waitfor() {
	_lab_t=$1 _lab_i=0
	shift 2
	until "$@" > /dev/null 2>&1; do
		_lab_i=$((_lab_i + 1))
		[ $_lab_i -le $((_lab_t * 10)) ] || return 1
		sleep 0.1
	done
}

lab_stop() {
	_lab_t=$1
	shift
	for _lab_p in "$@"; do kill "$_lab_p" 2> /dev/null || :; done
	for _lab_p in "$@"; do
		_lab_i=0
		while kill -0 "$_lab_p" 2> /dev/null && [ $_lab_i -lt "$_lab_t" ]; do
			sleep 0.1
			_lab_i=$((_lab_i + 1))
		done
		kill -9 "$_lab_p" 2> /dev/null || :
	done
}

lab_stats_line() {
	_lab_n=$(wc -l 2> /dev/null < "$2" || echo 0)
	kill -USR1 "$1" 2> /dev/null || return 1
	_lab_i=0
	until [ "$(wc -l 2> /dev/null < "$2" || echo 0)" -gt "$_lab_n" ]; do
		_lab_i=$((_lab_i + 1))
		[ $_lab_i -lt 50 ] || return 1
		sleep 0.1
	done
}

lab_tails() {
	for _lab_f in "$@"; do
		[ -s "$_lab_f" ] && { echo "--- $_lab_f"; tail -n 15 "$_lab_f"; }
	done
	:
}

lab_cleanup() {
	# shellcheck disable=SC2086
	lab_stop 20 $LAB_PIDS
	for _lab_p in $LAB_PIDS; do wait "$_lab_p" 2> /dev/null || :; done
	LAB_PIDS=""
	for _lab_n in $LAB_NSS; do ip netns del "$_lab_n" 2> /dev/null || :; done
	LAB_NSS=""
}

lab_gobgpd_conf() {
	cat > "$1" << EOC
[global.config]
  as = 4200000001
  router-id = "$2"
  port = 179
  local-address-list = ["$2", "$3"]
EOC
	for _lab_fam in ipv4-unicast ipv6-unicast; do
		case $_lab_fam in
		ipv4*) _lab_peer=$4 _lab_loc=$2 ;;
		*) _lab_peer=$5 _lab_loc=$3 ;;
		esac
		cat >> "$1" << EOC
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$_lab_peer"
    peer-as = 4200000002
  [neighbors.transport.config]
    passive-mode = true
    local-address = "$_lab_loc"
  [neighbors.timers.config]
    hold-time = 90
    connect-retry = 1
    idle-hold-time-after-reset = 1
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "$_lab_fam"
EOC
	done
}

lab_bird_conf() {
	{
		echo "router id $2;"
		echo "log \"$6\" $7;"
		if [ -n "${8:-}" ]; then
			cat << EOC
roa4 table r4;
roa6 table r6;
protocol device {}
protocol rpki rtr {
	roa4 { table r4; };
	roa6 { table r6; };
	remote 127.0.0.1 port $8;
	retry keep 1;
	refresh keep 1;
}
EOC
		else
			echo "protocol device {}"
		fi
		cat << EOC
template bgp spk {
	local as 4200000002;
	hold time 90;
	connect delay time 1;
	connect retry time 1;
	error wait time 1, 2;
}
protocol bgp a4 from spk {
	local $2;
	neighbor $4 as 4200000001;
	ipv4 { import all; export none; };
}
protocol bgp a6 from spk {
	local $3;
	neighbor $5 as 4200000001;
	ipv6 { import all; export none; };
}
EOC
	} > "$1"
}
