#!/bin/sh
# Passive BMP on the mirror (issue 18): GoBGP 3.10.0's BMP connection to
# its collector, recorded with the BGP session it monitors
# (pcaps/bmp/README.md), read offline.  The BMP connection (port 11019,
# in --bmp-ports' default) is reassembled and decoded beside the BGP
# session; checked:
#  - gobgp-bmp-pre.pcap: the route events of the adj-rib-in-pre view equal
#    those of the captured BGP session, line for line, except ts, pkt_num
#    and the view (the same session: addresses and ports from Peer Up);
#    the alerts of the view equal the wire's (except time, frame and
#    view), Peer Down resolving the same routes as the NOTIFICATION, its
#    session-down event the wire's (but the session id and the view);
#  - the wire's lines carry no "view"; with --bmp-ports none the route log
#    is the wire's alone, byte for byte; --write-mrt archives the wire
#    only (read back: its 3,500 routes, no view);
#  - gobgp-bmp-all.pcap: pre-policy again equals the wire; post-policy and
#    Loc-RIB (RFC 9069: the router's own table, src = the router) lack
#    exactly the routes the import policy rejects (paths with AS 3257);
#  - gobgp-bmp-midstream.pcap (both connections picked up mid-stream):
#    the BMP stream finds its message boundaries; without the Peer Up the
#    view's session has no ports and no local address (0, 0.0.0.0: the
#    collector does not know them); the BMP view knows more than the wire
#    picked up mid-session: the peer's AS (per-peer header) and the AS_PATH
#    width (A flag), so "peer_as" and "inferred" differ; every other field
#    of every route the BMP view and the wire both saw is the same.
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
PY=${PYTHON:-python3}
D=pcaps/bmp
VRPS=pcaps/demo-vrps.json
for f in gobgp-bmp-pre.pcap gobgp-bmp-all.pcap gobgp-bmp-midstream.pcap; do
	[ -f "$D/$f" ] || { echo "SKIP: $D/$f missing"; exit 0; }
done
tmp=$(mktemp -d /tmp/rovmon-bmp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
run() {	# run NAME PCAP [ARGS]
	n=$1 f=$2
	shift 2
	"$B/rovmon" -q -r "$D/$f" --vrps "$VRPS" --rules rules/rovmon.rules \
	    --routes "$tmp/$n.routes" --alerts "$tmp/$n.alerts" \
	    --stats "$tmp/$n.stats" "$@" 2> "$tmp/$n.err"
	echo $? > "$tmp/$n.rc"
}
run pre gobgp-bmp-pre.pcap --write-mrt "$tmp/pre.mrt"
run none gobgp-bmp-pre.pcap --bmp-ports none
run all gobgp-bmp-all.pcap
run mid gobgp-bmp-midstream.pcap
"$B/rovmon" -q -r "$tmp/pre.mrt" --vrps "$VRPS" --routes "$tmp/mrt.routes" \
    --stats /dev/null 2> "$tmp/mrt.err" ||
	{ echo "FAIL: rovmon -r (its --write-mrt): exit $?"; cat "$tmp/mrt.err"; exit 1; }
n=$(grep -c . "$tmp/mrt.routes")
[ "$n" = 3500 ] && ! grep -q '"view"' "$tmp/mrt.routes" ||
	{ echo "FAIL: --write-mrt archived $n routes or a view, want the wire's 3500"; exit 1; }
for n in pre none all mid; do
	[ "$(cat "$tmp/$n.rc")" = 0 ] ||
	    { echo "FAIL: $n: rovmon exit $(cat "$tmp/$n.rc")"; cat "$tmp/$n.err"; exit 1; }
done
# the --stats line counts BMP too (bmp_*: a loss would be there, like the
# BGP reassembly's): the recording's 3,035 messages, its Peer Up and Down
$PY - "$tmp" <<'PY' || exit 1
import json, sys
def st(n):
    return json.loads(open("%s/%s.stats" % (sys.argv[1], n)).read().splitlines()[-1])
pre, none = st("pre"), st("none")
want = {"bmp_messages": 3035, "bmp_peer_ups": 1, "bmp_peer_downs": 1,
        "bmp_refused": 0, "bmp_gap_bytes": 0, "bmp_skipped": 0, "bmp_cut_at_end": 0}
got = {k: pre.get(k) for k in want}
if got != want:
    sys.exit("FAIL: --stats of the pre-policy recording: %s, want %s" % (got, want))
if none.get("bmp_messages") != 0:
    sys.exit("FAIL: --bmp-ports none decoded %s BMP messages" % none.get("bmp_messages"))
PY
$PY - "$tmp" <<'PY'
import json, sys
tmp = sys.argv[1]
ok = True
def bad(msg):
    global ok
    ok = False
    print("FAIL:", msg)
def routes(name):
    out = {}
    for l in open("%s/%s.routes" % (tmp, name)):
        d = json.loads(l)
        v = d.pop("view", "wire")
        del d["ts"], d["pkt_num"]
        out.setdefault(v, []).append(d)
    return out
def alerts(name):
    out = {}
    for l in open("%s/%s.alerts" % (tmp, name)):
        d = json.loads(l)
        g = d.get("bgp")
        if g is None:
            continue        # session events
        v = g.pop("view", "wire")
        for k in ("timestamp", "@timestamp", "pkt_num", "pkt_len", "b64_data"):
            d.pop(k, None)
        out.setdefault(v, []).append(json.dumps(d, sort_keys=True))
    return {v: sorted(a) for v, a in out.items()}

pre = routes("pre")
if sorted(pre) != ["adj-rib-in-pre", "wire"]:
    bad("pre: views %s, want adj-rib-in-pre and wire" % sorted(pre))
elif len(pre["wire"]) != 3500 or pre["adj-rib-in-pre"] != pre["wire"]:
    bad("pre: %d wire events, %d adj-rib-in-pre, equal: %s" % (len(pre["wire"]),
        len(pre["adj-rib-in-pre"]), pre["adj-rib-in-pre"] == pre["wire"]))
a = alerts("pre")
if not a.get("wire") or a.get("adj-rib-in-pre") != a["wire"]:
    bad("pre: alerts of the view (%d) differ from the wire's (%d)" %
        (len(a.get("adj-rib-in-pre", [])), len(a.get("wire", []))))
if not any('"resolved"' in x for x in a.get("adj-rib-in-pre", [])):
    bad("pre: Peer Down resolved no route of the view")
ev = {}
for l in open(tmp + "/pre.alerts"):
    d = json.loads(l)
    e = d.get("event")
    if e is None or e.get("type") != "session-down":
        continue
    v = e.pop("view", "wire")
    del e["session_id"]
    ev[v] = e
if sorted(ev) != ["adj-rib-in-pre", "wire"] or ev["wire"] != ev["adj-rib-in-pre"]:
    bad("pre: session-down events %s: the view's Peer Down is not the wire's NOTIFICATION" % ev)
with open(tmp + "/none.routes") as f:
    none = f.read()
wire = "".join(l for l in open(tmp + "/pre.routes") if '"view"' not in l)
if none != wire:
    bad("--bmp-ports none: the route log is not the wire's lines alone")

al = routes("all")
if sorted(al) != ["adj-rib-in-post", "adj-rib-in-pre", "loc-rib", "wire"]:
    bad("all: views %s" % sorted(al))
else:
    if al["adj-rib-in-pre"] != al["wire"] or len(al["wire"]) != 1750:
        bad("all: adj-rib-in-pre (%d) differs from the wire (%d)" %
            (len(al["adj-rib-in-pre"]), len(al["wire"])))
    ann = lambda v: {r["prefix"]: r for r in al[v] if r["event"] == "announce"}
    want = {p for p, r in ann("wire").items() if 3257 not in r["as_path"]}
    if len(want) == len(ann("wire")):
        bad("all: no route with AS 3257 on the wire: the check would prove nothing")
    for v in ("adj-rib-in-post", "loc-rib"):
        if set(ann(v)) != want:
            bad("all: %s announces %d prefixes, want the %d without AS 3257" %
                (v, len(ann(v)), len(want)))
    src = {r["src_addr"] for r in al["loc-rib"]}
    if src != {"10.181.18.2"}:
        bad("all: loc-rib senders %s, want the router 10.181.18.2" % src)

mid = routes("mid")
w = {(r["event"], r["prefix"]): r for r in mid.get("wire", [])}
b = {(r["event"], r["prefix"]): r for r in mid.get("adj-rib-in-pre", [])}
both = set(w) & set(b)
if len(b) < 2000 or len(both) < 1500:
    bad("midstream: %d BMP events, %d shared with the wire" % (len(b), len(both)))
ends = {(r["src_port"], r["dst_addr"], r["dst_port"]) for r in b.values()}
if ends != {(0, "0.0.0.0", 0)}:
    bad("midstream: the view's session without Peer Up has ends %s" % ends)
def sess_less(r):
    return {k: v for k, v in r.items() if k not in ("src_port", "dst_addr", "dst_port",
                                                     "peer_as", "inferred")}
if {r["peer_as"] for r in b.values()} != {4200000101}:
    bad("midstream: the view's peer_as is not the per-peer header's 4200000101")
if any("as4" in r.get("inferred", []) for r in b.values()):
    bad("midstream: the view inferred the AS_PATH width the A flag states")
diff = [k for k in both if sess_less(w[k]) != sess_less(b[k])]
if diff:
    bad("midstream: %d shared routes differ, e.g. %s" % (len(diff), diff[0]))
if not ok:
    sys.exit(1)
print("PASS: BMP adj-rib-in-pre = the captured session (3,500 routes, %d alerts); "
      "post-policy and Loc-RIB lack the %d rejected routes; midstream: %d routes "
      "shared, equal" % (len(a["wire"]), len(ann("wire")) - len(want), len(both)))
PY
