#!/usr/bin/python3
"""A TRTC callback receiver for Lianmai's tests, run as a process of its own.

usage: receiver.py PORT LOG MODE [SLOW_SECONDS]

Every POST is appended to LOG as one JSON line (flushed before the answer): the arrival's attempt number for its
event, the status it is answered with, the headers SdkAppId, Sign and X-Lianmai-Event-Id, and the raw body. MODE
"ok" answers 200 at once. MODE "flaky" decides by the event id: a quarter of the events get 500 on their first two
attempts, a quarter are answered only after SLOW_SECONDS on their first attempt (the sender has given up on it by
then), the rest 200 at once. Attempts are counted in memory, so a restarted receiver starts counting again.
"""
import hashlib
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
LOG = sys.argv[2]
MODE = sys.argv[3]
SLOW = float(sys.argv[4]) if len(sys.argv) > 4 else 3.0
attempts = {}
lock = threading.Lock()


def decide(event_id, attempt):
    if MODE != "flaky":
        return 200, 0
    bucket = int(hashlib.sha1(event_id.encode()).hexdigest(), 16) % 4
    if bucket == 0 and attempt <= 2:
        return 500, 0
    if bucket == 1 and attempt == 1:
        return 200, SLOW
    return 200, 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length).decode("utf-8")
        try:
            event_id = json.loads(raw).get("EventId", "")
        except ValueError:
            event_id = ""
        with lock:
            attempts[event_id] = attempts.get(event_id, 0) + 1
            attempt = attempts[event_id]
            status, delay = decide(event_id, attempt)
            with open(LOG, "a", encoding="utf-8") as log:
                log.write(json.dumps({
                    "eventId": event_id,
                    "attempt": attempt,
                    "status": status,
                    "slow": delay > 0,
                    "sdkAppId": self.headers.get("SdkAppId"),
                    "sign": self.headers.get("Sign"),
                    "eventIdHeader": self.headers.get("X-Lianmai-Event-Id"),
                    "contentType": self.headers.get("Content-Type"),
                    "body": raw,
                }) + "\n")
                log.flush()
        if delay:
            time.sleep(delay)
        answer = b'{"code":0}' if status == 200 else b'{"code":1}'
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
server.daemon_threads = True
print("listening", flush=True)
server.serve_forever()
