#!/usr/bin/env python3
"""A stand-in ECS task metadata endpoint v4 for the memory benchmark: serves the test fixtures
(csidecar/src/test/resources/ecs/) at /v4/bench/task and /v4/bench/task/stats on 127.0.0.1.
Usage: fake_metadata.py PORT"""
import http.server
import pathlib
import sys

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "csidecar/src/test/resources/ecs"
ROUTES = {"/v4/bench/task": "task.json", "/v4/bench/task/stats": "stats-second.json"}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        name = ROUTES.get(self.path)
        body = (FIXTURES / name).read_bytes() if name else b'{"error":"not found"}'
        self.send_response(200 if name else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
