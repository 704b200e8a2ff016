#!/bin/sh
# One spelling per field across rovmon's outputs (issue 12): the route
# log (docs/route-log.md), the alerts (docs/alerts.md) and rovctl's JSON
# (validate, vrp show) name the same things the same way: origin_as,
# max_length, asn, prefix, state, reason, covering; no maxLength, no bare
# "origin".  For one INVALID route of ipv4-full, the three outputs give
# the same origin and the same deciding VRPs.  The route-leak fields
# (issue 14): every announcement of the route log and every alert carries
# peer_role, role_source, otc, router_rpki_state (issue 15, RFC 8097),
# aspa and leak, together, in this order, right after rpki (alerts then
# prev_aspa_state, prev_leak); withdrawals of the route log carry none; no
# other spelling (role, sender_role, otc_as, aspa_state, route_leak,
# router_rpki, router_state, rpki_router_state); router_rpki_state is null
# or valid, not-found, invalid (pcaps/rfc8097.pcap carries all three).
set -u
cd "$(dirname "$0")/../.."
B=${ROVMON_BUILD:-build}
PY=${PYTHON:-python3}
VRPS=pcaps/demo-vrps.json
tmp=$(mktemp -d /tmp/rovmon-fields.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$B/rovmon" -r pcaps/ipv4-full.pcap --vrps "$VRPS" --rules rules/rovmon.rules \
    --routes "$tmp/r.jsonl" --alerts "$tmp/a.json" --stats /dev/null 2> /dev/null ||
	{ echo "FAIL: rovmon exit $?"; exit 1; }
"$B/rovmon" -r pcaps/rfc8097.pcap --vrps pcaps/rfc8097-disagree.json --rules rules/rovmon.rules \
    --routes "$tmp/r8097.jsonl" --alerts "$tmp/a8097.json" --stats /dev/null 2> /dev/null ||
	{ echo "FAIL: rovmon exit $? (rfc8097.pcap)"; exit 1; }
# the first INVALID alert's route, asked of rovctl
set -- $($PY -c 'import json, sys
for l in open(sys.argv[1]):
    b = json.loads(l).get("bgp") or {}   # sensor events have none
    if (b.get("rpki") or {}).get("state") == "invalid" and b["origin_as"] is not None:
        print(b["prefix"], b["origin_as"]); break' "$tmp/a.json")
[ $# -eq 2 ] || { echo "FAIL: no INVALID alert with an origin"; exit 1; }
"$B/rovctl" validate "$1" "$2" --vrps "$VRPS" --json > "$tmp/validate.json" 2> /dev/null
[ $? -eq 1 ] || { echo "FAIL: rovctl validate $1 $2: want exit 1 (invalid)"; exit 1; }
vp=$($PY -c 'import json, sys; print(json.load(open(sys.argv[1]))["vrps"][0]["prefix"])' "$tmp/validate.json")
"$B/rovctl" vrp show --prefix "$vp" --vrps "$VRPS" --json > "$tmp/show.json" 2> /dev/null ||
	{ echo "FAIL: rovctl vrp show --prefix $vp"; exit 1; }
$PY - "$tmp/r.jsonl" "$tmp/a.json" "$tmp/validate.json" "$tmp/show.json" "$1" "$2" \
    "$tmp/r8097.jsonl" "$tmp/a8097.json" <<'PY'
import json, sys
routes, alerts, validate, show, prefix, origin, r8097, a8097 = sys.argv[1:9]
origin = int(origin)
ok = True
def bad(msg):
    global ok
    ok = False
    print("FAIL:", msg)
def keys_everywhere(obj, out):
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.add(k)
            keys_everywhere(v, out)
    elif isinstance(obj, list):
        for v in obj:
            keys_everywhere(v, out)
    return out
docs = {"route log": [json.loads(l) for l in open(routes)],
        "alerts": [json.loads(l) for l in open(alerts)],
        "rovctl validate": [json.load(open(validate))],
        "rovctl vrp show": json.load(open(show)),
        "route log (rfc8097)": [json.loads(l) for l in open(r8097)],
        "alerts (rfc8097)": [json.loads(l) for l in open(a8097)]}
for name, objs in docs.items():
    ks = keys_everywhere(objs, set())
    for wrong, right in (("maxLength", "max_length"), ("maxlen", "max_length"),
                         ("origin", "origin_as"), ("origin_asn", "origin_as"),
                         ("role", "peer_role"), ("sender_role", "peer_role"),
                         ("otc_as", "otc"), ("aspa_state", "aspa"),
                         ("route_leak", "leak"),
                         ("router_rpki", "router_rpki_state"),
                         ("router_state", "router_rpki_state"),
                         ("rpki_router_state", "router_rpki_state")):
        if wrong in ks:
            bad(f"{name} has the key {wrong!r} (the documented name is {right!r})")
LEAK_KEYS = ["peer_role", "role_source", "otc", "router_rpki_state", "aspa", "leak"]
def leak_group(obj, where, extra=()):
    keys = list(obj)
    want = LEAK_KEYS + list(extra)
    if not all(k in keys for k in want):
        bad(f"{where}: missing {[k for k in want if k not in keys]}: {keys}")
        return
    i = keys.index("peer_role")
    if keys[i:i + len(want)] != want:
        bad(f"{where}: the route-leak fields out of order: {keys}")
    before = "rpki" if "rpki" in keys else "next_hop" if where.startswith("route log") else "prev_origin_as"
    if keys[i - 1] != before:
        bad(f"{where}: the route-leak fields follow {keys[i - 1]!r}, not {before!r}")
    for k in ("peer_role", "role_source"):
        if obj[k] is not None and not isinstance(obj[k], str):
            bad(f"{where}: {k} {obj[k]!r}")
    if obj["router_rpki_state"] not in (None, "valid", "not-found", "invalid"):
        bad(f"{where}: router_rpki_state {obj['router_rpki_state']!r}")
    if obj["aspa"] is not None and set(obj["aspa"]) != {"state", "procedure", "reason", "hop"}:
        bad(f"{where}: aspa keys {sorted(obj['aspa'])}")
    if obj["leak"] is not None and set(obj["leak"]) != {"rule", "rfc", "otc", "peer_as"}:
        bad(f"{where}: leak keys {sorted(obj['leak'])}")
for n, e in enumerate(docs["route log"]):
    if e["event"] == "announce":
        leak_group(e, f"route log line {n + 1}")
    elif any(k in e for k in LEAK_KEYS):
        bad(f"route log line {n + 1}: a withdrawal with route-leak fields")
# route alerts; a session flap's sensor events (docs/alerts.md "Session
# flaps") carry an "event" object instead and only the spelling check
ROUTE_ALERTS = [a for a in docs["alerts"] if "bgp" in a]
ROUTE_ALERTS_8097 = [a for a in docs["alerts (rfc8097)"] if "bgp" in a]
for n, a in enumerate(ROUTE_ALERTS):
    leak_group(a["bgp"], f"alert {n + 1}", ("prev_aspa_state", "prev_leak"))
for n, e in enumerate(docs["route log (rfc8097)"]):
    if e["event"] == "announce":
        leak_group(e, f"route log (rfc8097) line {n + 1}")
for n, a in enumerate(ROUTE_ALERTS_8097):
    leak_group(a["bgp"], f"alert (rfc8097) {n + 1}", ("prev_aspa_state", "prev_leak"))
seen = {e.get("router_rpki_state") for e in docs["route log (rfc8097)"] if e["event"] == "announce"}
seen |= {a["bgp"]["router_rpki_state"] for a in ROUTE_ALERTS_8097}
if seen != {None, "valid", "not-found", "invalid"}:
    bad(f"rfc8097.pcap: router_rpki_state values {seen}")
VRP_KEYS = {"prefix", "max_length", "asn"}
RPKI_KEYS = {"state", "reason", "vrps", "covering", "generation"}
rl = [e for e in docs["route log"] if e["event"] == "announce" and e["prefix"] == prefix
      and e["origin_as"] == origin]
al = [a["bgp"] for a in ROUTE_ALERTS if a["bgp"]["prefix"] == prefix
      and a["bgp"]["origin_as"] == origin and a["bgp"]["event"] == "announce"]
v = docs["rovctl validate"][0]
if not rl or not al:
    bad(f"{prefix} AS{origin}: {len(rl)} route log lines, {len(al)} alerts")
else:
    r, a = rl[0]["rpki"], al[0]["rpki"]
    if set(r) != RPKI_KEYS or set(a) != RPKI_KEYS:
        bad(f"rpki keys: route log {sorted(r)}, alert {sorted(a)}, want {sorted(RPKI_KEYS)}")
    for name, vs in (("route log", r["vrps"]), ("alert", a["vrps"])):
        for x in vs:
            if set(x) != VRP_KEYS:
                bad(f"{name} VRP keys {sorted(x)}, want {sorted(VRP_KEYS)}")
    cut = lambda vs: [{k: x[k] for k in VRP_KEYS} for x in vs]
    if not (cut(r["vrps"]) == cut(a["vrps"]) == cut(v["vrps"])):
        bad(f"deciding VRPs differ: route log {r['vrps']}, alert {a['vrps']}, rovctl {v['vrps']}")
    if not (r["state"] == a["state"] == v["state"] == "invalid" and r["reason"] == a["reason"] == v["reason"]
            and r["covering"] == a["covering"] == v["covering"]):
        bad(f"verdicts differ: route log {r}, alert {a}, rovctl {v}")
if v.get("origin_as") != origin or v.get("prefix") != prefix:
    bad(f"rovctl validate: {v}")
for x in docs["rovctl vrp show"]:
    if not VRP_KEYS <= set(x):
        bad(f"rovctl vrp show VRP keys {sorted(x)}")
if ok:
    print(f"ok: {prefix} AS{origin} invalid/{v['reason']}: the route log, the alert and rovctl "
          f"agree on origin_as and {len(v['vrps'])} deciding VRP(s) {cut(v['vrps'])}; "
          f"no maxLength or bare origin key in {sum(len(o) for o in docs.values())} objects; "
          f"the route-leak fields in place in every announcement and alert")
sys.exit(0 if ok else 1)
PY
