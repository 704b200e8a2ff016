# Shared by tests/expected/regen.sh and tests/e2e/20-tshark-diff.sh (sourced,
# from the repository root).  SHARED must be set.
#
# Every capture of the differential test, one line each: NAME PATH
# NAME is the path relative to the repo (pcaps/...) or to $SHARED
# (tcpdump-tests/..., captures/...); the reference for NAME is
# tests/expected/NAME.tshark.txt.
list_captures() {
	for f in pcaps/*.pcap* pcaps/*.cap pcaps/linktypes/*; do
		[ -f "$f" ] || continue
		case $f in *.txt|*.md|*.jsonl|*.json) continue;; esac
		echo "$f $f"
	done
	for f in "$SHARED"/tcpdump-tests/*.pcap* "$SHARED"/captures/*/*.pcap* \
		"$SHARED"/captures/*/*.cap; do
		[ -f "$f" ] || continue
		echo "${f#"$SHARED"/} $f"
	done | sort -u
}

# BGP on a non-standard TCP port: prints the port, or nothing.
bgp_port() {
	case $1 in
	captures/bgp-rs-loopback/*) echo 1179;;
	esac
}
