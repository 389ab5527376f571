"""Two plain ASGI layers that every response passes through."""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

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
]
_HEADERS = [
    (b"content-security-policy", _policy("'none'").encode()),
    *_COMMON,
    (b"x-frame-options", b"DENY"),
]
# The embed is made to be framed by partners' pages, whichever they are; nothing else is.
_EMBED_HEADERS = [(b"content-security-policy", _policy("*").encode()), *_COMMON]
_FRAMEABLE = re.compile(r"/feeds/[^/]+/embed")


class SecurityHeaders:
    """A strict content policy: pages load only our own scripts and styles, and are not framed.

    The one exception is the embed (``/feeds/{slug}/embed``), which any site may frame.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        headers = _EMBED_HEADERS if _FRAMEABLE.fullmatch(scope["path"]) else _HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in headers if k not in present]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


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
