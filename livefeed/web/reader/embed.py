"""The embed: a feed's newest posts in a page made to sit in a frame on a partner's site.

It follows the feed live like the full page, in a light or dark theme, optionally showing one
tag only, and tells the page around it how tall it is so the frame can fit it. It is the one
page other sites may frame (see :class:`livefeed.web.middleware.SecurityHeaders`). It always
shows what a reader sees, whoever asks, so it is cached like a reader's feed page.
"""

from __future__ import annotations

import hashlib

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed import __version__
from livefeed.distribution import reading
from livefeed.domain.errors import Invalid
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.languages import catalogs
from livefeed.web.reader.page_cache import PageCache
from livefeed.web.reader.pages import reader_cache_headers
from livefeed.web.security import services

THEMES = ("light", "dark")


def parse_theme(text: str | None) -> str:
    if not text:
        return THEMES[0]
    if text not in THEMES:
        raise Invalid.field("theme", "must be light or dark")
    return text


async def embed(request: Request) -> Response:
    svc = services(request)
    slug = request.path_params["slug"]
    query = request.query_params
    theme = parse_theme(query.get("theme"))
    tag, limit = query.get("tag"), query.get("limit")
    # Checked before the cache is asked, so a bad option is refused the same way every time.
    reading.parse_embed_tag(tag)
    if limit:
        reading.parse_limit(limit)
    cache: PageCache[bytes] = request.app.state.page_cache
    current = await run_in_threadpool(reading.get_feed, svc, slug)
    validator = embed_validator(current, theme, tag, limit)
    headers = reader_cache_headers(current, validator)
    if validator in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    body = cache.get(validator)
    if body is None:
        shown = await run_in_threadpool(lambda: reading.embed(svc, slug, tag=tag, limit=limit))
        # Rendered as a reader's page, whoever asks: no tools, no form, no cookie.
        template = request.app.state.templates.get_template("embed.html")
        with catalogs.speaking(shown.feed.language):
            body = template.render(
                embed=shown,
                feed=shown.feed,
                theme=theme,
                live=shown.feed.status is not FeedStatus.ENDED,
                viewer=None,
                csrf_token="",
            ).encode()
        # Validated and kept by the feed as it was rendered, which may be newer than above.
        validator = embed_validator(shown.feed, theme, tag, limit)
        headers = reader_cache_headers(shown.feed, validator)
        cache.put(validator, body)
    return Response(body, media_type="text/html; charset=utf-8", headers=headers)


def embed_validator(feed: Feed, theme: str, tag: str | None, limit: str | None) -> str:
    """Changes with the feed's last event and with every option of the embed."""
    key = f"{__version__}|{feed.last_seq}|{feed.log_rewrites}|embed|{theme}|{tag}|{limit}"
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f'W/"{feed.id}-{feed.last_seq}-e{digest[:12]}"'


routes = [Route("/feeds/{slug}/embed", embed, name="embed")]
