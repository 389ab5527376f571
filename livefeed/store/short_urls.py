"""Short codes and their clicks in the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite

from livefeed.domain.posts import PostState
from livefeed.domain.shortcodes import ShortKind, ShortTarget, new_code
from livefeed.store.schema import feeds, posts, short_clicks, short_codes

# Seven characters from 62: a clash is about one in three trillion, so a second is plenty.
ATTEMPTS = 5


def _insert(conn: Connection) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (both SQLite and PostgreSQL have it)."""
    return sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert


def assign(
    conn: Connection,
    *,
    feed_id: int | None = None,
    post_id: int | None = None,
    now: datetime,
    draw: Callable[[], str] = new_code,
) -> str:
    """Give a new feed (or post) its code, in the transaction that creates it.

    A code already taken, even by something long deleted, is skipped and another drawn; the
    primary key settles it, so two transactions can never both take the same one.
    """
    assert (feed_id is None) != (post_id is None), "a code names one feed or one post"
    kind = ShortKind.FEED if feed_id is not None else ShortKind.POST
    for _ in range(ATTEMPTS):
        code = draw()
        statement = (
            _insert(conn)(short_codes)
            .values(code=code, kind=kind.value, feed_id=feed_id, post_id=post_id, created_at=now)
            .on_conflict_do_nothing(index_elements=[short_codes.c.code])
            .returning(short_codes.c.code)
        )
        # A row comes back only if this insert wrote it.
        if conn.execute(statement).first() is not None:
            return code
    raise RuntimeError(f"no free short code in {ATTEMPTS} draws: is the code source random?")


def target(conn: Connection, code: str) -> ShortTarget | None:
    """What ``code`` names, or None if it was never given."""
    feed_of_post = feeds.alias("feed_of_post")
    query = (
        select(
            short_codes.c.kind,
            feeds.c.slug,
            posts.c.id.label("post_id"),
            posts.c.state,
            feed_of_post.c.slug.label("post_slug"),
        )
        .select_from(short_codes)
        .outerjoin(feeds, feeds.c.id == short_codes.c.feed_id)
        .outerjoin(posts, posts.c.id == short_codes.c.post_id)
        .outerjoin(feed_of_post, feed_of_post.c.id == posts.c.feed_id)
        .where(short_codes.c.code == code)
    )
    row = conn.execute(query).first()
    if row is None:
        return None
    if row.kind == ShortKind.FEED.value:
        return ShortTarget(ShortKind.FEED, row.slug)
    state = PostState(row.state) if row.state is not None else None
    return ShortTarget(ShortKind.POST, row.post_slug, row.post_id, state)


def count_click(conn: Connection, code: str, day: date) -> None:
    """One more click on ``day``: a single statement, so concurrent clicks all count."""
    statement = _insert(conn)(short_clicks).values(code=code, day=day, count=1)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[short_clicks.c.code, short_clicks.c.day],
            set_={"count": short_clicks.c.count + 1},
        )
    )


def clicks(conn: Connection, code: str) -> list[tuple[date, int]]:
    """(day, clicks) for every day that had any, oldest first."""
    query = (
        select(short_clicks.c.day, short_clicks.c.count)
        .where(short_clicks.c.code == code)
        .order_by(short_clicks.c.day)
    )
    return [(day, count) for day, count in conn.execute(query)]
