"""A feed's public corrections log: every correction, retraction and change of verification
state, newest first, each with the wording before and after as a word diff.

The Trust Project's "corrections" indicator asks that a site's corrections be easy to find in
one place; this log is that place for a feed. A minor edit is not in it: an earlier wording that
was never published as a correction is the newsroom's, not the public's.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from livefeed.domain.errors import N_, Message
from livefeed.domain.posts import Post
from livefeed.domain.revisions import Revision, RevisionKind
from livefeed.domain.verification import Verification

_WORDS = re.compile(r"\S+|\s+")


class Change(StrEnum):
    SAME = "same"
    REMOVED = "removed"
    ADDED = "added"


@dataclass(frozen=True)
class Piece:
    """A run of text in a word diff: kept, taken out or put in."""

    change: Change
    text: str


def word_diff(before: str, after: str) -> tuple[Piece, ...]:
    """What changed from ``before`` to ``after``, word by word (spaces kept as they were), so a
    reader sees the few words a correction changed rather than two whole paragraphs."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    pieces: list[Piece] = []

    def add(change: Change, words: Sequence[str]) -> None:
        text = "".join(words)
        if not text:
            return
        if pieces and pieces[-1].change is change:
            pieces[-1] = Piece(change, pieces[-1].text + text)
        else:
            pieces.append(Piece(change, text))

    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(Change.SAME, old[i1:i2])
            continue
        add(Change.REMOVED, old[i1:i2])
        add(Change.ADDED, new[j1:j2])
    return tuple(pieces)


def plain_diff(pieces: Sequence[Piece]) -> str:
    """A word diff as plain text: [-taken out-] and {+put in+}, as ``git diff --word-diff``."""
    marks = {Change.SAME: "{}", Change.REMOVED: "[-{}-]", Change.ADDED: "{{+{}+}}"}
    return "".join(marks[piece.change].format(piece.text) for piece in pieces)


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    post: Post
    kind: RevisionKind
    # The correction's note or the retraction's reason; for a change of state, its sourcing.
    note: str
    # The headline and text before and after, as a word diff (a correction's only).
    headline: tuple[Piece, ...]
    body: tuple[Piece, ...]
    was: Verification
    became: Verification

    @property
    def title(self) -> Message:
        title = self.post.title_text
        if self.kind is RevisionKind.CORRECTION:
            return Message("Corrected: %(title)s", title=title)
        if self.kind is RevisionKind.RETRACTION:
            return Message("Retracted: %(title)s", title=title)
        return Message(_NOW[self.became], title=title)


# A change of state's title, one whole message per state (a language may not lower-case a label).
_NOW = {
    Verification.UNVERIFIED: N_("Now unconfirmed: %(title)s"),
    Verification.CONFIRMED: N_("Now confirmed: %(title)s"),
    Verification.DISPUTED: N_("Now disputed: %(title)s"),
    Verification.RETRACTED: N_("Now retracted: %(title)s"),
}


def entries(
    revisions: Sequence[Revision],
    after: Mapping[int, Revision | None],
    posts: Mapping[int, Post],
) -> list[LogEntry]:
    """The log from its revisions (newest first), each with the revision kept at its post's next
    change (``None``: the post is still as the change left it) and the posts as they are now."""
    found = []
    for revision in revisions:
        post = posts.get(revision.post_id)
        if post is None:
            continue
        following = after.get(revision.id)
        before = revision.fields
        then = following.fields if following is not None else post.as_fields()
        corrected = revision.kind is RevisionKind.CORRECTION
        found.append(
            LogEntry(
                at=revision.at,
                post=post,
                kind=revision.kind,
                note=revision.note or str(then.get("sourcing") or ""),
                headline=_diff(before, then, "headline") if corrected else (),
                body=_diff(before, then, "body") if corrected else (),
                was=_state(before),
                became=(
                    Verification.RETRACTED
                    if revision.kind is RevisionKind.RETRACTION
                    else _state(then)
                ),
            )
        )
    return found


def _diff(
    before: Mapping[str, object], after: Mapping[str, object], name: str
) -> tuple[Piece, ...]:
    return word_diff(str(before.get(name) or ""), str(after.get(name) or ""))


def _state(fields: Mapping[str, object]) -> Verification:
    # Revisions kept before posts had a state were of posts published as confirmed.
    return Verification(str(fields.get("verification") or Verification.CONFIRMED.value))
