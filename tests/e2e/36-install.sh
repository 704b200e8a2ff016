#!/bin/sh
# The default rules file outside the source tree (issue 12; the rule is in
# include/rovmon/paths.h and rovmon(8) FILES): SYSCONFDIR/rovmon.rules, fixed at
# build time, else ../rules/rovmon.rules beside the executable, never the
# working directory.
#   1. build/rovmon run from another directory, and with -D (which changes
#      to /), finds the source tree's rules and raises the same alerts as
#      with --rules rules/rovmon.rules;
#   2. `make install DESTDIR=STAGE PREFIX=/usr/local` puts the programs,
#      rules and man pages in place, and the staged rovmon names the
#      build-time /etc/rovmon/rovmon.rules as its first choice;
#   3. an installed tree whose SYSCONFDIR is where the rules really are
#      (the same objects, rovmon_options.o rebuilt with
#      SYSCONFDIR=TMP/etc/rovmon, PREFIX=TMP/usr/local, no DESTDIR: the
#      binary's compiled-in path is the real one, as on a target
#      machine): rovmon from / finds TMP/etc/rovmon/rovmon.rules and
#      writes the same alerts.
# Exit 0 pass, 1 fail, 77 skip (no make, or a sanitizer build).
set -u
cd "$(dirname "$0")/../.."
SRC=$(pwd)
B=$(cd "${ROVMON_BUILD:-build}" && pwd)
ROVMON=$B/rovmon
[ -x "$ROVMON" ] || { echo "FAIL: $ROVMON not built"; exit 1; }
command -v make > /dev/null || { echo "SKIP: make not installed"; exit 77; }
# Part 3 relinks the build's objects with the Makefile's default flags.
if nm "$ROVMON" 2> /dev/null | grep -q __asan_init; then
	echo "SKIP: $B is a sanitizer build (relinking it needs its flags; run with the plain build)"
	exit 77
fi
tmp=$(mktemp -d /tmp/rovmon-install.XXXXXX)
trap '[ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP PIPE
rc=0
ok() { echo "ok - $*"; }
bad() { echo "FAIL - $*"; rc=1; }
P=$SRC/pcaps/ipv4-full.pcap
V=$SRC/pcaps/demo-vrps.json
# The reference: the source tree's rules, named.
"$ROVMON" -r "$P" --vrps "$V" --rules "$SRC/rules/rovmon.rules" \
	--alerts "$tmp/ref.json" --stats /dev/null 2> /dev/null
nref=$(wc -l < "$tmp/ref.json")
[ "$nref" -gt 100 ] || { bad "reference run: $nref alerts"; exit 1; }
# same NAME FILE: FILE has the reference's alerts (rule and prefix, in order)
same() {
	if [ "$(sed 's/.*"rule":"\([0-9:]*\)".*"prefix":"\([^"]*\)".*/\1 \2/' "$2")" = \
	    "$(sed 's/.*"rule":"\([0-9:]*\)".*"prefix":"\([^"]*\)".*/\1 \2/' "$tmp/ref.json")" ]; then
		ok "$1: the same $nref alerts as with --rules rules/rovmon.rules"
	else
		bad "$1: $(wc -l < "$2") alerts, not the reference's $nref"
	fi
}

# ---- 1. the build tree, from elsewhere -------------------------------------
if [ -e /etc/rovmon/rovmon.rules ]; then
	echo "# /etc/rovmon/rovmon.rules exists on this host: it comes first"
	want=/etc/rovmon/rovmon.rules
else
	want=$SRC/rules/rovmon.rules
fi
out=$(cd / && "$ROVMON" -T 2>&1)
case $out in
"rovmon: configuration OK: "*" rules from $want, "*) ok "-T from /: $out" ;;
*) bad "-T from /: $out (want $want)" ;;
esac
(cd "$tmp" && "$ROVMON" -r "$P" --vrps "$V" --alerts "$tmp/cwd.json" --stats /dev/null 2> "$tmp/cwd.err")
[ $? -eq 0 ] && same "build/rovmon from $tmp" "$tmp/cwd.json" || bad "from $tmp: $(head -n 2 "$tmp/cwd.err")"
# -D: resolved before the daemon changes to /; the pid file goes when done.
(cd "$tmp" && "$ROVMON" -D --pidfile "$tmp/d.pid" -r "$P" --vrps "$V" \
	--alerts "$tmp/d.json" --stats /dev/null 2> "$tmp/d.err")
st=$?
i=0
while [ $st -eq 0 ] && { [ -e "$tmp/d.pid" ] || [ ! -s "$tmp/d.json" ]; } && [ $i -lt 600 ]; do
	sleep 0.1; i=$((i + 1))
done
[ $st -eq 0 ] && [ ! -e "$tmp/d.pid" ] && same "-D from $tmp" "$tmp/d.json" ||
	bad "-D: exit $st, pid file $( [ -e "$tmp/d.pid" ] && echo still there || echo gone): $(head -n 2 "$tmp/d.err")"

# ---- 2. make install DESTDIR=... PREFIX=/usr/local -------------------------
ST=$tmp/stage
if make --no-print-directory -s BUILD="$B" install DESTDIR="$ST" PREFIX=/usr/local > "$tmp/install.log" 2>&1; then
	miss=""
	for f in usr/local/sbin/rovmon usr/local/sbin/rovctl etc/rovmon/rovmon.rules \
	    etc/rovmon/classification.config usr/local/share/man/man8/rovmon.8 \
	    usr/local/share/man/man8/rovctl.8 usr/local/share/man/man5/rovmon.rules.5; do
		[ -e "$ST/$f" ] || miss="$miss $f"
	done
	[ -z "$miss" ] && ok "make install DESTDIR: programs, rules and man pages in place" || bad "make install: missing$miss"
	out=$(cd / && "$ST/usr/local/sbin/rovmon" -T 2>&1)
	case $out in
	"rovmon: configuration OK: "*" rules from /etc/rovmon/rovmon.rules, "*|\
	"rovmon: no default rules file (tried /etc/rovmon/rovmon.rules, $ST/usr/local/rules/rovmon.rules); give --rules FILE")
		ok "staged rovmon looks in the build-time /etc/rovmon first: $out" ;;
	*) bad "staged rovmon -T: $out" ;;
	esac
	out=$("$ST/usr/local/sbin/rovmon" -T --rules "$ST/etc/rovmon/rovmon.rules" 2>&1) &&
		ok "the installed rules parse: $out" || bad "installed rules: $out"
else
	bad "make install DESTDIR=$ST failed: $(tail -n 5 "$tmp/install.log")"
fi

# ---- 3. an installed tree with its real SYSCONFDIR --------------------------
# The build's objects, copied with their times so that make rebuilds only
# rovmon_options.o (its SYSCONFDIR stamp differs) and relinks.
IB=$tmp/build
I=$tmp/inst
mkdir -p "$IB"
cp -p -R "$B/obj" "$IB/obj" && cp -p "$B/librovmon.a" "$IB/"
if make --no-print-directory -s BUILD="$IB" SYSCONFDIR="$I/etc/rovmon" PREFIX="$I/usr/local" \
    install > "$tmp/install2.log" 2>&1; then
	out=$(cd / && "$I/usr/local/sbin/rovmon" -T 2>&1)
	case $out in
	"rovmon: configuration OK: "*" rules from $I/etc/rovmon/rovmon.rules, "*) ok "installed rovmon -T from /: $out" ;;
	*) bad "installed rovmon -T: $out" ;;
	esac
	(cd / && "$I/usr/local/sbin/rovmon" -r "$P" --vrps "$V" --alerts "$tmp/inst.json" \
		--stats /dev/null 2> "$tmp/inst.err")
	[ $? -eq 0 ] && same "installed rovmon from / (default rules)" "$tmp/inst.json" ||
		bad "installed rovmon: $(head -n 2 "$tmp/inst.err")"
	# Without the installed file it falls back to nothing (no rules/ beside
	# sbin/) and says what it tried.
	mv "$I/etc/rovmon/rovmon.rules" "$I/etc/rovmon/moved.rules"
	out=$(cd / && "$I/usr/local/sbin/rovmon" -r "$P" --vrps "$V" --alerts "$tmp/x.json" 2>&1)
	st=$?
	[ $st -eq 3 ] && [ "$out" = "rovmon: no default rules file (tried $I/etc/rovmon/rovmon.rules, $I/usr/local/rules/rovmon.rules); give --rules FILE" ] &&
		ok "no rules file: exit 3, $out" || bad "no rules file: exit $st, $out"
else
	bad "make install SYSCONFDIR=$I/etc/rovmon failed: $(tail -n 5 "$tmp/install2.log")"
fi

[ $rc -eq 0 ] && echo "all install checks passed"
exit $rc
