"""The rules of revisions, corrections, retractions and "is editing", without a database."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.posts import Image, Post, PostState, Quote, Retraction, parse_post_input
from livefeed.domain.presence import STALE_AFTER, editing_line, fresh_since
from livefeed.domain.revisions import (
    NOTE_LENGTH,
    REASON_LENGTH,
    check_correction,
    check_retractable,
    check_revisable,
    correction_of,
    differing_fields,
    parse_correction,
    parse_retraction_reason,
    words_changed,
)

MOMENT = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


def a_post(**changes: Any) -> Post:
    post = Post(
        id=1, feed_id=1, state=PostState.PUBLISHED, headline="Talks resume",
        body="Delegates are back.", body_html="<p>Delegates are back.</p>\n",
        quote=Quote("Close.", "Chair"),
        image=Image("https://i.example.org/a.jpg", "Hall", "Ana", "A hall"), read_more=None,
        tags=("world",), key_event=False, pinned=False, author_id=None, author_name="",
        published_at=MOMENT, created_at=MOMENT, updated_at=MOMENT, version=3, seq=1,
    )  # fmt: skip
    return dataclasses.replace(post, **changes)


def edited(post: Post, **fields: object) -> Any:
    return parse_post_input(post.as_fields() | fields)


# What counts as a correction


def test_an_edit_marked_as_a_correction_needs_its_note() -> None:
    for blank in (None, "", "   "):
        with pytest.raises(Invalid) as caught:
            parse_correction(True, blank)
        assert list(caught.value.errors) == ["correction_note"]


def test_a_correction_note_is_one_trimmed_line() -> None:
    assert parse_correction(True, "  The minister's name was misspelt. ") == (
        "The minister's name was misspelt."
    )
    with pytest.raises(Invalid, match="one line"):
        parse_correction(True, "First line\nsecond line")


def test_a_correction_note_has_a_limit() -> None:
    assert parse_correction(True, "n" * NOTE_LENGTH) == "n" * NOTE_LENGTH
    with pytest.raises(Invalid) as caught:
        parse_correction(True, "n" * (NOTE_LENGTH + 1))
    assert caught.value.errors["correction_note"].startswith("must be at most 500")


def test_an_unmarked_edit_is_minor_and_a_stray_note_is_refused() -> None:
    assert parse_correction(False, None) is None
    assert parse_correction(False, "") is None
    with pytest.raises(Invalid) as caught:
        parse_correction(False, "Typo fixed")
    assert list(caught.value.errors) == ["correction_note"]


@pytest.mark.parametrize(
    "change",
    [
        {"headline": "Talks collapse"},
        {"body": "Delegates have left."},
        {"quote.text": "Far apart."},
        {"image.caption": "The lobby"},
        {"image.credit": "Ben"},
        {"read_more.url": "https://n.example.org/s", "read_more.title": "Story"},
        {"video.url": "https://vimeo.com/76979871"},
    ],
)
def test_changing_what_readers_read_can_be_a_correction(change: dict[str, object]) -> None:
    post = a_post()
    data = edited(post, **change)
    assert words_changed(post, data)
    check_correction(post, data)


@pytest.mark.parametrize(
    "change", [{}, {"tags": "world, talks"}, {"key_event": True}, {"pinned": True}]
)
def test_where_a_post_shows_is_no_correction(change: dict[str, object]) -> None:
    post = a_post()
    data = edited(post, **change)
    assert not words_changed(post, data)
    with pytest.raises(Invalid) as caught:
        check_correction(post, data)
    assert list(caught.value.errors) == ["correction_note"]


def test_only_a_published_post_is_corrected_in_the_open() -> None:
    draft = a_post(state=PostState.DRAFT)
    with pytest.raises(Invalid):
        check_correction(draft, edited(draft, headline="Talks collapse"))


def test_a_correction_keeps_the_wording_it_replaced() -> None:
    post = a_post()
    at = MOMENT + timedelta(minutes=5)
    correction = correction_of(post, "The minister's name was misspelt.", at)
    assert (correction.at, correction.note) == (at, "The minister's name was misspelt.")
    assert (correction.headline, correction.body_html) == (post.headline, post.body_html)


# Retraction


def test_a_retraction_needs_a_reason_of_one_line_within_the_limit() -> None:
    assert parse_retraction_reason(" The source withdrew the claim. ") == (
        "The source withdrew the claim."
    )
    assert parse_retraction_reason("r" * REASON_LENGTH) == "r" * REASON_LENGTH
    for bad in (None, "", "  ", "r" * (REASON_LENGTH + 1), "two\nlines", 7):
        with pytest.raises(Invalid) as caught:
            parse_retraction_reason(bad)
        assert list(caught.value.errors) == ["reason"]


def test_a_retracted_post_can_no_longer_be_edited() -> None:
    retracted = a_post(retraction=Retraction(MOMENT, "Wrong"))
    assert retracted.is_retracted
    for seen in (None, 3):
        with pytest.raises(Conflict, match="retracted"):
            check_revisable(retracted, seen)
    check_revisable(a_post(), 3)


def test_a_post_is_retracted_once_and_only_when_published() -> None:
    check_retractable(a_post(), 3)
    check_retractable(a_post(), None)
    with pytest.raises(Conflict, match="already"):
        check_retractable(a_post(retraction=Retraction(MOMENT, "Wrong")), None)
    with pytest.raises(Conflict, match="deleted"):
        check_retractable(a_post(state=PostState.DELETED), None)
    with pytest.raises(Conflict, match="published"):
        check_retractable(a_post(state=PostState.DRAFT), None)


def test_a_stale_retraction_is_a_conflict_on_version() -> None:
    with pytest.raises(Conflict) as caught:
        check_retractable(a_post(version=4), 3)
    assert caught.value.field == "version"


# Conflicts: what differs between their version and mine


def test_the_fields_that_differ_are_named_in_the_form_order() -> None:
    theirs = a_post(headline="Theirs", tags=("world", "talks")).as_fields()
    mine = a_post().as_fields() | {
        "body": "Delegates are back.\r\n",  # a browser's line break is no difference
        "tags": "world,  talks",  # the same tags as typed
        "pinned": True,
    }
    assert differing_fields(theirs, mine) == ["headline", "pinned"]
    assert differing_fields(theirs, theirs) == []


# "Is editing"


def test_an_editor_not_heard_from_for_a_while_no_longer_counts() -> None:
    assert fresh_since(MOMENT) == MOMENT - STALE_AFTER
    assert timedelta(seconds=30) < STALE_AFTER <= timedelta(minutes=1)


def test_who_is_editing_is_said_in_a_sentence() -> None:
    assert editing_line([]) == ""
    assert editing_line(["Anna"]) == "Anna is editing this post"
    assert editing_line(["Anna", "Ben"]) == "Anna and Ben are editing this post"
    assert editing_line(["Anna", "Ben", "Cleo"]) == "Anna, Ben and Cleo are editing this post"
