"""A reader's alerts from a feed (Web Push): what they choose, what a subscription must hold,
and how often a feed may alert them.

A subscription keeps only what sending needs: the push service's address for the browser
(``endpoint``), the browser's public key (``p256dh``) and secret (``auth``) that the payload
is encrypted to, the feed, the choice, and the language the alerts are written in. No
address, no browser name, no account.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from livefeed.domain.errors import Checks, Invalid
from livefeed.domain.languages import clean_language

# One alert at most in this time per subscription: a feed that publishes a burst of key
# events buzzes a phone once, with how many there were, instead of a dozen times a minute.
ALERT_EVERY = timedelta(minutes=5)
ENDPOINT_LENGTH = 2000
ENDPOINT = "subscription.endpoint"
# An uncompressed P-256 point (RFC 8291 §3.1) and a 16-byte authentication secret.
P256DH_BYTES = 65
AUTH_BYTES = 16


class Choice(StrEnum):
    """What a reader is alerted to."""

    KEY_EVENTS = "key_events"
    EVERY_POST = "every_post"

    def wants(self, key_event: bool) -> bool:
        return key_event or self is Choice.EVERY_POST


@dataclass(frozen=True)
class SubscriptionInput:
    endpoint: str
    p256dh: str
    auth: str
    choice: Choice
    language: str


def _decoded(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _key(keys: Mapping[str, object], name: str, size: int) -> str:
    field = f"subscription.keys.{name}"
    value = keys.get(name)
    if not isinstance(value, str) or not value.strip():
        raise Invalid.field(field, "is required")
    decoded = _decoded(value.strip())
    if decoded is None or len(decoded) != size:
        raise Invalid.field(field, "must be %(size)d bytes in URL-safe base64", size=size)
    return value.strip()


def _endpoint(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Invalid.field(field, "is required")
    if len(value) > ENDPOINT_LENGTH:
        raise Invalid.field(field, "at most %(limit)d characters", limit=ENDPOINT_LENGTH)
    return value.strip()


def parse_choice(value: object) -> Choice:
    try:
        return Choice(str(value))
    except ValueError:
        raise Invalid.field("choice", "choose key_events or every_post") from None


def parse_subscription(fields: Mapping[str, object]) -> SubscriptionInput:
    """The browser's ``PushSubscription.toJSON()`` under ``subscription``, the ``choice``, and
    the ``language`` of the page it was made on; :class:`Invalid` naming each field at fault."""
    checks = Checks()
    subscription = fields.get("subscription")
    if not isinstance(subscription, Mapping):
        raise Invalid.field("subscription", "must be the browser's push subscription")
    endpoint = checks.run(lambda: _endpoint(subscription.get("endpoint"), ENDPOINT), "")
    keys = subscription.get("keys")
    p256dh = auth = ""
    if isinstance(keys, Mapping):
        p256dh = checks.run(lambda: _key(keys, "p256dh", P256DH_BYTES), "")
        auth = checks.run(lambda: _key(keys, "auth", AUTH_BYTES), "")
    else:
        checks.fail("subscription.keys", "must hold p256dh and auth")
    choice = checks.run(lambda: parse_choice(fields.get("choice")), Choice.KEY_EVENTS)
    language = checks.run(lambda: clean_language(fields.get("language") or "en"), "en")
    checks.done()
    return SubscriptionInput(endpoint, p256dh, auth, choice, language)


def parse_unsubscribe(fields: Mapping[str, object]) -> tuple[str, str]:
    """The ``endpoint`` and ``auth`` secret that show the browser holds the subscription."""
    checks = Checks()
    endpoint = checks.run(lambda: _endpoint(fields.get("endpoint"), "endpoint"), "")
    auth = fields.get("auth")
    if not isinstance(auth, str) or not auth.strip():
        checks.fail("auth", "is required")
    checks.done()
    assert isinstance(auth, str)
    return endpoint, auth.strip()
