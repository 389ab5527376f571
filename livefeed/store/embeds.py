"""Embedded social posts in the database: kept with their post, read with it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Label, RowMapping, delete, insert, select, update

from livefeed.domain.embeds import Embed
from livefeed.domain.errors import NotFound
from livefeed.domain.portable import moment
from livefeed.domain.posts import PostInput, PostState
from livefeed.store.embed_schema import post_embeds
from livefeed.store.schema import feeds, posts

PREFIX = "embed_"


def columns() -> list[Label[object]]:
    """The snapshot's columns as a post's read gives them, named apart from the post's own."""
    return [column.label(PREFIX + column.name) for column in post_embeds.c]


def join_on() -> ColumnElement[bool]:
    return post_embeds.c.post_id == posts.c.id


def embed_of(row: RowMapping, prefix: str = PREFIX) -> Embed | None:
    """The snapshot in a row read with :func:`columns`; ``None`` for a post without one."""
    if row[prefix + "id"] is None:
        return None
    return Embed(
        provider=row[prefix + "provider"],
        url=row[prefix + "url"],
        endpoint=row[prefix + "endpoint"],
        author_name=row[prefix + "author_name"],
        author_url=row[prefix + "author_url"],
        text=row[prefix + "text"],
        published_at=row[prefix + "published_at"],
        image_url=row[prefix + "image_url"],
        html=row[prefix + "html"],
        original_html=row[prefix + "original_html"],
        hosts=tuple(row[prefix + "hosts"].split()),
        fetched_at=row[prefix + "fetched_at"],
        checked_at=row[prefix + "checked_at"],
        gone_at=row[prefix + "gone_at"],
        id=row[prefix + "id"],
    )


def keep(conn: Connection, post_id: int, data: PostInput) -> None:
    """Write the post's snapshot with its words: none when no address is given; the one made
    for it when there is one; the one it had when the address came without one (a write that
    did not ask the site again, such as an import of words alone)."""
    if not data.embed_url:
        put(conn, post_id, None)
    elif data.embed is not None:
        put(conn, post_id, data.embed)


def put(conn: Connection, post_id: int, embed: Embed | None) -> None:
    """Make ``embed`` the post's snapshot: kept as it is if it already is, else written anew."""
    current = conn.execute(
        select(post_embeds.c.id).where(post_embeds.c.post_id == post_id)
    ).scalar_one_or_none()
    if embed is not None and embed.id and embed.id == current:
        return
    if current is not None:
        conn.execute(delete(post_embeds).where(post_embeds.c.id == current))
    if embed is not None:
        add(conn, post_id, embed)


def add(conn: Connection, post_id: int, embed: Embed) -> None:
    """The snapshot of a post that has none yet."""
    conn.execute(insert(post_embeds).values(post_id=post_id, **_values(embed)))


def _values(embed: Embed) -> dict[str, object]:
    return {
        "provider": embed.provider,
        "url": embed.url,
        "endpoint": embed.endpoint,
        "author_name": embed.author_name,
        "author_url": embed.author_url,
        "text": embed.text,
        "published_at": embed.published_at,
        "image_url": embed.image_url,
        "html": embed.html,
        "original_html": embed.original_html,
        "hosts": " ".join(embed.hosts),
        "fetched_at": embed.fetched_at,
        "checked_at": embed.checked_at,
        "gone_at": embed.gone_at,
    }


def document_of(
    conn: Connection, post_id: int, href: Callable[[str], str]
) -> dict[str, Any] | None:
    """The post's snapshot as the portable document holds it; its picture by ``href``."""
    row = (
        conn.execute(select(*columns()).where(post_embeds.c.post_id == post_id)).mappings().first()
    )
    embed = embed_of(row) if row is not None else None
    if embed is None:
        return None

    def when(value: datetime | None) -> str | None:
        return moment(value) if value is not None else None

    return {
        "url": embed.url,
        "provider": embed.provider,
        "endpoint": embed.endpoint,
        "author_name": embed.author_name,
        "author_url": embed.author_url,
        "text": embed.text,
        "published_at": when(embed.published_at),
        "image": href(embed.image_url) if embed.image_url else "",
        "html": embed.html,
        "original_html": embed.original_html,
        "hosts": list(embed.hosts),
        "fetched_at": moment(embed.fetched_at),
        "checked_at": when(embed.checked_at),
        "gone_at": when(embed.gone_at),
    }


def require_embed(conn: Connection, embed_id: int) -> tuple[Embed, int, str]:
    """The snapshot, its post's id and its feed's slug; :class:`NotFound` if there is none."""
    row = (
        conn.execute(
            select(*columns(), posts.c.id.label("post_id"), feeds.c.slug)
            .join(posts, join_on())
            .join(feeds, feeds.c.id == posts.c.feed_id)
            .where(post_embeds.c.id == embed_id)
        )
        .mappings()
        .first()
    )
    found = embed_of(row) if row is not None else None
    if row is None or found is None:
        raise NotFound("there is no such embedded post")
    return found, row["post_id"], row["slug"]


def to_check(conn: Connection, limit: int) -> Sequence[tuple[int, str]]:
    """Snapshots of posts not deleted whose original is still thought to be there, least
    recently checked first: their ids and where they are described."""
    rows = conn.execute(
        select(post_embeds.c.id, post_embeds.c.endpoint)
        .join(posts, join_on())
        .where(
            post_embeds.c.gone_at.is_(None),
            post_embeds.c.endpoint != "",
            posts.c.state != PostState.DELETED.value,
        )
        .order_by(post_embeds.c.checked_at.is_not(None), post_embeds.c.checked_at, post_embeds.c.id)
        .limit(limit)
    )
    return [(row.id, row.endpoint) for row in rows]


def checked(
    conn: Connection, embed_id: int, now: datetime, *, gone: bool
) -> tuple[int, int] | None:
    """Record a check; the feed and post whose card changed (found gone), else ``None``."""
    values: dict[str, object] = {"checked_at": now}
    row = conn.execute(
        select(post_embeds.c.post_id, post_embeds.c.gone_at, posts.c.feed_id)
        .join(posts, join_on())
        .where(post_embeds.c.id == embed_id)
    ).first()
    if row is None:
        return None
    changed = gone and row.gone_at is None
    if changed:
        values["gone_at"] = now
    conn.execute(update(post_embeds).where(post_embeds.c.id == embed_id).values(values))
    return (int(row.feed_id), int(row.post_id)) if changed else None


def touch_post(conn: Connection, post_id: int, *, now: datetime, seq: int) -> None:
    """A new version of the post for its readers, whose card changed though its words did not."""
    conn.execute(
        update(posts)
        .where(posts.c.id == post_id)
        .values(version=posts.c.version + 1, updated_at=now, seq=seq)
    )
