"""The site's blocked words in the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.exc import IntegrityError

from livefeed.domain.errors import Conflict
from livefeed.store.discussion_schema import blocked_words


def words(conn: Connection) -> list[str]:
    query = select(blocked_words.c.word).order_by(blocked_words.c.word)
    return list(conn.execute(query).scalars())


def replace(
    conn: Connection, wanted: Sequence[str], *, by: int, now: datetime
) -> tuple[list[str], list[str]]:
    """Make the list ``wanted``, keeping the rows of words already on it; (added, removed).

    Another administrator saving the list at the same moment may have added a word this one
    adds too: the database lets one of them through, and the other is asked to look again.
    """
    current = set(words(conn))
    added = sorted(set(wanted) - current)
    removed = sorted(current - set(wanted))
    if removed:
        conn.execute(delete(blocked_words).where(blocked_words.c.word.in_(removed)))
    if added:
        rows = [{"word": w, "added_by": by, "added_at": now} for w in added]
        try:
            conn.execute(insert(blocked_words), rows)
        except IntegrityError:
            raise Conflict(
                "the list was changed by someone else meanwhile: reload it and try again",
                field="words",
            ) from None
    return added, removed
