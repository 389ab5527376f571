"""Bans in the database; lifting one is a conditional update, so it is lifted once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, Select, insert, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from livefeed.domain.bans import Ban
from livefeed.domain.errors import Message, NotFound
from livefeed.store.discussion_schema import bans
from livefeed.store.schema import feeds, users

_reader = users.alias("reader")
_banner = users.alias("banner")
_lifter = users.alias("lifter")


def _ban(row: RowMapping) -> Ban:
    return Ban(
        id=row["id"],
        user_id=row["user_id"],
        user_name=row["reader_name"] or "",
        feed_id=row["feed_id"],
        feed_title=row["feed_title"] or "",
        reason=row["reason"],
        banned_by=row["banner_name"] or "",
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        lifted_at=row["lifted_at"],
        lifted_by=row["lifter_name"] or "",
        feed_slug=row["feed_slug"] or "",
    )


def _select() -> Select[Any]:
    return (
        select(
            bans,
            _reader.c.display_name.label("reader_name"),
            _banner.c.display_name.label("banner_name"),
            _lifter.c.display_name.label("lifter_name"),
            feeds.c.title.label("feed_title"),
            feeds.c.slug.label("feed_slug"),
        )
        .join(_reader, _reader.c.id == bans.c.user_id)
        .outerjoin(_banner, _banner.c.id == bans.c.banned_by)
        .outerjoin(_lifter, _lifter.c.id == bans.c.lifted_by)
        .outerjoin(feeds, feeds.c.id == bans.c.feed_id)
    )


def _in_force(now: datetime) -> Any:
    return bans.c.lifted_at.is_(None), or_(bans.c.expires_at.is_(None), bans.c.expires_at > now)


def insert_ban(
    conn: Connection,
    *,
    user_id: int,
    feed_id: int | None,
    reason: str,
    banned_by: int,
    now: datetime,
    expires_at: datetime | None,
) -> int:
    ban_id: int = conn.execute(
        insert(bans)
        .values(
            user_id=user_id,
            feed_id=feed_id,
            reason=reason,
            banned_by=banned_by,
            created_at=now,
            expires_at=expires_at,
        )
        .returning(bans.c.id)
    ).scalar_one()
    return ban_id


def get_ban(conn: Connection, ban_id: int) -> Ban | None:
    row = conn.execute(_select().where(bans.c.id == ban_id)).mappings().first()
    return _ban(row) if row else None


def require_ban(conn: Connection, ban_id: int) -> Ban:
    """The ban ``ban_id``: lifted ones included, as they stay the record of what was done."""
    ban = get_ban(conn, ban_id)
    if ban is None:
        raise NotFound(Message("there is no ban %(ban)s", ban=ban_id))
    return ban


def against(conn: Connection, user_id: int, feed_id: int, now: datetime) -> list[Ban]:
    """The bans in force that bar ``user_id`` from the discussion of ``feed_id``."""
    query = _select().where(
        bans.c.user_id == user_id,
        or_(bans.c.feed_id == feed_id, bans.c.feed_id.is_(None)),
        *_in_force(now),
    )
    return [_ban(row) for row in conn.execute(query).mappings()]


def in_force(
    conn: Connection, feed_ids: Sequence[int], *, site_wide: bool, now: datetime
) -> list[Ban]:
    """Bans in force on any of ``feed_ids`` (and the site-wide ones, if asked), newest first."""
    where: ColumnElement[bool] = bans.c.feed_id.in_(list(feed_ids))
    if site_wide:
        where = or_(where, bans.c.feed_id.is_(None))
    query = (
        _select().where(where, *_in_force(now)).order_by(bans.c.created_at.desc(), bans.c.id.desc())
    )
    return [_ban(row) for row in conn.execute(query).mappings()]


def lift(conn: Connection, ban_id: int, *, by: int, now: datetime) -> bool:
    """End a ban in force now; ``False`` when it was already lifted or had run out."""
    result = conn.execute(
        update(bans).where(bans.c.id == ban_id, *_in_force(now)).values(lifted_at=now, lifted_by=by)
    )
    return result.rowcount == 1
