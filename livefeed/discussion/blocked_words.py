"""The site's blocked word list: administrators keep it; each new comment is checked against it.

A comment holding a blocked word is not refused: it waits for a moderator, with the word named
as the reason, because a word list cannot tell a quotation or a place name from abuse.
"""

from __future__ import annotations

from sqlalchemy import Connection

from livefeed.access import audit
from livefeed.domain.blocked_words import parse_word_list
from livefeed.domain.users import User, require_admin
from livefeed.services import Services
from livefeed.store import blocked_words as store


def current(conn: Connection) -> list[str]:
    """The list as the holding rules need it, read in the comment's own transaction."""
    return store.words(conn)


def blocked_words(svc: Services, actor: User | None) -> list[str]:
    require_admin(actor)
    with svc.db.read() as conn:
        return store.words(conn)


def set_blocked_words(svc: Services, actor: User | None, text: object) -> list[str]:
    """Replace the list with ``text``, one word or phrase a line; the audit log keeps what was
    added and what was taken off."""
    admin = require_admin(actor)
    wanted = parse_word_list(text)
    with svc.db.write() as conn:
        added, removed = store.replace(conn, wanted, by=admin.id, now=svc.clock())
        if added or removed:
            audit.record(
                svc, conn, admin, "blocked_words.changed", "site",
                added=added, removed=removed,
            )  # fmt: skip
    return wanted
