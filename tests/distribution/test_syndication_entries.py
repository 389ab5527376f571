"""Atom, RSS and JSON Feed entries: well-formed whatever a post or a feed says, even text from
before today's input rules, and carrying the whole post."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from livefeed.distribution import syndication
from livefeed.distribution.resources import Urls
from livefeed.distribution.syndication import Format
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.posts import Image, Post, PostState, Quote, ReadMore
from livefeed.domain.users import User
from livefeed.services import Services
from tests.distribution.feed_documents import FORMATS, feed_doc, live_doc, read_document, tag_doc
from tests.factories import make_feed, make_post

# Everything an editor may type that has broken a feed somewhere: markup, CDATA's end, entities,
# characters outside the Basic Multilingual Plane, right-to-left text, and the characters XML
# 1.0 forbids or discourages that our own input rules still let through.
HOSTILE = [
    "Talks end ]]> here",
    "<script>alert(1)</script> & <b>bold</b>",
    "&amp; &lt; &#0; &#xD800; &bogus;",
    "Emoji 🇺🇦 👩🏽‍💻 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "עברית and العربية",
    "Non-characters \ufffe\uffff in a headline",
    "A next-line \x85 and a C1 \x9f character",
    '"quotes" and \'apostrophes\' in <a href="x">',
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_document_is_well_formed_whatever_the_post_says(
    svc: Services, editor: User, fmt: Format
) -> None:
    make_feed(svc, editor, title="Summit ]]> <script>alert(1)</script> & 🇺🇦", tags="politics")
    make_feed(svc, editor, slug="other", title="Other &amp; feed", tags="politics")
    for n, text in enumerate(HOSTILE):
        make_post(
            svc,
            editor,
            slug="summit" if n % 2 else "other",
            headline=text,
            body=f"{text}\n\n`]]>` and **{text}** [a link](https://example.com/?a=1&b=]]>)",
            tags="politics",
            key_event=True,
            **{
                "quote.text": text,
                "quote.attribution": text,
                "image.url": "https://example.com/photo.jpg?a=1&b=]]>",
                "image.alt": text,
                "image.caption": text,
                "image.credit": text,
                "read_more.url": "https://example.com/story?x=<y>&z=]]>",
                "read_more.title": text,
                "read_more.summary": text,
            },
        )
    documents = [
        feed_doc(svc, fmt),
        feed_doc(svc, fmt, "other"),
        feed_doc(svc, fmt, key_events=True),
        tag_doc(svc, "politics", fmt),
        live_doc(svc, fmt),
    ]
    # The XML formats drop U+FFFE and U+FFFF, which XML 1.0 cannot hold even as references.
    expected = {syndication.clean(text) for text in HOSTILE}
    assert {item.title for item in documents[3].items} == expected
    assert {item.title for item in documents[4].items} == expected
    for doc in documents:
        for item in doc.items:
            assert item.title in expected
            assert "<script" not in item.html
            assert "]]>" in item.html or "]]&gt;" in item.html


def _post(**changes: Any) -> Post:
    moment = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    post = Post(
        id=7,
        feed_id=1,
        state=PostState.PUBLISHED,
        headline="Headline",
        body="Body",
        body_html="<p>Body</p>",
        quote=Quote("Said", "Someone"),
        image=Image("https://example.com/a.png", "Caption", "Credit", "Alt"),
        read_more=ReadMore("https://example.com/story", "Story", "Summary", ""),
        tags=("politics",),
        key_event=False,
        pinned=False,
        author_id=1,
        author_name="Anna Editor",
        published_at=moment,
        created_at=moment,
        updated_at=moment,
        version=1,
        seq=1,
    )
    return replace(post, **changes)


def _feed(**changes: Any) -> Feed:
    moment = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    feed = Feed(
        id=1,
        slug="summit",
        title="Summit",
        lead="Lead",
        notes="",
        tags=(),
        timezone="UTC",
        status=FeedStatus.LIVE,
        coverage_start=None,
        coverage_end=None,
        audio_stream_url="",
        last_seq=1,
        version=1,
        created_at=moment,
        updated_at=moment,
    )
    return replace(feed, **changes)


# What the database may hold from before today's input rules, or from an import: every
# character XML 1.0 refuses, a lone surrogate, and an escape character in the middle of text.
FORBIDDEN = (
    "".join(chr(c) for c in range(0x20) if c not in (9, 10, 13)) + "\ud800\udfff\ufffe\uffff"
)


@pytest.mark.parametrize("fmt", FORMATS)
def test_characters_xml_cannot_hold_are_dropped_not_written(fmt: Format) -> None:
    urls = Urls("http://livefeed.test")
    dirty = f"Before{FORBIDDEN}after \x1b[31m"
    post = _post(
        headline=dirty,
        body_html=f"<p>{dirty}</p>",
        quote=Quote(dirty, dirty),
        author_name=dirty,
        tags=("a\x00b",),
    )
    feed = _feed(title=dirty)
    channel = syndication.feed_channel(feed, f"<p>{dirty}</p>", [post], urls)
    body = syndication.render(channel, fmt)
    doc = read_document(body, fmt)
    assert doc.title == "Beforeafter [31m"
    (item,) = doc.items
    assert item.title == "Beforeafter [31m"
    assert item.author == "Beforeafter [31m"
    assert item.tags == ("ab", "verification:confirmed")
    assert "Beforeafter [31m" in item.html
    assert b"\x1b" not in body
    assert b"\xed\xa0\x80" not in body  # a lone surrogate, as a lenient encoder spells it


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_entry_carries_the_whole_post(svc: Services, editor: User, fmt: Format) -> None:
    make_feed(svc, editor)
    post = make_post(
        svc,
        editor,
        headline="Leaders agree",
        body="The **deal** is done. [Earlier](/feeds/summit/posts/1) and [elsewhere](https://example.com/x).",
        tags="politics, climate",
        **{
            "quote.text": "We are close.\n\nVery close.",
            "quote.attribution": "The chair",
            "image.url": "https://example.com/photos/chair.png",
            "image.alt": "The chair speaks",
            "image.caption": "The chair at the podium",
            "image.credit": "A. Photographer",
            "read_more.url": "https://example.com/analysis",
            "read_more.title": "What the deal means",
            "read_more.summary": "An analysis.",
        },
    )
    doc = feed_doc(svc, fmt)
    assert doc.title == "Summit in Geneva: live"
    assert doc.link == "http://livefeed.test/feeds/summit"
    assert doc.self_link == f"http://livefeed.test/feeds/summit/feed.{fmt}"
    (item,) = doc.items
    assert item.title == "Leaders agree"
    assert item.link == f"http://livefeed.test/feeds/summit/posts/{post.id}"
    assert item.id == f"tag:livefeed.test,2026-11-25:posts/{post.id}"
    assert item.author == "Anna Editor"
    assert item.published == post.published_at
    assert item.image == "https://example.com/photos/chair.png"
    assert item.tags == ("politics", "climate", "verification:confirmed")
    assert item.source == ""
    for text in (
        "<strong>deal</strong>",
        'href="http://livefeed.test/feeds/summit/posts/1"',  # made absolute for a reader elsewhere
        "<p>We are close.</p>",
        "<p>Very close.</p>",
        "The chair",
        'src="https://example.com/photos/chair.png"',
        'alt="The chair speaks"',
        "The chair at the podium",
        "A. Photographer",
        'href="https://example.com/analysis"',
        "What the deal means",
        "An analysis.",
    ):
        assert text in item.html


def test_the_image_type_comes_from_its_address() -> None:
    assert syndication.image_type("https://example.com/a.png?x=1") == "image/png"
    assert syndication.image_type("https://example.com/a.webp") == "image/webp"
    assert syndication.image_type("https://example.com/photo") == "image/jpeg"
    assert syndication.image_type("https://example.com/page.html") == "image/jpeg"
