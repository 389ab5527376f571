"""``/s/{code}``: a permanent redirect to the page a short URL stands for; its clicks for editors.

The same path answers on the public origin and on ``LIVEFEED_SHORT_URL``'s, which only has to
send ``/s/…`` here. The click is counted after the redirect has gone out, so a busy database
never slows a reader down.
"""

from __future__ import annotations

import logging

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from livefeed.distribution import short_urls as shorturls
from livefeed.distribution.short_urls import ShortUrlClicks
from livefeed.services import Services
from livefeed.web.security import bearer_user, services
from livefeed.web.views import post_id_param

logger = logging.getLogger(__name__)

# Private: a CDN keeping the redirect would keep its clicks too. A browser may keep it a
# minute and a half, so a reader's double click counts once.
REDIRECT_CACHE = "private, max-age=90"


async def redirect(request: Request) -> Response:
    svc = services(request)
    code = request.path_params["code"]
    target = await run_in_threadpool(shorturls.resolve, svc, code)
    counting = BackgroundTask(_count, svc, code) if request.method == "GET" else None
    return RedirectResponse(
        target, status_code=301, headers={"Cache-Control": REDIRECT_CACHE}, background=counting
    )


def _count(svc: Services, code: str) -> None:
    # The reader has their page already; a click that cannot be written is only logged.
    try:
        shorturls.count_click(svc, code)
    except Exception:
        logger.exception("could not count a click on short URL %s", code)


def _clicks_json(found: ShortUrlClicks) -> JSONResponse:
    return JSONResponse(
        {
            "short_url": found.short_url,
            "clicks": [{"day": day.isoformat(), "count": count} for day, count in found.clicks],
        },
        headers={"Cache-Control": "private, no-store"},
    )


async def feed_clicks(request: Request) -> Response:
    user = await bearer_user(request)
    found = await run_in_threadpool(
        shorturls.feed_clicks, services(request), user, request.path_params["slug"]
    )
    return _clicks_json(found)


async def post_clicks(request: Request) -> Response:
    user = await bearer_user(request)
    found = await run_in_threadpool(
        shorturls.post_clicks,
        services(request),
        user,
        request.path_params["slug"],
        post_id_param(request),
    )
    return _clicks_json(found)


routes = [
    Route("/s/{code}", redirect, methods=["GET"]),
    Route("/api/v1/feeds/{slug}/short-url", feed_clicks, methods=["GET"]),
    Route("/api/v1/feeds/{slug}/posts/{post_id}/short-url", post_clicks, methods=["GET"]),
]
