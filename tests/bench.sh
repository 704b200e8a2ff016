#!/bin/sh
# make bench: performance figures measured in one run (tests/bench.py).
#   sh tests/bench.sh BUILD [PCAP...]
# Default captures: the bundled ones with the most prefixes.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
shift || true
[ $# -gt 0 ] || set -- pcaps/ipv4-full.pcap pcaps/ipv6-full.pcap
python3 tests/bench.py "$BUILD" "$@"
