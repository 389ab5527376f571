"""API tokens and invitation links: random secrets handed out once and kept as hashes.

A token's reach (its :class:`~livefeed.domain.access.TokenScope`) only narrows what its account
may do; its lifetime is written like ``30d``. Why a token was refused is said plainly to
whoever holds it: only the holder of a real token can learn that it expired or was revoked,
and nobody can guess one.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from livefeed.domain.access import TokenScope
from livefeed.domain.errors import N_, Invalid

TOKEN_PREFIX = "lf_"  # noqa: S105 (not a secret: marks a string as a Livefeed token)
# The longest lifetime a token may be given; "never" is for scripts that are looked after.
MAX_LIFETIME = timedelta(days=3650)
NEVER = frozenset({"", "never", "none"})
_LIFETIME = re.compile(r"^(\d{1,5})\s*([hdwy])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1),
          "y": timedelta(days=365)}  # fmt: skip

# The desk shows a token's state (``ApiToken.state``) translated: these put each in the catalogs.
STATE_NAMES = (N_("active"), N_("expired"), N_("revoked"))
REFUSED_UNKNOWN = "that API token is unknown: send one made with `livefeed token create`"
REFUSED_REVOKED = "this token was revoked: make a new one"
REFUSED_EXPIRED = "this token has expired: make a new one"
REFUSED_DISABLED = "this token's account is disabled"


def digest(secret: str) -> str:
    """What is stored of a secret handed out: its SHA-256, so a copy of the database opens
    nothing. A secret of 256 random bits needs no slow hash."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_secret(prefix: str = "") -> str:
    return prefix + secrets.token_urlsafe(32)


def parse_lifetime(value: object, field: str = "expires") -> timedelta | None:
    """``"30d"``, ``"12h"``, ``"2w"``, ``"1y"``; ``"never"`` (or nothing) for no expiry."""
    text = value.strip().lower() if isinstance(value, str) else None
    if text is None:
        raise Invalid.field(field, "must be a lifetime like 30d, 12h, 2w or 1y, or never")
    if text in NEVER:
        return None
    found = _LIFETIME.match(text)
    if not found:
        raise Invalid.field(field, "must be a lifetime like 30d, 12h, 2w or 1y, or never")
    lifetime = int(found.group(1)) * _UNITS[found.group(2)]
    if lifetime <= timedelta(0):
        raise Invalid.field(field, "must be longer than nothing")
    if lifetime > MAX_LIFETIME:
        raise Invalid.field(field, "must be at most ten years (or never)")
    return lifetime


@dataclass(frozen=True)
class ApiToken:
    """A token as its owner sees it in a list: never the secret itself."""

    id: int
    user_id: int
    name: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    scope: TokenScope

    def refusal(self, now: datetime, *, account_disabled: bool) -> str | None:
        """Why the token cannot be used now, or ``None`` if it can."""
        if self.revoked_at is not None:
            return REFUSED_REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return REFUSED_EXPIRED
        if account_disabled:
            return REFUSED_DISABLED
        return None

    def state(self, now: datetime) -> str:
        """``active``, ``expired`` or ``revoked``, for lists."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"
