"""Idempotency keys in the database: which post a key made, for a day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from livefeed.store.intake_schema import idempotency_keys


def made_by(conn: Connection, user_id: int, key: str, *, since: datetime) -> tuple[str, int] | None:
    """``(fingerprint, post_id)`` of the key's request, if it came after ``since``."""
    row = conn.execute(
        select(idempotency_keys.c.fingerprint, idempotency_keys.c.post_id).where(
            idempotency_keys.c.user_id == user_id,
            idempotency_keys.c.key == key,
            idempotency_keys.c.created_at > since,
        )
    ).first()
    return (row.fingerprint, row.post_id) if row else None


def remember(
    conn: Connection,
    user_id: int,
    key: str,
    *,
    fingerprint: str,
    post_id: int,
    now: datetime,
    since: datetime,
) -> None:
    """Keep the key with its post; the account's keys older than ``since`` go meanwhile."""
    conn.execute(
        delete(idempotency_keys).where(
            idempotency_keys.c.user_id == user_id, idempotency_keys.c.created_at <= since
        )
    )
    conn.execute(
        insert(idempotency_keys).values(
            user_id=user_id, key=key, fingerprint=fingerprint, post_id=post_id, created_at=now
        )
    )
