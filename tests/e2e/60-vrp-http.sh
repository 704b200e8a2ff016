#!/bin/sh
# sanitizer: yes
# VRPs over HTTP: a local server on 127.0.0.1 (python3) that serves a
# VRP file with ETag/Last-Modified and answers 304 to conditional
# requests, gzip content-encoding, a .bz2 file, redirects (and a loop),
# 404, 500, an HTML page, an empty body, a body cut short of its
# Content-Length, truncated JSON and a response slower than the timeout.
# The checks are in tests/unit/test_vrp_fetch.c, run with VRP_TEST_URL.
set -u
cd "$(dirname "$0")/../.."
BUILD=${ROVMON_BUILD:-build}
T=$BUILD/tests/test_vrp_fetch
if [ ! -x "$T" ]; then
	echo "skip: $T not built"
	exit 77
fi
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
tmp=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
python3 - "$tmp/port" tests/vrps/stayrtr-smalltest.rpki.json <<'PY' &
import gzip, bz2, sys, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

portfile, vrpfile = sys.argv[1], sys.argv[2]
body = open(vrpfile, "rb").read()
ETAG, LASTMOD = '"v1"', "Sun, 20 Jul 2025 09:31:33 GMT"

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, data, ctype="application/json", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        p = self.path
        if p == "/vrps.json":
            if (self.headers.get("If-None-Match") == ETAG or
                    self.headers.get("If-Modified-Since") == LASTMOD):
                self.send_response(304)
                self.send_header("ETag", ETAG)
                self.end_headers()
                return
            self.send(200, body, extra=[("ETag", ETAG),
                                        ("Last-Modified", LASTMOD)])
        elif p == "/gzip":
            if "gzip" not in self.headers.get("Accept-Encoding", ""):
                self.send(406, b"gzip only\n", "text/plain")
                return
            self.send(200, gzip.compress(body),
                      extra=[("Content-Encoding", "gzip")])
        elif p == "/vrps.json.bz2":
            self.send(200, bz2.compress(body), "application/octet-stream")
        elif p == "/redirect":
            self.send(302, b"", extra=[("Location", "/redirect2")])
        elif p == "/redirect2":
            self.send(301, b"", extra=[("Location", "/vrps.json")])
        elif p == "/loop":
            self.send(302, b"", extra=[("Location", "/loop")])
        elif p == "/error":
            self.send(500, b"<html>Internal Server Error</html>\n",
                      "text/html")
        elif p == "/garbage":
            self.send(200, b"<!DOCTYPE html>\n<html><body>Welcome to "
                      b"nginx!</body></html>\n", "text/html")
        elif p == "/empty":
            self.send(200, b"")
        elif p == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", str(len(body) + 1000))
            self.end_headers()
            self.wfile.write(body[:100])
            self.wfile.flush()
            self.close_connection = True
        elif p == "/truncated-json":
            self.send(200, body[:len(body) // 2])
        elif p == "/slow":
            time.sleep(4)
            self.send(200, body)
        else:
            self.send(404, b"not found\n", "text/plain")

srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
open(portfile + ".tmp", "w").write(str(srv.server_address[1]))
import os
os.rename(portfile + ".tmp", portfile)
srv.serve_forever()
PY
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -s "$tmp/port" ]; then
	echo "FAIL: the test HTTP server did not start"
	exit 1
fi
VRP_TEST_URL="http://127.0.0.1:$(cat "$tmp/port")" "$T"
