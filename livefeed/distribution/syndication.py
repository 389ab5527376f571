"""Atom, RSS 2.0 and JSON Feed 1.1 documents, built from feeds and posts (no HTTP here).

Each document has three spellings at one address with three extensions:

- ``/feeds/{slug}/feed.atom|.rss|.json``        a feed's newest published posts
- ``/feeds/{slug}/key-events.atom|.rss|.json``  only its key events
- ``/tags/{tag}/feed.atom|.rss|.json``          posts with the tag, across every feed
- ``/feeds.atom|.rss|.json``                    posts of every live feed

An entry is a post: its headline, its sanitised body with the quote, figure, Read more card and
social post as plain HTML (all typed text escaped), times, author and image.
Its id is a tag URI made from the post's number, so renaming a feed's slug does not make
readers see every post again. A deleted post is simply no longer among the newest.

Atom and RSS are written by ``feedgenerator`` (Django's feed writers, standalone), escaping
every text and attribute, never in CDATA, so ``]]>`` in a post is only text. XML 1.0 cannot
hold most C0 controls, lone surrogates or U+FFFE/U+FFFF, escaped or not, and readers misread
the C1 controls: all are dropped from every string written, in all three formats alike.
"""

from __future__ import annotations

import html
import json
import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import quote, urlsplit

import nh3
from feedgenerator import Atom1Feed, Rss201rev2Feed

from livefeed import __version__
from livefeed.distribution.enclosures import attachment, enclosures
from livefeed.distribution.entry_content import entry_html, with_notices
from livefeed.distribution.resources import Urls
from livefeed.domain.audio import Audio
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.posts import Post
from livefeed.domain.times import iso_utc
from livefeed.languages.catalogs import _

# The software that wrote the document (its generator), whatever the site is called.
SOFTWARE = "Livefeed"
ENTRIES = 30  # newest posts in one document: a reader polling every quarter hour misses none
DESCRIPTION_LENGTH = 500

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"

# What XML 1.0 allows (its production "Char") less the controls it discourages (DEL and C1,
# which feed readers take for Windows-1252 letters); everything else is dropped.
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Format(StrEnum):
    ATOM = "atom"
    RSS = "rss"
    JSON = "json"

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]


_MEDIA_TYPES = {
    Format.ATOM: "application/atom+xml; charset=utf-8",
    Format.RSS: "application/rss+xml; charset=utf-8",
    Format.JSON: "application/feed+json; charset=utf-8",
}


def parse_format(text: str) -> Format | None:
    try:
        return Format(text)
    except ValueError:
        return None


# Addresses, each less the extension that names the format.


def feed_document(slug: str, *, key_events: bool = False) -> str:
    """The path of a feed's documents, less the extension that names the format."""
    return f"/feeds/{quote(slug)}/{'key-events' if key_events else 'feed'}"


def tag_document(tag: str) -> str:
    return f"/tags/{quote(tag, safe='')}/feed"


LIVE_DOCUMENT = "/feeds"


@dataclass(frozen=True)
class Source:
    """The feed an entry comes from, named in documents that gather several feeds."""

    title: str
    url: str
    # The address of the feed's own document, without its extension.
    document: str


@dataclass(frozen=True)
class Entry:
    id: str
    url: str
    title: str
    html: str
    published: datetime
    updated: datetime
    author: str
    tags: tuple[str, ...]
    image_url: str
    external_url: str
    source: Source | None
    # An uploaded sound clip: its address, type, size and length (an enclosure).
    audio: Audio | None = None
    # Its feed's BCP 47 tag: a document gathering several feeds may hold several languages.
    language: str = "en"


@dataclass(frozen=True)
class Channel:
    """One document before it is spelt in a format: everything in it already made safe."""

    id: str
    title: str
    description: str
    page_url: str
    # The document's own address, without its extension (``…/feed`` for ``…/feed.atom``).
    document: str
    updated: datetime
    entries: tuple[Entry, ...]
    finished: bool = False
    # Who publishes it: the newsroom (LIVEFEED_SITE_NAME).
    publisher: str = SOFTWARE
    # The BCP 47 tag it is written in: its feed's, or the site's for one gathering feeds.
    language: str = "en"


def feed_channel(
    feed: Feed, lead_html: str, posts: Sequence[Post], urls: Urls, *, key_events: bool = False
) -> Channel:
    """A feed's document: its newest posts, or with ``key_events`` only those."""
    title = _("%(title)s: key events", title=feed.title) if key_events else feed.title
    return Channel(
        id=tag_uri(
            urls, feed.created_at, f"feeds/{feed.id}/{'key-events' if key_events else 'feed'}"
        ),
        title=clean(title),
        description=clean(_plain(lead_html) or _("Live updates: %(title)s", title=feed.title)),
        page_url=urls.feed(feed.slug),
        document=urls.origin + feed_document(feed.slug, key_events=key_events),
        updated=_newest(feed.updated_at, posts),
        entries=tuple(entry(post, feed, urls, with_source=False) for post in posts),
        publisher=urls.site_name,
        finished=feed.status is FeedStatus.ENDED,
        language=feed.language,
    )


def tag_channel(
    tag: str, found: Sequence[tuple[Post, Feed]], updated: datetime, urls: Urls
) -> Channel:
    """Posts carrying ``tag`` in any feed, each naming the feed it comes from."""
    page = urls.origin + urls.tag_path(tag)
    return Channel(
        id=page,
        title=clean(f"{tag}: {urls.site_name}"),
        description=clean(
            _("Updates tagged “%(tag)s” from every feed on %(site)s.", tag=tag, site=urls.site_name)
        ),
        page_url=page,
        document=urls.origin + tag_document(tag),
        updated=_newest(updated, [post for post, _ in found]),
        entries=tuple(entry(post, feed, urls, with_source=True) for post, feed in found),
        publisher=urls.site_name,
        language=_shared_language([feed for _, feed in found], urls.language),
    )


def live_channel(found: Sequence[tuple[Post, Feed]], updated: datetime, urls: Urls) -> Channel:
    """The newest posts of every feed that is live now."""
    return Channel(
        id=urls.origin + "/",
        title=clean(_("%(site)s: live feeds", site=urls.site_name)),
        description=clean(
            _("The newest updates from every live feed on %(site)s.", site=urls.site_name)
        ),
        page_url=urls.origin + "/",
        document=urls.origin + LIVE_DOCUMENT,
        updated=_newest(updated, [post for post, _ in found]),
        entries=tuple(entry(post, feed, urls, with_source=True) for post, feed in found),
        publisher=urls.site_name,
        language=_shared_language([feed for _, feed in found], urls.language),
    )


def entry(post: Post, feed: Feed, urls: Urls, *, with_source: bool) -> Entry:
    return Entry(
        id=tag_uri(urls, post.created_at, f"posts/{post.id}"),
        url=urls.post(feed.slug, post.id),
        title=clean(
            _("Retracted: %(title)s", title=post.title_text) if post.retraction else post.title_text
        ),
        html=clean(with_notices(post, feed, entry_html(post, urls.origin))),
        published=post.published_at,
        updated=post.updated_at,
        author=clean(post.author_name),
        tags=(*(clean(tag) for tag in post.tags), f"verification:{post.verification.value}"),
        image_url=clean(post.image.url) if post.image else "",
        external_url=clean(post.read_more.url) if post.read_more else "",
        audio=post.audio if post.audio and post.audio.url else None,
        source=(
            Source(
                clean(feed.title),
                urls.feed(feed.slug),
                urls.origin + feed_document(feed.slug),
            )
            if with_source
            else None
        ),
        language=feed.language,
    )


def render(channel: Channel, fmt: Format) -> bytes:
    if fmt is Format.JSON:
        return _json_feed(channel)
    writer = _Atom if fmt is Format.ATOM else _Rss
    document = writer(
        title=channel.title,
        link=channel.page_url,
        description=channel.description,
        feed_url=f"{channel.document}.{fmt}",
        feed_guid=channel.id,
        author_name=channel.publisher,
        updated=channel.updated,
        language=channel.language,
    )
    for item in channel.entries:
        document.add_item(
            title=item.title,
            link=item.url,
            description=None if fmt is Format.ATOM else item.html,
            content=item.html if fmt is Format.ATOM else None,
            author_name=item.author or None,
            pubdate=item.published,
            updateddate=item.updated,
            unique_id=item.id,
            unique_id_is_permalink=False,
            categories=item.tags,
            enclosures=enclosures(
                item.image_url, image_type(item.image_url), item.audio, one=fmt is Format.RSS
            )
            or None,
            source=item.source,
            language=item.language,
        )
    text: str = document.writeString("utf-8")
    return text.encode("utf-8")


def _json_feed(channel: Channel) -> bytes:
    items: list[dict[str, Any]] = []
    for item in channel.entries:
        data: dict[str, Any] = {
            "id": item.id,
            "url": item.url,
            "title": item.title,
            "content_html": item.html,
            "date_published": iso_utc(item.published),
            "date_modified": iso_utc(item.updated),
        }
        if item.language != channel.language:
            data["language"] = item.language
        if item.external_url:
            data["external_url"] = item.external_url
        if item.image_url:
            data["image"] = item.image_url
        if item.audio:
            data["attachments"] = [attachment(item.audio)]
        if item.author:
            data["authors"] = [{"name": item.author}]
        if item.tags:
            data["tags"] = list(item.tags)
        if item.source:
            # An extension (JSON Feed allows keys starting with "_"): the feed it comes from.
            data["_livefeed"] = {"feed": {"title": item.source.title, "url": item.source.url}}
        items.append(data)
    document: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": channel.title,
        "home_page_url": channel.page_url,
        "feed_url": f"{channel.document}.{Format.JSON}",
        "description": channel.description,
        "language": channel.language,
        "authors": [{"name": channel.publisher}],
        "items": items,
    }
    if channel.finished:
        document["expired"] = True
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def clean(text: str) -> str:
    """``text`` with every character XML 1.0 cannot carry dropped."""
    return _NOT_XML.sub("", text)


def tag_uri(urls: Urls, moment: datetime, path: str) -> str:
    """A permanent id (RFC 4151) under the site's host, dated when the thing was made."""
    host = urlsplit(urls.origin).hostname or "localhost"
    return f"tag:{host},{moment:%Y-%m-%d}:{path}"


def image_type(url: str) -> str:
    """The image's type from its address; a photo of unknown kind is most likely a JPEG."""
    guessed, _ = mimetypes.guess_type(urlsplit(url).path)
    return guessed if guessed and guessed.startswith("image/") else "image/jpeg"


def _plain(fragment: str) -> str:
    """Sanitised HTML as one line of text, shortened for a document's description."""
    text = " ".join(html.unescape(nh3.clean(clean(fragment), tags=set())).split())
    return text if len(text) <= DESCRIPTION_LENGTH else text[: DESCRIPTION_LENGTH - 1] + "…"


def _shared_language(feeds: Sequence[Feed], site: str) -> str:
    """The one language of a document gathering feeds, else the site's (each entry still
    says its own)."""
    found = {feed.language for feed in feeds}
    return found.pop() if len(found) == 1 else site


def _newest(moment: datetime, posts: Sequence[Post]) -> datetime:
    return max([moment, *(post.updated_at for post in posts)])


# feedgenerator dates a document by its newest item, or by the wall clock when it has none;
# these date it as we say, and name each entry's feed in documents that gather several.


class _Dated:
    feed: dict[str, Any]

    def latest_post_date(self) -> datetime:
        moment: datetime = self.feed["updated"]
        return moment


class _Atom(_Dated, Atom1Feed):  # type: ignore[misc]
    def item_attributes(self, item: dict[str, Any]) -> dict[str, str]:
        """Each entry says its language (``xml:lang``): one gathering feeds may mix them."""
        return {"xml:lang": item["language"]}

    def add_root_elements(self, handler: Any) -> None:
        super().add_root_elements(handler)
        handler.addQuickElement("generator", SOFTWARE, {"version": __version__})

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        source: Source | None = item["source"]
        if source:
            handler.startElement("source", {})
            handler.addQuickElement("title", source.title)
            handler.addQuickElement("link", "", {"rel": "alternate", "href": source.url})
            handler.addQuickElement(
                "link", "", {"rel": "self", "href": f"{source.document}.{Format.ATOM}"}
            )
            handler.endElement("source")


class _Rss(_Dated, Rss201rev2Feed):  # type: ignore[misc]
    def add_root_elements(self, handler: Any) -> None:
        super().add_root_elements(handler)
        handler.addQuickElement("generator", f"{SOFTWARE} {__version__}")

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        source: Source | None = item["source"]
        if source:
            handler.addQuickElement(
                "source", source.title, {"url": f"{source.document}.{Format.RSS}"}
            )
