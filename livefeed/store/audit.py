"""The audit log: rows are added, read newest first, and never changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from livefeed.store.schema import audit_log, feeds


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor_id: int | None
    actor_email: str
    action: str
    feed_id: int | None
    post_id: int | None
    subject: str
    detail: dict[str, object]
    # The feed's slug as it is now; None for a line about no feed, or a feed since deleted.
    feed_slug: str | None = None


def record(
    conn: Connection,
    *,
    at: datetime,
    actor_id: int | None,
    actor_email: str,
    action: str,
    subject: str,
    feed_id: int | None = None,
    post_id: int | None = None,
    detail: dict[str, object] | None = None,
) -> None:
    conn.execute(
        insert(audit_log).values(
            at=at,
            actor_id=actor_id,
            actor_email=actor_email,
            action=action,
            feed_id=feed_id,
            post_id=post_id,
            subject=subject[:254],
            detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        )
    )


def recent(
    conn: Connection,
    *,
    limit: int,
    before_id: int | None = None,
    feed_id: int | None = None,
    action: str | None = None,
) -> list[AuditEntry]:
    query = (
        select(audit_log, feeds.c.slug.label("feed_slug"))
        .outerjoin(feeds, feeds.c.id == audit_log.c.feed_id)
        .order_by(audit_log.c.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(audit_log.c.id < before_id)
    if feed_id is not None:
        query = query.where(audit_log.c.feed_id == feed_id)
    if action is not None:
        query = query.where(audit_log.c.action == action)
    return [
        AuditEntry(
            id=row["id"],
            at=row["at"],
            actor_id=row["actor_id"],
            actor_email=row["actor_email"],
            action=row["action"],
            feed_id=row["feed_id"],
            post_id=row["post_id"],
            subject=row["subject"],
            detail=json.loads(row["detail"]),
            feed_slug=row["feed_slug"],
        )
        for row in conn.execute(query).mappings()
    ]


def actions(conn: Connection) -> list[str]:
    """Every kind of line written so far, for the log's filter."""
    query = select(audit_log.c.action).distinct().order_by(audit_log.c.action)
    return list(conn.execute(query).scalars())


def login_addresses(conn: Connection, user_id: int, *, since: datetime) -> set[str]:
    """Every client address the account has logged in from since then.

    The login lines are the only record of where an account is used from; the caller decides
    what counts as the same network (an IPv6 client changes addresses within its block).
    """
    query = (
        select(audit_log.c.detail)
        .distinct()
        .where(
            audit_log.c.actor_id == user_id,
            audit_log.c.action == "login",
            audit_log.c.at >= since,
        )
    )
    found = set()
    for detail in conn.execute(query).scalars():
        address = json.loads(detail).get("address")
        if isinstance(address, str):
            found.add(address)
    return found
