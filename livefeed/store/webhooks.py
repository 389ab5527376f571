"""Webhooks and their outbox of deliveries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, or_, select, update

from livefeed.domain.events import Event, EventType
from livefeed.store.schema import webhook_deliveries, webhooks


@dataclass(frozen=True)
class Webhook:
    id: int
    feed_id: int | None
    url: str
    secret: str
    created_at: datetime
    disabled: bool


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
    return Webhook(**{name: row[name] for name in Webhook.__dataclass_fields__})


def _delivery(row: RowMapping) -> Delivery:
    return Delivery(**{name: row[name] for name in Delivery.__dataclass_fields__})


def insert_webhook(
    conn: Connection, *, feed_id: int | None, url: str, secret: str, now: datetime
) -> Webhook:
    webhook_id: int = conn.execute(
        insert(webhooks)
        .values(feed_id=feed_id, url=url, secret=secret, created_at=now, disabled=False)
        .returning(webhooks.c.id)
    ).scalar_one()
    return Webhook(webhook_id, feed_id, url, secret, now, False)


def get_webhook(conn: Connection, webhook_id: int) -> Webhook | None:
    row = conn.execute(select(webhooks).where(webhooks.c.id == webhook_id)).mappings().first()
    return None if row is None else _webhook(row)


# The events webhooks are told about.
DELIVERED_EVENTS = frozenset(
    {EventType.POST_PUBLISHED, EventType.POST_UPDATED, EventType.POST_DELETED, EventType.FEED_ENDED}
)


def enqueue(conn: Connection, event: Event) -> int:
    """One pending delivery of ``event`` per enabled webhook of its feed or of the site.

    Called in the event's own transaction: the delivery is written if, and only if, the event is.
    """
    if event.type not in DELIVERED_EVENTS:
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
    targets = conn.execute(
        select(webhooks.c.id).where(
            webhooks.c.disabled.is_(False),
            or_(webhooks.c.feed_id == feed_id, webhooks.c.feed_id.is_(None)),
        )
    ).scalars()
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
    query = (
        select(webhook_deliveries)
        .where(webhook_deliveries.c.state == "pending", webhook_deliveries.c.next_attempt_at <= now)
        .order_by(webhook_deliveries.c.next_attempt_at, webhook_deliveries.c.id)
        .limit(limit)
    )
    return [_delivery(row) for row in conn.execute(query).mappings()]


def claim(conn: Connection, delivery: Delivery, lease_until: datetime) -> bool:
    """Take ``delivery`` for sending if nobody has since: the database settles who wins."""
    result = conn.execute(
        update(webhook_deliveries)
        .where(
            webhook_deliveries.c.id == delivery.id,
            webhook_deliveries.c.state == "pending",
            webhook_deliveries.c.attempts == delivery.attempts,
            webhook_deliveries.c.next_attempt_at == delivery.next_attempt_at,
        )
        .values(attempts=delivery.attempts + 1, next_attempt_at=lease_until)
    )
    return result.rowcount == 1


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
