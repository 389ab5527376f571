"""What search engines and link previews read about a feed or a post.

Two shapes, both built here from the domain objects so that templates only print them:
schema.org ``LiveBlogPosting`` JSON-LD for the feed page, and a :class:`Card` from which the
Open Graph and Twitter tags of the feed and post pages are written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

from livefeed.distribution.resources import Urls
from livefeed.domain.embeds import Embed
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.posts import Post
from livefeed.domain.times import iso_utc

DESCRIPTION_LENGTH = 200

# Inside <script>, only "</script>" (or "<!--") can end the data early; JSON strings may hold
# "<" escaped, so no text can. "&" and ">" go too, so the data survives any HTML context.
# U+2028/2029 are valid JSON but end a line in older JavaScript: escaped for whoever evals it.
_SCRIPT_SAFE = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n\s*")


@dataclass(frozen=True)
class Card:
    """A link preview: what Open Graph and Twitter tags say about one page."""

    title: str
    description: str
    url: str
    image: str
    image_alt: str
    published: datetime
    modified: datetime

    @property
    def twitter_card(self) -> str:
        return "summary_large_image" if self.image else "summary"


def live_blog_posting(
    feed: Feed,
    posts: Sequence[Post],
    *,
    urls: Urls,
    lead_html: str = "",
    policies: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The feed as a schema.org ``LiveBlogPosting``, its updates being ``posts``.

    ``posts`` are the ones on the feed's first page (the pinned post, then the newest), so each
    update's ``url`` is that page's address with the post's anchor. ``lead_html`` is the
    rendered lead, read as plain text for the description. ``policies``: the site's
    ``correctionsPolicy``, ``publishingPrinciples`` and ``verificationFactCheckingPolicy``
    addresses that are set (see :func:`policies_of`); with any, the publisher is a
    ``NewsMediaOrganization``, the type schema.org gives these properties.
    """
    page_url = urls.feed(feed.slug)
    publisher = publisher_of(urls)
    if policies:
        publisher = {**publisher, "@type": "NewsMediaOrganization", **policies}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "@id": page_url,
        "url": page_url,
        "mainEntityOfPage": page_url,
        "headline": feed.title,
        "inLanguage": feed.language,
    }
    description = plain_text(lead_html)
    if description:
        data["description"] = description
    # A feed opened without a stated start has been covering the story since it was made.
    data["coverageStartTime"] = iso_utc(feed.coverage_start or feed.created_at)
    if feed.status is FeedStatus.ENDED and feed.coverage_end is not None:
        data["coverageEndTime"] = iso_utc(feed.coverage_end)
    data["datePublished"] = iso_utc(feed.created_at)
    data["dateModified"] = iso_utc(feed.updated_at)
    data["publisher"] = publisher
    if policies and "publishingPrinciples" in policies:
        data["publishingPrinciples"] = policies["publishingPrinciples"]
    image = first_image(posts)
    if image:
        data["image"] = image
    data["liveBlogUpdate"] = [_update(post, page_url, publisher) for post in _unique(posts)]
    return data


def publisher_of(urls: Urls) -> dict[str, Any]:
    """The newsroom as schema.org sees it: its name, home page and, if it has one, its logo."""
    publisher: dict[str, Any] = {"@type": "Organization", "name": urls.site_name}
    publisher["url"] = urls.origin + "/"
    if urls.site_logo:
        publisher["logo"] = {"@type": "ImageObject", "url": urls.site_logo}
    return publisher


def _update(post: Post, page_url: str, publisher: dict[str, Any]) -> dict[str, Any]:
    update: dict[str, Any] = {
        "@type": "BlogPosting",
        "headline": post.title_text,
        "url": f"{page_url}#post-{post.id}",
        "datePublished": iso_utc(post.published_at),
        "dateModified": iso_utc(post.updated_at),
    }
    body = plain_text(post.body_html)
    if body:
        update["articleBody"] = body
    # A post whose author's account is gone is still the publisher's.
    update["author"] = (
        {"@type": "Person", "name": post.author_name} if post.author_name else publisher
    )
    if post.image:
        update["image"] = post.image.url
    if post.embed:
        # The social post it shows, as schema.org describes a post on a social network.
        update["sharedContent"] = social_posting(post.embed)
    # schema.org's own words for a correction made in the open; a retraction is a status.
    if post.corrections:
        update["correction"] = [
            {"@type": "CorrectionComment", "text": c.note, "datePublished": iso_utc(c.at)}
            for c in post.corrections
        ]
    if post.retraction:
        update["creativeWorkStatus"] = "Retracted"
    return update


def social_posting(embed: Embed) -> dict[str, Any]:
    posting: dict[str, Any] = {
        "@type": "SocialMediaPosting",
        "url": embed.url,
        "text": embed.text,
        "publisher": {"@type": "Organization", "name": embed.provider},
    }
    if embed.author_name:
        posting["author"] = {"@type": "Person", "name": embed.author_name}
        if embed.author_url:
            posting["author"]["url"] = embed.author_url
    if embed.published_at:
        posting["datePublished"] = iso_utc(embed.published_at)
    if embed.image_url:
        posting["image"] = embed.image_url
    return posting


def _unique(posts: Sequence[Post]) -> list[Post]:
    seen: set[int] = set()
    found: list[Post] = []
    for post in posts:
        if post.id not in seen:
            seen.add(post.id)
            found.append(post)
    return found


def first_image(posts: Sequence[Post]) -> str:
    """The address of the first image among ``posts``, in the order a reader sees them."""
    return next((post.image.url for post in posts if post.image), "")


def script_json(data: Any) -> str:
    """``data`` as JSON that can sit inside ``<script type="application/ld+json">`` unescaped."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)


def feed_card(feed: Feed, posts: Sequence[Post], *, urls: Urls, lead_html: str = "") -> Card:
    """The preview of a feed's page: its title, its lead, the first image on the page."""
    image = next((post.image for post in posts if post.image), None)
    return Card(
        title=feed.title,
        description=summary(plain_text(lead_html)),
        url=urls.feed(feed.slug),
        image=image.url if image else "",
        image_alt=image.alt if image else "",
        published=feed.created_at,
        modified=feed.updated_at,
    )


def post_card(feed: Feed, post: Post, *, urls: Urls) -> Card:
    """The preview of one post's page; a post without a photo shows its Read more card's."""
    text = plain_text(post.body_html) or (post.quote.text if post.quote else "")
    if post.image:
        image, alt = post.image.url, post.image.alt
    elif post.read_more and post.read_more.image_url:
        image, alt = post.read_more.image_url, ""
    else:
        image, alt = "", ""
    return Card(
        title=post.title_text,
        description=summary(text),
        url=urls.post(feed.slug, post.id),
        image=image,
        image_alt=alt,
        published=post.published_at,
        modified=post.updated_at,
    )


def summary(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters, with "…" if cut."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def plain_text(html: str) -> str:
    """The text a reader sees in sanitised ``html``: paragraphs apart, list items on lines."""
    if not html:
        return ""
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    return reader.text()


class _TextReader(HTMLParser):
    _BLOCKS = frozenset(
        {"p", "blockquote", "pre", "ul", "ol", "h2", "h3", "h4", "table", "hr", "div"}
    )
    _LINES = frozenset({"br", "li", "tr"})
    _CELLS = frozenset({"td", "th"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._break(tag)
        if tag == "pre":
            self._pre += 1
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self._parts.append(alt)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in self._BLOCKS:
            self._parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        # Outside <pre>, a line break in the source is only a space to a reader.
        self._parts.append(data if self._pre else data.replace("\n", " "))

    def _break(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self._parts.append("\n\n")
        elif tag in self._LINES:
            self._parts.append("\n")
        elif tag in self._CELLS:
            self._parts.append(" ")

    def text(self) -> str:
        lines = [_SPACES.sub(" ", line).strip() for line in "".join(self._parts).split("\n")]
        return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def policies_of(
    corrections: str | None, principles: str | None, verification: str | None
) -> dict[str, str]:
    """The site's policy addresses that are set, under their schema.org names."""
    named = {
        "correctionsPolicy": corrections,
        "publishingPrinciples": principles,
        "verificationFactCheckingPolicy": verification,
    }
    return {name: url for name, url in named.items() if url}
