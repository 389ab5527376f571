"""The two ASGI apps ``page.py`` serves with uvicorn: Livefeed itself and a minimal baseline.

uvicorn imports them by name (``--factory apps:livefeed``), each in a process of its own, with
the same server settings, so the only difference between them is the application.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from livefeed.settings import Settings
from livefeed.web.app import create_app


def livefeed() -> Starlette:
    """The real app, configured from ``LIVEFEED_*`` as ``livefeed serve`` would be."""
    return create_app(Settings.from_env(env_file=None))


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def minimal() -> Starlette:
    """One route answering a short text: the least any Starlette app can do for a request."""
    return Starlette(routes=[Route("/", hello)])
