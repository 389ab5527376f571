"""Social posts embedded in posts: described once by their site, kept, and checked later.

The server asks the site (never the reader's browser) for the post's oEmbed description,
through :mod:`livefeed.outside.fetching` like the Read more cards, so the same rules keep it
from being aimed inside our network. What comes back is kept as a snapshot (see
domain/embeds.py): its markup sanitised for the card, its picture copied into our storage so
that no reader's browser loads it from the site. A post's snapshot is taken when its address
is new to it; an edit that keeps the address keeps the snapshot.

A later check (``livefeed embeds check``) asks each site again: a 404 or 410 marks the
original as gone while the snapshot stays; a site that does not answer marks nothing, since a
network failure says nothing of the post.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import replace
from datetime import datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from livefeed.access.permissions import require_right
from livefeed.distribution import reading
from livefeed.domain.access import Right
from livefeed.domain.containers import inspect_image
from livefeed.domain.embeds import (
    FIELD,
    TEXT_LENGTH,
    Description,
    Embed,
    Provider,
    origin_of,
    provider_for,
    read_description,
    telegram_html,
)
from livefeed.domain.errors import Invalid, NotFound
from livefeed.domain.media import media_name
from livefeed.domain.posts import PostInput
from livefeed.domain.text import clean_web_url
from livefeed.domain.users import User
from livefeed.newsroom.linkcards import card_from_page, decode, plain_text, shorten
from livefeed.outside import images
from livefeed.outside.fetch_policy import Refused
from livefeed.outside.fetching import (
    IMAGE_TYPES,
    JSON_TYPES,
    Page,
    fetch,
    fetch_html,
)
from livefeed.outside.markup import clean_embed
from livefeed.services import Services
from livefeed.store import embeds as embed_store
from livefeed.store import feeds as feed_store
from livefeed.store import posts as post_store

OEMBED_TYPE = "application/json+oembed"
JSON_ACCEPT = "application/json"
_DATETIME = re.compile(r"""datetime=["']([0-9T:.+Z-]{10,40})["']""")


def attach(
    svc: Services, actor: User | None, slug: str, data: PostInput, post_id: int | None = None
) -> PostInput:
    """``data`` with the snapshot of the social post it names: the one post ``post_id`` has
    for that address, else taken now. Only the feed's team may make the server fetch;
    :class:`Invalid` on ``embed.url``."""
    if not data.embed_url:
        return data
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        require_right(conn, actor, feed.id, Right.CONTRIBUTE)
        current = post_store.require_post(conn, feed, post_id) if post_id else None
    if current is not None and current.embed is not None and current.embed.url == data.embed_url:
        return replace(data, embed=current.embed)
    return replace(data, embed=describe(svc, data.embed_url))


def _token(svc: Services, provider: Provider) -> str:
    """The access token a provider needs, or ``""`` for one that needs none."""
    if not provider.token:
        return ""
    if not svc.settings.meta_access_token:
        raise Invalid.field(
            FIELD,
            "posts from %(provider)s cannot be embedded yet: %(provider)s describes a post only "
            "to a site with an access token from Meta, which the site's administrator sets",
            provider=provider.name,
        )
    return svc.settings.meta_access_token


def describe(svc: Services, url: str) -> Embed:
    """A snapshot of the social post at ``url``; :class:`Invalid` on ``embed.url`` if the site
    is unknown, refuses, or says nothing we can read."""
    address = clean_web_url(url, FIELD, required=True)
    provider = provider_for(address, svc.embed_providers)
    try:
        if provider is not None and provider.endpoint:
            endpoint = provider.request_url(address, _token(svc, provider))
            told = _ask(svc, endpoint, provider.name)
            hosts = provider.hosts
        elif provider is not None:
            endpoint, hosts = "", provider.hosts
            told = _from_page(fetch_html(address, svc.fetch_policy), provider.name, address)
        else:
            page = fetch_html(address, svc.fetch_policy)
            endpoint = _discovered(page)
            if not endpoint:
                raise Invalid.field(
                    FIELD,
                    "posts from “%(host)s” cannot be embedded: it is not a site we know, "
                    "and its page offers no oEmbed description",
                    host=urlsplit(address).hostname or address,
                )
            told = _ask(svc, endpoint, urlsplit(page.url).hostname or "")
            hosts = tuple(dict.fromkeys((origin_of(page.url), origin_of(endpoint))))
    except Refused as error:
        raise Invalid.field(FIELD, str(error)) from None
    html = clean_embed(told.html)
    return Embed(
        provider=told.provider,
        url=address,
        endpoint=endpoint,
        author_name=told.author_name,
        author_url=_link(told.author_url),
        text=shorten(plain_text(html) or told.title, TEXT_LENGTH),
        published_at=_time_in(told.html),
        image_url=_copy_picture(svc, told.thumbnail_url),
        html=html,
        original_html=told.html,
        hosts=hosts,
        fetched_at=svc.clock(),
    )


def _ask(svc: Services, endpoint: str, provider: str) -> Description:
    page = fetch(endpoint, svc.fetch_policy, JSON_TYPES, JSON_ACCEPT)
    try:
        return read_description(json.loads(page.body), provider)
    except ValueError:
        raise Invalid.field(
            FIELD, "%(provider)s did not describe that post in a way we can read", provider=provider
        ) from None


def _from_page(page: Page, provider: str, url: str) -> Description:
    """A site without oEmbed: the post's words from its page, the site's widget as its embed."""
    card = card_from_page(page)
    if not (card.title or card.summary):
        raise Invalid.field(
            FIELD, "%(provider)s did not describe that post in a way we can read", provider=provider
        )
    return Description(provider, card.title, "", card.summary, telegram_html(url), card.image_url)


class _Discovery(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "").strip() for name, value in attrs}
        if (
            tag == "link"
            and not self.found
            and "alternate" in values.get("rel", "").lower().split()
            and values.get("type", "").lower() == OEMBED_TYPE
        ):
            self.found = values.get("href", "")


def _discovered(page: Page) -> str:
    """The page's own oEmbed endpoint (``<link rel="alternate" type="…json+oembed">``), or ""."""
    reader = _Discovery()
    reader.feed(decode(page.body, page.charset))
    reader.close()
    if not reader.found:
        return ""
    return _link(urljoin(page.url, reader.found))


def _link(url: str) -> str:
    try:
        return clean_web_url(url, FIELD)
    except Invalid:
        return ""


def _time_in(html: str) -> datetime | None:
    found = _DATETIME.search(html)
    if found is None:
        return None
    try:
        moment = datetime.fromisoformat(found.group(1).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _copy_picture(svc: Services, url: str) -> str:
    """Our copy of the post's picture (its smallest rendition), or "" if there is none to have.

    A picture that cannot be had leaves the card without one rather than refusing the post.
    """
    if not (url := _link(url)):
        return ""
    try:
        data = fetch(url, svc.fetch_policy, IMAGE_TYPES, "image/*").body
        made = images.make_renditions(data, inspect_image(data))
    except (Refused, Invalid):
        return ""
    smallest = made.files[0]
    name = media_name(hashlib.sha256(data).hexdigest(), made.format, smallest.width)
    svc.storage.put(name, io.BytesIO(smallest.data))
    return svc.storage.url(name)


def original(svc: Services, embed_id: int) -> Embed:
    """The snapshot whose original a reader asked to see: only one that readers may read."""
    with svc.db.read() as conn:
        embed, post_id, slug = embed_store.require_embed(conn, embed_id)
    _, post = reading.get_post(svc, slug, post_id)
    if not post.is_published or post.embed is None or post.embed.id != embed.id:
        raise NotFound("there is no such embedded post")
    return embed
