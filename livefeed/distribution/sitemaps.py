"""Sitemaps: every feed and published post by address, and the news of the last two days, so
that search engines find each page (and each change to it) without crawling the feeds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from livefeed.domain.languages import news_language
from livefeed.domain.posts import first_sentence
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store import sitemaps as sitemap_store

SITEMAP_LIMIT = 50_000  # addresses in one sitemap file: the protocol's own limit
SITEMAP_BATCH = 1_000  # rows read per transaction while a sitemap is being sent
NEWS_WINDOW = timedelta(hours=48)  # what Google News takes from a news sitemap
NEWS_LIMIT = 1_000  # and at most this many

SitemapKind = Literal["feeds", "posts"]


@dataclass(frozen=True)
class Link:
    """An address for a sitemap, with when what it shows last changed."""

    url: str
    lastmod: datetime


@dataclass(frozen=True)
class SitemapPart:
    """One file of a sitemap index: the feeds or the posts whose ids fall in block ``block``."""

    kind: SitemapKind
    block: int
    lastmod: datetime


@dataclass(frozen=True)
class NewsItem:
    url: str
    title: str
    published: datetime
    lastmod: datetime
    # Its feed's language as the news sitemap names it (domain/languages.news_language).
    language: str = "en"


def sitemap_size(svc: Services) -> int:
    """How many addresses a sitemap of the whole site holds."""
    with svc.db.read() as conn:
        return feed_store.count(conn) + sitemap_store.count_published(conn)


def sitemap_parts(svc: Services, size: int = SITEMAP_LIMIT) -> list[SitemapPart]:
    """The files of a sitemap index: feeds, then posts, in blocks of ``size`` ids (never empty)."""
    with svc.db.read() as conn:
        feeds = sitemap_store.feed_blocks(conn, size)
        posts = sitemap_store.post_blocks(conn, size)
    return [SitemapPart("feeds", block, lastmod) for block, lastmod in feeds] + [
        SitemapPart("posts", block, lastmod) for block, lastmod in posts
    ]


def sitemap_links(
    svc: Services, kind: SitemapKind, *, block: int | None = None, size: int = SITEMAP_LIMIT
) -> Iterator[list[Link]]:
    """Every feed's or published post's address (those of one block of ids, if given).

    Read in batches, each in a transaction of its own: a long sitemap holds no connection
    while it is being sent, and a slow client costs the database nothing.
    """
    after = block * size - 1 if block is not None else 0
    below = (block + 1) * size if block is not None else None
    read = sitemap_store.feed_links if kind == "feeds" else sitemap_store.post_links
    while True:
        with svc.db.read() as conn:
            rows = read(conn, after_id=after, limit=SITEMAP_BATCH, below_id=below)
        if not rows:
            return
        if kind == "feeds":
            yield [Link(svc.urls.feed(slug), lastmod) for _, slug, lastmod in rows]
        else:
            yield [Link(svc.urls.post(slug, id_), lastmod) for id_, slug, lastmod in rows]
        if len(rows) < SITEMAP_BATCH:
            return
        after = rows[-1][0]


def recent_news(svc: Services) -> list[NewsItem]:
    """Posts published in the last two days, newest first, for the news sitemap."""
    with svc.db.read() as conn:
        rows = sitemap_store.published_since(conn, svc.clock() - NEWS_WINDOW, limit=NEWS_LIMIT)
    return [
        NewsItem(
            svc.urls.post(slug, id_),
            headline or first_sentence(body),
            published,
            lastmod,
            news_language(language),
        )
        for id_, slug, headline, body, published, lastmod, language in rows
    ]
