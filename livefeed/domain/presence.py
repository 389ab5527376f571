"""Who has a post open for editing: the rules for "Anna is editing".

An open edit page says so every :data:`HEARTBEAT` and again when it closes; someone not heard
from for :data:`STALE_AFTER` (a closed laptop, a lost network) no longer counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from livefeed.domain.errors import Message

HEARTBEAT = timedelta(seconds=15)
# Three heartbeats: one late request does not make an editor vanish and come back.
STALE_AFTER = timedelta(seconds=45)


def fresh_since(now: datetime) -> datetime:
    """The oldest moment a heartbeat may be from and still count."""
    return now - STALE_AFTER


def editing_line(names: Sequence[str]) -> str:
    """``Anna is editing this post`` / ``Anna and Ben are …`` / ``Anna, Ben and Cleo are …``;
    "" for no one."""
    if not names:
        return ""
    if len(names) == 1:
        return Message("%(name)s is editing this post", name=names[0])
    return Message(
        "%(names)s and %(last)s are editing this post", names=", ".join(names[:-1]), last=names[-1]
    )


def composing_line(names: Sequence[str]) -> str:
    """``Anna is composing a post`` / ``Anna and Ben are composing posts``; "" for no one."""
    if not names:
        return ""
    if len(names) == 1:
        return Message("%(name)s is composing a post", name=names[0])
    return Message(
        "%(names)s and %(last)s are composing posts", names=", ".join(names[:-1]), last=names[-1]
    )
