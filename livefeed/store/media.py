"""Uploads in the database: one row per upload, pointing at files named by their content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, RowMapping, func, insert, select

from livefeed.domain.media import Media, MediaFormat
from livefeed.store.schema import media


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
    now: datetime,
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
