"""Readers' revalidations, and the anonymous feed page, documents and polls, answered before
the middleware and the router.

A crowd of browsers, feed readers and pollers asking "anything new?" of a feed's page, its
documents (``feed.atom``, ``.rss``, ``.json``) or ``updates?since=`` with ``If-None-Match``
is answered from the feed's record as the hub keeps it, with no query; what such a 304 still
cost was the way to it: every layer of middleware, the router, a request and a response.
Here, just inside ``RequestLog`` (so the request id, the access line and the metrics stay
its), the validator is made by the very function the route calls, from the same record, and a
match is answered on the spot with the headers the route's 304 leaves with
(``middleware.secured`` adds what ``SecurityHeaders`` would). The headers are worked out once
per feed record, query and reader count, and again at least every second (the page's validator
holds the day).

A reader arriving without a validator, the crowd of a big night, is given the feed page (or
the document, or the poll's answer) as the whole app last answered it for that query and
validator, compressed or not as the reader accepts: the answer is held as it left the layers
(compressed once, not once a reader) and is the same for everyone who asks before the feed
changes. Only an answer to a request without cookies is kept.

Only a request whose answer is the same for everyone is answered here; anything else goes on
to the route untouched: a request with a session (a signed-in person's page is their own), an
``Authorization`` header, a body, a path or method the route would refuse, a feed the hub
does not know, a validator that does not match and no answer held for it, or anything the
route would turn into an error of its own.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import URL, QueryParams
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from livefeed.distribution import reading
from livefeed.distribution.syndication import parse_format
from livefeed.domain.feeds import Feed
from livefeed.realtime.hub import Hub
from livefeed.web.middleware import has_session, secured
from livefeed.web.reader import pages, stream, syndication
from livefeed.web.reader.caching import unchanged, updates_headers
from livefeed.web.reader.page_cache import PageCache

Params = dict[str, Any]
Headers = list[tuple[bytes, bytes]]

_PREFIX = "/feeds/"
_METHODS = ("GET", "HEAD")
# What makes an answer someone's own, or has the layers inside answer for themselves.
_DECLINED = frozenset(("authorization", "content-length", "transfer-encoding"))
_READ = frozenset(
    name.encode()
    for name in ("if-none-match", "if-modified-since", "accept-encoding", "cookie", *_DECLINED)
)
# Worked-out headers are trusted this long: the page's validator changes with the day.
_KNOWN_SECONDS = 1.0
_KNOWN_MAX = 10_000


@dataclass(frozen=True, slots=True)
class _Kind:
    """One kind of reader's request answered here, by the functions its route uses."""

    route: Route
    # The route's validators as the feed stands, or None where the route answers otherwise.
    headers: Callable[[Starlette, Feed, Scope, Params], Awaitable[dict[str, str] | None]]
    # Whether the request's validators name the answer (a 304 will do).
    fresh: Callable[[Mapping[str, str], dict[str, str], Feed], bool]
    # What else the headers depend on, beyond the feed's record and the query string.
    varies: Callable[[Starlette, Feed], Awaitable[Hashable]]


@dataclass(frozen=True, slots=True)
class _Known:
    feed: Feed
    varies: Hashable
    headers: dict[str, str]
    sent: Headers
    at: float


@dataclass(frozen=True, slots=True)
class HeldAnswer:
    """An answer as it left the app's layers: headers and body, sized for the cache."""

    headers: Headers
    body: bytes

    def __len__(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers)


async def _page_headers(
    app: Starlette, feed: Feed, scope: Scope, params: Params
) -> dict[str, str] | None:
    # The query string as the route reads it (``request.url.query``).
    return await pages.reader_headers(app, feed, URL(scope=scope).query)


async def _document_headers(
    app: Starlette, feed: Feed, scope: Scope, params: Params
) -> dict[str, str] | None:
    fmt = parse_format(params["format"])
    return None if fmt is None else syndication.feed_headers(feed, "feed", fmt)


async def _updates_headers(
    app: Starlette, feed: Feed, scope: Scope, params: Params
) -> dict[str, str] | None:
    # The route refuses a ``since`` that is not an event number before it looks at validators.
    reading.parse_seq(QueryParams(scope["query_string"]).get("since", "0"))
    return updates_headers(feed)


def _fresh(asked: Mapping[str, str], headers: dict[str, str], feed: Feed) -> bool:
    return unchanged(asked, headers)


def _document_fresh(asked: Mapping[str, str], headers: dict[str, str], feed: Feed) -> bool:
    return syndication.not_modified(asked, headers, feed.updated_at)


async def _same(app: Starlette, feed: Feed) -> Hashable:
    return None


def _route(routes: Sequence[BaseRoute], endpoint: Callable[..., Any]) -> Route:
    return next(r for r in routes if isinstance(r, Route) and r.endpoint is endpoint)


class EarlyAnswers:
    """An ASGI layer answering a matching revalidation with 304 and an anonymous reader's page,
    document or poll from what it holds, and passing on the rest."""

    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        self.https = https
        self.kinds = (
            _Kind(
                _route(pages.routes, pages.feed),
                _page_headers,
                _fresh,
                pages.shown_readers,
            ),
            _Kind(
                _route(syndication.routes, syndication.feed_document),
                _document_headers,
                _document_fresh,
                _same,
            ),
            _Kind(_route(stream.routes, stream.updates), _updates_headers, _fresh, _same),
        )
        self.known: dict[tuple[int, str, bytes], _Known] = {}
        self.held: PageCache[HeldAnswer] = PageCache()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in _METHODS
            and scope["path"].startswith(_PREFIX)
            and await self._answered(scope, receive, send)
        ):
            return
        await self.app(scope, receive, send)

    async def _answered(self, scope: Scope, receive: Receive, send: Send) -> bool:
        # ASGI servers give header names in lower case; one pass picks out those that matter,
        # the first of each as the route reads it (``request.headers.get``).
        asked: dict[str, str] = {}
        for name, value in scope["headers"]:
            if name in _READ:
                asked.setdefault(name.decode("latin-1"), value.decode("latin-1"))
        if not _DECLINED.isdisjoint(asked) or has_session(scope):
            return False
        matched = self._matched(scope)
        if matched is None:
            return False
        index, child = matched
        kind = self.kinds[index]
        holding = scope["method"] == "GET"
        if "if-none-match" not in asked and not holding:
            return False
        known = await self._known(index, scope, child["path_params"])
        if known is None:
            return False
        # As the router leaves it, so the access line and the metrics name the route.
        scope["route"] = kind.route
        scope.update(child)
        if kind.fresh(asked, known.headers, known.feed):
            await send({"type": "http.response.start", "status": 304, "headers": known.sent})
            await send({"type": "http.response.body", "body": b""})
            return True
        if not holding:
            return False
        # The poll's validator is the same whatever it asks since: the query tells answers
        # apart. Compressed or not as GZipMiddleware decides, from the same header.
        packed = "gzip" in asked.get("accept-encoding", "")
        query = scope["query_string"].decode("latin-1")
        variant = f"{scope['path']}|{query}|{known.headers['ETag']}|{packed}"
        answer = self.held.get(variant)
        if answer is None and "cookie" in asked:
            # Answered for this reader, not kept: nothing a cookie could have put in a page
            # (a form's token, say) is ever given to someone else.
            await self.app(scope, receive, send)
        elif answer is None:
            await self.app(scope, receive, self._keeping(send, variant, known.headers["ETag"]))
        else:
            await send({"type": "http.response.start", "status": 200, "headers": answer.headers})
            await send({"type": "http.response.body", "body": answer.body})
        return True

    async def _known(self, index: int, scope: Scope, params: Params) -> _Known | None:
        kind = self.kinds[index]
        app: Starlette = scope["app"]
        hub: Hub = app.state.hub
        slug: str = params["slug"]
        try:
            feed = await hub.feed(slug)
            if feed is None:
                return None
            varies = await kind.varies(app, feed)
            # The path names the slug and, for a document, its format.
            key = (index, scope["path"], scope["query_string"])
            now = time.monotonic()
            known = self.known.get(key)
            if (
                known is not None
                and known.feed is feed
                and known.varies == varies
                and now - known.at < _KNOWN_SECONDS
            ):
                return known
            headers = await kind.headers(app, feed, scope, params)
        except Exception:
            # A refusal, a failure: the route's to answer, as it always has (it asks again).
            return None
        if headers is None:
            return None
        given = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        sent = secured(scope["path"], given, signed_in=False, https=self.https)
        if len(self.known) >= _KNOWN_MAX:
            self.known.clear()
        self.known[key] = known = _Known(feed, varies, headers, sent, now)
        return known

    def _keeping(self, send: Send, variant: str, etag: str) -> Send:
        """``send``, keeping a whole 200 for everyone with the validator asked under."""
        start: Message = {}
        parts: list[bytes] = []

        async def keeping(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                if (
                    not message.get("more_body", False)
                    and start.get("status") == 200
                    and for_everyone(start.get("headers", []), etag)
                ):
                    self.held.put(variant, HeldAnswer(list(start["headers"]), b"".join(parts)))
            await send(message)

        return keeping

    def _matched(self, scope: Scope) -> tuple[int, Scope] | None:
        for index, kind in enumerate(self.kinds):
            match, child = kind.route.matches(scope)
            if match is Match.FULL:
                return index, child
        return None


def for_everyone(headers: Headers, etag: str) -> bool:
    """An answer that is the page for the validator asked under, stored by shared caches."""
    tagged = control = False
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"set-cookie":
            return False
        if lowered == b"etag":
            tagged = value == etag.encode("latin-1")
        elif lowered == b"cache-control":
            control = value.startswith(b"public")
    return tagged and control
