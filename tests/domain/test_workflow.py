"""The rules of a post's life before it goes out: who moves it, and where to (who reads it is
test_visibility.py's)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from livefeed.domain.access import ROLE_RIGHTS, FeedRole, Right
from livefeed.domain.errors import Conflict, Forbidden, Invalid
from livefeed.domain.posts import Post, PostState, check_editable
from livefeed.domain.workflow import (
    MOVES,
    Mover,
    check_move,
    check_start,
    parse_publish_at,
    parse_state,
    returned,
)

NOW = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
AUTHOR_ID, OTHER_ID = 7, 8
DRAFT, SUBMITTED, SCHEDULED = PostState.DRAFT, PostState.SUBMITTED, PostState.SCHEDULED
PUBLISHED, DELETED = PostState.PUBLISHED, PostState.DELETED


def post(state: PostState, *, seq: int = 0, note: str = "") -> Post:
    return Post(
        id=1, feed_id=1, state=state, headline="h", body="", body_html="", quote=None,
        image=None, read_more=None, tags=(), key_event=False, pinned=False, author_id=AUTHOR_ID,
        author_name="Carl", published_at=NOW, created_at=NOW, updated_at=NOW, version=1,
        seq=seq, review_note=note,
    )  # fmt: skip


def mover(role: FeedRole | None, *, author: bool) -> Mover:
    rights = ROLE_RIGHTS[role] if role else frozenset()
    return Mover(AUTHOR_ID if author else OTHER_ID, rights)


CONTRIBUTOR = mover(FeedRole.CONTRIBUTOR, author=True)
EDITOR = mover(FeedRole.EDITOR, author=False)
EDITOR_AUTHOR = mover(FeedRole.EDITOR, author=True)
MODERATOR = mover(FeedRole.MODERATOR, author=False)


# Who moves what, and where ----------------------------------------------------------------------

EVERYONE = {
    "contributor (author)": CONTRIBUTOR,
    "editor": EDITOR,
    "editor (author)": EDITOR_AUTHOR,
    "moderator": MODERATOR,
}

# (from, to) -> who among EVERYONE may make it, with a note when it goes back to someone.
ALLOWED: dict[tuple[PostState, PostState], set[str]] = {
    (DRAFT, DRAFT): {"contributor (author)", "editor (author)"},
    (DRAFT, SUBMITTED): {"contributor (author)", "editor (author)"},
    (DRAFT, SCHEDULED): {"editor", "editor (author)"},
    (DRAFT, PUBLISHED): {"editor", "editor (author)"},
    (DRAFT, DELETED): {"contributor (author)", "editor (author)"},
    (SUBMITTED, DRAFT): {"contributor (author)", "editor", "editor (author)"},
    (SUBMITTED, SUBMITTED): {"editor", "editor (author)"},
    (SUBMITTED, SCHEDULED): {"editor", "editor (author)"},
    (SUBMITTED, PUBLISHED): {"editor", "editor (author)"},
    (SUBMITTED, DELETED): {"editor", "editor (author)"},
    (SCHEDULED, DRAFT): {"editor", "editor (author)"},
    (SCHEDULED, SUBMITTED): {"editor", "editor (author)"},
    (SCHEDULED, SCHEDULED): {"editor", "editor (author)"},
    (SCHEDULED, PUBLISHED): {"editor", "editor (author)"},
    (SCHEDULED, DELETED): {"editor", "editor (author)"},
}


def test_the_table_of_moves_is_the_one_tested_here() -> None:
    assert set(MOVES) == set(ALLOWED)


@pytest.mark.parametrize("move", sorted(ALLOWED), ids=lambda m: f"{m[0]}->{m[1]}")
@pytest.mark.parametrize("name", sorted(EVERYONE))
def test_who_may_make_each_move(move: tuple[PostState, PostState], name: str) -> None:
    current, wanted = move
    who = EVERYONE[name]
    if name in ALLOWED[move]:
        check_move(post(current), wanted, who, note="Check the figures")
    else:
        with pytest.raises(Forbidden):
            check_move(post(current), wanted, who, note="Check the figures")


@pytest.mark.parametrize("current", [PUBLISHED, DELETED])
@pytest.mark.parametrize("wanted", list(PostState))
def test_nothing_moves_once_out_or_gone(current: PostState, wanted: PostState) -> None:
    with pytest.raises(Conflict) as caught:
        check_move(post(current, seq=3), wanted, EDITOR_AUTHOR)
    assert caught.value.field == "state"


def test_an_editor_returning_a_contribution_must_say_why() -> None:
    with pytest.raises(Invalid) as caught:
        check_move(post(SUBMITTED), DRAFT, EDITOR)
    assert set(caught.value.errors) == {"note"}
    with pytest.raises(Invalid):
        check_move(post(SCHEDULED), DRAFT, EDITOR)
    check_move(post(SUBMITTED), DRAFT, EDITOR, note="Two sources, please")


def test_taking_back_ones_own_post_needs_no_note() -> None:
    check_move(post(SUBMITTED), DRAFT, CONTRIBUTOR)
    check_move(post(SCHEDULED), DRAFT, EDITOR_AUTHOR)


def test_a_contributor_cannot_publish_or_schedule_even_their_own() -> None:
    for wanted in (PUBLISHED, SCHEDULED):
        with pytest.raises(Forbidden) as caught:
            check_move(post(DRAFT), wanted, CONTRIBUTOR)
        assert "editors" in str(caught.value)


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        (DRAFT, {"contributor (author)", "editor", "editor (author)"}),
        (SUBMITTED, {"contributor (author)", "editor", "editor (author)"}),
        (SCHEDULED, {"editor", "editor (author)"}),
        (PUBLISHED, {"editor", "editor (author)"}),
    ],
)
def test_who_may_start_a_post_in_each_state(state: PostState, allowed: set[str]) -> None:
    for name, who in EVERYONE.items():
        if name in allowed:
            check_start(state, who)
        else:
            with pytest.raises(Forbidden):
                check_start(state, who)


def test_a_returned_draft_is_one_with_a_note() -> None:
    assert returned(post(DRAFT, note="Add the source"))
    assert not returned(post(DRAFT))
    assert not returned(post(SUBMITTED, note="old"))


# Editing a published post goes elsewhere ----------------------------------------------------------


@pytest.mark.parametrize("state", [DRAFT, SUBMITTED, SCHEDULED])
def test_an_unpublished_post_is_not_edited_as_a_published_one(state: PostState) -> None:
    # Such an edit would log the words as an event, for every reader to see.
    with pytest.raises(Conflict):
        check_editable(post(state), None)


# Parsing ----------------------------------------------------------------------------------------


def test_states_a_new_post_may_take() -> None:
    assert [parse_state(s) for s in ("draft", "submitted", "scheduled", "published")] == [
        DRAFT,
        SUBMITTED,
        SCHEDULED,
        PUBLISHED,
    ]
    for bad in ("deleted", "Draft", "", None, 1):
        with pytest.raises(Invalid) as caught:
            parse_state(bad)
        assert set(caught.value.errors) == {"state"}


def test_a_schedule_with_an_offset() -> None:
    moment = parse_publish_at("2026-11-25T19:30:00+01:00", NOW)
    assert moment == NOW + timedelta(minutes=30)
    assert parse_publish_at("2026-11-25T18:00:01Z", NOW) == NOW + timedelta(seconds=1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-11-25T17:59:00Z", "must be in the future"),
        ("2026-11-25T18:00:00Z", "must be in the future"),
        ("2026-11-25T19:00:00", "time zone offset"),
        ("tomorrow", "date and time"),
        ("", "is required"),
        (None, "is required"),
        ("2028-11-25T18:00:00Z", "within a year"),
    ],
)
def test_a_bad_schedule_names_publish_at(value: object, message: str) -> None:
    with pytest.raises(Invalid) as caught:
        parse_publish_at(value, NOW)
    assert set(caught.value.errors) == {"publish_at"}
    assert message in caught.value.errors["publish_at"]


def test_a_local_time_is_read_in_the_feeds_zone() -> None:
    paris = ZoneInfo("Europe/Paris")
    assert parse_publish_at("2026-11-25T19:30", NOW, zone=paris) == NOW + timedelta(minutes=30)
    with pytest.raises(Invalid):
        parse_publish_at("2026-11-25T18:59", NOW, zone=paris)  # 17:59 UTC: past


def test_a_local_time_the_clocks_skip_is_refused() -> None:
    # Europe/London went from 01:00 to 02:00 on 28 March 2027: 01:30 never happened.
    start = datetime(2027, 3, 1, tzinfo=UTC)
    with pytest.raises(Invalid) as caught:
        parse_publish_at("2027-03-28T01:30", start, zone=ZoneInfo("Europe/London"))
    assert "does not exist" in caught.value.errors["publish_at"]


def test_rights_make_the_mover() -> None:
    assert EDITOR.is_editor
    assert EDITOR.is_contributor
    assert CONTRIBUTOR.is_contributor
    assert not CONTRIBUTOR.is_editor
    assert not MODERATOR.is_contributor
    assert Mover(1, frozenset({Right.PUBLISH})).wrote(post(DRAFT)) is False
