"""``POST /api/v1/feeds/{slug}/ingest``: an agency's wire delivering ninjs items to a feed
(see ``newsroom/wire.py``). The answer lists what became of each item, in the order sent."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from livefeed.distribution.resources import post_json
from livefeed.newsroom import wire
from livefeed.web.forms import PRIVATE, json_object
from livefeed.web.security import bearer_user, services


async def ingest(request: Request) -> Response:
    user = await bearer_user(request)
    svc = services(request)
    slug = request.path_params["slug"]
    body = await json_object(
        request, frozenset({"items", "publish"}), allow_empty=False, open_inside=True
    )
    taken = await run_in_threadpool(wire.ingest, svc, user, slug, body)
    items = [
        {
            "uri": one.uri,
            "version": one.version,
            "outcome": one.outcome,
            "post": post_json(one.post, slug, svc.urls) if one.post else None,
        }
        for one in taken
    ]
    return JSONResponse({"items": items}, headers=PRIVATE)


routes = [Route("/v1/feeds/{slug}/ingest", ingest, methods=["POST"])]
