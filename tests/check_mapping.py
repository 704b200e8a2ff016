#!/usr/bin/env python3
"""Check alert JSON lines against the Elasticsearch index template.

  check_mapping.py TEMPLATE.json ALERTS.jsonl [ALERTS.jsonl ...]

Every field of every alert (recursively) must appear in the template's
mappings with a type its value fits: ip parses as an IP address, long and
integer are integers in range, date parses as ISO 8601, keyword and text
are strings, binary is base64, objects and nested have properties.  Arrays
are checked element by element (Elasticsearch flattens them, so the AS
path's nested AS_SET arrays are longs too); null is always accepted.
Exit 0 when all fit, 1 with one line per problem otherwise.
"""
import base64
import binascii
import datetime
import ipaddress
import json
import sys

LIMITS = {"long": (-2**63, 2**63 - 1), "integer": (-2**31, 2**31 - 1),
          "short": (-2**15, 2**15 - 1), "byte": (-128, 127)}


def fits(ftype, v):
    if ftype in LIMITS:
        lo, hi = LIMITS[ftype]
        return isinstance(v, int) and not isinstance(v, bool) and \
            lo <= v <= hi
    if ftype in ("keyword", "text", "wildcard"):
        return isinstance(v, str)
    if ftype == "ip":
        try:
            ipaddress.ip_address(v)
            return True
        except (ValueError, TypeError):
            return False
    if ftype == "ip_range":
        try:
            ipaddress.ip_network(v)
            return True
        except (ValueError, TypeError):
            return False
    if ftype in ("date", "date_nanos"):
        try:
            datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
            return True
        except (ValueError, AttributeError):
            return False
    if ftype == "binary":
        try:
            base64.b64decode(v, validate=True)
            return isinstance(v, str)
        except (binascii.Error, TypeError):
            return False
    if ftype == "boolean":
        return isinstance(v, bool)
    return False


def check(mapping, v, path, errs):
    if v is None:
        return
    if isinstance(v, list):
        for x in v:
            check(mapping, x, path, errs)
        return
    ftype = mapping.get("type", "object")
    if isinstance(v, dict):
        if ftype not in ("object", "nested") or "properties" not in mapping:
            errs.add("%s: an object, mapped as %s" % (path, ftype))
            return
        for k, x in v.items():
            sub = mapping["properties"].get(k)
            if sub is None:
                errs.add("%s.%s: not in the mapping" % (path, k))
                continue
            check(sub, x, path + "." + k, errs)
        return
    if not fits(ftype, v):
        errs.add("%s: %r does not fit type %s" % (path, v, ftype))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    tpl = json.load(open(sys.argv[1]))
    root = {"type": "object",
            "properties": tpl["template"]["mappings"]["properties"]}
    errs, n = set(), 0
    for fn in sys.argv[2:]:
        for lineno, line in enumerate(open(fn), 1):
            try:
                doc = json.loads(line)
            except ValueError as e:
                errs.add("%s:%d: not JSON: %s" % (fn, lineno, e))
                continue
            n += 1
            check(root, doc, "$", errs)
    for e in sorted(errs):
        print(e)
    if n == 0:
        print("no alerts read")
        return 1
    if not errs:
        print("check_mapping: %d alerts fit %s" % (n, sys.argv[1]))
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
