"""Readers' revalidations answered before the middleware and the router.

A crowd of browsers, feed readers and pollers asking "anything new?" of a feed's page, its
documents (``feed.atom``, ``.rss``, ``.json``) or ``updates?since=`` with ``If-None-Match``
is answered from the feed's record as the hub keeps it, with no query; what such a 304 still
cost was the way to it: every layer of middleware, the router, a request and a response.
Here, just inside ``RequestLog`` (so the request id, the access line and the metrics stay
its), the validator is made by the very function the route calls, from the same record, and a
match is answered on the spot with the headers the route's 304 leaves with
(``middleware.secured`` adds what ``SecurityHeaders`` would).

Only a request whose answer is the same for everyone is answered here; anything else goes on
to the route untouched: a request with a session (a signed-in person's page is their own), an
``Authorization`` header, a body, a path or method the route would refuse, a feed the hub
does not know, a validator that does not match, or anything the route would turn into an
error of its own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import URL, QueryParams
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from livefeed.distribution import reading
from livefeed.distribution.syndication import parse_format
from livefeed.domain.feeds import Feed
from livefeed.realtime.hub import Hub
from livefeed.web.middleware import has_session, secured
from livefeed.web.reader import pages, stream, syndication
from livefeed.web.reader.caching import unchanged, updates_headers

Params = dict[str, Any]
# The 304's headers as the route gives them, or None where the route would answer otherwise.
Check = Callable[
    [Starlette, Feed, Scope, Params, Mapping[str, str]], Awaitable[dict[str, str] | None]
]

_PREFIX = "/feeds/"
_METHODS = ("GET", "HEAD")
# What makes an answer someone's own, or has the layers inside answer for themselves.
_DECLINED = frozenset(("authorization", "content-length", "transfer-encoding"))
_READ = frozenset(name.encode() for name in ("if-none-match", "if-modified-since", *_DECLINED))


async def _feed_page(
    app: Starlette, feed: Feed, scope: Scope, params: Params, asked: Mapping[str, str]
) -> dict[str, str] | None:
    # The query string as the route reads it (``request.url.query``).
    headers = await pages.reader_headers(app, feed, URL(scope=scope).query)
    return headers if unchanged(asked, headers) else None


async def _feed_document(
    app: Starlette, feed: Feed, scope: Scope, params: Params, asked: Mapping[str, str]
) -> dict[str, str] | None:
    fmt = parse_format(params["format"])
    if fmt is None:
        return None
    headers = syndication.feed_headers(feed, "feed", fmt)
    return headers if syndication.not_modified(asked, headers, feed.updated_at) else None


async def _updates(
    app: Starlette, feed: Feed, scope: Scope, params: Params, asked: Mapping[str, str]
) -> dict[str, str] | None:
    # The route refuses a ``since`` that is not an event number before it looks at validators.
    reading.parse_seq(QueryParams(scope["query_string"]).get("since", "0"))
    headers = updates_headers(feed)
    return headers if unchanged(asked, headers) else None


def _route(routes: Sequence[BaseRoute], endpoint: Callable[..., Any]) -> Route:
    return next(r for r in routes if isinstance(r, Route) and r.endpoint is endpoint)


class Revalidation:
    """An ASGI layer answering a matching revalidation with 304, and passing on the rest."""

    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        self.https = https
        self.checks: list[tuple[Route, Check]] = [
            (_route(pages.routes, pages.feed), _feed_page),
            (_route(syndication.routes, syndication.feed_document), _feed_document),
            (_route(stream.routes, stream.updates), _updates),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in _METHODS
            and scope["path"].startswith(_PREFIX)
        ):
            headers = await self._not_modified(scope)
            if headers is not None:
                await send({"type": "http.response.start", "status": 304, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
        await self.app(scope, receive, send)

    async def _not_modified(self, scope: Scope) -> list[tuple[bytes, bytes]] | None:
        # ASGI servers give header names in lower case; one pass picks out those that matter,
        # the first of each as the route reads it (``request.headers.get``).
        asked: dict[str, str] = {}
        for name, value in scope["headers"]:
            if name in _READ:
                asked.setdefault(name.decode("latin-1"), value.decode("latin-1"))
        if "if-none-match" not in asked or not _DECLINED.isdisjoint(asked):
            return None
        if has_session(scope):
            return None
        matched = self._matched(scope)
        if matched is None:
            return None
        route, check, child = matched
        app: Starlette = scope["app"]
        hub: Hub = app.state.hub
        params: Params = child["path_params"]
        try:
            feed = await hub.feed(params["slug"])
            found = None if feed is None else await check(app, feed, scope, params, asked)
        except Exception:
            # A refusal, a failure: the route's to answer, as it always has (it asks again).
            return None
        if found is None:
            return None
        # As the router leaves it, so the access line and the metrics name the route.
        scope["route"] = route
        scope.update(child)
        given = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in found.items()]
        return secured(scope["path"], given, signed_in=False, https=self.https)

    def _matched(self, scope: Scope) -> tuple[Route, Check, Scope] | None:
        for route, check in self.checks:
            match, child = route.matches(scope)
            if match is Match.FULL:
                return route, check, child
        return None
