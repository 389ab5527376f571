"""A request a client may send again without it acting twice (the ``Idempotency-Key`` header).

A phone on a train sends a post, the answer is lost, and the app sends it again: with the same
key, the second request gets the post the first one made. The key is the client's; what it was
sent with is kept as a fingerprint, so the same key on another request is a client's mistake,
said as such rather than answered with the wrong post.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from livefeed.domain.errors import Invalid

HEADER = "Idempotency-Key"
KEY_LENGTH = 255
# How long a key is remembered: long enough for any retry, short enough to keep few rows.
REMEMBERED = timedelta(days=1)
_KEY = re.compile(r"[\x21-\x7e]+")


@dataclass(frozen=True)
class Once:
    """A key and the fingerprint of the request that carried it."""

    key: str
    fingerprint: str


def once(key: str, method: str, path: str, body: bytes) -> Once:
    """Check ``key`` and fingerprint the request (its method, path and body)."""
    if not 1 <= len(key) <= KEY_LENGTH or not _KEY.fullmatch(key):
        raise Invalid.field(
            HEADER,
            "must be 1 to %(most)d visible ASCII characters, such as a UUID",
            most=KEY_LENGTH,
        )
    digest = hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()
    return Once(key, digest)


def check_same_request(kept: str, sent: Once) -> None:
    if kept != sent.fingerprint:
        raise Invalid.field(HEADER, "was already used for another request: send a new key")
