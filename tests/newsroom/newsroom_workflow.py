"""Posts started in a state of the workflow, and what it stored, logged and audited, read back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from livefeed.distribution import reading
from livefeed.domain.events import EventType
from livefeed.domain.posts import Post, PostState
from livefeed.domain.users import User
from livefeed.newsroom import workflow
from livefeed.newsroom.workflow import When
from livefeed.services import Services
from livefeed.store import audit as audit_store
from livefeed.store.schema import audit_log, feeds, post_tags, posts
from livefeed.store.schema import events as events_table
from tests.conftest import Clock
from tests.newsroom import newsroom_tables

WORDS = {"headline": "Delegates walk out", "body": "Three delegations **left** the hall."}


def stored(svc: Services) -> dict[str, Any]:
    """Everything a refused change must leave as it was."""
    with svc.db.read() as conn:
        counts = {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (posts, post_tags, events_table, audit_log)
        }
        state = conn.execute(select(posts.c.id, posts.c.state, posts.c.version)).all()
        seqs = conn.execute(select(feeds.c.last_seq, feeds.c.updated_at)).all()
    return {"counts": counts, "posts": sorted(map(tuple, state)), "feeds": list(map(tuple, seqs))}


def audit_lines(svc: Services) -> list[tuple[str, str, dict[str, object]]]:
    with svc.db.read() as conn:
        found = audit_store.recent(conn, limit=100)
    return [(e.action, e.actor_email, e.detail) for e in reversed(found) if e.post_id]


def log_of(svc: Services) -> list[tuple[int, EventType, int | None]]:
    """The summit's event log, each event as its seq, its type and its post."""
    feed = reading.get_feed(svc, "summit")
    return [(e.seq, e.type, e.post_id) for e in newsroom_tables.log_of(svc, feed.id)]


def start(svc: Services, actor: User, state: PostState, **extra: Any) -> Post:
    when = extra.pop("publish_at", None)
    return workflow.start_post(
        svc, actor, "summit", WORDS | extra, state=state,
        publish_at=When(when) if when is not None else None,
    )  # fmt: skip


def later(clock: Clock, minutes: int = 30) -> str:
    return (clock.now + timedelta(minutes=minutes)).isoformat()
