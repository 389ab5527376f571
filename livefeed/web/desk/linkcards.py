"""Read more cards filled from the article: one use case, two doors.

``POST /api/v1/link-cards`` takes ``{"url": …}`` with a bearer token, for scripts;
``POST /desk/link-card`` takes the same from the compose form's script, with the desk session
and the form's CSRF token. Both answer ``{url, title, summary, image_url}``, or
problem+json naming ``url``. Fetching can take seconds, so it runs off the event loop.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from livefeed.domain.errors import Invalid, LivefeedError
from livefeed.domain.posts import ReadMore
from livefeed.domain.users import User
from livefeed.newsroom import linkcards
from livefeed.web import security
from livefeed.web.errors import problem


def card_json(card: ReadMore) -> dict[str, Any]:
    return {
        "url": card.url,
        "title": card.title,
        "summary": card.summary,
        "image_url": card.image_url,
    }


async def _card(request: Request, user: User, url: object) -> JSONResponse:
    card = await run_in_threadpool(linkcards.fetch_card, security.services(request), user, url)
    return JSONResponse(card_json(card), headers={"Cache-Control": "no-store"})


async def api_link_card(request: Request) -> Response:
    user = await security.bearer_user(request)
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise Invalid.field("body", "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise Invalid.field("body", "the request body must be a JSON object")
    unknown = [key for key in body if key != "url"]
    if unknown:
        raise Invalid(dict.fromkeys(unknown, "is not a field this resource has"))
    return await _card(request, user, body.get("url"))


async def desk_link_card(request: Request) -> Response:
    """For the compose form's script: JSON, and problem+json for every failure.

    Like every desk form, it sends someone signed out to log in, and back to the page they
    were on; the script sees the redirect and says so.
    """
    user = await security.viewer(request)
    if user is None:
        try:
            came_from = urlsplit(request.headers.get("referer", "")).path
        except ValueError:
            came_from = ""
        target = quote(security.safe_next(came_from), safe="/%")
        return RedirectResponse(f"/login?next={target}", status_code=303)
    try:
        form = await request.form()
        await security.check_csrf(request, form)
        url = form.get("url")
        return await _card(request, user, url if isinstance(url, str) else None)
    except LivefeedError as error:
        errors = error.errors if isinstance(error, Invalid) else None
        return problem(error.status, error.title, str(error), errors=errors)
