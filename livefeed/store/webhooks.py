"""Webhooks and their outbox of deliveries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, func, insert, or_, select, update

from livefeed.domain.events import Event, EventType
from livefeed.store import outbox_rows
from livefeed.store.webhook_schema import webhook_deliveries, webhooks


@dataclass(frozen=True)
class Webhook:
    id: int
    feed_id: int | None
    url: str
    secret: str
    created_at: datetime
    # Paused by an admin.
    disabled: bool
    # The event types it asked for; ``None`` for the default set.
    events: frozenset[str] | None = None

    @property
    def event_types(self) -> frozenset[str]:
        return DEFAULT_EVENTS if self.events is None else self.events


@dataclass(frozen=True)
class Delivery:
    id: int
    webhook_id: int
    feed_id: int
    seq: int
    event_type: str
    payload: str
    state: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None


def _webhook(row: RowMapping) -> Webhook:
    events = row["events"]
    return Webhook(
        id=row["id"],
        feed_id=row["feed_id"],
        url=row["url"],
        secret=row["secret"],
        created_at=row["created_at"],
        disabled=row["disabled"],
        events=None if events is None else frozenset(filter(None, events.split(","))),
    )


def _delivery(row: RowMapping) -> Delivery:
    return Delivery(**{name: row[name] for name in Delivery.__dataclass_fields__})


def insert_webhook(
    conn: Connection,
    *,
    feed_id: int | None,
    url: str,
    secret: str,
    now: datetime,
    events: frozenset[str] | None = None,
) -> Webhook:
    webhook_id: int = conn.execute(
        insert(webhooks)
        .values(
            feed_id=feed_id,
            url=url,
            secret=secret,
            created_at=now,
            disabled=False,
            events=None if events is None else ",".join(sorted(events)),
        )
        .returning(webhooks.c.id)
    ).scalar_one()
    return Webhook(webhook_id, feed_id, url, secret, now, False, events)


def all_webhooks(conn: Connection) -> list[Webhook]:
    return [
        _webhook(row) for row in conn.execute(select(webhooks).order_by(webhooks.c.id)).mappings()
    ]


def delete_webhook(conn: Connection, webhook_id: int) -> None:
    """The webhook goes, and its deliveries with it (ON DELETE CASCADE)."""
    conn.execute(delete(webhook_deliveries).where(webhook_deliveries.c.webhook_id == webhook_id))
    conn.execute(delete(webhooks).where(webhooks.c.id == webhook_id))


def set_paused(conn: Connection, webhook_id: int, paused: bool) -> None:
    conn.execute(update(webhooks).where(webhooks.c.id == webhook_id).values(disabled=paused))


def insert_test_delivery(conn: Connection, webhook_id: int, payload: str, now: datetime) -> None:
    """A test event, outside every feed's log: feed 0, numbered downwards from -1."""
    lowest = conn.execute(
        select(func.min(webhook_deliveries.c.seq)).where(
            webhook_deliveries.c.webhook_id == webhook_id, webhook_deliveries.c.feed_id == 0
        )
    ).scalar_one()
    conn.execute(
        insert(webhook_deliveries).values(
            webhook_id=webhook_id, feed_id=0, seq=min(lowest or 0, 0) - 1,
            event_type=TEST_EVENT, payload=payload, state="pending", attempts=0,
            next_attempt_at=now, last_status=None, last_error="", created_at=now,
            delivered_at=None,
        )
    )  # fmt: skip


def get_webhook(conn: Connection, webhook_id: int) -> Webhook | None:
    row = conn.execute(select(webhooks).where(webhooks.c.id == webhook_id)).mappings().first()
    return None if row is None else _webhook(row)


# The events a webhook is told about unless it chose others, and those it may choose: a
# comment's words reach a receiver only if its admin asked for them.
DEFAULT_EVENTS = frozenset(
    {EventType.POST_PUBLISHED, EventType.POST_UPDATED, EventType.POST_DELETED, EventType.FEED_ENDED}
)
SUBSCRIBABLE = DEFAULT_EVENTS | {EventType.COMMENT_APPROVED, EventType.COMMENT_REMOVED}
TEST_EVENT = "webhook.test"


def enqueue(conn: Connection, event: Event) -> int:
    """One pending delivery of ``event`` per enabled webhook of its feed or of the site.

    Called in the event's own transaction: the delivery is written if, and only if, the event is.
    """
    if event.type not in SUBSCRIBABLE:
        return 0
    feed_id, seq, now = event.feed_id, event.seq, event.created_at
    data: dict[str, Any] = {
        "event": event.type.value,
        "feed_id": feed_id,
        "seq": seq,
        "post_id": event.post_id,
        "created_at": now.isoformat(),
        "data": event.data,
    }
    candidates = conn.execute(
        select(webhooks.c.id, webhooks.c.events).where(
            webhooks.c.disabled.is_(False),
            or_(webhooks.c.feed_id == feed_id, webhooks.c.feed_id.is_(None)),
        )
    )
    targets = [
        webhook_id
        for webhook_id, events in candidates
        if (
            event.type in DEFAULT_EVENTS
            if events is None
            else event.type.value in events.split(",")
        )
    ]
    rows = [
        {
            "webhook_id": webhook_id,
            "feed_id": feed_id,
            "seq": seq,
            "event_type": event.type.value,
            "payload": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
            "state": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "last_status": None,
            "last_error": "",
            "created_at": now,
            "delivered_at": None,
        }
        for webhook_id in targets
    ]
    if rows:
        conn.execute(insert(webhook_deliveries), rows)
    return len(rows)


def due(conn: Connection, now: datetime, *, limit: int = 50) -> list[Delivery]:
    # A paused webhook's deliveries wait: they go once it is resumed, if still within their day.
    query = (
        select(webhook_deliveries)
        .join(webhooks, webhooks.c.id == webhook_deliveries.c.webhook_id)
        .where(
            webhook_deliveries.c.state == "pending",
            webhook_deliveries.c.next_attempt_at <= now,
            webhooks.c.disabled.is_(False),
        )
        .order_by(webhook_deliveries.c.next_attempt_at, webhook_deliveries.c.id)
        .limit(limit)
    )
    return [_delivery(row) for row in conn.execute(query).mappings()]


def claim(conn: Connection, delivery: Delivery, lease_until: datetime) -> bool:
    """Take ``delivery`` for sending if nobody has since: the database settles who wins."""
    return outbox_rows.claim(
        conn, webhook_deliveries, delivery.id, attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at, lease_until=lease_until,
    )  # fmt: skip


def settle(
    conn: Connection,
    delivery_id: int,
    *,
    state: str,
    status: int | None,
    error: str,
    next_attempt_at: datetime,
    delivered_at: datetime | None,
) -> None:
    conn.execute(
        update(webhook_deliveries)
        .where(webhook_deliveries.c.id == delivery_id)
        .values(
            state=state,
            last_status=status,
            last_error=error,
            next_attempt_at=next_attempt_at,
            delivered_at=delivered_at,
        )
    )


def for_webhook(conn: Connection, webhook_id: int, *, limit: int = 100) -> list[Delivery]:
    query = (
        select(webhook_deliveries)
        .where(webhook_deliveries.c.webhook_id == webhook_id)
        .order_by(webhook_deliveries.c.id.desc())
        .limit(limit)
    )
    return [_delivery(row) for row in conn.execute(query).mappings()]


LEASE = timedelta(minutes=5)
