#!/bin/sh
# docs/design.md is the map of the sources (issue 13).  Fails, naming the
# files, when
#  - a file of src/DIR/ or include/DIR/ is not named (as `name.c` /
#    `name.h`) in the section of its folder ("### `DIR/`: ..."),
#  - a file named in a folder's section does not exist in that folder,
#  - a folder includes a header of a folder below it in the map's order
#    (base first, then the order data flows: capture, bgp, feed, rpki, state,
#    alert, rovmon, rovctl): the layering the map promises.
set -u
cd "$(dirname "$0")/../.."
order="base capture bgp feed rpki state alert rovmon rovctl"
fail=""
n=0
# The file names listed under each folder's heading: "DIR name.x" lines.
listed=$(awk '/^### `[a-z]+\/`/ { d = $2; gsub(/[`\/:]/, "", d); next }
	/^## / { d = "" }
	d != "" { while (match($0, /`[a-z0-9_]+\.[ch]`/)) {
		print d, substr($0, RSTART + 1, RLENGTH - 2)
		$0 = substr($0, RSTART + RLENGTH) } }' docs/design.md)
for f in src/*/*.c include/*/*.h; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	d=${f#*/}; d=${d%%/*}
	echo "$listed" | grep -qx "$d ${f##*/}" || fail="$fail
  $f: not named under ### \`$d/\`"
done
echo "$listed" | while read -r d name; do
	case $name in *.c) p=src/$d/$name;; *) p=include/$d/$name;; esac
	[ -f "$p" ] || echo "  $name: named under \`$d/\` but $p does not exist"
done > /tmp/design-map.$$
fail="$fail$(sed 's/^/\n/' /tmp/design-map.$$ | tr -s '\n')"
rm -f /tmp/design-map.$$
rank() { i=0; for o in $order; do [ "$o" = "$1" ] && { echo $i; return; }; i=$((i + 1)); done; echo 99; }
for f in src/*/*.c include/*/*.h; do
	d=${f#*/}; d=${d%%/*}
	for inc in $(sed -n 's/^#include "\([a-z]*\)\/.*/\1/p' "$f" | sort -u); do
		[ "$(rank "$inc")" -le "$(rank "$d")" ] || fail="$fail
  $f includes $inc/: below $d/ in the map's order"
	done
done
if [ -n "$fail" ]; then
	echo "FAIL: docs/design.md does not match the tree:$fail"
	exit 1
fi
echo "PASS: all $n files of src/ and include/ are under their folder in docs/design.md; no folder includes downward"
