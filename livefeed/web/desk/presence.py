"""The edit page's "I am editing" reports: ``POST /feeds/{slug}/posts/{id}/editing``.

The edit page's script says the editor still has the post open (every few seconds) or, with
``left``, that they closed it; the answer names the others who have it open. Form-encoded with
the session's CSRF token, so a ``navigator.sendBeacon`` on leaving the page can send it too.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from livefeed.domain.errors import LivefeedError
from livefeed.newsroom import presence
from livefeed.web import security
from livefeed.web.desk.editing import editing_words
from livefeed.web.errors import message_of, problem
from livefeed.web.forms import PRIVATE, checked_form
from livefeed.web.security import services
from livefeed.web.views import post_id_param


async def editing(request: Request) -> Response:
    """JSON for the edit page's script, problem+json for every failure (it shows none).

    Like every desk form, it sends someone signed out to log in, and back to the edit page.
    """
    user = await security.viewer(request)
    if user is None:
        edit_page = f"{request.url.path.removesuffix('/editing')}/edit"
        target = quote(security.safe_next(edit_page), safe="/%")
        return RedirectResponse(f"/login?next={target}", status_code=303)
    try:
        form = await checked_form(request)
        svc, slug, post_id = services(request), request.path_params["slug"], post_id_param(request)
        if form.get("left"):
            await run_in_threadpool(presence.stopped_editing, svc, user, slug, post_id)
            return Response(status_code=204, headers=PRIVATE)
        others = await run_in_threadpool(presence.editing, svc, user, slug, post_id)
    except LivefeedError as error:
        return problem(error.status, error.title, message_of(error))
    return JSONResponse({"others": others, "line": editing_words(others)}, headers=PRIVATE)


routes = [Route("/feeds/{slug}/posts/{post_id}/editing", editing, methods=["POST"])]
