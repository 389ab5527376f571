"""What the newsroom's tables hold, read to show what a call wrote, or that it wrote nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from livefeed.domain.events import Event
from livefeed.services import Services
from livefeed.store import events
from livefeed.store.schema import events as events_table
from livefeed.store.schema import feed_tags, feeds, post_tags, posts


def rows(svc: Services) -> dict[str, int]:
    """How many rows each table of the newsroom holds, to show that nothing was written."""
    with svc.db.read() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (feeds, feed_tags, posts, post_tags, events_table)
        }


def snapshot(svc: Services) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
    with svc.db.read() as conn:
        state = conn.execute(
            select(feeds.c.slug, feeds.c.last_seq, feeds.c.version, feeds.c.updated_at)
        ).all()
    return rows(svc), [tuple(row) for row in state]


def log_of(svc: Services, feed_id: int) -> list[Event]:
    with svc.db.read() as conn:
        return events.after(conn, feed_id, 0)
