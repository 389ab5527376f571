"""A Web Push service on loopback, as a browser vendor runs one, strict about what it takes.

Each browser subscribed in a test is a :class:`Browser`: its own P-256 key pair and auth
secret, made here with ``cryptography``, and an endpoint on this service. For every POST the
service checks the VAPID ``Authorization`` (the JWT's ES256 signature against the ``k`` key
it carries, ``aud`` its own origin, ``exp`` in the next 24 hours, ``sub`` a ``mailto:`` or
``https:`` contact), decrypts the ``aes128gcm`` body with the browser's private key and secret
(``http_ece``), keeps the payload, and answers the next status the test gave for that browser
(201 by default). Anything it cannot check is answered 400 and kept in ``faults``.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from livefeed.outside.fetch_policy import FetchPolicy
from tests.other_sites import Resolver

HOST = "push.test"
LOOPBACK = ipaddress.IPv4Address("127.0.0.1")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """One browser's push subscription: its keys stay here, the server gets the public half."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    secret: bytes = field(default_factory=lambda: os.urandom(16))
    statuses: list[int] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    urgencies: list[str] = field(default_factory=list)

    @property
    def p256dh(self) -> str:
        point = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64(point)

    @property
    def auth(self) -> str:
        return b64(self.secret)

    def subscription(self) -> dict[str, Any]:
        """What ``PushSubscription.toJSON()`` gives a page."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


@dataclass
class PushService:
    port: int = 0
    browsers: dict[str, Browser] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    # The application server keys (``k``) requests were signed with.
    signers: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self.port}"

    def browser(self) -> Browser:
        name = f"/push/{len(self.browsers) + 1}"
        made = Browser(self.origin + name)
        self.browsers[name] = made
        return made

    def policy(self) -> FetchPolicy:
        """The production checks, widened only to reach this service on loopback."""
        return FetchPolicy(
            admits=lambda address: address == LOOPBACK,
            resolve=Resolver({HOST: ["127.0.0.1"]}),
            ports=frozenset({80, 443, self.port}),
        )

    def check(self, headers: dict[str, str], body: bytes, browser: Browser) -> dict[str, Any]:
        scheme, _, params = headers.get("authorization", "").partition(" ")
        assert scheme == "vapid", "not a VAPID authorization"
        parts = dict(item.split("=", 1) for item in params.split(","))
        token, key = parts["t"], parts["k"]
        signer = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(key))
        signed, _, signature = token.rpartition(".")
        raw = unb64(signature)
        assert len(raw) == 64, "an ES256 signature is r and s, 32 bytes each"
        der = encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
        try:
            signer.verify(der, signed.encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise AssertionError("the JWT is not signed by the key it names") from None
        header, claims = (json.loads(unb64(part)) for part in signed.split("."))
        assert header["alg"] == "ES256", header
        assert claims["aud"] == self.origin, claims
        assert time.time() < claims["exp"] <= time.time() + 86_400, claims
        assert claims["sub"].startswith(("mailto:", "https:")), claims
        assert headers.get("content-encoding") == "aes128gcm"
        assert int(headers["ttl"]) >= 0
        payload = http_ece.decrypt(
            body, private_key=browser.key, auth_secret=browser.secret, version="aes128gcm"
        )
        self.signers.append(key)
        browser.urgencies.append(headers.get("urgency", "normal"))
        decoded: dict[str, Any] = json.loads(payload)
        return decoded


@contextmanager
def push_service() -> Iterator[PushService]:
    state = PushService()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            with state.lock:
                browser = state.browsers.get(self.path)
                status = 404
                if browser is not None:
                    status = browser.statuses.pop(0) if browser.statuses else 201
                    try:
                        browser.received.append(state.check(headers, body, browser))
                    except Exception as fault:
                        state.faults.append(f"{type(fault).__name__}: {fault}")
                        status = 400
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
