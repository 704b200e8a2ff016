#!/bin/sh
# Regenerate the tshark references: tests/expected/NAME.tshark.txt for every
# capture listed by list_captures (tests/expected/common.sh).
#   sh tests/expected/regen.sh [NAME-GLOB]
# Needs Debian 12's tshark (4.0.x).  After regenerating, review every
# "# WARNING" line (git diff) and keep tests/expected/exceptions.txt in step:
# a warning means tshark's decoding may not be what a RFC 7606 receiver does.
set -eu
cd "$(dirname "$0")/../.."
SHARED=${SHARED:-$(cd .. && pwd)/shared/data}
. tests/expected/common.sh
glob=${1:-*}
tshark --version | head -n 1 | sed 's/^/tshark: /'
list_captures | while read -r name path; do
	case $name in $glob) ;; *) continue;; esac
	port=$(bgp_port "$name")
	out=tests/expected/$name.tshark.txt
	mkdir -p "$(dirname "$out")"
	echo "$name ${port:+(port $port)}"
	python3 tests/tshark_routes.py ${port:+--port "$port"} -o "$out.tmp" "$path"
	mv "$out.tmp" "$out"
done
