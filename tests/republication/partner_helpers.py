"""Partners for tests: an approved partner with a key, and a webhook receiver of its own."""

import hashlib
import hmac
import json
import ssl
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from republication.models import Partner

WEBHOOK_SECRET = "receiver-shared-secret"
REPLAY_WINDOW_SECONDS = 300


def make_partner(organisation="Harbour Gazette", hosts="harbour-gazette.example", **fields):
    """An approved partner and its API key (the key, as shown once)."""
    partner = Partner.objects.create(
        organisation=organisation,
        contact_email="desk@harbour-gazette.example",
        hosts=hosts,
        **fields,
    )
    partner.approve(None)
    return partner, partner.issue_key()


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def self_signed_certificate(folder):
    """A certificate for 127.0.0.1 that no authority signed: (certificate file, key file)."""
    certificate, key = folder / "receiver.pem", folder / "receiver.key"
    subprocess.run(  # noqa: S603 - fixed arguments, a file of the test's own
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(certificate), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return certificate, key


class WebhookReceiver:
    """A partner's webhook endpoint on a local port, in a thread, as a partner would write it:
    it checks the signature and refuses a stale timestamp. `answers` are the statuses it gives,
    one per request (then 200); `requests` what it received and whether it trusted each."""

    def __init__(self, secret=WEBHOOK_SECRET, answers=(), redirect_to=None, tls=None):
        self.secret = secret
        self.answers = list(answers)
        self.redirect_to = redirect_to
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    {
                        "headers": dict(self.headers),
                        "body": body,
                        "verified": receiver.verify(self.headers, body),
                    }
                )
                status = receiver.answers.pop(0) if receiver.answers else 200
                self.send_response(status)
                if receiver.redirect_to:
                    self.send_header("Location", receiver.redirect_to)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        scheme = "http"
        if tls is not None:  # (certificate file, key file)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.port}/hooks/newsroom"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def verify(self, headers, body):
        """What a partner's endpoint must check: the HMAC of "<timestamp>.<body>", and that
        the timestamp is recent (a replayed delivery is refused)."""
        try:
            timestamp = int(headers["X-Newsroom-Timestamp"])
        except (KeyError, ValueError):
            return False
        if abs(time.time() - timestamp) > REPLAY_WINDOW_SECONDS:
            return False
        expected = hmac.new(
            self.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(headers.get("X-Newsroom-Signature", ""), f"sha256={expected}")

    def events(self):
        return [json.loads(request["body"]) for request in self.requests]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
