"""A feed's corrections log: the page, and its Atom document."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed.distribution import corrections
from livefeed.distribution.syndication import Format
from livefeed.web.reader.pages import page_validator, reader_cache_headers
from livefeed.web.security import services
from livefeed.web.views import render


async def log_page(request: Request) -> Response:
    """Cacheable like the feed page: each entry is written with an event of the feed."""
    svc = services(request)
    log = await run_in_threadpool(corrections.corrections_log, svc, request.path_params["slug"])
    headers = reader_cache_headers(log.feed, page_validator(log.feed, "corrections"))
    if headers["ETag"] in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return await render(
        request,
        "corrections.html",
        {"log": log, "feed": log.feed, "entry_html": corrections.entry_html},
        headers=headers,
        language=log.feed.language,
    )


async def log_atom(request: Request) -> Response:
    svc = services(request)
    log = await run_in_threadpool(corrections.corrections_log, svc, request.path_params["slug"])
    headers = reader_cache_headers(log.feed, page_validator(log.feed, "corrections.atom"))
    if headers["ETag"] in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    body = corrections.atom(log, svc.urls)
    return Response(body, media_type=Format.ATOM.media_type, headers=headers)


routes = [
    Route("/feeds/{slug}/corrections", log_page, methods=["GET"], name="corrections"),
    Route("/feeds/{slug}/corrections.atom", log_atom, methods=["GET"], name="corrections_atom"),
]
