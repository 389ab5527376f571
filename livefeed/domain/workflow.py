"""A post's life before readers see it: drafts, contributions, scheduled posts.

A post starts as a **draft** (seen by its author only), may be **submitted** to the feed's
editors (it waits in their Contributions queue), **scheduled** to go out by itself at a given
moment, and is then **published**; it can be **deleted** at any point. Who may make each move
depends on the mover's rights on the feed and on whether they wrote the post: plain rules over
plain values, tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from livefeed.domain.access import Right
from livefeed.domain.errors import N_, Conflict, Forbidden, Invalid, Message
from livefeed.domain.feeds import parse_moment
from livefeed.domain.posts import Post, PostState
from livefeed.domain.text import clean_line, clean_text
from livefeed.domain.visibility import Reader

NOTE_LENGTH = 2_000
# How far ahead a post may be scheduled: a year covers any planned coverage, and a date
# further out is much more likely a typo in the year.
SCHEDULE_HORIZON = timedelta(days=366)

DRAFT, SUBMITTED, SCHEDULED = PostState.DRAFT, PostState.SUBMITTED, PostState.SCHEDULED
PUBLISHED, DELETED = PostState.PUBLISHED, PostState.DELETED

# States a post is in before it goes out: what the workflow deals with.
UNPUBLISHED = frozenset({DRAFT, SUBMITTED, SCHEDULED})
# States a new post may start in.
STARTS = (DRAFT, SUBMITTED, SCHEDULED, PUBLISHED)


@dataclass(frozen=True)
class Mover(Reader):
    """Who asks for a move: a reader of the post's feed, since a post one may not read
    cannot be moved either (see :func:`livefeed.domain.visibility.may_read`)."""

    @property
    def is_editor(self) -> bool:
        return Right.PUBLISH in self.rights

    @property
    def is_contributor(self) -> bool:
        return Right.CONTRIBUTE in self.rights

    def wrote(self, post: Post) -> bool:
        return post.author_id is not None and post.author_id == self.user_id


# Who may move a post from one state to another: its AUTHOR (holding CONTRIBUTE; editors hold
# it too) or any EDITOR of the feed (holding PUBLISH). A move to the same state is a change of
# its words (or, for a scheduled post, of its time).
AUTHOR, EDITOR, AUTHOR_OR_EDITOR = "author", "editor", "author or editor"
MOVES: dict[tuple[PostState, PostState], str] = {
    (DRAFT, DRAFT): AUTHOR,
    (DRAFT, SUBMITTED): AUTHOR,
    (DRAFT, SCHEDULED): EDITOR,
    (DRAFT, PUBLISHED): EDITOR,
    (DRAFT, DELETED): AUTHOR,
    # Back to draft: the author taking it back, or an editor returning it (with a note).
    (SUBMITTED, DRAFT): AUTHOR_OR_EDITOR,
    (SUBMITTED, SUBMITTED): EDITOR,
    (SUBMITTED, SCHEDULED): EDITOR,
    (SUBMITTED, PUBLISHED): EDITOR,
    (SUBMITTED, DELETED): EDITOR,
    # A cancelled schedule: the editor's own post goes back to draft, a contribution back to
    # the queue or, with a note, to its author.
    (SCHEDULED, DRAFT): EDITOR,
    (SCHEDULED, SUBMITTED): EDITOR,
    (SCHEDULED, SCHEDULED): EDITOR,
    (SCHEDULED, PUBLISHED): EDITOR,
    (SCHEDULED, DELETED): EDITOR,
}


def check_move(post: Post, wanted: PostState, mover: Mover, *, note: str = "") -> None:
    """Refuse a move that is impossible from the post's state or not the mover's to make.

    Call it only for a post the mover may read (``may_read``): one they may not must look
    missing, not forbidden.
    """
    current = post.state
    who = MOVES.get((current, wanted))
    if who is None:
        raise Conflict(_impossible(current, wanted), field="state")
    author = mover.wrote(post) and mover.is_contributor
    if who == AUTHOR and not author:
        raise Forbidden(_authors_only(current, wanted))
    if who == EDITOR and not mover.is_editor:
        raise Forbidden(_editors_only(current, wanted))
    if who == AUTHOR_OR_EDITOR and not (author or mover.is_editor):
        raise Forbidden("only its author or the feed’s editors can take back a contribution")
    if wanted is DRAFT and current is not DRAFT and not mover.wrote(post) and not note:
        raise Invalid.field("note", "say why it goes back, so its author knows what to change")


def check_start(state: PostState, mover: Mover) -> None:
    """May ``mover`` write a new post straight into ``state``?"""
    if state in (SCHEDULED, PUBLISHED):
        if not mover.is_editor:
            if state is SCHEDULED:
                raise Forbidden(
                    "only the feed’s editors can schedule posts: "
                    "save it as a draft or submit it to the editors"
                )
            raise Forbidden(
                "only the feed’s editors can publish posts: "
                "save it as a draft or submit it to the editors"
            )
    elif not mover.is_contributor:
        raise Forbidden("only the feed’s team can write posts for it")


def unscheduled(post: Post, mover: Mover) -> PostState:
    """Where cancelling a schedule takes a post: the editor's own back to draft, someone
    else's contribution back to the editors' queue (returning it to its author needs a note)."""
    return SUBMITTED if post.submitted_at is not None and not mover.wrote(post) else DRAFT


def returned(post: Post) -> bool:
    """A draft an editor sent back to its author, with their note."""
    return post.state is DRAFT and bool(post.review_note)


def parse_state(value: object, allowed: tuple[PostState, ...] = STARTS) -> PostState:
    names = [state.value for state in allowed]
    if isinstance(value, str) and value in names:
        return PostState(value)
    raise Invalid.field(
        "state", "must be %(some)s or %(last)s", some=", ".join(names[:-1]), last=names[-1]
    )


def parse_publish_at(value: object, now: datetime, *, zone: ZoneInfo | None = None) -> datetime:
    """When a scheduled post is to go out: a moment after ``now``, within a year.

    Without ``zone`` (the API) it must carry its offset; with it (a form's datetime-local
    input, typed in the feed's time zone) a bare local time is read in that zone, and one that
    the zone skips (clocks going forward) is refused rather than guessed.
    """
    moment = parse_moment(value, "publish_at") if zone is None else _local_moment(value, zone)
    if moment is None:
        raise Invalid.field("publish_at", "is required to schedule a post")
    if moment <= now:
        raise Invalid.field("publish_at", "must be in the future")
    if moment > now + SCHEDULE_HORIZON:
        raise Invalid.field("publish_at", "must be within a year from now")
    return moment


def _local_moment(value: object, zone: ZoneInfo) -> datetime | None:
    text = clean_line(value, "publish_at", max_length=64)
    if not text:
        return None
    try:
        naive = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid.field("publish_at", "must be a date and time like 2026-11-25T18:30") from None
    if naive.tzinfo is not None:
        return naive
    moment = naive.replace(tzinfo=zone)
    # Through UTC and back: a time the clocks skip comes back another time.
    if moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise Invalid.field(
            "publish_at", "that time does not exist in %(zone)s (clocks change)", zone=zone.key
        )
    return moment


def clean_note(value: object) -> str:
    return clean_text(value, "note", max_length=NOTE_LENGTH)


def _impossible(current: PostState, wanted: PostState) -> str:
    if current is PUBLISHED:
        return N_("this post is published already")
    if current is DELETED:
        return N_("this post has been deleted")
    return Message(
        "a %(current)s post cannot become %(wanted)s", current=current.value, wanted=wanted.value
    )


def _authors_only(current: PostState, wanted: PostState) -> str:
    if wanted is SUBMITTED:
        return Message("only its author can submit a %(state)s post", state=current.value)
    if wanted is DELETED:
        return Message("only its author can delete a %(state)s post", state=current.value)
    return Message("only its author can change a %(state)s post", state=current.value)


def _editors_only(current: PostState, wanted: PostState) -> str:
    if wanted is PUBLISHED:
        return N_("only the feed’s editors can publish posts")
    if wanted is SCHEDULED and current is not SCHEDULED:
        return N_("only the feed’s editors can schedule posts")
    if wanted is DRAFT and current is SCHEDULED:
        return N_("only the feed’s editors can cancel a schedule")
    return Message("only the feed’s editors can change a %(state)s post", state=current.value)
