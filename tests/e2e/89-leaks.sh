#!/bin/sh
# Route leaks and ASPA on a capture recorded from real speakers with BGP
# roles (pcaps/roles-otc.pcap, tests/speakers/record_roles.sh; the topology
# is tests/speakers/roles.py, pcaps/README.md describes it):
#  1. every announcement's "peer_role", "role_source", "otc", "leak" (the
#     RFC 9234 rule) and "aspa" (state, procedure) equal
#     tests/expected/roles-otc.routes.json, which roles.py derived from the
#     topology definition, the wire (its own decoder), RFC 9234 section 5
#     and a hand-made table of ASPA verdicts (tests/expected/
#     roles-otc.aspa.txt, one line of why each) for the ASPAs of
#     pcaps/roles-aspa.json: never from rovmon's output;
#  2. BIRD agrees: at every BIRD that received routes, the routes BIRD
#     rejected as leaks (tests/expected/roles-otc.bird.json, BIRD's own
#     view and log) are exactly those rovmon gives a "leak";
#  3. every announcement and withdrawal on the wire is in the route log;
#  4. the default rules alert once on every leak (sids 1000009-1000011 by
#     RFC 9234 rule) and every ASPA invalid route (1000008), nothing else
#     (every route is RPKI valid), and "resolved" (1000007) for each of
#     them that is withdrawn later in the capture;
#  5. the Role Mismatch session (R and M both claim provider) is counted
#     once, its two NOTIFICATIONs 2/11 twice; with --role giving ExaBGP X
#     (whose role R's OPEN decides: customer) the role peer, the wire wins
#     and the disagreement is counted once;
#  6. picked up mid-stream (the same capture without its SYNs and OPENs)
#     with --role for every neighbour of R and for Z: every announcement
#     gets the expected peer_role with role_source "config", its OTC and
#     its customer/RS-client leak; the peer rule and ASPA need the
#     sender's AS, which only an OPEN gives: no "otc-from-peer" leak and
#     no ASPA verdict (docs/leaks.md, docs/route-log.md).
# sanitizer: yes
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
[ -x "$B/rovmon" ] || { echo "FAIL: build $B/rovmon first"; exit 1; }
tmp=$(mktemp -d /tmp/rovmon-leaks.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

"$B/rovmon" -r pcaps/roles-otc.pcap --vrps pcaps/roles-aspa.json --routes "$tmp/r.jsonl" \
    --alerts "$tmp/a.json" --stats "$tmp/s.json" 2> "$tmp/err" ||
	{ echo "FAIL: rovmon exit $?"; cat "$tmp/err"; exit 1; }

rc=0
# 5. role mismatch, and --role overridden by the OPENs
"$B/rovmon" -r pcaps/roles-otc.pcap --vrps pcaps/roles-aspa.json --role 10.179.20.50=peer \
    --routes "$tmp/r2.jsonl" --stats "$tmp/s2.json" 2> "$tmp/err2" ||
	{ echo "FAIL: rovmon --role exit $?"; cat "$tmp/err2"; exit 1; }
python3 - "$tmp/s.json" "$tmp/s2.json" "$tmp/r2.jsonl" << 'EOF' || rc=1
import json
import sys
s1 = json.loads(open(sys.argv[1]).read().splitlines()[-1])
s2 = json.loads(open(sys.argv[2]).read().splitlines()[-1])
fails = []
for k, want in (("bgp_role_mismatch", 1), ("bgp_role_mismatch_notification", 2),
                ("bgp_role_config_disagree", 0)):
    if s1.get(k) != want:
        fails.append("%s %s, expected %d" % (k, s1.get(k), want))
if s2.get("bgp_role_config_disagree") != 1:
    fails.append("with --role 10.179.20.50=peer: bgp_role_config_disagree %s, expected 1" %
                 s2.get("bgp_role_config_disagree"))
x = [json.loads(line) for line in open(sys.argv[3])]
x = [(e["peer_role"], e["role_source"]) for e in x
     if e["event"] == "announce" and e["src_addr"] == "10.179.20.50"]
if len(x) != 4 or set(x) != {("customer", "open")}:
    fails.append("with --role 10.179.20.50=peer, X's announcements have roles %s, expected 4 customer/open" % x)
for f in fails:
    print("FAIL: " + f)
if not fails:
    print("Role Mismatch: 1 session, 2 NOTIFICATIONs 2/11; --role overridden by the OPENs: counted once")
sys.exit(1 if fails else 0)
EOF

# 6. mid-stream, roles from --role
python3 - pcaps/roles-otc.pcap "$tmp/mid.pcap" << 'EOF' || { echo "FAIL: cannot cut the OPENs"; exit 1; }
import sys
sys.path.insert(0, "tests/lib")
import pcapfile
h, lt, e, frames = pcapfile.read_pcap(sys.argv[1])
keep = []
for hdr, data in frames:
    _s, _d, _sp, _dp, _seq, flags, pl = pcapfile.tcp_of(lt, data)
    # every OPEN of this capture is alone in its segment
    if flags & 2 or (pl[:16] == b"\xff" * 16 and len(pl) > 18 and pl[18] == 1):
        continue
    keep.append((hdr, data))
pcapfile.write_pcap(sys.argv[2], h, e, keep)
EOF
"$B/rovmon" -r "$tmp/mid.pcap" --vrps pcaps/roles-aspa.json --routes "$tmp/r3.jsonl" --stats /dev/null \
    --role 10.179.20.1=provider --role 10.179.20.2=provider --role 10.179.20.20=customer \
    --role 10.179.20.30=peer --role 10.179.20.40=rs --role 10.179.20.50=customer \
    --role 10.179.20.60=peer --role 10.179.20.70=rs-client 2> "$tmp/err3" ||
	{ echo "FAIL: rovmon mid-stream exit $?"; cat "$tmp/err3"; exit 1; }
python3 - "$tmp/r3.jsonl" tests/expected/roles-otc.routes.json << 'EOF' || rc=1
import json
import sys
exp = {(x["src_addr"], x["dst_addr"], x["prefix"]): x for x in json.load(open(sys.argv[2]))}
fails = []
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event"] != "announce":
        continue
    n += 1
    x = exp[(e["src_addr"], e["dst_addr"], e["prefix"])]
    want = {"peer_role": x["peer_role"], "role_source": "config", "otc": x["otc"],
            "leak": None if x["leak"] == "otc-from-peer" else x["leak"], "aspa": None}
    got = {"peer_role": e["peer_role"], "role_source": e["role_source"], "otc": e["otc"],
           "leak": (e["leak"] or {}).get("rule"), "aspa": e["aspa"]}
    if got != want:
        fails.append("%s->%s %s: %s, expected %s" % (x["sender"], x["receiver"], e["prefix"], got, want))
if n != len(exp):
    fails.append("mid-stream: %d announcements, expected %d" % (n, len(exp)))
for f in fails[:20]:
    print("FAIL: mid-stream: " + f)
if not fails:
    print("mid-stream with --role: %d announcements, roles from the configuration, leaks but the peer rule" % n)
sys.exit(1 if fails else 0)
EOF

python3 - "$tmp/r.jsonl" tests/expected/roles-otc.routes.json tests/expected/roles-otc.bird.json "$tmp/a.json" << 'EOF' || rc=1
import json
import sys

log = [json.loads(line) for line in open(sys.argv[1])]
expected = json.load(open(sys.argv[2]))
bird = json.load(open(sys.argv[3]))
fails = []


def leak_rule(v):
    """the RFC 9234 rule a "leak" object names (null: none)"""
    if v is None or isinstance(v, str):
        return v
    return v.get("rule")


ann = {}
for e in log:
    if e["event"] != "announce":
        continue
    k = (e["src_addr"], e["dst_addr"], e["prefix"])
    if k in ann:
        fails.append("announced twice in the log: %s" % (k,))
    ann[k] = e
nwd = sum(1 for e in log if e["event"] == "withdraw")
if len(ann) != len(expected) or nwd != 10:
    fails.append("%d announcements (expected %d), %d withdrawals (expected 10)" %
                 (len(ann), len(expected), nwd))
missing = [f for f in ("peer_role", "role_source", "otc", "leak", "aspa")
           if log and f not in next(e for e in log if e["event"] == "announce")]
if missing:
    print("FAIL: the route log has no field %s" % ", ".join(missing))
    sys.exit(1)

by_state = {}
for x in expected:
    k = (x["src_addr"], x["dst_addr"], x["prefix"])
    e = ann.get(k)
    if e is None:
        fails.append("%s->%s %s: not in the route log" % (x["sender"], x["receiver"], x["prefix"]))
        continue
    got = {"peer_role": e["peer_role"], "role_source": e["role_source"], "otc": e["otc"],
           "leak": leak_rule(e["leak"]),
           "aspa": e["aspa"] and {"state": e["aspa"].get("state"), "procedure": e["aspa"].get("procedure")}}
    want = {f: x[f] for f in got}
    for f in got:
        if got[f] != want[f]:
            fails.append("%s->%s %s path %s: %s %s, expected %s%s" % (
                x["sender"], x["receiver"], x["prefix"], x["as_path"], f,
                json.dumps(got[f]), json.dumps(want[f]),
                " (%s)" % x["aspa_why"] if f == "aspa" else ""))
    by_state[x["aspa"]["state"]] = by_state.get(x["aspa"]["state"], 0) + 1

# BIRD's rejections <=> rovmon's leak verdicts, at every BIRD receiver
nbird = nrej = 0
addr = {}
for x in expected:
    addr[x["sender"]] = x["src_addr"]
    addr[x["receiver"]] = x["dst_addr"]
for node, v in sorted(bird["nodes"].items()):
    for nb, s in sorted(v["sessions"].items()):
        if "rejected_as_leak" not in s or nb not in addr:
            continue
        leaks = sorted(k[2] for k, e in ann.items()
                       if k[0] == addr[nb] and k[1] == addr[node] and e["leak"] is not None)
        rej = sorted(s["rejected_as_leak"])
        nbird += 1
        nrej += len(rej)
        if leaks != rej:
            fails.append("BIRD %s from %s rejected %s as leaks; rovmon's leaks there: %s" %
                         (node, nb, rej, leaks))

# the default rules' alerts, computed from the expected fields
SID = {"otc-from-customer": 1000009, "otc-from-rs-client": 1000010, "otc-from-peer": 1000011}
want = []
alerted = set()
for x in expected:
    k = (x["src_addr"], x["dst_addr"], x["prefix"])
    if x["aspa"]["state"] == "invalid":
        want.append((1000008, "announce") + k)
        alerted.add(k)
    if x["leak"]:
        want.append((SID[x["leak"]], "announce") + k)
        alerted.add(k)
withdrawn = set((e["src_addr"], e["dst_addr"], e["prefix"]) for e in log if e["event"] == "withdraw")
alerts = [json.loads(line) for line in open(sys.argv[4])]
# bgp.peer is the UPDATE's sender, bgp.local its receiver (docs/alerts.md)
def where(a):
    return (a["bgp"]["peer"]["addr"], a["bgp"]["local"]["addr"], a["bgp"]["prefix"])


got = sorted((a["sid"], a["bgp"]["event"]) + where(a) for a in alerts if a["sid"] != 1000007)
if got != sorted(want):
    for a in sorted(set(got) - set(want)):
        fails.append("unexpected alert %s" % (a,))
    for a in sorted(set(want) - set(got)):
        fails.append("missing alert %s" % (a,))
    if set(got) == set(want):
        fails.append("alerts repeated: %d, expected %d" % (len(got), len(want)))
res = sorted(set(where(a) for a in alerts if a["sid"] == 1000007))
if res != sorted(alerted & withdrawn):
    fails.append("resolved alerts for %s, expected %s" % (res, sorted(alerted & withdrawn)))

for f in fails[:40]:
    print("FAIL: " + f)
if len(fails) > 40:
    print("FAIL: ... and %d more" % (len(fails) - 40))
if fails:
    sys.exit(1)
nleak = sum(1 for x in expected if x["leak"])
print("%d announcements: roles, OTC, %d leaks, ASPA %s as expected; %d BIRD sessions, "
      "%d routes BIRD rejected as leaks = rovmon's leaks there; %d alerts, %d resolved" %
      (len(expected), nleak, ", ".join("%d %s" % (n, s) for s, n in sorted(by_state.items())),
       nbird, nrej, len(want), len(res)))
EOF
exit $rc
