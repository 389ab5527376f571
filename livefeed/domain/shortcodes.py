"""Short codes: the few characters after ``/s/`` that stand for a feed or a post, for good.

A code is drawn at random (not derived from an id, so the next one cannot be guessed and
codes say nothing about how many posts there are), from 62 letters and digits: 7 of them give
3.5 trillion codes. Once given, a code is never given again, even when what it named is gone.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from enum import StrEnum

from livefeed.domain.errors import LivefeedError
from livefeed.domain.posts import PostState

ALPHABET = string.digits + string.ascii_letters
CODE_LENGTH = 7
_ALLOWED = frozenset(ALPHABET)


class ShortKind(StrEnum):
    FEED = "feed"
    POST = "post"


class Gone(LivefeedError):
    """What a short URL named existed once and has been deleted."""

    status = 410
    title = "Gone"


@dataclass(frozen=True)
class ShortTarget:
    """What a code names, as far as it still exists.

    ``slug`` is the feed's (or the post's feed's), None once that feed is gone; ``post_id`` and
    ``post_state`` are set for a post that still has its row (a deleted post is a tombstone).
    """

    kind: ShortKind
    slug: str | None
    post_id: int | None = None
    post_state: PostState | None = None


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def is_code(text: str) -> bool:
    """Could ``text`` be a code at all? Anything else is not worth asking the database about."""
    return len(text) == CODE_LENGTH and all(ch in _ALLOWED for ch in text)
