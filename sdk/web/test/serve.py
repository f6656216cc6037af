#!/usr/bin/env python3
"""Serves sdk/web on 127.0.0.1 and stores the harness's POSTed results in test/results.txt."""
import http.server, os, sys
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k): super().__init__(*a, directory=ROOT, **k)
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('content-length', 0)))
        with open(os.path.join(ROOT, 'test', 'results.txt'), 'wb') as f: f.write(body)
        self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1]) if len(sys.argv) > 1 else 8765), Handler).serve_forever()
