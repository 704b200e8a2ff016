#!/bin/sh
# tests/bmp/record.sh: record pcaps/bmp/gobgp-bmp-*.pcap, one capture holding a
# BGP session and the BMP session its router exports (run as root from the top
# of the tree; ~1 min; needs gobgpd/gobgp, exabgp, tcpdump, editcap, bgpdump,
# ethtool, python3).
#
# usage: sh tests/bmp/record.sh [OUTDIR]      (default pcaps/bmp)
#
# Testbed (tests/bmp/lab.sh, private namespaces and addresses):
#   S 10.181.18.1  ExaBGP AS4200000101: 3,000 IPv4 + 500 IPv6 real routes (all: 1,500 + 250)
#                  (tests/bmp/routes.py), one IPv4 session, both families
#   R 10.181.18.2  gobgpd AS4200000100 (Debian's GoBGP), passive to S,
#                  exporting BMP to C:11019
#   C 10.181.18.3  a BMP collector that reads and discards (or rovmon)
#   M              the mirror: bridge br0 (ageing_time 0) joining S, R, C
#                  and the capture port mon0, its peer mon1 (TSO/GSO/GRO off)
# tcpdump -s 0 -U on mon1, filter 'tcp port 179 or tcp port 11019'.
#
# Recordings:
#   gobgp-bmp-pre.pcap        route-monitoring-policy pre-policy: Initiation,
#                             Peer Up, Route Monitoring (Adj-RIB-In pre-policy),
#                             then R disables the neighbor (gobgp neighbor S
#                             disable: R sends a Cease NOTIFICATION on the
#                             wire, BMP Peer Down reason 1), then gobgpd is
#                             stopped (the BMP connection closes with a FIN).
#   gobgp-bmp-midstream.pcap  gobgp-bmp-pre.pcap without its first third of
#                             frames (editcap): both sessions picked up
#                             mid-stream, mid-message.
#   gobgp-bmp-all.pcap        route-monitoring-policy all (pre-policy,
#                             post-policy and Loc-RIB, RFC 9069) with
#                             route-mirroring-enabled and statistics-timeout
#                             15, and a global import policy on R rejecting
#                             the routes whose path holds AS 3257 (so
#                             post-policy and Loc-RIB lack what pre-policy
#                             has); then the same neighbor disable.
set -u
cd "$(dirname "$0")/../.."
OUT=${1:-pcaps/bmp}
. tests/bmp/lab.sh
for c in gobgpd gobgp exabgp tcpdump editcap bgpdump ethtool python3; do
	command -v $c > /dev/null || { echo "record.sh: $c not installed" >&2; exit 1; }
done
W=$(mktemp -d /tmp/rv20bmpe2e18-rec.XXXXXX)
trap 'bmplab_cleanup; rm -rf "$W"' EXIT
trap 'exit 1' INT TERM
mkdir -p "$OUT"

record() { # record NAME N4 N6 POLICY MIRRORING STATS IMPORT-REJECT-AS
	R=$W/routes-$1
	python3 tests/bmp/routes.py "${SHARED:-/work/shared/data}/mrt" "$R" "$2" "$3" > "$R.counts" || exit 1
	read -r N4 N6 < "$R.counts"
	NAME=$1
	shift 3
	bmplab_up "$W" || { echo "record.sh: cannot build the testbed" >&2; exit 1; }
	ip netns exec "$BMPLAB_M" tcpdump -i mon1 -s 0 -U -w "$W/$NAME.pcap" \
		'tcp port 179 or tcp port 11019' > "$W/tcpdump.log" 2>&1 &
	TDPID=$!
	bmplab_waitfor 10 "tcpdump on mon1" bmplab_pktsock mon1
	bmplab_sink "$W"
	bmplab_gobgpd "$W" "$1" "$2" "$3" "$4"
	bmplab_waitfor 10 "BMP connection" bmplab_bmp_up
	bmplab_exabgp "$W" "$R/routes.cmds"
	bmplab_waitfor 60 "$N4 IPv4 routes in R" bmplab_adjin ipv4 "$N4"
	bmplab_waitfor 60 "$N6 IPv6 routes in R" bmplab_adjin ipv6 "$N6"
	[ "$3" = 0 ] || sleep "$3"	# one Statistics Report
	sleep 2	# BMP route monitoring is sent as the routes arrive; let it drain
	ip netns exec "$BMPLAB_R" gobgp neighbor 10.181.18.1 disable > /dev/null
	bmplab_waitfor 10 "BGP session down" bmplab_bgp_down
	sleep 1
	bmplab_stop_gobgpd
	sleep 1
	kill "$TDPID"
	wait "$TDPID"
	bmplab_cleanup
	cp "$W/$NAME.pcap" "$OUT/$NAME.pcap"
	cp "$R/routes.txt" "$OUT/$NAME.routes.txt"
	echo "$NAME: $(tcpdump -r "$OUT/$NAME.pcap" 2> /dev/null | wc -l) frames, $(wc -c < "$OUT/$NAME.pcap") bytes"
}

record gobgp-bmp-pre 3000 500 pre-policy false 0 ""
F=$(tcpdump -r "$OUT/gobgp-bmp-pre.pcap" 2> /dev/null | wc -l)
editcap -F pcap -r "$OUT/gobgp-bmp-pre.pcap" "$OUT/gobgp-bmp-midstream.pcap" "$((F / 3))-$F" &&
	echo "gobgp-bmp-midstream: frames $((F / 3))-$F of gobgp-bmp-pre.pcap"
record gobgp-bmp-all 1500 250 all true 15 3257
