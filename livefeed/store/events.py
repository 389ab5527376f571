"""The per-feed event log and the counter that numbers it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update

from livefeed.domain.events import Event, EventType
from livefeed.store.schema import events, feeds, posts


def next_seq(conn: Connection, feed_id: int) -> int:
    """Take the feed's next ``seq``, locking its counter row until the transaction ends.

    The lock is what keeps the log safe to read: a transaction holding ``seq = n`` blocks every
    other writer of the feed until it commits, so events become visible in ``seq`` order and a
    reader who has seen ``n`` can never later find a smaller one appear.
    """
    seq: int = conn.execute(
        update(feeds)
        .where(feeds.c.id == feed_id)
        .values(last_seq=feeds.c.last_seq + 1)
        .returning(feeds.c.last_seq)
    ).scalar_one()
    return seq


def append(
    conn: Connection,
    *,
    feed_id: int,
    seq: int,
    type: EventType,
    post_id: int | None,
    data: dict[str, Any],
    now: datetime,
) -> Event:
    conn.execute(
        insert(events).values(
            feed_id=feed_id,
            seq=seq,
            type=type.value,
            post_id=post_id,
            data=json.dumps(data, ensure_ascii=False, separators=(",", ":")),
            created_at=now,
        )
    )
    return Event(feed_id, seq, type, post_id, data, now)


def rewrite_post(
    conn: Connection, feed_id: int, post_id: int, data: dict[str, Any], *, before: int
) -> None:
    """Put ``data`` in place of the post's copy in every event before ``before``.

    A deleted post's words must not come back to whoever replays the log from its start;
    its earlier events then carry the tombstone, and the deletion that follows still removes
    it from every page.
    """
    conn.execute(
        update(events)
        .where(events.c.feed_id == feed_id, events.c.post_id == post_id, events.c.seq < before)
        .values(data=json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    )
    rewritten(conn, {feed_id})


def rewritten(conn: Connection, feed_ids: set[int]) -> None:
    """Events of these feeds were rewritten in this transaction: count it on each feed, so
    every instance drops its copies and every validator changes (``feeds.log_rewrites``)."""
    if feed_ids:
        conn.execute(
            update(feeds)
            .where(feeds.c.id.in_(sorted(feed_ids)))
            .values(log_rewrites=feeds.c.log_rewrites + 1)
        )


def _event(row: RowMapping) -> Event:
    return Event(
        feed_id=row["feed_id"],
        seq=row["seq"],
        type=EventType(row["type"]),
        post_id=row["post_id"],
        data=json.loads(row["data"]),
        created_at=row["created_at"],
    )


def after(conn: Connection, feed_id: int, seq: int, *, limit: int = 500) -> list[Event]:
    """Events with a ``seq`` above ``seq``, oldest first."""
    query = (
        select(events)
        .where(events.c.feed_id == feed_id, events.c.seq > seq)
        .order_by(events.c.seq)
        .limit(limit)
    )
    return [_event(row) for row in conn.execute(query).mappings()]


def forget_author(conn: Connection, author_id: int) -> list[tuple[int, int]]:
    """Take the author's name out of every logged copy of their posts (the byline in a post's
    JSON), before their account goes; the (feed, post) pairs of their published posts."""
    written = select(posts.c.id).where(posts.c.author_id == author_id)
    rows = conn.execute(
        select(events.c.feed_id, events.c.seq, events.c.data).where(events.c.post_id.in_(written))
    ).all()
    changed: set[int] = set()
    for row in rows:
        data = json.loads(row.data)
        if isinstance(data, dict) and data.get("author") is not None:
            data["author"] = None
            conn.execute(
                update(events)
                .where(events.c.feed_id == row.feed_id, events.c.seq == row.seq)
                .values(data=json.dumps(data, ensure_ascii=False, separators=(",", ":")))
            )
            changed.add(row.feed_id)
    rewritten(conn, changed)
    published = conn.execute(
        select(posts.c.feed_id, posts.c.id)
        .where(posts.c.author_id == author_id, posts.c.state == "published")
        .order_by(posts.c.feed_id, posts.c.id)
    ).all()
    return [(row.feed_id, row.id) for row in published]
