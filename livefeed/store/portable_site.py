"""What a site holds beside its feeds, for a move between servers: the accounts (with their
password hashes, so everyone signs in on the new server as before), the site's own texts and
its blocked words."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from livefeed.domain.portable import moment, read_moment
from livefeed.store.discussion_schema import blocked_words, site_texts
from livefeed.store.schema import users

SITE_FORMAT = "livefeed-site"
SITE_VERSION = 1


def site_document(conn: Connection) -> dict[str, Any]:
    accounts = [
        {
            "email": row.email,
            "name": row.display_name,
            "password_hash": row.password_hash,
            "role": row.role,
            "disabled": row.disabled,
            "created_at": moment(row.created_at),
            "standards_accepted_at": (
                moment(row.standards_accepted_at) if row.standards_accepted_at else None
            ),
        }
        for row in conn.execute(select(users).order_by(users.c.email))
    ]
    texts = [
        {"name": row.name, "body": row.body, "updated_at": moment(row.updated_at)}
        for row in conn.execute(select(site_texts).order_by(site_texts.c.name))
    ]
    words = [
        {"word": row.word, "added_at": moment(row.added_at)}
        for row in conn.execute(select(blocked_words).order_by(blocked_words.c.word))
    ]
    return {
        "format": SITE_FORMAT,
        "version": SITE_VERSION,
        "users": accounts,
        "site_texts": texts,
        "blocked_words": words,
    }


def write_site(conn: Connection, site: Mapping[str, Any], now: datetime) -> int:
    """Add the accounts, texts and words this site lacks; those it has are left as they are.
    Returns how many accounts were added."""
    added = 0
    for account in site["users"]:
        email = str(account["email"]).lower()
        if conn.execute(select(users.c.id).where(users.c.email == email)).first():
            continue
        accepted = account.get("standards_accepted_at")
        conn.execute(
            insert(users).values(
                email=email,
                display_name=account["name"],
                password_hash=account["password_hash"],
                role=account["role"],
                disabled=bool(account["disabled"]),
                created_at=read_moment(account["created_at"]),
                standards_accepted_at=read_moment(accepted) if accepted else None,
            )
        )
        added += 1
    for text in site.get("site_texts", []):
        if not conn.execute(select(site_texts).where(site_texts.c.name == text["name"])).first():
            conn.execute(
                insert(site_texts).values(
                    name=text["name"], body=text["body"], updated_at=read_moment(text["updated_at"])
                )
            )
    for word in site.get("blocked_words", []):
        if not conn.execute(
            select(blocked_words).where(blocked_words.c.word == word["word"])
        ).first():
            conn.execute(
                insert(blocked_words).values(
                    word=word["word"], added_at=read_moment(word["added_at"]), added_by=None
                )
            )
    return added
