"""The audit log: a line for every publish, edit, deletion, role change and login.

Lines are written in the same transaction as the change they describe, so the log never shows
a change that did not happen, nor misses one that did. Only administrators read it.
"""

from __future__ import annotations

from sqlalchemy import Connection

from livefeed.domain.posts import Post
from livefeed.domain.users import User, require_admin
from livefeed.services import Services
from livefeed.store import audit as store
from livefeed.store import feeds as feed_store
from livefeed.store.audit import AuditEntry

PAGE_SIZE = 100


def record(
    svc: Services,
    conn: Connection,
    actor: User | None,
    action: str,
    subject: str,
    *,
    feed_id: int | None = None,
    post_id: int | None = None,
    **detail: object,
) -> None:
    store.record(
        conn,
        at=svc.clock(),
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else "",
        action=action,
        subject=subject,
        feed_id=feed_id,
        post_id=post_id,
        detail=detail,
    )


def record_post(
    svc: Services, conn: Connection, actor: User, action: str, post: Post, **detail: object
) -> None:
    """A line about a post: its headline, feed and version, as every move of a post writes it."""
    record(
        svc, conn, actor, action, post.headline, feed_id=post.feed_id, post_id=post.id,
        version=post.version, **detail,
    )  # fmt: skip


def entries(
    svc: Services,
    actor: User | None,
    *,
    before: int | None = None,
    feed_slug: str | None = None,
    action: str | None = None,
    limit: int = PAGE_SIZE,
) -> list[AuditEntry]:
    require_admin(actor)
    with svc.db.read() as conn:
        feed_id = None
        if feed_slug:
            feed_id = feed_store.require_feed(conn, feed_slug).id
        return store.recent(
            conn, limit=limit, before_id=before, feed_id=feed_id, action=action or None
        )


def actions(svc: Services, actor: User | None) -> list[str]:
    require_admin(actor)
    with svc.db.read() as conn:
        return store.actions(conn)
