"""Handing an alert to a browser's push service: Web Push (RFC 8030) with the payload
encrypted to the browser (RFC 8291, ``aes128gcm``) and our VAPID identity (RFC 8292).

The POST goes through the same address checks as every request the server makes
(:mod:`livefeed.outside.fetching`): a subscription's endpoint is written by whoever
subscribed, so it must not lead the server to itself.
"""

from __future__ import annotations

import base64
import os
import time
from urllib.parse import urlsplit

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from livefeed.outside.fetch_policy import FetchPolicy
from livefeed.outside.fetching import post_bytes

# How long a push service keeps an alert for a browser that is offline: after a day it is no
# longer news.
TIME_TO_LIVE = 86_400
# How long our signature on a request holds (RFC 8292 allows at most a day).
SIGNED_FOR = 12 * 3600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_private_key() -> str:
    """A fresh VAPID private key: the P-256 scalar, 32 bytes in URL-safe base64."""
    key = ec.generate_private_key(ec.SECP256R1())
    return _b64(key.private_numbers().private_value.to_bytes(32, "big"))


def read_private_key(text: str) -> str:
    """A VAPID private key given as PEM or as the raw scalar in URL-safe base64, as the raw
    scalar; ``ValueError`` if it is neither."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        loaded = serialization.load_pem_private_key(text.encode(), password=None)
        if not isinstance(loaded, ec.EllipticCurvePrivateKey) or not isinstance(
            loaded.curve, ec.SECP256R1
        ):
            raise ValueError("the VAPID key must be a P-256 (prime256v1) EC private key")
        return _b64(loaded.private_numbers().private_value.to_bytes(32, "big"))
    try:
        raw = _unb64(text)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise ValueError("the VAPID key must be a PEM EC key or 32 bytes in URL-safe base64")
    return _b64(raw)


def public_key(private_key: str) -> str:
    """The application server key browsers subscribe with: the uncompressed point, base64url."""
    key = ec.derive_private_key(int.from_bytes(_unb64(private_key), "big"), ec.SECP256R1())
    point = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64(point)


def encrypt(payload: bytes, p256dh: str, auth: str) -> bytes:
    """``payload`` encrypted to the browser's key and secret, with a key pair of its own."""
    return bytes(
        http_ece.encrypt(
            payload,
            salt=os.urandom(16),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            dh=_unb64(p256dh),
            auth_secret=_unb64(auth),
            version="aes128gcm",
        )
    )


def vapid_authorization(private_key: str, endpoint: str, contact: str, now: float) -> str:
    """``vapid t=<JWT>,k=<public key>`` for the push service at ``endpoint``'s origin."""
    parts = urlsplit(endpoint)
    claims = {
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(now) + SIGNED_FOR,
        "sub": contact,
    }
    signed: dict[str, str] = Vapid02.from_raw(private_key.encode()).sign(claims)
    return signed["Authorization"]


def send(
    endpoint: str,
    payload: bytes,
    *,
    p256dh: str,
    auth: str,
    private_key: str,
    contact: str,
    policy: FetchPolicy,
    urgency: str = "normal",
) -> int:
    """POST one encrypted alert; the push service's status (201 taken, 404 or 410 gone).
    :class:`~livefeed.outside.fetch_policy.Refused` when it may not or could not be reached."""
    headers = {
        "Authorization": vapid_authorization(private_key, endpoint, contact, time.time()),
        "Content-Encoding": "aes128gcm",
        "TTL": str(TIME_TO_LIVE),
        "Urgency": urgency,
    }
    body = encrypt(payload, p256dh, auth)
    return post_bytes(endpoint, body, "application/octet-stream", headers, policy)
