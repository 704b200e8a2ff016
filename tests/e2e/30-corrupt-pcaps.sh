#!/bin/sh
# sanitizer: yes
# Hostile capture files: truncated at many offsets, bytes flipped (fixed
# seeds), garbage headers.  rovmon must never crash or trip a sanitizer:
# exit 0 (fine), 1 (capture error reported, what was read is processed) or
# 3 (file rejected at open, with a one-line error naming the file).
set -u
cd "$(dirname "$0")/../.."
ROVMON=${ROVMON_BUILD:-build}/rovmon
SHARED=${SHARED:-../shared/data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:exitcode=86"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:exitcode=86"
# tcpdump's captures add many link types and odd files: without them (no
# ../shared beside the clone) only pcaps/ is mangled, and the part is
# reported as skipped (tests/run.sh).
[ -d "$SHARED/tcpdump-tests" ] ||
	echo "SKIP-PART: no $SHARED/tcpdump-tests: only pcaps/ mangled"
python3 - "$tmp" pcaps/*.pcap "$SHARED"/tcpdump-tests/*.pcap "$SHARED"/tcpdump-tests/*.pcapng <<'PY'
import os, random, sys
tmp, files = sys.argv[1], [f for f in sys.argv[2:] if os.path.isfile(f)]
rng = random.Random(179)
n = 0
for f in files:
    data = open(f, "rb").read()
    if len(data) > 2_000_000:
        data = data[:2_000_000]
    base = os.path.basename(f)
    cuts = sorted({0, 1, 23, 24, 25, 39, 40, 41, len(data) // 2, len(data) - 1}
                  | {rng.randrange(len(data)) for _ in range(4)})
    for c in cuts:
        if 0 <= c < len(data):
            open(f"{tmp}/{base}.cut{c}", "wb").write(data[:c]); n += 1
    for s in range(4):
        b = bytearray(data)
        for _ in range(max(1, len(b) // 500)):
            i = rng.randrange(24, len(b)) if len(b) > 24 else 0
            b[i] = rng.randrange(256)
        open(f"{tmp}/{base}.flip{s}", "wb").write(b); n += 1
    # a header claiming a huge snaplen and a record claiming 4 GiB
    if data[:4] == b"\xd4\xc3\xb2\xa1" and len(data) > 40:
        b = bytearray(data); b[32:36] = b"\xff\xff\xff\xff"
        open(f"{tmp}/{base}.hugecap", "wb").write(b); n += 1
open(f"{tmp}/garbage.pcap", "wb").write(bytes(rng.randrange(256) for _ in range(4096)))
print(f"generated {n + 1} hostile files")
PY
fail=0 count=0
for f in "$tmp"/*; do
	count=$((count + 1))
	"$ROVMON" -r "$f" --routes "$tmp/routes.out" --stats "$tmp/stats.out" \
	    > /dev/null 2> "$tmp/err.out"
	rc=$?
	case $rc in
	0|1|3) ;;
	*) echo "FAIL $(basename "$f"): exit $rc"; head -n 20 "$tmp/err.out"; fail=1 ;;
	esac
	if grep -q -e "runtime error" -e "AddressSanitizer" -e "LeakSanitizer" "$tmp/err.out"; then
		echo "FAIL $(basename "$f"): sanitizer report"; head -n 20 "$tmp/err.out"; fail=1
	fi
	rm -f "$tmp/routes.out"
done
echo "$count hostile capture files run"
exit $fail
