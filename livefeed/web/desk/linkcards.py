"""Read more cards filled from the article: one use case, two doors.

``POST /api/v1/link-cards`` takes ``{"url": …}`` with a bearer token, for scripts;
``POST /desk/link-card`` takes the same from the compose form's script, with the desk session
and the form's CSRF token. Both answer ``{url, title, summary, image_url}``, or
problem+json naming ``url``. Fetching can take seconds, so it runs off the event loop.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from livefeed.domain.errors import Invalid, LivefeedError
from livefeed.domain.posts import ReadMore
from livefeed.domain.users import User
from livefeed.newsroom import linkcards
from livefeed.web import security
from livefeed.web.errors import message_of, problem
from livefeed.web.forms import checked_form, json_object


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
    body = await json_object(request, frozenset({"url"}), allow_empty=False)
    return await _card(request, user, body.get("url"))


async def desk_link_card(request: Request) -> Response:
    """For the compose form's script: JSON, and problem+json for every failure.

    Like every desk form, it sends someone signed out to log in, and back to the page they
    were on; the script sees the redirect and says so.
    """
    user = await security.viewer(request)
    if user is None:
        return security.log_in_from_referer(request)
    try:
        form = await checked_form(request)
        url = form.get("url")
        return await _card(request, user, url if isinstance(url, str) else None)
    except LivefeedError as error:
        errors = error.errors if isinstance(error, Invalid) else None
        return problem(error.status, error.title, message_of(error), errors=errors)
