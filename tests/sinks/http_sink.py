#!/usr/bin/env python3
"""Receive rovmon's network sink posts (tests/e2e/90-sinks.sh, 91-...).

  http_sink.py PORTFILE OUTDIR [--slow N:SECS] [--fail N:CODE]

POST /hook       (webhook)  -> one JSON body per line in OUTDIR/webhook.jsonl
POST /NAME       (webhook)  -> the same in OUTDIR/NAME.jsonl
POST /IDX/_bulk  (ES bulk)  -> alert documents, one per line, in
                               OUTDIR/es.jsonl; answers like Elasticsearch
                               ({"errors":false,"items":[...]})
--slow N:SECS  the first N requests are answered after SECS seconds (a
               server that accepts but is slow)
--fail N:CODE  the first N requests are answered with HTTP CODE and not
               stored (a server that is overloaded or restarting)
--refuse N[:STATUS]  _bulk: the first N documents are refused, not
               stored: 200 with "errors":true and the item's STATUS (400,
               the default, as for a mapping conflict; 429 as when the
               write queue is full)
Every request, stored or not, adds a line "PATH STATUS" to
OUTDIR/requests.log.  Writes the chosen port to PORTFILE once listening.
"""
import argparse
import json
import os
import threading
import time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

ap = argparse.ArgumentParser()
ap.add_argument("portfile")
ap.add_argument("outdir")
ap.add_argument("--slow", default="0:0")
ap.add_argument("--fail", default="0:503")
ap.add_argument("--refuse", default="0:400")
args = ap.parse_args()
portfile, outdir = args.portfile, args.outdir
slow_n, slow_s = int(args.slow.split(":")[0]), float(args.slow.split(":")[1])
fail_n, fail_code = (int(x) for x in args.fail.split(":"))
refuse_n, refuse_status = (int(x) for x in (args.refuse + ":400").split(":")[:2])
seen = 0
refused = 0
lock = threading.Lock()


def nth_request():
    global seen
    with lock:
        seen += 1
        return seen


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 65536	# headers and body in one segment: no Nagle and
                        # delayed-ACK stall per keep-alive request

    def log_message(self, *a):
        pass

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_request(self, code="-", size="-"):
        with lock, open(os.path.join(outdir, "requests.log"), "a") as f:
            f.write("%s %s\n" % (self.path, int(code)))

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode()
        path = self.path.split("?")[0]
        k = nth_request()
        if k <= slow_n:
            time.sleep(slow_s)
        if k <= fail_n:
            return self.reply(fail_code, {"error": "try again"})
        if path.endswith("/_bulk"):
            if self.headers.get("Content-Type") != "application/x-ndjson":
                return self.reply(400, {"error": "content type"})
            lines = body.split("\n")
            if lines[-1] != "":
                return self.reply(400, {"error": "no final newline"})
            lines = lines[:-1]
            global refused
            items = []
            with open(os.path.join(outdir, "es.jsonl"), "a") as f:
                for i in range(0, len(lines), 2):
                    if json.loads(lines[i]) != {"index": {}}:
                        return self.reply(400, {"error": "action"})
                    doc = json.loads(lines[i + 1])
                    with lock:
                        refuse = refused < refuse_n
                        refused += refuse
                    if refuse:
                        items.append({"index": {"status": refuse_status, "error": {
                            "type": "mapper_parsing_exception",
                            "reason": "failed to parse"}}})
                        continue
                    f.write(json.dumps(doc) + "\n")
                    items.append({"index": {"status": 201}})
            with open(os.path.join(outdir, "es-requests"), "a") as f:
                f.write("%d\n" % len(items))
            errors = any("error" in it["index"] for it in items)
            return self.reply(200, {"errors": errors, "items": items})
        doc = json.loads(body)
        if not isinstance(doc.get("text"), str) or "alert" not in doc:
            return self.reply(400, {"error": "not a webhook payload"})
        name = path.strip("/").replace("/", "_")
        name = "webhook" if name in ("", "hook") else name
        with open(os.path.join(outdir, name + ".jsonl"), "a") as f:
            f.write(json.dumps(doc) + "\n")
        self.reply(200, {"ok": True})


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
