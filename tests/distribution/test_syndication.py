"""Atom, RSS and JSON Feed documents: well-formed for any content, and saying what happened.

Atom and RSS are read back with feedparser, which falls back to a lenient parser and sets
``bozo`` when a document is not well-formed XML; JSON Feed (which this feedparser does not
read) is checked against the JSON Feed 1.1 rules below. Either way a document becomes the same
small :class:`Doc`, so each test says once what it expects of all three formats.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import feedparser
import pytest

from livefeed.distribution import reading, syndication
from livefeed.distribution.resources import Urls
from livefeed.distribution.syndication import ENTRIES, Format
from livefeed.domain.errors import NotFound
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.posts import Image, Post, PostState, Quote, ReadMore
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_editor, make_feed, make_post

FORMATS = list(Format)


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    link: str
    html: str
    published: datetime
    updated: datetime | None  # RSS has no time of last change
    author: str
    image: str
    tags: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Doc:
    title: str
    link: str
    self_link: str
    items: list[Item]


def read_document(body: bytes, fmt: Format) -> Doc:
    """Parse a document strictly, failing the test on anything ill-formed."""
    if fmt is Format.JSON:
        return _read_json_feed(body)
    parsed = feedparser.parse(body, response_headers={"content-type": fmt.media_type})
    assert parsed.bozo == 0, f"not well-formed: {parsed.get('bozo_exception')!r}"
    assert parsed.version == ("atom10" if fmt is Format.ATOM else "rss20")
    links = parsed.feed.get("links", [])
    return Doc(
        title=parsed.feed.title,
        link=parsed.feed.link,
        self_link=next(link.href for link in links if link.rel == "self"),
        items=[_item(entry, fmt) for entry in parsed.entries],
    )


def _item(entry: Any, fmt: Format) -> Item:
    content = entry.get("content")
    return Item(
        id=entry.id,
        title=entry.title,
        link=entry.link,
        html=content[0].value if content else entry.get("summary", ""),
        published=_moment(entry.published_parsed),
        updated=_moment(entry.updated_parsed) if fmt is Format.ATOM else None,
        author=entry.get("author", ""),
        image=next((e.href for e in entry.get("enclosures", [])), ""),
        tags=tuple(tag.term for tag in entry.get("tags", [])),
        source=entry.source.title if "source" in entry else "",
    )


def _moment(parsed: Any) -> datetime:
    return datetime(*parsed[:6], tzinfo=UTC)


def _read_json_feed(body: bytes) -> Doc:
    """Check the JSON Feed 1.1 rules (jsonfeed.org/version/1.1) that a reader relies on."""

    def no_constants(name: str) -> float:
        raise AssertionError(f"{name} is not JSON")

    data = json.loads(body.decode("utf-8"), parse_constant=no_constants)
    top = {
        *("version", "title", "home_page_url", "feed_url", "description", "user_comment"),
        *("next_url", "icon", "favicon", "authors", "language", "expired", "hubs", "items"),
    }
    fields = {
        *("id", "url", "external_url", "title", "content_html", "content_text", "summary"),
        *("image", "banner_image", "date_published", "date_modified", "authors", "tags"),
        *("language", "attachments"),
    }
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(data["title"], str)
    assert data["title"]
    assert isinstance(data["items"], list)
    assert not {k for k in data if k not in top and not k.startswith("_")}
    for author in data.get("authors", []):
        assert isinstance(author["name"], str)
    assert isinstance(data.get("expired", False), bool)
    items = []
    for item in data["items"]:
        assert not {k for k in item if k not in fields and not k.startswith("_")}
        assert isinstance(item["id"], str)
        assert item["id"]
        assert {"content_html", "content_text"} & set(item), "an item needs content"
        assert all(isinstance(item.get(k, ""), str) for k in ("content_html", "content_text"))
        assert all(isinstance(tag, str) for tag in item.get("tags", []))
        authors = item.get("authors", [])
        items.append(
            Item(
                id=item["id"],
                title=item.get("title", ""),
                link=item["url"],
                html=item["content_html"],
                published=_rfc3339(item["date_published"]),
                updated=_rfc3339(item["date_modified"]),
                author=authors[0]["name"] if authors else "",
                image=item.get("image", ""),
                tags=tuple(item.get("tags", [])),
                source=item.get("_livefeed", {}).get("feed", {}).get("title", ""),
            )
        )
    assert len({item.id for item in items}) == len(items), "item ids must be unique"
    return Doc(data["title"], data["home_page_url"], data["feed_url"], items)


def _rfc3339(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert moment.tzinfo is not None, f"{text} has no offset"
    return moment


def feed_doc(svc: Services, fmt: Format, slug: str = "summit", *, key_events: bool = False) -> Doc:
    feed, lead_html, posts = reading.feed_newest(svc, slug, key_events=key_events, limit=ENTRIES)
    channel = syndication.feed_channel(feed, lead_html, posts, svc.urls, key_events=key_events)
    return read_document(syndication.render(channel, fmt), fmt)


def tag_doc(svc: Services, tag: str, fmt: Format) -> Doc:
    clean, found = reading.tag_newest(svc, tag, limit=ENTRIES)
    updated = found.stamp.updated_at or datetime.now(UTC)
    channel = syndication.tag_channel(clean, found.posts, updated, svc.urls)
    return read_document(syndication.render(channel, fmt), fmt)


def live_doc(svc: Services, fmt: Format) -> Doc:
    found = reading.live_newest(svc, limit=ENTRIES)
    updated = found.stamp.updated_at or datetime.now(UTC)
    channel = syndication.live_channel(found.posts, updated, svc.urls)
    return read_document(syndication.render(channel, fmt), fmt)


@pytest.fixture
def editor(svc: Services) -> User:
    return make_editor(svc)


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


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_edit_moves_updated_and_keeps_published_and_id(
    svc: Services, editor: User, clock: Clock, fmt: Format
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="First words")
    (before,) = feed_doc(svc, fmt).items
    clock.advance(600)
    publishing.edit_post(
        svc, editor, "summit", post.id, {"headline": "Better words"}, seen_version=1
    )
    (after,) = feed_doc(svc, fmt).items
    assert (before.title, after.title) == ("First words", "Better words")
    assert after.id == before.id
    assert after.published == before.published == post.published_at
    if fmt is not Format.RSS:
        assert before.updated == post.published_at
        assert after.updated == clock.now


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_deleted_post_leaves_every_document(
    svc: Services, editor: User, clock: Clock, fmt: Format
) -> None:
    make_feed(svc, editor, tags="politics")
    kept = make_post(svc, editor, headline="Kept", key_event=True, tags="politics")
    gone = make_post(svc, editor, headline="Gone", key_event=True, tags="politics")
    assert len(feed_doc(svc, fmt).items) == 2
    publishing.delete_post(svc, editor, "summit", gone.id)
    for doc in (
        feed_doc(svc, fmt),
        feed_doc(svc, fmt, key_events=True),
        tag_doc(svc, "politics", fmt),
        live_doc(svc, fmt),
    ):
        assert [item.title for item in doc.items] == ["Kept"]
        assert doc.items[0].link.endswith(f"/posts/{kept.id}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_key_events_document_has_only_key_events(
    svc: Services, editor: User, clock: Clock, fmt: Format
) -> None:
    make_feed(svc, editor)
    for n in range(1, 7):
        clock.advance(60)
        make_post(svc, editor, headline=f"Update {n}", key_event=n % 3 == 0)
    doc = feed_doc(svc, fmt, key_events=True)
    assert doc.title == "Summit in Geneva: live: key events"
    assert doc.self_link == f"http://livefeed.test/feeds/summit/key-events.{fmt}"
    assert [item.title for item in doc.items] == ["Update 6", "Update 3"]
    assert [item.title for item in feed_doc(svc, fmt).items][:2] == ["Update 6", "Update 5"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_tag_document_gathers_posts_from_every_feed_and_names_each(
    svc: Services, editor: User, clock: Clock, fmt: Format
) -> None:
    make_feed(svc, editor, title="Summit", tags="")
    make_feed(svc, editor, slug="election", title="Election night", tags="")
    make_post(svc, editor, headline="Summit climate deal", tags="climate")
    clock.advance(60)
    make_post(svc, editor, "election", headline="Untagged result")
    clock.advance(60)
    make_post(svc, editor, "election", headline="Green party gains", tags="politics, climate")
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    doc = tag_doc(svc, "climate", fmt)
    assert doc.link == "http://livefeed.test/tags/climate"
    assert doc.self_link == f"http://livefeed.test/tags/climate/feed.{fmt}"
    assert [(item.title, item.source) for item in doc.items] == [
        ("Green party gains", "Election night"),
        ("Summit climate deal", "Summit"),  # an ended feed's posts keep their tags
    ]


def test_a_tag_nobody_uses_or_that_is_no_tag_is_not_found(svc: Services, editor: User) -> None:
    make_feed(svc, editor, tags="politics")
    make_post(svc, editor, tags="climate")
    for tag in ("politics", "climate"):
        assert reading.tag_newest(svc, tag, limit=ENTRIES)[0] == tag
    for tag in ("sport", "Not A Tag!", ""):
        with pytest.raises(NotFound):
            reading.tag_newest(svc, tag, limit=ENTRIES)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_live_document_leaves_out_ended_and_scheduled_feeds(
    svc: Services, editor: User, clock: Clock, fmt: Format
) -> None:
    make_feed(svc, editor)
    make_feed(svc, editor, slug="election", title="Election night")
    make_feed(svc, editor, slug="finished", title="Finished story")
    make_post(svc, editor, headline="From the summit")
    clock.advance(60)
    make_post(svc, editor, "finished", headline="From a story that ended")
    clock.advance(60)
    make_post(svc, editor, "election", headline="From the election")
    publishing.set_feed_status(svc, editor, "finished", FeedStatus.ENDED)
    publishing.create_feed(
        svc, editor, {"slug": "tomorrow", "title": "Tomorrow", "timezone": "UTC"}, live=False
    )
    doc = live_doc(svc, fmt)
    assert doc.link == "http://livefeed.test/"
    assert doc.self_link == f"http://livefeed.test/feeds.{fmt}"
    assert [(item.title, item.source) for item in doc.items] == [
        ("From the election", "Election night"),
        ("From the summit", "Summit in Geneva: live"),
    ]


def test_a_document_holds_the_newest_posts_only(svc: Services, editor: User, clock: Clock) -> None:
    make_feed(svc, editor)
    for n in range(1, ENTRIES + 3):
        clock.advance(60)
        make_post(svc, editor, headline=f"Update {n}")
    titles = [item.title for item in feed_doc(svc, Format.ATOM).items]
    assert len(titles) == ENTRIES
    assert titles[0] == f"Update {ENTRIES + 2}"
    assert titles[-1] == "Update 3"


def test_an_entry_keeps_its_id_when_the_feed_is_renamed(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    (before,) = feed_doc(svc, Format.ATOM).items
    fields = reading.get_feed(svc, "summit").as_input() | {"slug": "geneva-summit"}
    publishing.update_feed(svc, editor, "summit", fields)
    (after,) = feed_doc(svc, Format.ATOM, "geneva-summit").items
    assert after.id == before.id
    assert after.link != before.link


def test_an_ended_feeds_json_feed_says_it_has_expired(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    feed, lead_html, posts = reading.feed_newest(svc, "summit", key_events=False, limit=ENTRIES)

    def as_json(feed: Feed) -> dict[str, Any]:
        channel = syndication.feed_channel(feed, lead_html, posts, svc.urls)
        data: dict[str, Any] = json.loads(syndication.render(channel, Format.JSON))
        return data

    assert "expired" not in as_json(feed)
    ended = as_json(publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED))
    assert ended["expired"] is True
    assert ended["description"] == "Leaders meet for a second day."
