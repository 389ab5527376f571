"""Guests' bans, kept as keyed hashes only, and the site's own key for those hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from livefeed.store.discussion_schema import comments, guest_bans, site_keys


def site_key(conn: Connection, name: str, fresh: str, now: datetime) -> str:
    """The site's key called ``name``: made from ``fresh`` the first time, by whichever
    instance gets there first; every instance reads the same one after."""
    found = conn.execute(select(site_keys.c.value).where(site_keys.c.name == name)).scalar()
    if found is not None:
        return str(found)
    try:
        with conn.begin_nested():
            conn.execute(insert(site_keys).values(name=name, value=fresh, created_at=now))
    except IntegrityError:
        pass  # made by another instance at the same moment: theirs is the one
    return str(conn.execute(select(site_keys.c.value).where(site_keys.c.name == name)).scalar_one())


def set_comment_key(conn: Connection, comment_id: int, key: str) -> None:
    conn.execute(update(comments).where(comments.c.id == comment_id).values(guest_key=key))


def comment_key(conn: Connection, comment_id: int) -> str | None:
    query = select(comments.c.guest_key).where(comments.c.id == comment_id)
    found: str | None = conn.execute(query).scalar()
    return found


def insert_ban(
    conn: Connection,
    *,
    feed_id: int | None,
    address_key: str | None,
    name_key: str | None,
    reason: str,
    banned_by: int,
    now: datetime,
    expires_at: datetime | None,
) -> int:
    ban_id: int = conn.execute(
        insert(guest_bans)
        .values(
            feed_id=feed_id, address_key=address_key, name_key=name_key, reason=reason,
            banned_by=banned_by, created_at=now, expires_at=expires_at,
        )
        .returning(guest_bans.c.id)
    ).scalar_one()  # fmt: skip
    return ban_id


def forget_expired(conn: Connection, now: datetime) -> None:
    """A ban over is gone, hashes and all: nothing about the guest outlives it."""
    conn.execute(delete(guest_bans).where(guest_bans.c.expires_at <= now))


def in_force(
    conn: Connection, feed_id: int, keys: tuple[str, str], now: datetime
) -> list[tuple[datetime | None, str]]:
    """(expires_at, reason) of the bans in force on the feed matching either key."""
    address_key, name_key = keys
    rows = conn.execute(
        select(guest_bans.c.expires_at, guest_bans.c.reason).where(
            or_(guest_bans.c.feed_id == feed_id, guest_bans.c.feed_id.is_(None)),
            or_(guest_bans.c.address_key == address_key, guest_bans.c.name_key == name_key),
            or_(guest_bans.c.expires_at.is_(None), guest_bans.c.expires_at > now),
        )
    ).all()
    return [(row.expires_at, row.reason) for row in rows]
