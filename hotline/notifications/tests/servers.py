"""Real protocol peers on loopback for the channel tests."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from hotline.notifications.channels import sign


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmsGateway:
    """Stands in for a city's SMS provider: checks the signature, records
    every request, delivers each Idempotency-Key once, and can fail the next
    N requests or hold one open (to kill a worker mid-send)."""

    def __init__(self, secret="gateway-secret"):
        self.secret = secret
        self.requests = []  # every attempt, as received
        self.delivered = {}  # key -> body: what reached phones, once each
        self.fail_next = 0
        self.hold_seconds = 0.0
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                ok = self.headers.get("X-Hotline-Signature") == sign(gateway.secret, body)
                with gateway.lock:
                    gateway.requests.append((dict(self.headers), body, ok))
                    failing = gateway.fail_next > 0
                    if failing:
                        gateway.fail_next -= 1
                    hold, gateway.hold_seconds = gateway.hold_seconds, 0.0
                if hold:
                    time.sleep(hold)
                if not ok or failing:
                    self.send_response(403 if not ok else 503)
                    self.end_headers()
                    return
                with gateway.lock:
                    gateway.delivered.setdefault(self.headers["Idempotency-Key"], json.loads(body))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
