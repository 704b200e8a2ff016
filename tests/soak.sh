#!/bin/sh
# Soak test (issue 5; not in CI): rovmon -i on a live mirror port for
# SOAK_SECONDS (default 600) of continuous route churn between real
# speakers.  Pass = no drops, flat memory, exactly the expected alerts.
#
#   sudo tests/soak.sh                      # 10 minutes at 2000 route changes/s
#   SOAK_SECONDS=60 tests/soak.sh           # a quick run
#
# Environment: SOAK_SECONDS (600), SOAK_RATE route changes/s (2000),
# SOAK_SEED (1), SOAK_RSS_INTERVAL VmRSS sampling period in s (10),
# SOAK_RSS_LIMIT_KB allowed rise after the warm-up (1024), SOAK_OUT
# directory to copy the small results into (report, statistics, RSS
# samples), SOAK_KEEP=1 keeps the whole work directory (route log,
# alerts, churn record), ROVMON_BUILD (build).
#
# Topology (private namespaces, private test addresses only; the same as
# tests/e2e/96-speakers.sh, without Redis and the RPKI witness):
#   ns A: gobgpd AS4200000001, a0 10.179.210.1/24 fd00:179:210::1/64, gRPC
#         API on 127.0.0.1:50051 inside A
#   ns B: bird2 AS4200000002, b0 10.179.210.2/24 fd00:179:210::2/64, two
#         eBGP sessions with A (IPv4 over IPv4, IPv6 over IPv6), import all
#   ns M: bridge br0 (ageing_time 0: floods every frame) joining a0's and
#         b0's peers and mon0; rovmon -i mon1 (mon0's peer), offloads off.
# rovmon starts before the speakers (it sees the OPENs).  tests/soak/churn.py
# announces a pool of 5,200 prefixes (IPv4 /24 and /20, IPv6 /48 and /40:
# VALID, INVALID by origin, INVALID by maxLength, NOT_FOUND under
# tests/soak/churn.py's VRPs), then for SOAK_SECONDS announces, withdraws
# and changes origins at SOAK_RATE a second through gobgpd's AddPathStream
# API, recording every action.  VmRSS is sampled every SOAK_RSS_INTERVAL s.
# tests/soak/check.py then compares rovmon's route log with the record,
# its alerts with the alerts computed from the record (and with
# tests/alerts_oracle.py), reads the statistics lines for drops and judges
# the RSS samples.  Needs root, bird2, gobgpd, ethtool, protoc, Debian's
# python3-grpcio and python3-protobuf (installed with apt-get when
# missing) and gobgp's .proto files (golang-github-osrg-gobgp-dev,
# extracted with apt-get download when not installed).
# Exit 0 pass, 1 fail, 77 skip (no namespaces or no speakers).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
B=${ROVMON_BUILD:-build}
case $B in /*) ;; *) B=$ROOT/$B ;; esac
SECS=${SOAK_SECONDS:-600}
RATE=${SOAK_RATE:-2000}
SEED=${SOAK_SEED:-1}
RSSI=${SOAK_RSS_INTERVAL:-10}
PY=/usr/bin/python3	# Debian's, for python3-grpcio
for c in bird birdc gobgpd; do
	command -v $c > /dev/null || { echo "SKIP: speaker binary $c not installed"; exit 77; }
done
[ -x "$B/rovmon" ] || { echo "FAIL: build $B/rovmon first"; exit 1; }
if ! command -v protoc > /dev/null || ! $PY -c 'import grpc, google.protobuf' 2> /dev/null; then
	echo "installing protobuf-compiler python3-grpcio python3-protobuf"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q protobuf-compiler libprotobuf-dev \
		python3-grpcio python3-protobuf > /dev/null || { echo "FAIL: apt-get install"; exit 1; }
fi
for c in ethtool protoc; do
	command -v $c > /dev/null || { echo "FAIL: $c not installed"; exit 1; }
done
. tests/lib/lab.sh
lab_ns NA rvsk-a || { echo "SKIP: cannot create network namespaces here"; exit 77; }
W=$(mktemp -d /tmp/rovmon-soak.XXXXXX)
LAB_DIR=$W
MPID="" SPID=""
T0=$(date +%s)
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2> /dev/null
	if [ -n "$MPID" ]; then
		kill "$MPID" 2> /dev/null
		i=0
		while kill -0 "$MPID" 2> /dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$MPID" 2> /dev/null
	fi
	lab_cleanup
	wait 2> /dev/null
	if [ -n "${SOAK_KEEP:-}" ]; then echo "work directory kept: $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
log() { echo "[soak +$(($(date +%s) - T0))s] $*"; }
fail() {
	echo "FAIL: $*"
	for f in "$W"/*.log "$W"/rovmon.err; do [ -s "$f" ] && { echo "--- $f"; tail -n 15 "$f"; }; done
	exit 1
}
waitfor() { lab_waitfor "$@" || fail "timeout ($1 s) waiting for $2"; }	# SECONDS WHAT CMD...

# --- gobgp's API for Python --------------------------------------------------------
API=${GOBGP_API_DIR:-/usr/share/gocode/src/github.com/osrg/gobgp/api}
if [ ! -f "$API/gobgp.proto" ]; then
	(cd "$W" && apt-get download golang-github-osrg-gobgp-dev > "$W/apt.log" 2>&1 &&
		dpkg-deb -x golang-github-osrg-gobgp-dev_*.deb "$W/gobgp-dev") ||
		fail "cannot get gobgp's .proto files (golang-github-osrg-gobgp-dev)"
	API=$W/gobgp-dev/usr/share/gocode/src/github.com/osrg/gobgp/api
fi
mkdir -p "$W/pb"
protoc -I"$API" -I/usr/include --python_out="$W/pb" gobgp.proto attribute.proto capability.proto ||
	fail "protoc on $API"
$PY "$ROOT/tests/soak/churn.py" plan "$W" || fail "churn plan"

# --- network (tests/lib/lab.sh, as tests/e2e/96-speakers.sh) ------------------------
lab_ns NB rvsk-b && lab_ns NM rvsk-m || fail "namespaces"
lab_speaker_pair $NA $NB $NM 10.179.210.1/24 fd00:179:210::1/64 10.179.210.2/24 fd00:179:210::2/64 ||
	fail "speaker network"
lab_mirror_port $NM br0 mon0 mon1 || fail "mirror port"

# --- rovmon, then its RSS sampler ----------------------------------------------------
A=$W/alerts.json R=$W/routes.jsonl
ip netns exec $NM "$B/rovmon" -i mon1 --vrps "$W/vrps.json" --rules "$ROOT/rules/rovmon.rules" \
	--alerts "$A" --routes "$R" --stats "$W/stats.jsonl" --stats-interval 10 \
	--sensor soak 2> "$W/rovmon.err" &
MPID=$!
pktsock() { [ "$(ip netns exec $NM cat /proc/net/packet | wc -l)" -ge 2 ]; }
waitfor 10 "rovmon capturing" pktsock
sleep 0.3	# the BPF filter follows the socket
kill -0 $MPID 2> /dev/null || fail "rovmon exited"
(
	# WALLTIME VmRSS_kB utime+stime_ticks load1 RssAnon_kB
	while [ -r /proc/$MPID/status ]; do
		rss=$(awk '/^VmRSS:/ {r = $2} /^RssAnon:/ {a = $2} END {print r, a}' /proc/$MPID/status 2> /dev/null)
		cpu=$(awk '{print $14 + $15}' /proc/$MPID/stat 2> /dev/null)
		set -- $rss
		[ $# -eq 2 ] && echo "$(date +%s.%N) $1 $cpu $(cut -d' ' -f1 /proc/loadavg) $2"
		sleep "$RSSI"
	done
) > "$W/rss.txt" &
SPID=$!

# --- speakers ------------------------------------------------------------------
lab_gobgpd_conf "$W/gobgpd.toml" 10.179.210.1 fd00:179:210::1 10.179.210.2 fd00:179:210::2
lab_bird_conf "$W/bird.conf" 10.179.210.2 fd00:179:210::2 10.179.210.1 fd00:179:210::1 \
	"$W/bird.birdlog" "{ warning, error, fatal, bug }"
bird -p -c "$W/bird.conf" || fail "bad BIRD config"
BSOCK=$W/bird.ctl
lab_bg gobgpd $NA gobgpd -f "$W/gobgpd.toml" --api-hosts 127.0.0.1:50051 -l warn
waitfor 10 "gobgpd api" ip netns exec $NA gobgp neighbor
lab_bg bird $NB bird -f -c "$W/bird.conf" -s "$BSOCK" -P "$W/bird.pid"
waitfor 10 "bird socket" test -S "$BSOCK"
established() { birdc -s "$BSOCK" show protocols "$1" | grep -q Established; }
bird_count() { # bird_count TABLE N: exactly N routes
	[ "$(birdc -s "$BSOCK" show route count table "$1" | awk '/routes for/ {print $1}')" = "$2" ]
}
waitfor 30 "IPv4 session established" established a4
waitfor 30 "IPv6 session established" established a6
log "sessions established; churn: $SECS s at $RATE route changes/s (seed $SEED)"

# --- churn ---------------------------------------------------------------------
ip netns exec $NA $PY "$ROOT/tests/soak/churn.py" run --api 127.0.0.1:50051 --pb "$W/pb" \
	--pool "$W/pool.txt" --record "$W/actions.txt" --seconds "$SECS" --rate "$RATE" \
	--seed "$SEED" > "$W/churn.json" 2> "$W/churn.log" || fail "churn.py"
log "churn done: $(cat "$W/churn.json")"
read -r P4 P6 << EOF
$($PY -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c["present_ipv4"], c["present_ipv6"])' "$W/churn.json")
EOF
waitfor 120 "BIRD: $P4 IPv4 routes" bird_count master4 "$P4"
waitfor 120 "BIRD: $P6 IPv6 routes" bird_count master6 "$P6"
NACT=$(wc -l < "$W/actions.txt")
logged() { [ "$(grep -c '"src_port":179,' "$R")" -ge "$NACT" ]; }
i=0	# the route log is flushed when the link goes quiet
until logged || [ $i -ge 120 ]; do sleep 1; i=$((i + 1)); done
sleep "$RSSI"	# one more VmRSS sample at rest
log "BIRD holds $P4 + $P6 routes, as churn.py left them; stopping rovmon"
kill -INT $MPID
i=0
while kill -0 $MPID 2> /dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
wait $MPID
st=$?
MPID=""
kill "$SPID" 2> /dev/null
wait "$SPID" 2> /dev/null
SPID=""
[ $st -eq 0 ] || fail "rovmon exited $st"
[ -s "$W/rovmon.err" ] && { echo "--- rovmon's stderr:"; tail -n 20 "$W/rovmon.err"; }

# --- verdict -------------------------------------------------------------------
python3 "$ROOT/tests/soak/check.py" "$W" --gobgp 10.179.210.1,fd00:179:210::1 \
	--rss-limit-kb "${SOAK_RSS_LIMIT_KB:-1024}"
rc=$?
if [ -n "${SOAK_OUT:-}" ]; then
	mkdir -p "$SOAK_OUT"
	cp "$W/report.txt" "$W/summary.json" "$W/stats.jsonl" "$W/rss.txt" "$W/churn.json" "$SOAK_OUT/"
fi
log "done"
[ $rc -eq 0 ] && echo PASS || echo FAIL
exit $rc
