"""Comments: readers' messages under a feed, who may write them and what becomes of them.

What a reader may type, and how it is shown, is in :mod:`livefeed.domain.comment_text`.

States, and who moves a comment between them:

- ``pending``: waiting for a moderator; only its author (and the feed's moderators) see it.
- ``approved``: shown to everyone, live.
- ``rejected``: a moderator's "no", with a reason from :class:`Reason`.
- ``hidden``: taken down until a moderator decides, by a moderator or by readers' reports.
- ``removed``: taken down by its author.

A moderator's decision (approve or reject) is taken only while the comment is *open*: pending,
hidden, or approved by the feed's post-moderation with no moderator having looked at it yet.
Once a moderator has decided, a second decision is refused, so two moderators working the same
queue never overrule each other by accident; restoring a hidden or rejected comment is the one
deliberate way back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from livefeed.domain.comment_text import clean_body, clean_note, render_text
from livefeed.domain.errors import N_, Checks, Conflict, Forbidden, Invalid

# Readers' reports that take a comment down until a moderator has looked at it.
REPORTS_TO_HIDE = 3
# Replies shown under one comment at most; a thread longer than this is a brigade, not a talk.
REPLIES_SHOWN = 200


class Discussion(StrEnum):
    """Who may comment on a feed."""

    CLOSED = "closed"
    # Signed-in readers: any account, staff included.
    MEMBERS = "members"
    # Signed-in readers, and anyone else under a name they give (always pre-moderated).
    GUESTS = "guests"


class Moderation(StrEnum):
    """Whether a reader's comment waits for a moderator (pre) or shows at once (post)."""

    PRE = "pre"
    POST = "post"


class CommentState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    HIDDEN = "hidden"
    REMOVED = "removed"


class Sort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"


class Reason(StrEnum):
    """What is wrong with a comment: one list for the reader who reports it and the moderator
    who rejects it, so a report reads the same in the queue as the decision it leads to.

    The values are what the database holds (``comment_reports.reason``,
    ``comments.decision_reason``): the reports' and the rejections' lists were once apart, and
    this one holds every value of both.
    """

    SPAM = "spam"
    ABUSE = "abuse"
    HARASSMENT = "harassment"
    OFF_TOPIC = "off-topic"
    MISINFORMATION = "misinformation"
    PERSONAL_DATA = "personal-data"
    OTHER = "other"


REASON_LABELS: dict[Reason, str] = {
    Reason.SPAM: N_("Spam"),
    Reason.ABUSE: N_("Abuse"),
    Reason.HARASSMENT: N_("Harassment"),
    Reason.OFF_TOPIC: N_("Off topic"),
    Reason.MISINFORMATION: N_("Misinformation"),
    Reason.PERSONAL_DATA: N_("Personal data"),
    Reason.OTHER: N_("Something else"),
}

# The states in which a moderator's approve or reject is still to be made (see the docstring);
# an approved comment is open too while no moderator has decided on it.
UNDECIDED = frozenset({CommentState.PENDING, CommentState.HIDDEN})


@dataclass(frozen=True)
class Comment:
    id: int
    feed_id: int
    # The comment this one answers; ``None`` for a comment that starts a thread.
    parent_id: int | None
    # ``None`` for a guest, or once the author's account is gone.
    author_id: int | None
    author_name: str
    guest: bool
    body: str
    state: CommentState
    # Why it was held for review, for the moderator ("" when it was not held).
    hold_reason: str
    # Readers' reports since a moderator last decided on it.
    reports: int
    created_at: datetime
    updated_at: datetime
    decided_by: str = ""
    decided_at: datetime | None = None
    decision_reason: str = ""

    @property
    def body_html(self) -> str:
        return render_text(self.body)

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None

    @property
    def is_visible(self) -> bool:
        """Shown to every reader."""
        return self.state is CommentState.APPROVED

    @property
    def is_open(self) -> bool:
        """A moderator may still approve or reject it."""
        return self.state in UNDECIDED or (
            self.state is CommentState.APPROVED and self.decided_at is None
        )

    def visible_to(self, viewer_id: int | None, *, moderator: bool = False) -> bool:
        """Approved comments to all; a pending one to its author; anything to moderators."""
        if self.is_visible or moderator:
            return True
        return (
            viewer_id is not None
            and self.author_id == viewer_id
            and self.state is CommentState.PENDING
        )


@dataclass(frozen=True)
class CommentInput:
    body: str
    parent_id: int | None


# Reading what readers and moderators send ------------------------------------------------------


def parse_parent_id(value: object, field: str = "parent_id") -> int | None:
    """The comment replied to: a positive id, or nothing for a new thread."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise Invalid.field(field, "must be the id of the comment you reply to")
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        value = int(value)
    if not isinstance(value, int) or not 1 <= value <= 2**31 - 1:
        raise Invalid.field(field, "must be the id of the comment you reply to")
    return value


def parse_comment_input(fields: Mapping[str, object]) -> CommentInput:
    checks = Checks()
    body = checks.run(lambda: clean_body(fields.get("body")), "")
    parent_id = checks.run(lambda: parse_parent_id(fields.get("parent_id")), None)
    checks.done()
    return CommentInput(body, parent_id)


def _choice(value: object, field: str, kinds: list[str]) -> str:
    if isinstance(value, str) and value.strip().lower() in kinds:
        return value.strip().lower()
    raise Invalid.field(field, f"must be one of {', '.join(kinds[:-1])} or {kinds[-1]}")


def parse_discussion(value: object, field: str = "discussion") -> Discussion:
    """A feed's discussion setting; nothing given means the default (signed-in readers)."""
    if value is None or value == "":
        return Discussion.MEMBERS
    return Discussion(_choice(value, field, [d.value for d in Discussion]))


def parse_moderation(value: object, field: str = "moderation") -> Moderation:
    """A feed's moderation setting; nothing given means the default (pre-moderation)."""
    if value is None or value == "":
        return Moderation.PRE
    return Moderation(_choice(value, field, [m.value for m in Moderation]))


def parse_sort(value: object, field: str = "sort") -> Sort:
    if value is None or value == "":
        return Sort.NEWEST
    return Sort(_choice(value, field, [s.value for s in Sort]))


def parse_report(reason: object, note: object) -> tuple[Reason, str]:
    checks = Checks()
    parsed = checks.run(lambda: parse_reason(reason), None)
    text = checks.run(lambda: clean_note(note), "")
    checks.done()
    assert parsed is not None
    return parsed, text


def parse_reason(value: object, field: str = "reason") -> Reason:
    """A reason from the list, for a report or a rejection alike."""
    return Reason(_choice(value, field, [r.value for r in Reason]))


# The names of the two lists this one replaced, which the API (web/api/) still reads.
ReportReason = Reason
RejectReason = Reason
parse_reject_reason = parse_reason


# Who may comment, and in what state a comment starts --------------------------------------------


def check_can_comment(discussion: Discussion, *, signed_in: bool) -> None:
    """Refuse a comment the feed's discussion setting does not allow, saying why."""
    if discussion is Discussion.CLOSED:
        raise Forbidden("the discussion of this feed is closed")
    if discussion is Discussion.MEMBERS and not signed_in:
        raise Forbidden("sign in to comment: this discussion is open to signed-in readers only")


def check_reply(parent: Comment | None, feed_id: int, parent_id: int) -> Comment:
    """The comment replied to must be shown in this feed and must not be a reply itself."""
    if parent is None or parent.feed_id != feed_id or not parent.is_visible:
        raise Invalid.field("parent_id", f"there is no comment {parent_id} in this discussion")
    if parent.is_reply:
        raise Invalid.field(
            "parent_id",
            "you can reply to a comment but not to a reply: answer in the same thread instead",
        )
    return parent


def initial_state(
    moderation: Moderation, *, guest: bool, held: list[str]
) -> tuple[CommentState, str]:
    """Where a new comment starts, and the reason a moderator sees when it waits."""
    reasons = (["a guest's comment"] if guest else []) + held
    if reasons:
        return CommentState.PENDING, "; ".join(reasons)
    if moderation is Moderation.PRE:
        return CommentState.PENDING, ""
    return CommentState.APPROVED, ""


def already_decided(comment: Comment) -> Conflict:
    """The refusal of a second decision, naming the first."""
    verbs = {
        CommentState.APPROVED: "approved",
        CommentState.REJECTED: "rejected",
        CommentState.HIDDEN: "hidden",
        CommentState.PENDING: "sent back for review",
    }
    if comment.state is CommentState.REMOVED:
        return Conflict("this comment has been removed by its author")
    by = f" by {comment.decided_by}" if comment.decided_by else ""
    return Conflict(f"this comment was already {verbs[comment.state]}{by}")
