"""What sitemaps list, in the database: light rows of feeds and published posts (no bodies),
read in id order so that a long list goes in batches, each in a short transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, select

from livefeed.domain.posts import PostState
from livefeed.store.schema import feeds, posts


def feed_links(
    conn: Connection, *, after_id: int, limit: int, below_id: int | None = None
) -> list[tuple[int, str, datetime]]:
    """(id, slug, last change) of feeds with ids after ``after_id``."""
    query = select(feeds.c.id, feeds.c.slug, feeds.c.updated_at).where(feeds.c.id > after_id)
    if below_id is not None:
        query = query.where(feeds.c.id < below_id)
    rows = conn.execute(query.order_by(feeds.c.id).limit(limit))
    return [(row.id, row.slug, row.updated_at) for row in rows]


def feed_blocks(conn: Connection, size: int) -> list[tuple[int, datetime]]:
    """Feeds grouped by ``id // size``: each non-empty block and its latest change."""
    block = (feeds.c.id // size).label("block")
    query = (
        select(block, func.max(feeds.c.updated_at).label("lastmod")).group_by(block).order_by(block)
    )
    return [(int(row.block), row.lastmod) for row in conn.execute(query)]


def post_links(
    conn: Connection, *, after_id: int, limit: int, below_id: int | None = None
) -> list[tuple[int, str, datetime]]:
    """(post id, its feed's slug, last change) of published posts with ids after ``after_id``."""
    query = (
        select(posts.c.id, feeds.c.slug, posts.c.updated_at)
        .join(feeds, feeds.c.id == posts.c.feed_id)
        .where(posts.c.state == PostState.PUBLISHED.value, posts.c.id > after_id)
    )
    if below_id is not None:
        query = query.where(posts.c.id < below_id)
    rows = conn.execute(query.order_by(posts.c.id).limit(limit))
    return [(row.id, row.slug, row.updated_at) for row in rows]


def count_published(conn: Connection) -> int:
    query = select(func.count()).where(posts.c.state == PostState.PUBLISHED.value)
    return int(conn.execute(query).scalar_one())


def post_blocks(conn: Connection, size: int) -> list[tuple[int, datetime]]:
    """Published posts grouped by ``id // size``: each non-empty block and its latest change."""
    block = (posts.c.id // size).label("block")
    query = (
        select(block, func.max(posts.c.updated_at).label("lastmod"))
        .where(posts.c.state == PostState.PUBLISHED.value)
        .group_by(block)
        .order_by(block)
    )
    return [(int(row.block), row.lastmod) for row in conn.execute(query)]


def published_since(
    conn: Connection, since: datetime, *, limit: int
) -> list[tuple[int, str, str, str, datetime, datetime, str]]:
    """(id, feed slug, headline, body, published, last change, feed language) of posts
    published from ``since``."""
    query = (
        select(
            posts.c.id,
            feeds.c.slug,
            posts.c.headline,
            posts.c.body,
            posts.c.published_at,
            posts.c.updated_at,
            feeds.c.language,
        )
        .join(feeds, feeds.c.id == posts.c.feed_id)
        .where(posts.c.state == PostState.PUBLISHED.value, posts.c.published_at >= since)
        .order_by(posts.c.published_at.desc(), posts.c.id.desc())
        .limit(limit)
    )
    return [
        (row.id, row.slug, row.headline, row.body, row.published_at, row.updated_at, row.language)
        for row in conn.execute(query)
    ]
