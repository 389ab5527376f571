"""Revisions, corrections and retractions: the rules, without a database.

Every edit of a published post keeps the post as it was (a revision). Most edits are minor and
readers are not told; an editor may instead mark an edit as a **correction**, with a note that
readers see next to the post along with the wording it replaced. A post can also be
**retracted**: it stays where it was, struck through, with the reason, and is never edited
again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.posts import Correction, Image, Post, PostInput, check_editable
from livefeed.domain.text import clean_line

NOTE_LENGTH = 500
REASON_LENGTH = 500


class RevisionKind(StrEnum):
    EDIT = "edit"
    CORRECTION = "correction"
    RETRACTION = "retraction"
    # A change of verification state (see domain/verification.py): public, like a correction.
    VERIFICATION = "verification"


@dataclass(frozen=True)
class Revision:
    """A post as it was before one change: its editable fields in their flat form names
    (``headline``, ``quote.text`` …), its sanitised body, and the version they made up.

    ``editor_name`` and ``at`` say who made the change and when; ``note`` is the correction's
    note or the retraction's reason ("" for a plain edit).
    """

    id: int
    post_id: int
    version: int
    kind: RevisionKind
    note: str
    editor_id: int | None
    editor_name: str
    at: datetime
    fields: Mapping[str, Any]
    body_html: str

    @property
    def headline(self) -> str:
        return str(self.fields.get("headline", ""))

    @property
    def verification(self) -> str:
        # A revision kept before posts had a verification state: they were all published as
        # confirmed.
        return str(self.fields.get("verification") or "confirmed")


def parse_correction(marked: bool, note: object) -> str | None:
    """The public note of an edit marked as a correction; ``None`` for a minor edit.

    A correction needs its note (it is what readers see); a note without the mark would be
    published by no one, so it is refused rather than silently dropped.
    """
    text = clean_line(note, "correction_note", max_length=NOTE_LENGTH)
    if marked and not text:
        raise Invalid.field(
            "correction_note", "say what was corrected: readers see this note with the post"
        )
    if not marked and text:
        raise Invalid.field(
            "correction_note", "mark the edit as a correction to publish this note, or clear it"
        )
    return text or None


def _shown(image: Image | None) -> tuple[str, str, str, str, str] | None:
    # What readers see of a picture; its renditions are found again from its address.
    return (image.url, image.caption, image.credit, image.alt, image.source_type) if image else None


def words_changed(post: Post, data: PostInput) -> bool:
    """Whether the edit changes what readers read: headline, text, quote, picture, video or
    card. Tags and the key-event and pinned flags say where a post shows, not what it says."""
    return (
        post.headline != data.headline
        or post.body != data.body
        or post.quote != data.quote
        or _shown(post.image) != _shown(data.image)
        or post.read_more != data.read_more
        or (post.video.url if post.video else "") != (data.video.url if data.video else "")
    )


def check_correction(post: Post, data: PostInput) -> None:
    """A correction must correct something readers have read, and can read."""
    if not post.is_published:
        raise Invalid.field(
            "correction_note", "only a published post is corrected in the open; edit it instead"
        )
    if not words_changed(post, data):
        raise Invalid.field(
            "correction_note",
            "a correction must change what readers read (the headline, text, quote, picture, "
            "video or card); this edit does not",
        )


def correction_of(before: Post, note: str, at: datetime) -> Correction:
    """The correction readers see: its note, and the wording it replaced."""
    return Correction(at=at, note=note, headline=before.headline, body_html=before.body_html)


def edit_kind(before: Post, data: PostInput, correction_note: str | None) -> RevisionKind:
    """What the history calls an edit: a correction if the editor marked it; a change of
    verification state if it made one (public too); otherwise a minor edit."""
    if correction_note:
        return RevisionKind.CORRECTION
    if data.verification is not None and data.verification is not before.verification:
        return RevisionKind.VERIFICATION
    return RevisionKind.EDIT


def check_revisable(post: Post, seen_version: int | None) -> None:
    """An edit must target a live, unretracted post, at the version its author saw."""
    check_editable(post, seen_version)
    if post.is_retracted:
        raise Conflict("this post has been retracted and can no longer be edited")


def parse_retraction_reason(value: object) -> str:
    """Why a post is withdrawn: required, since readers see it in the post's place."""
    reason = clean_line(value, "reason", max_length=REASON_LENGTH)
    if not reason:
        raise Invalid.field("reason", "say why the post is retracted: readers see the reason")
    return reason


def check_retractable(post: Post, seen_version: int | None) -> None:
    check_editable(post, seen_version)
    if not post.is_published:
        raise Conflict("only a published post can be retracted; this one has not gone out")
    if post.is_retracted:
        raise Conflict("this post has already been retracted")


def differing_fields(theirs: Mapping[str, object], mine: Mapping[str, object]) -> list[str]:
    """The fields (in ``theirs``' order) where two versions of the same post disagree: what an
    editor whose save was refused must look at before saving again."""

    def same(a: object, b: object) -> bool:
        if isinstance(a, list | tuple) or isinstance(b, list | tuple):
            return _as_list(a) == _as_list(b)
        if isinstance(a, bool) or isinstance(b, bool):
            return bool(a in (True, "on")) == bool(b in (True, "on"))
        return _as_text(a) == _as_text(b)

    return [name for name, value in theirs.items() if not same(value, mine.get(name, ""))]


def _as_text(value: object) -> str:
    # A browser sends a textarea's line breaks as CRLF.
    return str(value or "").replace("\r\n", "\n").strip()


def _as_list(value: object) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(item).strip() for item in value if str(item).strip()]
    return [part.strip() for part in str(value or "").split(",") if part.strip()]
