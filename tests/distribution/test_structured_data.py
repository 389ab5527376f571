"""Structured data and link previews, built from real feeds and posts."""

from __future__ import annotations

import json

import pytest

from livefeed.distribution import reading
from livefeed.distribution.structured_data import (
    feed_card,
    live_blog_posting,
    plain_text,
    post_card,
    script_json,
    summary,
)
from livefeed.domain.feeds import FeedStatus
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_editor, make_feed, make_post

HOSTILE = ["</script><script>alert(1)</script>", "<!--", "a & b > c", "\u2028\u2029", "</SCRIPT >"]


@pytest.mark.parametrize("text", HOSTILE)
def test_script_json_cannot_end_its_script_and_reads_back_the_same(text: str) -> None:
    data = {"headline": text, "nested": [{"x": text}]}

    encoded = script_json(data)

    assert not {"<", ">", "&", "\u2028", "\u2029"} & set(encoded)
    assert json.loads(encoded) == data


def test_plain_text_keeps_what_a_reader_sees_and_drops_the_markup() -> None:
    html = (
        "<p>Delegates are <strong>back</strong> &amp; talking.</p>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
        '<p>See <a href="https://example.org">the text</a><br>\nand <img src="x" alt="a map"></p>'
    )

    assert plain_text(html) == (
        "Delegates are back & talking.\n\none\ntwo\n\nSee the text\nand a map"
    )
    assert plain_text("") == ""


def test_summary_cuts_at_a_word_and_says_so() -> None:
    assert summary("short  text\nhere") == "short text here"
    cut = summary("alpha beta gamma delta", limit=15)
    assert cut == "alpha beta…"
    assert len(summary("word " * 100)) <= 200


def test_a_live_blog_posting_describes_the_feed_and_each_update(
    svc: Services, clock: Clock
) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor, coverage_start="2026-11-25T17:00:00Z")
    clock.advance(60)
    first = make_post(
        svc,
        editor,
        headline="Talks resume",
        body="Delegates are **back**.\n\nMore soon.",
        **{"image.url": "https://images.example.org/hall.jpg", "image.alt": "The hall"},
    )
    clock.advance(60)
    second = make_post(svc, editor, headline="A quiet hour", body="")
    page = reading.feed_page(svc, "summit")

    data = live_blog_posting(page.feed, page.posts, urls=svc.urls, lead_html=page.lead_html)

    feed_url = "http://livefeed.test/feeds/summit"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "LiveBlogPosting"
    assert data["url"] == feed_url
    assert data["headline"] == "Summit in Geneva: live"
    assert data["description"] == "Leaders meet for a second day."
    assert data["coverageStartTime"] == "2026-11-25T17:00:00Z"
    assert "coverageEndTime" not in data
    assert data["datePublished"] == "2026-11-25T18:00:00Z"
    assert data["dateModified"] == "2026-11-25T18:02:00Z"
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Livefeed",
        "url": "http://livefeed.test/",
    }
    assert data["image"] == "https://images.example.org/hall.jpg"
    assert data["liveBlogUpdate"] == [
        {
            "@type": "BlogPosting",
            "headline": "A quiet hour",
            "url": f"{feed_url}#post-{second.id}",
            "datePublished": "2026-11-25T18:02:00Z",
            "dateModified": "2026-11-25T18:02:00Z",
            "author": {"@type": "Person", "name": "Anna Editor"},
        },
        {
            "@type": "BlogPosting",
            "headline": "Talks resume",
            "url": f"{feed_url}#post-{first.id}",
            "datePublished": "2026-11-25T18:01:00Z",
            "dateModified": "2026-11-25T18:01:00Z",
            "articleBody": "Delegates are back.\n\nMore soon.",
            "author": {"@type": "Person", "name": "Anna Editor"},
            "image": "https://images.example.org/hall.jpg",
        },
    ]


def test_a_feed_without_a_stated_start_covers_from_its_creation_and_ends_when_ended(
    svc: Services, clock: Clock
) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor, lead="")
    clock.advance(3600)
    ended = publishing.set_feed_status(svc, editor, feed.slug, FeedStatus.ENDED)

    data = live_blog_posting(ended, [], urls=svc.urls)

    assert data["coverageStartTime"] == "2026-11-25T18:00:00Z"
    assert data["coverageEndTime"] == "2026-11-25T19:00:00Z"
    assert "description" not in data
    assert "image" not in data
    assert data["liveBlogUpdate"] == []


def test_the_pinned_post_is_an_update_once_and_its_image_comes_first(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    make_post(
        svc,
        editor,
        headline="Newest",
        **{"image.url": "https://images.example.org/new.jpg", "image.alt": "New"},
    )
    pinned = make_post(
        svc,
        editor,
        headline="Pinned",
        pinned=True,
        **{"image.url": "https://images.example.org/pin.jpg", "image.alt": "Pin"},
    )
    page = reading.feed_page(svc, "summit")
    assert page.pinned is not None
    shown = [page.pinned, *page.posts, page.pinned]

    data = live_blog_posting(page.feed, shown, urls=svc.urls)

    assert [u["headline"] for u in data["liveBlogUpdate"]] == ["Pinned", "Newest"]
    assert data["image"] == "https://images.example.org/pin.jpg"
    card = feed_card(page.feed, shown, urls=svc.urls, lead_html=page.lead_html)
    assert (card.image, card.image_alt, card.twitter_card) == (
        "https://images.example.org/pin.jpg",
        "Pin",
        "summary_large_image",
    )
    assert card.url == "http://livefeed.test/feeds/summit"
    assert pinned.id in {int(u["url"].rsplit("-", 1)[1]) for u in data["liveBlogUpdate"]}


def test_a_post_card_falls_back_to_the_read_more_image_and_the_quote(svc: Services) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor)
    post = make_post(
        svc,
        editor,
        body="",
        **{
            "quote.text": "We are close.",
            "quote.attribution": "The chair",
            "read_more.url": "https://news.example.org/deal",
            "read_more.title": "The deal",
            "read_more.image_url": "https://images.example.org/deal.jpg",
        },
    )

    card = post_card(feed, post, urls=svc.urls)

    assert card.title == "Talks resume"
    assert card.description == "We are close."
    assert card.url == f"http://livefeed.test/feeds/summit/posts/{post.id}"
    assert (card.image, card.image_alt) == ("https://images.example.org/deal.jpg", "")
    assert card.twitter_card == "summary_large_image"


def test_a_plain_post_card_is_a_summary(svc: Services) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor)
    post = make_post(svc, editor, body="Delegates are *back*.")

    card = post_card(feed, post, urls=svc.urls)

    assert (card.description, card.image, card.twitter_card) == (
        "Delegates are back.",
        "",
        "summary",
    )
