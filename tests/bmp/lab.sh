# tests/bmp/lab.sh: the BMP testbed (POSIX sh, sourced from the top of the
# tree after nothing else; builds on tests/lib/lab.sh).  Used by
# tests/bmp/record.sh and the live test tests/e2e/46-bmp-gobgp.sh.
#
#   S 10.181.18.1  ExaBGP AS4200000101 (the route sender)
#   R 10.181.18.2  gobgpd AS4200000100 (the router: BMP exporter), passive
#   C 10.181.18.3  the BMP collector (port 11019)
#   M              mirror bridge br0 (ageing_time 0) joining s0, r0, c0's
#                  peers and mon0; a capture listens on mon1 (mon0's peer)
#
#   bmplab_up DIR            namespaces BMPLAB_S/R/C/M and links; 1 when
#                            namespaces cannot be made here (caller skips)
#   bmplab_sink DIR          a collector in C that reads and discards
#   bmplab_gobgpd DIR POLICY MIRRORING STATS REJECT_AS
#                            gobgpd in R: bmp-servers to C:11019 with
#                            route-monitoring-policy POLICY (pre-policy,
#                            post-policy, local-rib, all),
#                            route-mirroring-enabled MIRRORING (true/false),
#                            statistics-timeout STATS (0: none); with
#                            REJECT_AS a global import policy rejecting the
#                            paths holding that AS.  Waits for its API.
#   bmplab_exabgp DIR CMDS   ExaBGP in S replaying CMDS (feed.py)
#   bmplab_stop_gobgpd       SIGTERM to gobgpd, wait for it
#   bmplab_adjin AFI N       R's Adj-RIB-In from S holds at least N paths
#   bmplab_bgp_down          R's session with S is not established
#   bmplab_bmp_up            a BMP connection to C:11019 is established
#   bmplab_pktsock IF        a packet socket is bound to IF in M
#   bmplab_waitfor SECS WHAT CMD...   poll; on the deadline say WHAT, exit 1
#   bmplab_cleanup           stop everything, delete the namespaces
. tests/lib/lab.sh

BMPLAB_S4=10.181.18.1 BMPLAB_R4=10.181.18.2 BMPLAB_C4=10.181.18.3
BMPLAB_PORT=11019

bmplab_up() {
	LAB_DIR=$1
	lab_ns BMPLAB_M rv20bmpe2e18-m || return 1
	lab_ns BMPLAB_S rv20bmpe2e18-s && lab_ns BMPLAB_R rv20bmpe2e18-r &&
	    lab_ns BMPLAB_C rv20bmpe2e18-c && lab_mirror "$BMPLAB_M" br0 &&
	    lab_veth "$BMPLAB_S" s0 "$BMPLAB_M" ps && lab_veth "$BMPLAB_R" r0 "$BMPLAB_M" pr &&
	    lab_veth "$BMPLAB_C" c0 "$BMPLAB_M" pc && lab_join "$BMPLAB_M" br0 ps pr pc &&
	    lab_mirror_port "$BMPLAB_M" br0 mon0 mon1 &&
	    lab_addr "$BMPLAB_S" s0 $BMPLAB_S4/24 && lab_addr "$BMPLAB_R" r0 $BMPLAB_R4/24 &&
	    lab_addr "$BMPLAB_C" c0 $BMPLAB_C4/24
}

bmplab_waitfor() {
	_bl_t=$1 _bl_what=$2
	shift 2
	lab_waitfor "$_bl_t" "$_bl_what" "$@" || { echo "FAIL: timeout ($_bl_t s) waiting for $_bl_what" >&2; exit 1; }
}

bmplab_pktsock() {
	_bl_idx=$(ip -n "$BMPLAB_M" -o link show "$1" | cut -d: -f1) && [ -n "$_bl_idx" ] || return 1
	ip netns exec "$BMPLAB_M" cat /proc/net/packet | awk -v i="$_bl_idx" 'NR > 1 && $5 == i {f = 1} END {exit !f}'
}

bmplab_sink() {
	lab_bg sink "$BMPLAB_C" python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(4)
while True:
    c, _ = s.accept()
    while c.recv(65536):
        pass
    c.close()
' $BMPLAB_C4 $BMPLAB_PORT
	bmplab_waitfor 10 "BMP sink listening" ip netns exec "$BMPLAB_C" sh -c \
		"ss -Htln 'sport = :$BMPLAB_PORT' | grep -q ."
}

bmplab_gobgpd() {
	{
		cat << EOC
[global.config]
  as = 4200000100
  router-id = "$BMPLAB_R4"
  port = 179
  local-address-list = ["$BMPLAB_R4"]
[[neighbors]]
  [neighbors.config]
    neighbor-address = "$BMPLAB_S4"
    peer-as = 4200000101
  [neighbors.transport.config]
    passive-mode = true
    local-address = "$BMPLAB_R4"
  [neighbors.timers.config]
    hold-time = 90
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv4-unicast"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "ipv6-unicast"
[[bmp-servers]]
  [bmp-servers.config]
    address = "$BMPLAB_C4"
    port = $BMPLAB_PORT
    route-monitoring-policy = "$2"
    route-mirroring-enabled = $3
EOC
		[ "$4" = 0 ] || echo "    statistics-timeout = $4"
		[ -z "$5" ] || cat << EOC
[[defined-sets.bgp-defined-sets.as-path-sets]]
  as-path-set-name = "reject-as"
  as-path-list = ["_$5_"]
[[policy-definitions]]
  name = "reject-as"
  [[policy-definitions.statements]]
    name = "reject-as"
    [policy-definitions.statements.conditions.bgp-conditions.match-as-path-set]
      as-path-set = "reject-as"
      match-set-options = "any"
    [policy-definitions.statements.actions]
      route-disposition = "reject-route"
[global.apply-policy.config]
  import-policy-list = ["reject-as"]
  default-import-policy = "accept-route"
EOC
	} > "$1/gobgpd.toml"
	lab_bg gobgpd "$BMPLAB_R" gobgpd -f "$1/gobgpd.toml" --api-hosts 127.0.0.1:50051 -l info
	BMPLAB_GOBGPD=$LAB_LASTPID
	bmplab_waitfor 10 "gobgpd API" ip netns exec "$BMPLAB_R" gobgp neighbor
}

bmplab_stop_gobgpd() {
	lab_stop 30 "$BMPLAB_GOBGPD"
	wait "$BMPLAB_GOBGPD" 2> /dev/null || :
}

bmplab_exabgp() {
	mkdir -p "$1/ctl"
	cat > "$1/exabgp.conf" << EOC
process feed {
	run /usr/bin/python3 $PWD/tests/speakers/feed.py $2 $1/ctl;
	encoder text;
}
neighbor $BMPLAB_R4 {
	router-id $BMPLAB_S4;
	local-address $BMPLAB_S4;
	local-as 4200000101;
	peer-as 4200000100;
	hold-time 90;
	group-updates true;
	family { ipv4 unicast; ipv6 unicast; }
	api { processes [ feed ]; }
}
EOC
	lab_bg exabgp "$BMPLAB_S" env exabgp_daemon_user=root exabgp_daemon_daemonize=false \
		exabgp_api_ack=false exabgp_api_cli=false exabgp_log_destination=stdout \
		exabgp_log_level=INFO exabgp_tcp_bind= exabgp_tcp_once=true exabgp "$1/exabgp.conf"
}

bmplab_adjin() {
	_bl_c=$(ip netns exec "$BMPLAB_R" gobgp neighbor $BMPLAB_S4 adj-in -a "$1" 2> /dev/null |
		grep -cE '/[0-9]+ ' || :)
	[ "${_bl_c:-0}" -ge "$2" ]
}

bmplab_bgp_down() {
	ip netns exec "$BMPLAB_R" gobgp neighbor $BMPLAB_S4 > "$LAB_DIR/nbr.txt" 2>&1 &&
	    ! grep -qi 'BGP state = established' "$LAB_DIR/nbr.txt"
}

bmplab_bmp_up() {
	ip netns exec "$BMPLAB_C" ss -Htn state established "( sport = :$BMPLAB_PORT )" | grep -q .
}

bmplab_cleanup() {
	lab_cleanup
}
