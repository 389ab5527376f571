"""Comments: readers' messages under a feed, who may write them and what becomes of them.

A comment is plain text. Nothing a reader types is ever markup: the text is escaped whole, and
only then are ``http(s)://`` addresses turned into links, so no input can reach the page as
anything but text and links that say where they go.

States, and who moves a comment between them:

- ``pending``: waiting for a moderator; only its author (and the feed's moderators) see it.
- ``approved``: shown to everyone, live.
- ``rejected``: a moderator's "no", with a reason from :class:`RejectReason`.
- ``hidden``: taken down until a moderator decides, by a moderator or by readers' reports.
- ``removed``: taken down by its author.

A moderator's decision (approve or reject) is taken only while the comment is *open*: pending,
hidden, or approved by the feed's post-moderation with no moderator having looked at it yet.
Once a moderator has decided, a second decision is refused, so two moderators working the same
queue never overrule each other by accident; restoring a hidden or rejected comment is the one
deliberate way back.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from html import escape
from urllib.parse import urlsplit

from livefeed.domain.errors import Checks, Conflict, Forbidden, Invalid

BODY_LENGTH = 2_000
NAME_LENGTH = 60
NAME_MIN_LENGTH = 2
NOTE_LENGTH = 500
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


class ReportReason(StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    HARASSMENT = "harassment"
    MISINFORMATION = "misinformation"
    OTHER = "other"


class RejectReason(StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    OFF_TOPIC = "off-topic"
    MISINFORMATION = "misinformation"
    PERSONAL_DATA = "personal-data"
    OTHER = "other"


REPORT_LABELS: dict[ReportReason, str] = {
    ReportReason.SPAM: "Spam",
    ReportReason.ABUSE: "Abuse",
    ReportReason.HARASSMENT: "Harassment",
    ReportReason.MISINFORMATION: "Misinformation",
    ReportReason.OTHER: "Something else",
}

REJECT_LABELS: dict[RejectReason, str] = {
    RejectReason.SPAM: "Spam",
    RejectReason.ABUSE: "Abuse",
    RejectReason.OFF_TOPIC: "Off topic",
    RejectReason.MISINFORMATION: "Misinformation",
    RejectReason.PERSONAL_DATA: "Personal data",
    RejectReason.OTHER: "Other",
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


# Text rules ------------------------------------------------------------------------------------

# C0 controls but the line feed, DEL, C1 controls, and the Unicode line and paragraph separators
# (which end a line in JavaScript and some terminals).
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# Characters that reorder or hide text around them: in a name they let one reader pose as
# another ("Anna" followed by a right-to-left override), so names refuse them.
_DECEPTIVE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def _as_text(value: object, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Invalid.field(field, "must be text")
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def _refuse_controls(text: str, field: str) -> None:
    found = _CONTROL.search(text)
    if found:
        code = f"U+{ord(found.group()):04X}"
        position = found.start() + 1
        raise Invalid.field(
            field,
            f"must not contain control characters (found {code} at character {position:,})",
        )


def _check_length(text: str, field: str, limit: int) -> None:
    if len(text) > limit:
        raise Invalid.field(field, f"must be at most {limit:,} characters (it has {len(text):,})")


def clean_body(value: object, field: str = "body") -> str:
    """A comment's text: trimmed, 1 to 2,000 characters, line breaks kept, no other controls."""
    text = _as_text(value, field)
    if not text:
        raise Invalid.field(field, "write something first: the comment is empty")
    _refuse_controls(text, field)
    _check_length(text, field, BODY_LENGTH)
    return text


def clean_note(value: object, field: str = "note") -> str:
    """The optional words that go with a report."""
    text = _as_text(value, field)
    _refuse_controls(text, field)
    _check_length(text, field, NOTE_LENGTH)
    return text


def clean_guest_name(value: object, field: str = "name") -> str:
    """The name a guest comments under: one line, 2 to 60 characters, nothing deceptive."""
    text = _as_text(value, field)
    if not text:
        raise Invalid.field(field, "give the name to show with your comment")
    if "\n" in text:
        raise Invalid.field(field, "must be one line")
    _refuse_controls(text, field)
    if _DECEPTIVE.search(text):
        raise Invalid.field(field, "must not contain invisible or text-reordering characters")
    text = re.sub(r"\s+", " ", text)
    if len(text) < NAME_MIN_LENGTH:
        raise Invalid.field(field, f"must be at least {NAME_MIN_LENGTH} characters")
    _check_length(text, field, NAME_LENGTH)
    return text


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


def parse_report(reason: object, note: object) -> tuple[ReportReason, str]:
    checks = Checks()
    kinds = [r.value for r in ReportReason]
    parsed = checks.run(lambda: ReportReason(_choice(reason, "reason", kinds)), None)
    text = checks.run(lambda: clean_note(note), "")
    checks.done()
    assert parsed is not None
    return parsed, text


def parse_reject_reason(value: object, field: str = "reason") -> RejectReason:
    return RejectReason(_choice(value, field, [r.value for r in RejectReason]))


# Rendering -------------------------------------------------------------------------------------

# An address runs to the next space or to a character that cannot be part of one as typed.
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
# Punctuation that ends a sentence more often than it ends an address.
_TRAILING = ".,;:!?'*"


def _link_end(url: str) -> str:
    while url:
        last = url[-1]
        if last in _TRAILING or (last == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


def links_in(text: str) -> list[str]:
    """The http(s) addresses a comment's text holds, as they will be linked."""
    found: list[str] = []
    for match in _URL.finditer(text):
        url = _link_end(match.group())
        try:
            host = urlsplit(url).hostname
        except ValueError:
            continue
        if host:
            found.append(url)
    return found


def render_text(text: str) -> str:
    """A comment as HTML: everything escaped, addresses made links, line breaks kept."""
    parts: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = _link_end(match.group())
        try:
            host = urlsplit(url).hostname
        except ValueError:
            host = None
        if not host:
            continue
        start = match.start()
        parts.append(escape(text[position:start]))
        parts.append(f'<a rel="nofollow ugc noopener" href="{escape(url)}">{escape(url)}</a>')
        position = start + len(url)
    parts.append(escape(text[position:]))
    return "".join(parts).replace("\n", "<br>\n")


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
