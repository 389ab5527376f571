"""Every request through the app: a request id, one access line, one observation for metrics.

The access line names the route as the router spells it (``/feeds/{slug}``), never the path
itself: paths can carry one-time codes (an invitation's link), and a route keeps the metrics'
labels few. Event streams answered on the socket log their own lines (``web/front.py``).
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import secrets
import time

from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from livefeed.operations.logs import REQUEST_ID
from livefeed.web.metrics import Metrics

access = logging.getLogger("livefeed.access")

# An id given by the proxy in front (nginx's $request_id) is kept, if it looks like one.
_GIVEN_ID = re.compile(rb"[A-Za-z0-9._-]{8,64}")
UNMATCHED = "(unmatched)"


class _RequestIds:
    """A request id tells one request's lines from another's, across instances and workers:
    the process's random half and a count, 16 hexadecimal digits, with no system call for
    each request. A forked process draws its own half."""

    def __init__(self) -> None:
        self.renew()

    def renew(self) -> None:
        self.process = secrets.token_hex(4)
        self.count = itertools.count(1)

    def next(self) -> str:
        return f"{self.process}{next(self.count) & 0xFFFFFFFF:08x}"


_IDS = _RequestIds()
os.register_at_fork(after_in_child=_IDS.renew)


def new_request_id() -> str:
    return _IDS.next()


def route_template(scope: Scope) -> str:
    """The matched route's path pattern, mounts included; ``(unmatched)`` for a 404 of the
    router's own."""
    route = scope.get("route")
    if route is None:
        return UNMATCHED
    prefix: str = scope.get("root_path", "")[len(scope.get("app_root_path", "")) :]
    if isinstance(route, Mount):
        return f"{prefix}/{{path}}"
    path: str = getattr(route, "path", "")
    return prefix + path


class RequestLog:
    """Outermost layer: it sees the bytes that leave (compressed or not) and every status."""

    def __init__(self, app: ASGIApp, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"")
        request_id = given.decode() if _GIVEN_ID.fullmatch(given) else new_request_id()
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status, sent = 500, 0

        async def counted_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *message.get("headers", []),
                    (b"x-request-id", request_id.encode()),
                ]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, counted_send)
        finally:
            seconds = time.perf_counter() - started
            route, method = route_template(scope), scope["method"]
            if self.metrics is not None:
                self.metrics.observe_request(route, method, status, seconds)
            access.info(
                "%s %s %d %.1fms %dB",
                method,
                route,
                status,
                seconds * 1000,
                sent,
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "bytes": sent,
                },
            )
            REQUEST_ID.reset(token)
