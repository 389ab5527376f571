"""Plain ASGI layers that every response passes through."""

from __future__ import annotations

import json
import re

from starlette.datastructures import Headers
from starlette.requests import Request, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from livefeed.languages import catalogs, choice
from livefeed.web.errors import server_error
from livefeed.web.security import HOST_PREFIX, SESSION_COOKIE

MAX_BODY_BYTES = 4 * 1024 * 1024


def _policy(frame_ancestors: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            "img-src 'self' https: data:",
            # Live radio streams are often plain HTTP (Icecast, Shoutcast); media runs no script,
            # and on an HTTPS page the browser upgrades or blocks a plain-HTTP stream anyway.
            "media-src 'self' https: http:",
            "style-src 'self'",
            "script-src 'self'",
            # Videos play in YouTube's and Vimeo's privacy-enhanced players, and nowhere else.
            "frame-src 'self' https://www.youtube-nocookie.com https://player.vimeo.com",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        )
    )


_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    # Nothing here asks for a camera, a microphone, a location or a payment; a script that
    # ever got in could not either.
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
]
_HSTS = (b"strict-transport-security", b"max-age=31536000")
# Files named by their content, the same for everyone: cacheable whoever asks.
_SHARED_PATHS = ("/static/", "/media/")
_HEADERS = [
    (b"content-security-policy", _policy("'none'").encode()),
    *_COMMON,
    (b"x-frame-options", b"DENY"),
]
# The embed is made to be framed by partners' pages, whichever they are; nothing else is.
_EMBED_HEADERS = [(b"content-security-policy", _policy("*").encode()), *_COMMON]
_FRAMEABLE = re.compile(r"/feeds/[^/]+/embed")


class Speaking:
    """Each request speaks the language of whoever asks (their browser's, else the site's) from
    its start: the API's answers and refusals, and an error page no view rendered, read in it.
    A page chooses again as it renders (web/views.py): a reader's page speaks its feed's."""

    def __init__(self, app: ASGIApp, *, default: str = catalogs.SOURCE) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            asked = Headers(scope=scope).get("accept-language")
            catalogs.speak(choice.preferred(asked) or self.default)
        await self.app(scope, receive, send)


class SecurityHeaders:
    """A strict content policy: pages load only our own scripts and styles, and are not framed.

    The one exception is the embed (``/feeds/{slug}/embed``), which any site may frame. It also
    keeps what one person sees out of shared caches: a response to a request with a session is
    ``private, no-store`` unless its route said how to cache it, and a cacheable one without a
    session varies on the cookie, so no cache hands a signed-in page to a reader or the other
    way round.
    """

    def __init__(self, app: ASGIApp, *, https: bool = False) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        path = scope["path"]
        signed_in = not path.startswith(_SHARED_PATHS) and has_session(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = message.get("headers", [])
                message["headers"] = secured(path, given, signed_in=signed_in, https=self.https)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def secured(
    path: str, given: list[tuple[bytes, bytes]], *, signed_in: bool, https: bool
) -> list[tuple[bytes, bytes]]:
    """The headers a response to ``path`` leaves with (see ``SecurityHeaders``); ``signed_in``:
    the request carried a session."""
    headers = _EMBED_HEADERS if _FRAMEABLE.fullmatch(path) else _HEADERS
    if https:
        headers = [*headers, _HSTS]
    shared = path.startswith(_SHARED_PATHS)
    kept = [(k, v) for k, v in given if k.lower() != b"server"]
    present = {name.lower() for name, _ in kept}
    extra = [(k, v) for k, v in headers if k not in present]
    return _cache_rule([*kept, *extra], signed_in, shared)


def has_session(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"cookie":
            cookies = cookie_parser(value.decode("latin-1"))
            if SESSION_COOKIE in cookies or HOST_PREFIX + SESSION_COOKIE in cookies:
                return True
    return False


def _cache_rule(
    headers: list[tuple[bytes, bytes]], signed_in: bool, shared: bool
) -> list[tuple[bytes, bytes]]:
    if shared:
        return headers
    control = next((v for k, v in headers if k.lower() == b"cache-control"), b"")
    if signed_in:
        # A route that says how to cache has decided for itself (the embed is the same for
        # everyone; the moderation queue's poll revalidates privately); a page that says
        # nothing was made for this person and is stored nowhere.
        if control:
            return headers
        return [*headers, (b"cache-control", b"private, no-store")]
    if b"no-store" in control or b"private" in control:
        return headers
    varies = [v for k, v in headers if k.lower() == b"vary"]
    if any(b"cookie" in v.lower() or v.strip() == b"*" for v in varies):
        return headers
    kept = [(k, v) for k, v in headers if k.lower() != b"vary"]
    return [*kept, (b"vary", b", ".join([*varies, b"Cookie"]))]


class CrashGuard:
    """A failure nobody caught still gets a proper answer from inside the middleware.

    Starlette's last-resort handler sits outside every middleware, so its bare-text 500 would
    leave without the security headers. Here the answer is the error page or problem+json, as
    the client asked, and passes out through ``SecurityHeaders``; the exception is then raised
    on, so the server logs it as before.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception:
            if not started:
                response = server_error(Request(scope))
                await response(scope, receive, send)
            raise


class BodyLimit:
    """Refuse a request body over the limit while it streams in, before it is all read."""

    def __init__(
        self, app: ASGIApp, limit: int = MAX_BODY_BYTES, exempt: frozenset[str] = frozenset()
    ) -> None:
        self.app = app
        self.limit = limit
        # Paths that stream their bodies under limits of their own (uploads).
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _too_large(send, self.limit)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            await _too_large(send, self.limit)


class BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps(
        {
            "type": "about:blank",
            "title": "Request too large",
            "status": 413,
            "detail": f"the request body is over {limit // (1024 * 1024)} MB",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
