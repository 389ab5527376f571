"""A one-line update may go without a headline; it is then named by its first sentence."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from livefeed.domain.errors import Invalid
from livefeed.domain.posts import (
    Post,
    PostState,
    Quote,
    display_headline,
    first_sentence,
    parse_post_input,
)


def _post(headline: str, body: str) -> Post:
    moment = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    return Post(
        id=1, feed_id=1, state=PostState.PUBLISHED, headline=headline, body=body, body_html="",
        quote=None, image=None, read_more=None, tags=(), key_event=False, pinned=False,
        author_id=None, author_name="", published_at=moment, created_at=moment,
        updated_at=moment, version=1, seq=1,
    )  # fmt: skip


def test_a_body_only_post_is_accepted_with_an_empty_headline() -> None:
    data = parse_post_input({"body": "The bridge is open again. Traffic is light."})
    assert data.headline == ""
    assert data.body == "The bridge is open again. Traffic is light."


def test_a_post_with_only_a_quote_is_accepted() -> None:
    assert parse_post_input({"quote.text": "We are done."}).quote == Quote("We are done.", "")


@pytest.mark.parametrize("fields", [{}, {"headline": " ", "body": "\n "}, {"tags": ["x"]}])
def test_a_post_with_nothing_to_read_is_refused_on_the_headline(fields: dict[str, object]) -> None:
    with pytest.raises(Invalid) as caught:
        parse_post_input(fields)
    assert caught.value.errors == {"headline": "a post needs a headline or some text"}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("The bridge is open. Traffic is light.", "The bridge is open."),
        ("Goal! Two–one now.", "Goal!"),
        ("Is it over? Not yet.", "Is it over?"),
        ("First line\nsecond line", "First line"),
        (
            "\n\n## **Breaking**: the [vote](https://example.org) passed",
            "Breaking: the vote passed",
        ),
        ("> Quoted *words* here. Then more.", "Quoted words here."),
        ("Version 1.2 is out", "Version 1.2 is out"),
        ("", ""),
    ],
)
def test_the_first_sentence_is_plain_text(body: str, expected: str) -> None:
    assert first_sentence(body) == expected


def test_a_long_first_sentence_is_cut_at_a_word_with_an_ellipsis() -> None:
    sentence = first_sentence("word " * 60)
    assert len(sentence) <= 120
    assert sentence.endswith("word…")


def test_the_headline_wins_and_the_first_sentence_stands_in_for_none() -> None:
    assert display_headline(_post("Talks resume", "They met. Then left.")) == "Talks resume"
    post = _post("", "They met at noon. Then left.")
    assert display_headline(post) == post.title_text == "They met at noon."
    quoted = replace(_post("", ""), quote=Quote("Enough is enough. We walk.", "The chair"))
    assert quoted.title_text == "Enough is enough."
