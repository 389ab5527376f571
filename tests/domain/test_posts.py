"""The rules for a post's fields, checked without a database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.posts import (
    BODY_LENGTH,
    HEADLINE_LENGTH,
    Image,
    Post,
    PostState,
    Quote,
    ReadMore,
    check_editable,
    parse_post_input,
)


def errors_of(fields: dict[str, object]) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        parse_post_input(fields)
    return caught.value.errors


def test_a_full_post_is_parsed_into_its_parts() -> None:
    data = parse_post_input(
        {
            "headline": "  Talks resume  ",
            "body": "Delegates are back.\r\nMore soon.",
            "quote.text": "We are close.",
            "quote.attribution": "The chair",
            "image.url": "https://images.example.org/a.jpg",
            "image.caption": "The hall",
            "image.credit": "Photo: Ana",
            "image.alt": "Delegates at a long table",
            "read_more.url": "https://news.example.org/story",
            "read_more.title": "The full story",
            "read_more.summary": "What happened on day one.",
            "read_more.image_url": "https://images.example.org/b.jpg",
            "tags": "Politics, world news, politics",
            "key_event": "on",
            "pinned": True,
        }
    )
    assert data.headline == "Talks resume"
    assert data.body == "Delegates are back.\nMore soon."
    assert data.quote == Quote("We are close.", "The chair")
    assert data.image == Image(
        "https://images.example.org/a.jpg", "The hall", "Photo: Ana", "Delegates at a long table"
    )
    assert data.read_more == ReadMore(
        "https://news.example.org/story",
        "The full story",
        "What happened on day one.",
        "https://images.example.org/b.jpg",
    )
    assert data.tags == ("politics", "world-news")
    assert data.key_event is True
    assert data.pinned is True


def test_optional_parts_left_empty_are_none() -> None:
    data = parse_post_input({"headline": "Talks resume"})
    assert (data.body, data.quote, data.image, data.read_more, data.tags) == (
        "",
        None,
        None,
        None,
        (),
    )
    assert (data.key_event, data.pinned) == (False, False)


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({}, "headline", "a headline or some text"),
        ({"headline": "   ", "body": "  "}, "headline", "a headline or some text"),
        ({"headline": "x" * 300}, "headline", f"at most {HEADLINE_LENGTH}"),
        ({"headline": "Two\nlines"}, "headline", "one line"),
        ({"headline": 42}, "headline", "must be text"),
        ({"headline": "Price \u202e$5\u202c cut"}, "headline", "direction controls"),
        ({"headline": "\u2066evil\u2069 twin"}, "headline", "direction controls"),
        ({"headline": "ok", "body": "x" * (2 * 1024 * 1024)}, "body", f"{BODY_LENGTH:,}"),
        ({"headline": "ok", "body": "bell \x07"}, "body", "control characters"),
        ({"headline": "ok", "quote.attribution": "The chair"}, "quote.text", "its words"),
        ({"headline": "ok", "image.url": "https://i.example.org/a.jpg"}, "image.alt", "describe"),
        ({"headline": "ok", "image.caption": "The hall"}, "image.url", "address"),
        ({"headline": "ok", "image.url": "/a.jpg", "image.alt": "a"}, "image.url", "full http"),
        (
            {"headline": "ok", "read_more.url": "javascript:alert(1)", "read_more.title": "t"},
            "read_more.url",
            "full http",
        ),
        (
            {
                "headline": "ok",
                "read_more.url": "ftp://files.example.org/a",
                "read_more.title": "t",
            },
            "read_more.url",
            "full http",
        ),
        (
            {"headline": "ok", "read_more.url": "https:///nohost", "read_more.title": "t"},
            "read_more.url",
            "full http",
        ),
        ({"headline": "ok", "read_more.title": "The story"}, "read_more.url", "clear the card"),
        (
            {"headline": "ok", "read_more.url": "https://n.example.org/s"},
            "read_more.title",
            "title",
        ),
        ({"headline": "ok", "key_event": "maybe"}, "key_event", "true or false"),
        ({"headline": "ok", "pinned": 1}, "pinned", "true or false"),
    ],
)
def test_each_broken_rule_names_its_field(
    fields: dict[str, object], field: str, words: str
) -> None:
    errors = errors_of(fields)
    assert list(errors) == [field]
    assert words in errors[field]


def test_right_to_left_marks_stay_in_a_headline() -> None:
    # U+200F, the mark Arabic and Hebrew typing needs, is not an override.
    assert parse_post_input({"headline": "قمة\u200f 2026"}).headline == "قمة\u200f 2026"


def test_a_two_megabyte_body_is_refused_on_the_body_field() -> None:
    errors = errors_of({"headline": "ok", "body": "a" * 2_000_000})
    assert errors == {"body": f"must be at most {BODY_LENGTH:,} characters (it has 2,000,000)"}


def test_a_body_exactly_at_the_limit_is_accepted() -> None:
    assert len(parse_post_input({"headline": "ok", "body": "a" * BODY_LENGTH}).body) == BODY_LENGTH


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ("", ()),
        (None, ()),
        ("economy", ("economy",)),
        (" Economy ,  , Trade Talks ", ("economy", "trade-talks")),
        (["world", "World", "uk"], ("world", "uk")),
        (("a1", "b-2"), ("a1", "b-2")),
        (",".join(f"t{i}" for i in range(10)), tuple(f"t{i}" for i in range(10))),
    ],
)
def test_tags_are_normalised(tags: object, expected: tuple[str, ...]) -> None:
    assert parse_post_input({"headline": "ok", "tags": tags}).tags == expected


@pytest.mark.parametrize(
    ("tags", "words"),
    [
        ("café!", "is not a tag"),
        ("a_b", "is not a tag"),
        ("\u0301a", "is not a tag"),
        ("-lead", "is not a tag"),
        ("x" * 41, "at most 40"),
        (",".join(f"t{i}" for i in range(11)), "at most 10 tags"),
        (["ok", 3], "list of words"),
        (5, "list of words"),
    ],
)
def test_bad_tags_are_refused(tags: object, words: str) -> None:
    errors = errors_of({"headline": "ok", "tags": tags})
    assert list(errors) == ["tags"]
    assert words in errors["tags"]


def test_every_mistake_is_reported_at_once() -> None:
    errors = errors_of(
        {
            "headline": "Two\nlines",
            "body": "x" * (BODY_LENGTH + 1),
            "quote.attribution": "Someone",
            "image.url": "https://i.example.org/a.jpg",
            "read_more.url": "javascript:alert(1)",
            "read_more.title": "t",
            "tags": "not_a_tag",
            "pinned": "perhaps",
        }
    )
    assert set(errors) == {
        "headline",
        "body",
        "quote.text",
        "image.alt",
        "read_more.url",
        "tags",
        "pinned",
    }


def _post(state: PostState = PostState.PUBLISHED, version: int = 3) -> Post:
    moment = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    return Post(
        id=1, feed_id=1, state=state, headline="h", body="", body_html="", quote=None,
        image=None, read_more=None, tags=(), key_event=False, pinned=False, author_id=None,
        author_name="", published_at=moment, created_at=moment, updated_at=moment,
        version=version, seq=1,
    )  # fmt: skip


@pytest.mark.parametrize("seen", [None, 3])
def test_a_published_post_at_the_seen_version_is_editable(seen: int | None) -> None:
    check_editable(_post(version=3), seen)


def test_an_edit_of_an_older_version_is_a_conflict_on_version() -> None:
    with pytest.raises(Conflict) as caught:
        check_editable(_post(version=3), 2)
    assert caught.value.field == "version"
    assert "version 2" in str(caught.value)
    assert "version 3" in str(caught.value)


@pytest.mark.parametrize("seen", [None, 3])
def test_a_deleted_post_is_not_editable(seen: int | None) -> None:
    with pytest.raises(Conflict, match="deleted"):
        check_editable(_post(PostState.DELETED, version=3), seen)


def test_as_fields_round_trips_through_the_parser() -> None:
    moment = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    post = Post(
        id=1, feed_id=1, state=PostState.PUBLISHED, headline="Talks resume", body="Back.",
        body_html="", quote=Quote("Close.", "Chair"),
        image=Image("https://i.example.org/a.jpg", "Hall", "Ana", "A hall"),
        read_more=ReadMore("https://n.example.org/s", "Story", "", ""), tags=("world",),
        key_event=True, pinned=False, author_id=None, author_name="", published_at=moment,
        created_at=moment, updated_at=moment, version=1, seq=1,
    )  # fmt: skip
    data = parse_post_input(post.as_fields())
    assert (data.headline, data.body, data.quote, data.image, data.read_more) == (
        post.headline,
        post.body,
        post.quote,
        post.image,
        post.read_more,
    )
    assert (data.tags, data.key_event, data.pinned) == (post.tags, True, False)


def test_a_video_keeps_the_editors_description_and_loses_it_with_the_video() -> None:
    youtube = "https://youtu.be/dQw4w9WgXcQ"
    described = parse_post_input(
        {"headline": "Motorcade", "video.url": youtube, "video.alt": "  Cars leave the palace "}
    )
    assert described.video is not None
    assert described.video.alt == "Cars leave the palace"
    # An API client takes a video away by its address alone; its description goes with it.
    removed = parse_post_input({"headline": "Motorcade", "video.url": "", "video.alt": "Cars"})
    assert removed.video is None
    assert errors_of({"headline": "x", "video.url": youtube, "video.alt": "x" * 501}) == {
        "video.alt": "must be at most 500 characters (it has 501)"
    }
