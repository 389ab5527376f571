"""Who has a post open for editing, and who is writing a new one: one row per post (or feed)
and editor, refreshed by heartbeats."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from livefeed.store.schema import feed_composing, post_presence, users


def seen(conn: Connection, *, post_id: int, feed_id: int, user_id: int, now: datetime) -> None:
    """Record that ``user_id`` has the post open now, and forget heartbeats long gone."""
    dialect_insert = sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert
    statement = dialect_insert(post_presence).values(
        post_id=post_id, user_id=user_id, feed_id=feed_id, seen_at=now
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[post_presence.c.post_id, post_presence.c.user_id],
            set_={"seen_at": statement.excluded.seen_at},
        )
    )


def forget_older_than(conn: Connection, moment: datetime) -> None:
    conn.execute(delete(post_presence).where(post_presence.c.seen_at < moment))
    conn.execute(delete(feed_composing).where(feed_composing.c.seen_at < moment))


def left(conn: Connection, *, post_id: int, user_id: int) -> None:
    conn.execute(
        delete(post_presence).where(
            post_presence.c.post_id == post_id, post_presence.c.user_id == user_id
        )
    )


def editors_of_feed(
    conn: Connection,
    feed_id: int,
    *,
    since: datetime,
    other_than: int,
    post_id: int | None = None,
) -> dict[int, list[str]]:
    """The names of those (but ``other_than``) heard from since ``since``, by post id; of one
    post only, if given."""
    query = (
        select(post_presence.c.post_id, users.c.display_name)
        .join(users, users.c.id == post_presence.c.user_id)
        .where(
            post_presence.c.feed_id == feed_id,
            post_presence.c.seen_at >= since,
            post_presence.c.user_id != other_than,
        )
        .order_by(post_presence.c.post_id, post_presence.c.seen_at, users.c.id)
    )
    if post_id is not None:
        query = query.where(post_presence.c.post_id == post_id)
    rows = conn.execute(query)
    found: dict[int, list[str]] = {}
    for shown, name in rows:
        found.setdefault(shown, []).append(name)
    return found


def seen_composing(conn: Connection, *, feed_id: int, user_id: int, now: datetime) -> None:
    """Record that ``user_id`` is writing a post for the feed now."""
    dialect_insert = sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert
    statement = dialect_insert(feed_composing).values(feed_id=feed_id, user_id=user_id, seen_at=now)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[feed_composing.c.feed_id, feed_composing.c.user_id],
            set_={"seen_at": statement.excluded.seen_at},
        )
    )


def stopped_composing(conn: Connection, *, feed_id: int, user_id: int) -> None:
    conn.execute(
        delete(feed_composing).where(
            feed_composing.c.feed_id == feed_id, feed_composing.c.user_id == user_id
        )
    )


def composers_of_feed(conn: Connection, feed_id: int, *, since: datetime) -> list[tuple[int, str]]:
    """The ids and names of those writing a post for the feed, heard from since ``since``,
    longest writing first."""
    query = (
        select(users.c.id, users.c.display_name)
        .select_from(feed_composing)
        .join(users, users.c.id == feed_composing.c.user_id)
        .where(feed_composing.c.feed_id == feed_id, feed_composing.c.seen_at >= since)
        .order_by(feed_composing.c.seen_at, users.c.id)
    )
    return [(user_id, name) for user_id, name in conn.execute(query)]
