"""Atom, RSS and JSON Feed documents over HTTP, each answering conditional requests.

A feed's documents are validated by its last event, like its page: the ETag is checked before
any post is read, so a feed reader asking every few minutes costs one small query. Documents
gathering several feeds (a tag, every live feed) are validated by a stamp of the whole site.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed import __version__
from livefeed.distribution import reading, syndication
from livefeed.distribution.reading import SiteStamp
from livefeed.distribution.syndication import ENTRIES, Format
from livefeed.domain.errors import NotFound
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.web.reader.stream import current_feed
from livefeed.web.security import services

LIVE_MAX_AGE = 60  # a feed reader polls; a minute's delay spares the server and any CDN
ENDED_MAX_AGE = 3600


def _format(request: Request) -> Format:
    fmt = syndication.parse_format(request.path_params["format"])
    if fmt is None:
        raise NotFound("feeds come as .atom, .rss or .json")
    return fmt


async def feed_document(request: Request) -> Response:
    return await _feed_document(request, key_events=False)


async def key_events_document(request: Request) -> Response:
    return await _feed_document(request, key_events=True)


async def _feed_document(request: Request, *, key_events: bool) -> Response:
    svc = services(request)
    fmt = _format(request)
    slug = request.path_params["slug"]
    kind = "key-events" if key_events else "feed"
    current = await current_feed(request, slug)
    headers = feed_headers(current, kind, fmt)
    if not_modified(request.headers, headers, current.updated_at):
        return Response(status_code=304, headers=headers)
    feed, lead_html, posts = await run_in_threadpool(
        lambda: reading.feed_newest(svc, slug, key_events=key_events, limit=ENTRIES)
    )
    channel = syndication.feed_channel(feed, lead_html, posts, svc.urls, key_events=key_events)
    return _document(channel, fmt, feed_headers(feed, kind, fmt))


async def tag_document(request: Request) -> Response:
    svc = services(request)
    fmt = _format(request)
    stamp = await run_in_threadpool(reading.site_stamp, svc)
    tag = request.path_params["tag"]
    headers = _site_headers(stamp, f"tag:{tag}", fmt)
    if not_modified(request.headers, headers, stamp.updated_at):
        # Only a tag that exists was ever answered with this validator.
        return Response(status_code=304, headers=headers)
    clean, found = await run_in_threadpool(lambda: reading.tag_newest(svc, tag, limit=ENTRIES))
    channel = syndication.tag_channel(clean, found.posts, _updated(found.stamp), svc.urls)
    return _document(channel, fmt, _site_headers(found.stamp, f"tag:{tag}", fmt))


async def live_document(request: Request) -> Response:
    svc = services(request)
    fmt = _format(request)
    stamp = await run_in_threadpool(reading.site_stamp, svc)
    headers = _site_headers(stamp, "live", fmt)
    if not_modified(request.headers, headers, stamp.updated_at):
        return Response(status_code=304, headers=headers)
    found = await run_in_threadpool(lambda: reading.live_newest(svc, limit=ENTRIES))
    channel = syndication.live_channel(found.posts, _updated(found.stamp), svc.urls)
    return _document(channel, fmt, _site_headers(found.stamp, "live", fmt))


def _document(channel: syndication.Channel, fmt: Format, headers: dict[str, str]) -> Response:
    return Response(syndication.render(channel, fmt), media_type=fmt.media_type, headers=headers)


def feed_headers(feed: Feed, kind: str, fmt: Format) -> dict[str, str]:
    """A feed's document's validators as the feed stands: the one answer to a revalidation,
    here and in ``early_answers.py``."""
    age = ENDED_MAX_AGE if feed.status is FeedStatus.ENDED else LIVE_MAX_AGE
    validator = _validator(kind, fmt, feed.id, feed.last_seq, feed.log_rewrites)
    return _headers(validator, feed.updated_at, age)


def _site_headers(stamp: SiteStamp, kind: str, fmt: Format) -> dict[str, str]:
    validator = _validator(kind, fmt, stamp.feeds, stamp.events, stamp.updated_at)
    return _headers(validator, stamp.updated_at, LIVE_MAX_AGE)


def _validator(kind: str, fmt: Format, *state: object) -> str:
    """Changes with the state, the kind of document and the release that writes it."""
    text = "|".join(str(part) for part in (__version__, kind, fmt, *state))
    return f'W/"{hashlib.sha256(text.encode()).hexdigest()[:20]}"'


def _headers(validator: str, modified: datetime | None, max_age: int) -> dict[str, str]:
    headers = {
        "ETag": validator,
        "Cache-Control": f"public, max-age={max_age}",
        # Public documents read without cookies: any site's script may read them too.
        "Access-Control-Allow-Origin": "*",
    }
    if modified is not None:
        headers["Last-Modified"] = format_datetime(modified.astimezone(UTC), usegmt=True)
    return headers


def _updated(stamp: SiteStamp) -> datetime:
    return stamp.updated_at or datetime(1970, 1, 1, tzinfo=UTC)


def not_modified(
    asked: Mapping[str, str], headers: Mapping[str, str], modified: datetime | None
) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when sent; If-Modified-Since only without it."""
    match = asked.get("if-none-match")
    if match is not None:
        return _etag_matches(match, headers["ETag"])
    since = asked.get("if-modified-since")
    if since is None or modified is None:
        return False
    try:
        moment = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # HTTP dates have whole seconds: a change within the second of the date sent is missed by
    # If-Modified-Since alone, which is why the ETag above is asked about first.
    return modified.replace(microsecond=0) <= moment


def _etag_matches(header: str, validator: str) -> bool:
    """Weak comparison, as If-None-Match asks for."""
    if header.strip() == "*":
        return True
    ours = validator.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == ours for tag in header.split(","))


routes = [
    Route("/feeds.{format}", live_document, name="live_document"),
    Route("/feeds/{slug}/feed.{format}", feed_document, name="feed_document"),
    Route("/feeds/{slug}/key-events.{format}", key_events_document, name="key_events_document"),
    Route("/tags/{tag}/feed.{format}", tag_document, name="tag_document"),
]
