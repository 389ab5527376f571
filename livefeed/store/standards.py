"""The site's texts and each feed's own community standards in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from livefeed.store.discussion_schema import site_texts
from livefeed.store.schema import feeds


@dataclass(frozen=True)
class SiteText:
    body: str
    updated_at: datetime


def _insert(conn: Connection) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (both SQLite and PostgreSQL have it)."""
    return sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert


def site_text(conn: Connection, name: str) -> SiteText | None:
    row = conn.execute(
        select(site_texts.c.body, site_texts.c.updated_at).where(site_texts.c.name == name)
    ).first()
    return SiteText(row.body, row.updated_at) if row else None


def put_site_text(
    conn: Connection, name: str, body: str, *, now: datetime, user_id: int | None
) -> None:
    """Write the text in one statement, so two administrators saving at once cannot clash."""
    values = {"body": body, "updated_at": now, "updated_by": user_id}
    conn.execute(
        _insert(conn)(site_texts)
        .values(name=name, **values)
        .on_conflict_do_update(index_elements=[site_texts.c.name], set_=values)
    )


def delete_site_text(conn: Connection, name: str) -> None:
    conn.execute(delete(site_texts).where(site_texts.c.name == name))


def feed_standards(conn: Connection, feed_id: int) -> str | None:
    """The feed's own standards, or ``None`` when it follows the site's."""
    found: str | None = conn.execute(
        select(feeds.c.community_standards).where(feeds.c.id == feed_id)
    ).scalar_one_or_none()
    return found


def set_feed_standards(conn: Connection, feed_id: int, body: str | None) -> None:
    conn.execute(update(feeds).where(feeds.c.id == feed_id).values(community_standards=body))
