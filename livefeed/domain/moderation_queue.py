"""The moderation queue as moderators see it: three tabs of comments, each with what they need
to decide on it at a glance."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from livefeed.domain.comments import Comment, CommentState
from livefeed.domain.errors import N_, Invalid

# Items shown per tab; the tab's label says how many there are in all.
TAB_SIZE = 50
# How far back "recently decided" looks.
DECIDED_WINDOW = timedelta(hours=24)


class Tab(StrEnum):
    # Waiting for a first decision, oldest first: the moderator's to-do list.
    PENDING = "pending"
    # Shown comments readers reported, and those their reports took down.
    REPORTED = "reported"
    # What moderators decided lately, newest first, with the way back.
    DECIDED = "decided"


TAB_LABELS: dict[Tab, str] = {
    Tab.PENDING: N_("Pending"),
    Tab.REPORTED: N_("Reported"),
    Tab.DECIDED: N_("Recently decided"),
}


def parse_tab(value: object, field: str = "tab") -> Tab:
    if value is None or value == "":
        return Tab.PENDING
    if isinstance(value, str) and value in {t.value for t in Tab}:
        return Tab(value)
    raise Invalid.field(field, "must be pending, reported or decided")


@dataclass(frozen=True)
class Report:
    reason: str
    note: str
    created_at: datetime


@dataclass(frozen=True)
class FeedRef:
    id: int
    slug: str
    title: str
    # The feed's IANA zone: the queue shows each comment's times as its feed's readers see them.
    timezone: str = "UTC"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class QueueItem:
    comment: Comment
    feed: FeedRef
    # The comment it answers, for a reply.
    parent: Comment | None
    # Readers' reports since the last decision, oldest first.
    reports: tuple[Report, ...]
    # The author's address, for administrators only ("" for everyone else and for guests).
    author_email: str
    # The post an editor made of it, if one did.
    featured_post_id: int | None

    @property
    def actions(self) -> tuple[str, ...]:
        """What a moderator can do with it now, in the order the page offers them."""
        state = self.comment.state
        if state in (CommentState.PENDING, CommentState.HIDDEN):
            return ("approve", "reject")
        # After a decision, the way back: hide what was approved, restore what was rejected.
        if state is CommentState.APPROVED:
            return ("approve", "reject", "hide") if self.comment.is_open else ("hide",)
        if state is CommentState.REJECTED:
            return ("restore",)
        return ()


def fingerprint(tab: Tab, items: list[QueueItem], counts: dict[Tab, int]) -> str:
    """A validator for one tab as shown: it changes when any item arrives, goes, is decided,
    gets another report or its feed another zone, and when either tab's count moves."""
    digest = hashlib.sha256(tab.value.encode())
    for item in items:
        c = item.comment
        stamp = f"{c.id}:{c.state.value}:{c.updated_at.isoformat()}:{c.reports}:"
        digest.update((stamp + f"{item.featured_post_id}:{item.feed.timezone}").encode())
    digest.update(repr(sorted((t.value, n) for t, n in counts.items())).encode())
    return digest.hexdigest()[:32]
