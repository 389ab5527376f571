"""Social posts shown in a post: which sites we know, and what we keep of a post from one.

A post from X, Bluesky, Mastodon and the like is kept as a snapshot taken when the editor
pastes its address: who wrote it, its words, its time and picture, and the site's own markup
once sanitised. Readers see the snapshot, served from our origin, so that reading a feed tells
no other site who is reading it. The site's own embed (its script, its frame) runs only when a
reader asks for it, in a page of its own whose Content-Security-Policy names that site's hosts
and nothing else.

The providers are data: a pattern of the posts' addresses, the oEmbed endpoint that describes
them, and the hosts their embed loads from. A site not listed is asked through oEmbed
discovery (the ``<link rel="alternate" type="application/json+oembed">`` of its page), which
is how Mastodon's many instances are found.

Standard library only.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode, urlsplit

FIELD = "embed.url"
TEXT_LENGTH = 5_000
NAME_LENGTH = 200
HTML_LENGTH = 100_000


@dataclass(frozen=True)
class Provider:
    """A site whose posts we know how to embed.

    ``endpoint`` is its oEmbed endpoint ("" for a site without one, whose snapshot is read from
    its page); ``hosts`` are where its embed loads its scripts and frames from; ``token``: it
    answers only to an app's access token (Meta's sites).
    """

    name: str
    patterns: tuple[str, ...]
    endpoint: str
    hosts: tuple[str, ...]
    token: bool = False

    def matches(self, url: str) -> bool:
        return any(re.fullmatch(pattern, url, re.I) for pattern in self.patterns)

    def request_url(self, url: str, token: str = "") -> str:
        """Where the description of the post at ``url`` is asked for."""
        joiner = "&" if "?" in self.endpoint else "?"
        query = {"url": url, "format": "json"} | ({"access_token": token} if token else {})
        return f"{self.endpoint}{joiner}{urlencode(query)}"


_S = r"https?://(?:www\.|mobile\.|m\.)?"

PROVIDERS: tuple[Provider, ...] = (
    Provider(
        "X",
        (_S + r"(?:twitter|x)\.com/[^/]+/status(?:es)?/\d+.*",),
        "https://publish.twitter.com/oembed",
        (
            "https://platform.twitter.com",
            "https://syndication.twitter.com",
            "https://cdn.syndication.twimg.com",
            "https://pbs.twimg.com",
            "https://abs.twimg.com",
        ),
    ),
    Provider(
        "Bluesky",
        (r"https?://bsky\.app/profile/[^/]+/post/[a-z0-9]+.*",),
        "https://embed.bsky.app/oembed",
        ("https://embed.bsky.app",),
    ),
    Provider(
        "Instagram",
        (_S + r"instagram\.com/(?:[^/]+/)?(?:p|reel|tv)/[\w-]+.*",),
        "https://graph.facebook.com/v19.0/instagram_oembed",
        ("https://www.instagram.com", "https://platform.instagram.com"),
        token=True,
    ),
    Provider(
        "Threads",
        (_S + r"threads\.(?:net|com)/@[^/]+/post/[\w-]+.*",),
        "https://graph.threads.net/v1.0/oembed",
        ("https://www.threads.net", "https://www.threads.com"),
        token=True,
    ),
    Provider(
        "Facebook",
        (_S + r"facebook\.com/(?:[^/]+/(?:posts|videos)/|permalink\.php\?|watch/?\?v=).+",),
        "https://graph.facebook.com/v19.0/oembed_post",
        ("https://www.facebook.com", "https://connect.facebook.net"),
        token=True,
    ),
    Provider(
        "TikTok",
        (_S + r"tiktok\.com/@[^/]+/video/\d+.*",),
        "https://www.tiktok.com/oembed",
        ("https://www.tiktok.com",),
    ),
    Provider(
        "YouTube",
        (_S + r"youtube\.com/(?:watch\?|shorts/).+", r"https?://youtu\.be/[\w-]+.*"),
        "https://www.youtube.com/oembed",
        ("https://www.youtube.com", "https://www.youtube-nocookie.com"),
    ),
    Provider(
        "Vimeo",
        (r"https?://(?:www\.|player\.)?vimeo\.com/(?:video/)?\d+.*",),
        "https://vimeo.com/api/oembed.json",
        ("https://player.vimeo.com",),
    ),
    # Telegram has no oEmbed: its posts' pages carry Open Graph tags, and its embed is a script
    # that reads the post's name from an attribute.
    Provider(
        "Telegram",
        (r"https?://t\.me/(?:s/)?[\w]+/\d+/?",),
        "",
        ("https://telegram.org", "https://t.me"),
    ),
)


def provider_for(url: str, providers: tuple[Provider, ...]) -> Provider | None:
    return next((provider for provider in providers if provider.matches(url)), None)


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, the way a Content-Security-Policy names a source."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower().rsplit('@', 1)[-1]}"


def telegram_html(url: str) -> str:
    """The embed Telegram documents for a channel's post: its widget script, told the post."""
    path = urlsplit(url).path.strip("/").removeprefix("s/")
    name = re.sub(r"[^\w/]", "", path)
    return (
        '<script async src="https://telegram.org/js/telegram-widget.js?22" '
        f'data-telegram-post="{name}" data-width="100%"></script>'
    )


@dataclass(frozen=True)
class Description:
    """What an oEmbed answer (or a page) says of a post, before it is sanitised and stored."""

    provider: str
    author_name: str
    author_url: str
    title: str
    html: str
    thumbnail_url: str


def read_description(answer: object, fallback_provider: str) -> Description:
    """The fields we keep from an oEmbed JSON answer; :class:`ValueError` if it is not one."""
    if not isinstance(answer, dict):
        raise ValueError("not an oEmbed answer")

    def text(key: str, limit: int) -> str:
        value = answer.get(key)
        return value[:limit] if isinstance(value, str) else ""

    html = text("html", HTML_LENGTH)
    title = text("title", TEXT_LENGTH)
    if not (html or title):
        raise ValueError("an oEmbed answer without the post")
    return Description(
        text("provider_name", NAME_LENGTH) or fallback_provider,
        text("author_name", NAME_LENGTH),
        text("author_url", 2000),
        title,
        html,
        text("thumbnail_url", 2000),
    )


@dataclass(frozen=True)
class Embed:
    """A social post as we keep it: the snapshot readers see, and the site's embed markup."""

    provider: str
    url: str
    # Where the snapshot was described (the oEmbed request), asked again by later checks.
    endpoint: str
    author_name: str
    author_url: str
    text: str
    published_at: datetime | None
    # A copy of the post's picture in our own storage: never the site's own address.
    image_url: str
    # The site's markup, sanitised: shown to readers in the card.
    html: str
    # The site's markup as it came: only ever served by the page that shows the original,
    # under a policy naming ``hosts`` alone.
    original_html: str
    hosts: tuple[str, ...]
    fetched_at: datetime
    checked_at: datetime | None = None
    # When a check found the original deleted (the site said 404 or 410).
    gone_at: datetime | None = None
    id: int = 0

    @property
    def gone(self) -> bool:
        return self.gone_at is not None


def embed_html(embed: Embed) -> str:
    """The snapshot as plain HTML for a feed reader or a copy of a page: its words, who wrote
    them and a link to the original, with nothing of the site's markup."""
    esc = html.escape
    who = (
        f"{esc(embed.author_name)}, {esc(embed.provider)}"
        if embed.author_name
        else esc(embed.provider)
    )
    return (
        f'<blockquote cite="{esc(embed.url)}"><p>{esc(embed.text)}</p>'
        f'<p>— {who}: <a href="{esc(embed.url)}">{esc(embed.url)}</a></p></blockquote>'
    )
