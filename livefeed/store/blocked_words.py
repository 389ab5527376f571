"""The site's blocked words in the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select

from livefeed.store.schema import blocked_words


def words(conn: Connection) -> list[str]:
    query = select(blocked_words.c.word).order_by(blocked_words.c.word)
    return list(conn.execute(query).scalars())


def replace(
    conn: Connection, wanted: Sequence[str], *, by: int, now: datetime
) -> tuple[list[str], list[str]]:
    """Make the list ``wanted``, keeping the rows of words already on it; (added, removed)."""
    current = set(words(conn))
    added = sorted(set(wanted) - current)
    removed = sorted(current - set(wanted))
    if removed:
        conn.execute(delete(blocked_words).where(blocked_words.c.word.in_(removed)))
    if added:
        conn.execute(
            insert(blocked_words), [{"word": w, "added_by": by, "added_at": now} for w in added]
        )
    return added, removed
