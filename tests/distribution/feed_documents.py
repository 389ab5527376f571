"""Atom, RSS and JSON Feed documents read back into one small :class:`Doc`.

Atom and RSS are read back with feedparser, which falls back to a lenient parser and sets
``bozo`` when a document is not well-formed XML; JSON Feed (which this feedparser does not
read) is checked against the JSON Feed 1.1 rules below. Either way a document becomes the same
small :class:`Doc`, so each test says once what it expects of all three formats.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from livefeed.distribution import reading, syndication
from livefeed.distribution.syndication import ENTRIES, Format
from livefeed.services import Services

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
