"""Webhooks: admins register URLs; every post published, edited, deleted and feed ended is POSTed.

Deliveries are an outbox in the database, written in the event's own transaction
(:func:`livefeed.store.webhooks.enqueue`), so a restart neither loses nor repeats one. A sender
(:func:`deliver_due`) claims each due delivery with a conditional UPDATE before sending it, so two
instances never send the same delivery; a failed attempt is retried with exponential backoff
(30 s doubling, at most an hour apart) until a day after the event, then marked failed.

Each request is signed: ``Livefeed-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`` over
``f"{t}.{body}"`` with the webhook's secret; receivers check it with :func:`verify_signature`,
which also refuses old timestamps, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from livefeed.domain.errors import Invalid, NotFound
from livefeed.domain.users import User, require_admin
from livefeed.outside.fetch_policy import FetchPolicy, Refused, check_url
from livefeed.outside.fetching import post_json
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store import webhooks as webhook_store
from livefeed.store.webhooks import Delivery, Webhook

# What sends one request: (url, body, headers) to the response status; Refused if unreachable.
Send = Callable[[str, bytes, dict[str, str]], int]

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=1)
SIGNATURE_TOLERANCE = 300


@dataclass(frozen=True)
class Registered:
    """A new webhook and its secret: shown once, never again."""

    webhook: Webhook
    secret: str


def register(
    svc: Services, actor: User | None, url: str, feed_slug: str | None = None
) -> Registered:
    """A webhook for one feed, or with no ``feed_slug`` for every feed on the site."""
    require_admin(actor)
    url = url.strip()
    try:
        check_url(url, svc.fetch_policy)
    except Refused as refused:
        raise Invalid.field("url", str(refused)) from None
    secret = "whsec_" + secrets.token_hex(32)
    with svc.db.write() as conn:
        feed_id = None
        if feed_slug is not None:
            feed_id = feed_store.require_feed(conn, feed_slug).id
        webhook = webhook_store.insert_webhook(
            conn, feed_id=feed_id, url=url, secret=secret, now=svc.clock()
        )
    return Registered(webhook, secret)


def deliveries(svc: Services, actor: User | None, webhook_id: int) -> list[Delivery]:
    """The delivery log of a webhook, newest first."""
    require_admin(actor)
    with svc.db.read() as conn:
        if webhook_store.get_webhook(conn, webhook_id) is None:
            raise NotFound(f"there is no webhook {webhook_id}")
        return webhook_store.for_webhook(conn, webhook_id)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    secret: str, header: str, body: bytes, now: float, tolerance: float = SIGNATURE_TOLERANCE
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds of ``now``."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        key, _, value = item.strip().partition("=")
        parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).rpartition("v1=")[2]
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))


def sender(policy: FetchPolicy) -> Send:
    """The production sender: each POST goes through the fetch address checks."""

    def send(url: str, body: bytes, headers: dict[str, str]) -> int:
        return post_json(url, body, headers, policy)

    return send


def deliver_due(svc: Services, now: datetime, send: Send) -> int:
    """Send every delivery due at ``now`` that this caller claims first; how many were sent."""
    with svc.db.read() as conn:
        due = webhook_store.due(conn, now)
    sent = 0
    for delivery in due:
        with svc.db.write() as conn:
            if not webhook_store.claim(conn, delivery, now + webhook_store.LEASE):
                continue  # another sender has it
            webhook = webhook_store.get_webhook(conn, delivery.webhook_id)
        if webhook is None:
            continue
        _attempt(svc, now, send, webhook, delivery)
        sent += 1
    return sent


def _attempt(
    svc: Services, now: datetime, send: Send, webhook: Webhook, delivery: Delivery
) -> None:
    body = delivery.payload.encode()
    headers = {
        "Livefeed-Signature": sign(webhook.secret, int(now.timestamp()), body),
        "Livefeed-Event": delivery.event_type,
        "Livefeed-Delivery": str(delivery.id),
    }
    status: int | None = None
    error = ""
    try:
        status = send(webhook.url, body, headers)
        if not 200 <= status < 300:
            error = f"the receiver answered {status}"
    except Refused as refused:
        error = str(refused)
    attempts = delivery.attempts + 1
    with svc.db.write() as conn:
        if not error:
            webhook_store.settle(
                conn,
                delivery.id,
                state="delivered",
                status=status,
                error="",
                next_attempt_at=now,
                delivered_at=now,
            )
            return
        give_up = delivery.created_at + GIVE_UP_AFTER
        wait = min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)
        if now >= give_up:
            state, retry_at = "failed", now
        else:
            state, retry_at = "pending", min(now + wait, give_up)
        webhook_store.settle(
            conn,
            delivery.id,
            state=state,
            status=status,
            error=error,
            next_attempt_at=retry_at,
            delivered_at=None,
        )
