"""Uploads in the database: one row per upload, pointing at files named by their content."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import (
    Connection,
    RowMapping,
    Select,
    delete,
    false,
    func,
    insert,
    or_,
    select,
)

from livefeed.domain.credentials import Credentials
from livefeed.domain.media import Media, MediaFormat
from livefeed.domain.media_library import Listed, PostUse
from livefeed.domain.posts import PostState
from livefeed.store.schema import feeds, media, posts, users


def _media(row: RowMapping) -> Media:
    return Media(
        id=row["id"],
        hash=row["hash"],
        format=MediaFormat.from_content_type(row["type"]),
        width=row["width"],
        height=row["height"],
        byte_size=row["byte_size"],
        renditions=tuple(int(width) for width in row["renditions"].split(",") if width),
        alt=row["alt"],
        uploaded_by=row["uploaded_by"],
        created_at=row["created_at"],
        feed_id=row["feed_id"],
        duration_ms=row["duration_ms"],
        credentials=Credentials.from_json(row["credentials"]),
    )


def insert_media(
    conn: Connection,
    *,
    digest: str,
    fmt: MediaFormat,
    width: int | None,
    height: int | None,
    byte_size: int,
    renditions: tuple[int, ...],
    alt: str,
    uploaded_by: int | None,
    feed_id: int | None,
    duration_ms: int | None,
    now: datetime,
    credentials: Credentials | None = None,
) -> Media:
    values = {
        "hash": digest,
        "type": fmt.content_type,
        "width": width,
        "height": height,
        "byte_size": byte_size,
        "renditions": ",".join(str(size) for size in renditions),
        "alt": alt,
        "uploaded_by": uploaded_by,
        "feed_id": feed_id,
        "duration_ms": duration_ms,
        "credentials": credentials.as_json() if credentials else None,
        "created_at": now,
    }
    row = conn.execute(insert(media).values(values).returning(*media.c)).mappings().one()
    return _media(row)


def get_media(conn: Connection, media_id: int) -> Media | None:
    row = conn.execute(select(media).where(media.c.id == media_id)).mappings().first()
    return _media(row) if row else None


def find_upload(conn: Connection, digest: str, fmt: MediaFormat) -> Media | None:
    """The first upload of these bytes as this format (later ones point at the same files)."""
    query = (
        select(media)
        .where(media.c.hash == digest, media.c.type == fmt.content_type)
        .order_by(media.c.id)
        .limit(1)
    )
    row = conn.execute(query).mappings().first()
    return _media(row) if row else None


def count_media(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(media)).scalar_one())


def delete_media(conn: Connection, media_id: int) -> None:
    conn.execute(delete(media).where(media.c.id == media_id))


# Quotas ------------------------------------------------------------------------------------------


def hold_uploader(conn: Connection, user_id: int) -> None:
    """Hold the uploader's row until the transaction ends: their next upload waits for this
    one, so that two at once cannot both fit in the room left for one (SQLite's writers wait
    for each other anyway)."""
    conn.execute(select(users.c.id).where(users.c.id == user_id).with_for_update())


def bytes_uploaded_by(conn: Connection, user_id: int) -> int:
    query = select(func.coalesce(func.sum(media.c.byte_size), 0)).where(
        media.c.uploaded_by == user_id
    )
    return int(conn.execute(query).scalar_one())


def bytes_uploaded_for(conn: Connection, feed_id: int) -> int:
    query = select(func.coalesce(func.sum(media.c.byte_size), 0)).where(media.c.feed_id == feed_id)
    return int(conn.execute(query).scalar_one())


# The library -------------------------------------------------------------------------------------


def list_uploads(
    conn: Connection,
    *,
    everyone: bool,
    user_id: int,
    feed_ids: Collection[int],
    before: int | None,
    limit: int,
) -> list[Listed]:
    """Newest first, from before upload ``before``: every upload when ``everyone``, else the
    ones ``user_id`` sent and the ones sent for ``feed_ids``."""
    query = _listing().order_by(media.c.id.desc()).limit(limit)
    if not everyone:
        query = query.where(
            or_(
                media.c.uploaded_by == user_id,
                media.c.feed_id.in_(feed_ids) if feed_ids else false(),
            )
        )
    if before is not None:
        query = query.where(media.c.id < before)
    return [_listed(row) for row in conn.execute(query).mappings()]


def get_listed(conn: Connection, media_id: int) -> Listed | None:
    row = conn.execute(_listing().where(media.c.id == media_id)).mappings().first()
    return _listed(row) if row else None


def _listing() -> Select[tuple[object, ...]]:
    return (
        select(media, users.c.display_name, feeds.c.title)
        .outerjoin(users, users.c.id == media.c.uploaded_by)
        .outerjoin(feeds, feeds.c.id == media.c.feed_id)
    )


def _listed(row: RowMapping) -> Listed:
    return Listed(_media(row), row["display_name"] or "", row["title"] or "")


_LINKING = (posts.c.image_url, posts.c.video_url, posts.c.read_more_image_url, posts.c.body)


def uses_of(conn: Connection, digests: Sequence[str]) -> dict[str, list[PostUse]]:
    """For each digest, the posts (deleted ones aside) whose picture, video, card picture or
    text points at a file of that name, oldest first."""
    if not digests:
        return {}
    marks = {digest: f"/media/{digest}" for digest in digests}
    query = (
        select(posts.c.id, posts.c.state, posts.c.headline, feeds.c.slug, feeds.c.title, *_LINKING)
        .join(feeds, feeds.c.id == posts.c.feed_id)
        .where(
            posts.c.state != PostState.DELETED.value,
            or_(*(column.contains(mark) for column in _LINKING for mark in marks.values())),
        )
        .order_by(posts.c.id)
    )
    found: dict[str, list[PostUse]] = {}
    for row in conn.execute(query).mappings():
        use = PostUse(row["id"], row["state"], row["headline"], row["slug"], row["title"])
        for digest, mark in marks.items():
            if any(mark in (row[column.name] or "") for column in _LINKING):
                found.setdefault(digest, []).append(use)
    return found
