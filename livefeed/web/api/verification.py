"""``PUT /api/v1/feeds/{slug}/posts/{id}/verification``: a post's verification state, its source
type and sourcing note, in one step (``{"verification": …, "source_type": …, "sourcing": …,
"version": …}``). Only the feed's editors change it; a contributor asking to confirm is refused."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from livefeed.distribution.resources import post_json
from livefeed.domain.errors import Conflict
from livefeed.newsroom import verification
from livefeed.web.api.revisions import stale, version_of
from livefeed.web.forms import json_object
from livefeed.web.security import bearer_user, services
from livefeed.web.views import post_id_param

KEYS = frozenset({"verification", "source_type", "sourcing", "version"})


async def api_set_verification(request: Request) -> Response:
    user = await bearer_user(request)
    slug, post_id = request.path_params["slug"], post_id_param(request)
    body = await json_object(request, KEYS, allow_empty=False, nullable=frozenset({"source_type"}))
    seen = version_of(body)
    fields = {key: value for key, value in body.items() if key != "version"}
    svc = services(request)
    try:
        post = await run_in_threadpool(
            lambda: verification.set_verification(
                svc, user, slug, post_id, fields, seen_version=seen
            )
        )
    except Conflict as error:
        return await stale(request, slug, post_id, error)
    return JSONResponse(post_json(post, slug, svc.urls))


routes = [
    Route(
        "/api/v1/feeds/{slug}/posts/{post_id}/verification",
        api_set_verification,
        methods=["PUT"],
    )
]
