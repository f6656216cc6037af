#!/usr/bin/env python3
"""Serves the demo pages like the server will (/ = server web resources, /sdk/ = sdk/web) on 127.0.0.1.
Mode 'forbidden': /api/dev/usersig answers 403. Mode 'mock': it answers 200 and every page gets test/demo-mock.js
(in-page mock server + a remote peer). Results POSTed by demo-mock.js go to test/results.txt."""
import http.server, json, os, sys
SDK = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WEB = os.path.join(SDK, '..', '..', 'server', 'src', 'main', 'resources', 'web')
MODE = sys.argv[2] if len(sys.argv) > 2 else 'mock'
class Handler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path):
        path = path.split('?')[0]
        if path.startswith('/sdk/'): return os.path.join(SDK, path[5:])
        if path.startswith('/test/'): return os.path.join(SDK, 'test', path[6:])
        return os.path.join(WEB, path.lstrip('/') or 'index.html')
    def do_GET(self):
        if self.path.startswith('/api/dev/usersig'):
            if MODE == 'forbidden':
                body, status = {'code': -1, 'message': 'the development UserSig endpoint is disabled (dev.userSigEndpoint=false)'}, 403
            else:
                body, status = {'sdkAppID': 1400000001, 'userID': self.path.split('userID=')[1], 'userSig': 'good'}, 200
            data = json.dumps(body).encode()
            self.send_response(status); self.send_header('content-type', 'application/json'); self.end_headers(); self.wfile.write(data)
            return
        p = self.translate_path(self.path)
        if MODE == 'mock' and p.endswith('.html') and os.path.exists(p):
            html = open(p, encoding='utf-8').read().replace('<link rel="stylesheet"', '<script type="module" src="/test/demo-mock.js"></script>\n<link rel="stylesheet"', 1)
            data = html.encode()
            self.send_response(200); self.send_header('content-type', 'text/html; charset=utf-8'); self.end_headers(); self.wfile.write(data)
            return
        return super().do_GET()
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('content-length', 0)))
        with open(os.path.join(SDK, 'test', 'results.txt'), 'wb') as f: f.write(body)
        self.send_response(204); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), Handler).serve_forever()
