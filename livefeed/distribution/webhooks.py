"""Webhooks: admins register URLs; posts published, edited, deleted and feeds ended are POSTed,
and comments approved and removed to those that ask for them.

Deliveries are an outbox in the database, written in the event's own transaction
(:func:`livefeed.store.webhooks.enqueue`), so a restart neither loses nor repeats one. A sender
(:func:`deliver_due`) claims each due delivery with a conditional UPDATE before sending it, so two
instances never send the same delivery; a failed attempt is retried with exponential backoff
(30 s doubling, at most an hour apart) until a day after the event, then marked failed. A paused
webhook is queued nothing, and what was queued for it waits.

Each request is signed as Standard Webhooks says (``webhook-id``, ``webhook-timestamp``,
``webhook-signature``), so a receiver checks it with a stock library. The earlier
``Livefeed-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`` over ``f"{t}.{body}"`` is still sent
beside it, for receivers not yet moved (:func:`verify_signature` checks it).

A receiver must be a public address unless an admin listed it in ``LIVEFEED_WEBHOOK_ALLOW``.
Where a name leads is checked at each delivery, not at registration, so a receiver may be set
up after its webhook.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import ipaddress
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from standardwebhooks.webhooks import Webhook as StandardWebhook

from livefeed.access import audit
from livefeed.domain import outbox
from livefeed.domain.errors import Invalid, Message, NotFound
from livefeed.domain.users import User, require_admin
from livefeed.outside.fetch_policy import FetchPolicy, Refused, check_url
from livefeed.outside.fetching import post_json
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import feeds as feed_store
from livefeed.store import webhooks as webhook_store
from livefeed.store.webhooks import SUBSCRIBABLE, TEST_EVENT, Delivery, Webhook

# What sends one request: (url, body, headers) to the response status; Refused if unreachable.
Send = Callable[[str, bytes, dict[str, str]], int]

SIGNATURE_TOLERANCE = 300


@dataclass(frozen=True)
class Registered:
    """A new webhook and its secret: shown once, never again."""

    webhook: Webhook
    secret: str


# What a webhook may choose, for the desk's form.
EVENT_TYPES = tuple(sorted(kind.value for kind in SUBSCRIBABLE))


@dataclass(frozen=True)
class WebhookRow:
    """A webhook as the admins' list shows it: its feed's slug and its latest deliveries."""

    webhook: Webhook
    feed_slug: str | None
    recent: list[Delivery]


def register(
    svc: Services,
    actor: User | None,
    url: str,
    feed_slug: str | None = None,
    events: Iterable[str] | None = None,
) -> Registered:
    """A webhook for one feed, or with no ``feed_slug`` for every feed on the site; ``events``
    names the event types it wants (default: posts and feeds ending)."""
    require_admin(actor)
    url = url.strip()
    chosen = parse_events(events)
    try:
        check_url(url, webhook_policy(svc), resolve=False)
    except Refused as refused:
        raise Invalid.field("url", str(refused)) from None
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    with svc.db.write() as conn:
        feed_id = None
        if feed_slug:
            feed_id = feed_store.require_feed(conn, feed_slug).id
        webhook = webhook_store.insert_webhook(
            conn, feed_id=feed_id, url=url, secret=secret, now=svc.clock(), events=chosen
        )
        audit.record(svc, conn, actor, "webhook.added", url, feed_id=feed_id, webhook=webhook.id)
    return Registered(webhook, secret)


def parse_events(events: Iterable[str] | None) -> frozenset[str] | None:
    """The event types asked for, each one known; ``None`` (the default set) for none given."""
    chosen = frozenset(item.strip() for item in events or () if item.strip())
    if not chosen:
        return None
    unknown = sorted(chosen - {kind.value for kind in SUBSCRIBABLE})
    if unknown:
        known = ", ".join(sorted(kind.value for kind in SUBSCRIBABLE))
        raise Invalid.field(
            "events",
            "%(unknown)s: not an event; choose from %(known)s",
            unknown=", ".join(unknown),
            known=known,
        )
    return chosen


def webhook_policy(svc: Services) -> FetchPolicy:
    """The fetch rules, widened to the receivers the admin listed in LIVEFEED_WEBHOOK_ALLOW."""
    hosts, networks = allowed(svc.settings)
    return dataclasses.replace(svc.fetch_policy, allowed_hosts=hosts, allowed_networks=networks)


def allowed(
    settings: Settings,
) -> tuple[frozenset[str], tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]]:
    hosts, networks = set(), []
    for item in settings.webhook_allow:
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError:
            hosts.add(item)
    return frozenset(hosts), tuple(networks)


def list_webhooks(svc: Services, actor: User | None, *, recent: int = 5) -> list[WebhookRow]:
    """Every webhook, oldest first, with its ``recent`` latest deliveries."""
    require_admin(actor)
    with svc.db.read() as conn:
        rows = []
        for webhook in webhook_store.all_webhooks(conn):
            slug = None
            if webhook.feed_id is not None:
                slug = feed_store.require_feed_by_id(conn, webhook.feed_id).slug
            latest = webhook_store.for_webhook(conn, webhook.id, limit=recent)
            rows.append(WebhookRow(webhook, slug, latest))
        return rows


def remove(svc: Services, actor: User | None, webhook_id: int) -> Webhook:
    """The webhook and its delivery log go; nothing more is sent to it."""
    admin = require_admin(actor)
    with svc.db.write() as conn:
        webhook = _require(conn, webhook_id)
        webhook_store.delete_webhook(conn, webhook_id)
        audit.record(svc, conn, admin, "webhook.removed", webhook.url, webhook=webhook_id)
    return webhook


def set_paused(svc: Services, actor: User | None, webhook_id: int, paused: bool) -> Webhook:
    """Pause (nothing is queued, what was queued waits) or resume a webhook."""
    admin = require_admin(actor)
    with svc.db.write() as conn:
        webhook = _require(conn, webhook_id)
        if webhook.disabled != paused:
            webhook_store.set_paused(conn, webhook_id, paused)
            action = "webhook.paused" if paused else "webhook.resumed"
            audit.record(svc, conn, admin, action, webhook.url, webhook=webhook_id)
        return _require(conn, webhook_id)


def send_test(svc: Services, actor: User | None, webhook_id: int) -> None:
    """Queue a ``webhook.test`` event for the webhook; the sender takes it within seconds."""
    require_admin(actor)
    now = svc.clock()
    payload = {
        "event": TEST_EVENT,
        "feed_id": None,
        "seq": None,
        "post_id": None,
        "created_at": now.isoformat(),
        "data": {"message": "A test event sent from the desk: nothing happened on any feed."},
    }
    with svc.db.write() as conn:
        webhook = _require(conn, webhook_id)
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        webhook_store.insert_test_delivery(conn, webhook.id, body, now)
    # No event is logged: announced all the same, for every instance's sender to look.
    svc.committed(webhook.feed_id or 0)


def _require(conn: Connection, webhook_id: int) -> Webhook:
    webhook = webhook_store.get_webhook(conn, webhook_id)
    if webhook is None:
        raise NotFound(Message("there is no webhook %(webhook)s", webhook=webhook_id))
    return webhook


def deliveries(svc: Services, actor: User | None, webhook_id: int) -> list[Delivery]:
    """The delivery log of a webhook, newest first."""
    require_admin(actor)
    with svc.db.read() as conn:
        _require(conn, webhook_id)
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
    """The production sender: each POST goes through the fetch address checks (give it
    :func:`webhook_policy`, so the admin's listed receivers are let in)."""

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
    message_id = f"lfd_{delivery.id}"  # the same on every attempt: receivers drop repeats by it
    headers = {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": StandardWebhook(webhook.secret).sign(message_id, now, body),
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
        state, retry_at = outbox.after_failure(delivery.created_at, attempts, now)
        webhook_store.settle(
            conn,
            delivery.id,
            state=state,
            status=status,
            error=error,
            next_attempt_at=retry_at,
            delivered_at=None,
        )
