"""Password reset links, kept as hashes of their secret."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from livefeed.store.mail_schema import password_resets


@dataclass(frozen=True)
class Reset:
    user_id: int
    expires_at: datetime
    used_at: datetime | None


def insert_reset(
    conn: Connection, *, token_hash: str, user_id: int, now: datetime, expires_at: datetime
) -> None:
    conn.execute(
        insert(password_resets).values(
            token_hash=token_hash, user_id=user_id, created_at=now, expires_at=expires_at
        )
    )


def get_reset(conn: Connection, token_hash: str) -> Reset | None:
    row = conn.execute(
        select(password_resets.c.user_id, password_resets.c.expires_at, password_resets.c.used_at)
        .where(password_resets.c.token_hash == token_hash)
    ).first()  # fmt: skip
    return None if row is None else Reset(row.user_id, row.expires_at, row.used_at)


def use_all_of(conn: Connection, user_id: int, now: datetime) -> None:
    """Spend every open link of the account: one reset ends the others' use too."""
    conn.execute(
        update(password_resets)
        .where(password_resets.c.user_id == user_id, password_resets.c.used_at.is_(None))
        .values(used_at=now)
    )


def use(conn: Connection, token_hash: str, now: datetime) -> bool:
    """Spend one link, if nobody has since: the database settles two tabs submitting at once."""
    result = conn.execute(
        update(password_resets)
        .where(password_resets.c.token_hash == token_hash, password_resets.c.used_at.is_(None))
        .values(used_at=now)
    )
    return result.rowcount == 1
