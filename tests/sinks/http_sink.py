#!/usr/bin/env python3
"""Receive rovmon's network sink posts (tests/e2e/90-sinks.sh).

  http_sink.py PORTFILE OUTDIR

POST /hook       (webhook)  -> one JSON body per line in OUTDIR/webhook.jsonl
POST /IDX/_bulk  (ES bulk)  -> alert documents, one per line, in
                               OUTDIR/es.jsonl; answers like Elasticsearch
                               ({"errors":false,"items":[...]})
Writes the chosen port to PORTFILE once listening.
"""
import json
import os
import sys
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

portfile, outdir = sys.argv[1], sys.argv[2]


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

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode()
        if self.path.endswith("/_bulk"):
            if self.headers.get("Content-Type") != "application/x-ndjson":
                return self.reply(400, {"error": "content type"})
            lines = body.split("\n")
            if lines[-1] != "":
                return self.reply(400, {"error": "no final newline"})
            lines = lines[:-1]
            items = []
            with open(os.path.join(outdir, "es.jsonl"), "a") as f:
                for i in range(0, len(lines), 2):
                    if json.loads(lines[i]) != {"index": {}}:
                        return self.reply(400, {"error": "action"})
                    doc = json.loads(lines[i + 1])
                    f.write(json.dumps(doc) + "\n")
                    items.append({"index": {"status": 201}})
            with open(os.path.join(outdir, "es-requests"), "a") as f:
                f.write("%d\n" % len(items))
            return self.reply(200, {"errors": False, "items": items})
        doc = json.loads(body)
        if not isinstance(doc.get("text"), str) or "alert" not in doc:
            return self.reply(400, {"error": "not a webhook payload"})
        with open(os.path.join(outdir, "webhook.jsonl"), "a") as f:
            f.write(json.dumps(doc) + "\n")
        self.reply(200, {"ok": True})


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(portfile + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
