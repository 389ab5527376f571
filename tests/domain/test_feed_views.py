"""How a reader asks to read a feed: each view one address, a search only plain words."""

from __future__ import annotations

import pytest

from livefeed.domain.errors import Invalid
from livefeed.domain.feed_views import Order, View, highlight, parse_view, search_words


def test_a_view_left_at_its_defaults_has_no_query_string() -> None:
    assert parse_view({}).link() == ""
    assert parse_view({"order": "newest", "view": "all"}).link() == ""


def test_each_choice_is_a_link_of_its_own() -> None:
    view = parse_view({"order": "oldest", "view": "key-events", "tag": "Politics", "q": " talks "})
    assert view.order is Order.OLDEST
    assert view.key_events_only
    assert view.tag == "politics"
    assert view.link() == "?order=oldest&view=key-events&tag=politics&q=talks"
    assert view.link(order="newest", tag=None) == "?view=key-events&q=talks"
    assert view.link(cursor="abc").endswith("&q=talks&cursor=abc")


def test_an_ended_feed_that_reads_from_the_start_needs_no_order_in_its_links() -> None:
    view = parse_view({}, default_order=Order.OLDEST)
    assert view.oldest_first
    assert view.link() == ""
    assert view.link(order="newest") == "?order=newest"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"order": "sideways"}, "order"),
        ({"view": "everything"}, "view"),
        ({"tag": "two,tags"}, "tag"),
        ({"tag": "<b>"}, "tag"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_a_value_it_cannot_be_is_refused_by_name(params: dict[str, str], field: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse_view(params)
    assert list(refused.value.errors) == [field]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("Ceasefire  TALKS ceasefire", ["ceasefire", "talks"]),
        ('" OR 1=1; DROP TABLE posts; --', ["or", "1", "drop", "table", "posts"]),
        ('headline:"x" NEAR(a b) * ^', ["headline", "x", "near", "a", "b"]),
        ("<script>alert(1)</script>", ["script", "alert", "1"]),
        ("Genève", ["genève"]),
        ("'' \"\" ()", []),
        ("a b c d e f g h i j", ["a", "b", "c", "d", "e", "f", "g", "h"]),
    ],
)
def test_a_search_reaches_the_index_as_plain_words_only(query: str, words: list[str]) -> None:
    assert search_words(query) == words


def test_highlighting_marks_words_in_text_never_in_tags_or_entities() -> None:
    html = '<p>Talks &amp; <a href="/talks">talks</a> resumed, amp up</p>'
    assert highlight(html, ["talk", "amp"]) == (
        '<p><mark>Talks</mark> &amp; <a href="/talks"><mark>talks</mark></a> resumed, '
        "<mark>amp</mark> up</p>"
    )
    assert highlight(html, []) == html


def test_a_view_is_known_by_its_link() -> None:
    assert View().key() == "-"
    assert parse_view({"q": "x"}).key() != parse_view({"q": "y"}).key()
