"""Entries of a feed's event log: what readers must be told, numbered without gaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    POST_PUBLISHED = "post.published"
    POST_UPDATED = "post.updated"
    POST_DELETED = "post.deleted"
    FEED_UPDATED = "feed.updated"
    FEED_ENDED = "feed.ended"
    # A comment became visible to readers (approved, or restored by a moderator) …
    COMMENT_APPROVED = "comment.approved"
    # … or stopped being visible (rejected, hidden, or removed by its author).
    COMMENT_REMOVED = "comment.removed"


@dataclass(frozen=True)
class Event:
    """One committed change; ``seq`` is gap-free and increasing within its feed.

    ``data`` is the public JSON of the post or feed as it was right after the change, so the
    log replays on its own without reading the current state.
    """

    feed_id: int
    seq: int
    type: EventType
    post_id: int | None
    data: dict[str, Any]
    created_at: datetime
