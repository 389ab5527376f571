"""Readers' push subscriptions and the outbox of alerts to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, delete, func, insert, literal, or_, select, update

from livefeed.domain.alerts import Choice, SubscriptionInput
from livefeed.domain.events import Event, EventType
from livefeed.store.alert_schema import push_alerts, push_subscriptions

# How long a sender holds a subscription it is alerting before another may take it over.
LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class Subscription:
    id: int
    feed_id: int
    endpoint: str
    p256dh: str
    auth: str
    choice: Choice
    language: str
    alerted_at: datetime | None


@dataclass(frozen=True)
class Alert:
    id: int
    subscription_id: int
    post_id: int
    seq: int
    key_event: bool
    state: str
    attempts: int
    next_attempt_at: datetime
    last_status: int | None
    last_error: str
    created_at: datetime


def _subscription(row: object) -> Subscription:
    values = {name: getattr(row, name) for name in Subscription.__dataclass_fields__}
    values["choice"] = Choice(values["choice"])
    return Subscription(**values)


def save(conn: Connection, feed_id: int, data: SubscriptionInput, now: datetime) -> Subscription:
    """Subscribe a browser to a feed, or change its choice, keys or language if it already was."""
    found = conn.execute(
        select(push_subscriptions.c.id).where(
            push_subscriptions.c.endpoint == data.endpoint,
            push_subscriptions.c.feed_id == feed_id,
        )
    ).scalar()
    values = {
        "p256dh": data.p256dh,
        "auth": data.auth,
        "choice": data.choice.value,
        "language": data.language,
    }
    if found is None:
        found = conn.execute(
            insert(push_subscriptions)
            .values(feed_id=feed_id, endpoint=data.endpoint, created_at=now, **values)
            .returning(push_subscriptions.c.id)
        ).scalar_one()
    else:
        conn.execute(
            update(push_subscriptions).where(push_subscriptions.c.id == found).values(**values)
        )
    return require(conn, found)


def require(conn: Connection, subscription_id: int) -> Subscription:
    query = select(push_subscriptions).where(push_subscriptions.c.id == subscription_id)
    return _subscription(conn.execute(query).one())


def for_feed(conn: Connection, feed_id: int) -> list[Subscription]:
    query = (
        select(push_subscriptions)
        .where(push_subscriptions.c.feed_id == feed_id)
        .order_by(push_subscriptions.c.id)
    )
    return [_subscription(row) for row in conn.execute(query)]


def remove(conn: Connection, feed_id: int, endpoint: str, auth: str) -> bool:
    """Unsubscribe a browser from a feed, if it showed the subscription's secret."""
    result = conn.execute(
        delete(push_subscriptions).where(
            push_subscriptions.c.feed_id == feed_id,
            push_subscriptions.c.endpoint == endpoint,
            push_subscriptions.c.auth == auth,
        )
    )
    return result.rowcount > 0


def remaining(conn: Connection, endpoint: str) -> int:
    """How many feeds a browser's subscription still alerts it of."""
    query = select(func.count()).where(push_subscriptions.c.endpoint == endpoint)
    return int(conn.execute(query).scalar_one())


def forget_endpoint(conn: Connection, endpoint: str) -> None:
    """The push service says the browser's subscription is gone: every feed's row of it goes,
    and its alerts with it (ON DELETE CASCADE)."""
    conn.execute(delete(push_subscriptions).where(push_subscriptions.c.endpoint == endpoint))


def enqueue(conn: Connection, event: Event) -> int:
    """An alert of a newly published post for each subscriber of its feed who wants it.

    Called in the post's own transaction, as one INSERT … SELECT however many subscribe: the
    alerts are written if, and only if, the post is.
    """
    if event.type is not EventType.POST_PUBLISHED or event.post_id is None:
        return 0
    key_event = bool(event.data.get("key_event"))
    wanted = [choice.value for choice in Choice if choice.wants(key_event)]
    chosen = select(
        push_subscriptions.c.id,
        literal(event.post_id),
        literal(event.seq),
        literal(key_event),
        literal("pending"),
        literal(0),
        literal(event.created_at, push_alerts.c.next_attempt_at.type),
        literal(""),
        literal(event.created_at, push_alerts.c.created_at.type),
    ).where(
        push_subscriptions.c.feed_id == event.feed_id,
        push_subscriptions.c.choice.in_(wanted),
    )
    columns = [
        "subscription_id", "post_id", "seq", "key_event", "state", "attempts",
        "next_attempt_at", "last_error", "created_at",
    ]  # fmt: skip
    result = conn.execute(insert(push_alerts).from_select(columns, chosen))
    return max(result.rowcount, 0)


def due(conn: Connection, now: datetime, every: timedelta, *, limit: int = 50) -> list[int]:
    """Subscriptions with alerts due that no sender holds and that were not alerted within
    ``every``: their alerts wait, pending, until it has passed."""
    query = (
        select(push_subscriptions.c.id)
        .join(push_alerts, push_alerts.c.subscription_id == push_subscriptions.c.id)
        .where(
            push_alerts.c.state == "pending",
            push_alerts.c.next_attempt_at <= now,
            or_(
                push_subscriptions.c.sending_until.is_(None),
                push_subscriptions.c.sending_until < now,
            ),
            or_(
                push_subscriptions.c.alerted_at.is_(None),
                push_subscriptions.c.alerted_at <= now - every,
            ),
        )
        .group_by(push_subscriptions.c.id)
        .order_by(func.min(push_alerts.c.next_attempt_at), push_subscriptions.c.id)
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


def claim(conn: Connection, subscription_id: int, now: datetime) -> bool:
    """Hold a subscription for sending if nobody holds it: the database settles who wins."""
    result = conn.execute(
        update(push_subscriptions)
        .where(
            push_subscriptions.c.id == subscription_id,
            or_(
                push_subscriptions.c.sending_until.is_(None),
                push_subscriptions.c.sending_until < now,
            ),
        )
        .values(sending_until=now + LEASE)
    )
    return result.rowcount == 1


def pending(conn: Connection, subscription_id: int, now: datetime) -> list[Alert]:
    """The subscription's alerts due at ``now``, oldest first: they go as one."""
    query = (
        select(push_alerts)
        .where(
            and_(
                push_alerts.c.subscription_id == subscription_id,
                push_alerts.c.state == "pending",
                push_alerts.c.next_attempt_at <= now,
            )
        )
        .order_by(push_alerts.c.seq)
    )
    return [
        Alert(**{name: getattr(row, name) for name in Alert.__dataclass_fields__})
        for row in conn.execute(query)
    ]


def settle(
    conn: Connection,
    alert: Alert,
    *,
    state: str,
    status: int | None,
    error: str,
    next_attempt_at: datetime,
    delivered_at: datetime | None,
) -> None:
    conn.execute(
        update(push_alerts)
        .where(push_alerts.c.id == alert.id)
        .values(
            state=state,
            attempts=alert.attempts + 1,
            last_status=status,
            last_error=error,
            next_attempt_at=next_attempt_at,
            delivered_at=delivered_at,
        )
    )


def release(conn: Connection, subscription_id: int, alerted_at: datetime | None) -> None:
    """Let go of a subscription after sending; ``alerted_at`` when an alert went."""
    values: dict[str, object] = {"sending_until": None}
    if alerted_at is not None:
        values["alerted_at"] = alerted_at
    conn.execute(
        update(push_subscriptions)
        .where(push_subscriptions.c.id == subscription_id)
        .values(**values)
    )


def alerts_of(conn: Connection, subscription_id: int) -> list[Alert]:
    query = (
        select(push_alerts)
        .where(push_alerts.c.subscription_id == subscription_id)
        .order_by(push_alerts.c.id)
    )
    return [
        Alert(**{name: getattr(row, name) for name in Alert.__dataclass_fields__})
        for row in conn.execute(query)
    ]
