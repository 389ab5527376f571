"""Feeds in the database."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    RowMapping,
    Select,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from livefeed.domain.comments import Discussion, Moderation
from livefeed.domain.errors import Conflict, Message, NotFound
from livefeed.domain.feeds import Feed, FeedInput, FeedStatus
from livefeed.domain.verification import Verification
from livefeed.store import short_urls
from livefeed.store.schema import feed_tags, feeds, short_codes


def _feed(row: RowMapping) -> Feed:
    return Feed(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        lead=row["lead"],
        notes=row["notes"],
        tags=tuple(json.loads(row["tags"])),
        timezone=row["timezone"],
        status=FeedStatus(row["status"]),
        coverage_start=row["coverage_start"],
        coverage_end=row["coverage_end"],
        audio_stream_url=row["audio_stream_url"],
        last_seq=row["last_seq"],
        version=row["version"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        short_code=row["short_code"] or "",
        discussion=Discussion(row["discussion"]),
        moderation=Moderation(row["moderation"]),
        default_verification=Verification(row["default_verification"]),
        news_at=row["news_at"],
        ended_order=row["ended_order"],
        log_rewrites=row["log_rewrites"],
        language=row["language"],
        show_readers=row["show_readers"],
        recording_url=row["recording_url"] or "",
    )


def _select() -> Select[tuple[object, ...]]:
    return select(feeds, short_codes.c.code.label("short_code")).outerjoin(
        short_codes, short_codes.c.feed_id == feeds.c.id
    )


def _values(data: FeedInput, lead_html: str, notes_html: str) -> dict[str, object]:
    return {
        "slug": data.slug,
        "title": data.title,
        "lead": data.lead,
        "lead_html": lead_html,
        "notes": data.notes,
        "notes_html": notes_html,
        "tags": json.dumps(list(data.tags)),
        "timezone": data.timezone,
        "coverage_start": data.coverage_start,
        "audio_stream_url": data.audio_stream_url,
        "recording_url": data.recording_url,
        "discussion": data.discussion.value,
        "moderation": data.moderation.value,
        "default_verification": data.default_verification.value,
        "ended_order": data.ended_order,
        "language": data.language,
        "show_readers": data.show_readers,
    }


def insert_feed(
    conn: Connection,
    data: FeedInput,
    *,
    lead_html: str,
    notes_html: str,
    status: FeedStatus,
    now: datetime,
) -> int:
    values = _values(data, lead_html, notes_html) | {
        "status": status.value,
        "coverage_end": now if status is FeedStatus.ENDED else None,
        "last_seq": 0,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    with _unique_slug(conn, data.slug):
        feed_id: int = conn.execute(insert(feeds).values(values).returning(feeds.c.id)).scalar_one()
    _set_tags(conn, feed_id, data.tags)
    short_urls.assign(conn, feed_id=feed_id, now=now)
    return feed_id


def update_feed(
    conn: Connection,
    feed_id: int,
    data: FeedInput,
    *,
    lead_html: str,
    notes_html: str,
    now: datetime,
) -> None:
    with _unique_slug(conn, data.slug, other_than=feed_id):
        conn.execute(
            update(feeds)
            .where(feeds.c.id == feed_id)
            .values(
                _values(data, lead_html, notes_html)
                | {"version": feeds.c.version + 1, "updated_at": now}
            )
        )
    _set_tags(conn, feed_id, data.tags)


@contextmanager
def _unique_slug(conn: Connection, slug: str, *, other_than: int | None = None) -> Iterator[None]:
    """Refuse a slug another feed has. Two editors taking the same one at the same moment both
    find it free; the database lets one of them through and the other is refused alike."""
    taken = Conflict(Message("a feed called “%(slug)s” already exists", slug=slug), field="slug")
    if slug_taken(conn, slug, other_than=other_than):
        raise taken
    try:
        yield
    except IntegrityError:
        raise taken from None


def set_status(
    conn: Connection, feed_id: int, status: FeedStatus, coverage_end: datetime | None, now: datetime
) -> None:
    conn.execute(
        update(feeds)
        .where(feeds.c.id == feed_id)
        .values(
            status=status.value,
            coverage_end=coverage_end,
            version=feeds.c.version + 1,
            updated_at=now,
        )
    )


def touch(conn: Connection, feed_id: int, now: datetime) -> None:
    """A post readers see changed: the feed's "Last updated" moves."""
    conn.execute(update(feeds).where(feeds.c.id == feed_id).values(updated_at=now, news_at=now))


def _set_tags(conn: Connection, feed_id: int, tags: Iterable[str]) -> None:
    conn.execute(delete(feed_tags).where(feed_tags.c.feed_id == feed_id))
    rows = [{"feed_id": feed_id, "tag": tag} for tag in tags]
    if rows:
        conn.execute(insert(feed_tags), rows)


def slug_taken(conn: Connection, slug: str, *, other_than: int | None = None) -> bool:
    query = select(feeds.c.id).where(feeds.c.slug == slug)
    if other_than is not None:
        query = query.where(feeds.c.id != other_than)
    return conn.execute(query).first() is not None


def get_by_slug(conn: Connection, slug: str, *, lock: bool = False) -> Feed | None:
    """The feed called ``slug``; ``lock`` holds its row until the transaction ends.

    A writer that decides from what it reads (is the feed ended? which post is pinned?) locks
    first, so a concurrent writer of the same feed cannot change that under it.
    """
    query = _select().where(feeds.c.slug == slug)
    row = conn.execute(query.with_for_update(of=feeds) if lock else query).mappings().first()
    return _feed(row) if row else None


def get_by_id(conn: Connection, feed_id: int) -> Feed | None:
    row = conn.execute(_select().where(feeds.c.id == feed_id)).mappings().first()
    return _feed(row) if row else None


def require_feed(conn: Connection, slug: str, *, lock: bool = False) -> Feed:
    """The feed called ``slug`` (``lock`` as for :func:`get_by_slug`): every use case naming a
    feed that is not there refuses with the same words."""
    feed = get_by_slug(conn, slug, lock=lock)
    if feed is None:
        raise NotFound(Message("there is no feed called “%(slug)s”", slug=slug))
    return feed


def require_feed_by_id(conn: Connection, feed_id: int) -> Feed:
    """The feed a stored id names (a post's, a comment's, a reader's stream): gone only if it
    was deleted since."""
    feed = get_by_id(conn, feed_id)
    if feed is None:
        raise NotFound("that feed no longer exists")
    return feed


def rendered_texts(conn: Connection, feed_id: int) -> tuple[str, str]:
    """The lead and notes as sanitised HTML, rendered when they were saved."""
    row = conn.execute(
        select(feeds.c.lead_html, feeds.c.notes_html).where(feeds.c.id == feed_id)
    ).one()
    return row.lead_html, row.notes_html


def list_feeds(conn: Connection, statuses: Sequence[FeedStatus], *, limit: int = 50) -> list[Feed]:
    """Feeds in the given states, the one with the latest news first."""
    query = (
        _select()
        .where(feeds.c.status.in_([s.value for s in statuses]))
        .order_by(_last_news().desc(), feeds.c.id.desc())
        .limit(limit)
    )
    return [_feed(row) for row in conn.execute(query).mappings()]


def _last_news() -> ColumnElement[datetime]:
    return func.coalesce(feeds.c.news_at, feeds.c.created_at)


def with_tag(conn: Connection, tag: str, *, limit: int = 50) -> list[Feed]:
    query = (
        _select()
        .join(feed_tags, feed_tags.c.feed_id == feeds.c.id)
        .where(feed_tags.c.tag == tag)
        .order_by(_last_news().desc())
        .limit(limit)
    )
    return [_feed(row) for row in conn.execute(query).mappings()]


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(feeds)).scalar_one())


def stamp(conn: Connection) -> tuple[int, int, datetime | None]:
    """How many feeds, their events in all, and the latest change to any of them.

    Each only grows (feeds are not deleted, counters only count up), and every change readers
    see logs an event or rewrites logged ones, so the three together change whenever anything
    on the site does.
    """
    row = conn.execute(
        select(
            func.count(),
            func.coalesce(func.sum(feeds.c.last_seq + feeds.c.log_rewrites), 0),
            func.max(feeds.c.updated_at),
        )
    ).one()
    return int(row[0]), int(row[1]), row[2]


def all_slugs(conn: Connection) -> list[str]:
    """Every feed's slug, oldest feed first."""
    return list(conn.execute(select(feeds.c.slug).order_by(feeds.c.id)).scalars())
