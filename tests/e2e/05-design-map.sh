#!/bin/sh
# docs/design.md is the map of the sources: every file of src/ and
# include/ must be named there (as `name.c` / `name.h`) with its place in
# the pipeline.  Fails, naming the files, when one is missing.
set -u
cd "$(dirname "$0")/../.."
missing=""
n=0
for f in src/*.c include/*.h; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	grep -qF "\`${f##*/}\`" docs/design.md || missing="$missing ${f##*/}"
done
if [ -n "$missing" ]; then
	echo "FAIL: not in docs/design.md (add one line per file in its stage):$missing"
	exit 1
fi
echo "PASS: all $n files of src/ and include/ are in docs/design.md"
