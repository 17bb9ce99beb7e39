"""A webhook receiver in Python, stdlib only, verifying notify's Standard Webhooks signature as docs/webhooks.md shows.

Usage: verify_webhook.py PORT SECRET. Prints one JSON line per request ({"verified": bool, "event": ...}) and exits
after the first request that verifies (answered 204); a request that does not verify is answered 401.
"""
import base64, hashlib, hmac, json, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer


def verify(secret: str, headers: dict, body: bytes) -> dict:
    msg_id, ts, signatures = headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"]
    if abs(time.time() - int(ts)) > 300:
        raise ValueError("timestamp too far from now")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
    # The header may hold several space-separated signatures (key rotation): any one matching is enough.
    if not any(hmac.compare_digest(expected, s.split(",", 1)[1]) for s in signatures.split() if s.startswith("v1,")):
        raise ValueError("bad signature")
    return json.loads(body)


class Receiver(BaseHTTPRequestHandler):
    done = False

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            event = verify(sys.argv[2], headers, body)
        except (ValueError, KeyError) as error:
            print(json.dumps({"verified": False, "error": str(error)}), flush=True)
            self.send_response(401)
            self.end_headers()
            return
        print(json.dumps({"verified": True, "webhookId": headers["webhook-id"], "event": event}), flush=True)
        self.send_response(204)
        self.end_headers()
        Receiver.done = True

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver)
server.timeout = 15
while not Receiver.done:
    server.handle_request()
