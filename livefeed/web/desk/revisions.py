"""The desk's retraction form: ``GET|POST /feeds/{slug}/posts/{id}/retract`` (editors)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from livefeed.access import permissions
from livefeed.distribution import reading
from livefeed.domain.access import Right, require
from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.web.desk.feeds import signed_in
from livefeed.web.errors import message_of
from livefeed.web.forms import PRIVATE, checked_form, text
from livefeed.web.security import services
from livefeed.web.views import post_id_param, render


@signed_in
async def retract_page(request: Request, user: User) -> Response:
    svc = services(request)
    page = await run_in_threadpool(
        reading.post_page, svc, request.path_params["slug"], post_id_param(request)
    )
    # Only those who may retract are shown the form.
    require(await run_in_threadpool(permissions.rights_for, svc, user, page.feed.id), Right.PUBLISH)
    values = {"feed": page.feed, "post": page.post, "reason": "", "errors": {}}
    return await render(request, "post_retract.html", values, headers=PRIVATE)


@signed_in
async def retract(request: Request, user: User) -> Response:
    svc = services(request)
    slug, post_id = request.path_params["slug"], post_id_param(request)
    form = await checked_form(request)
    reason = form.get("reason", "")
    seen = text(form, "version")
    try:
        await run_in_threadpool(
            lambda: publishing.retract_post(
                svc, user, slug, post_id, reason,
                seen_version=int(seen) if seen.isdigit() else None,
            )
        )  # fmt: skip
    except (Invalid, Conflict) as error:
        errors = error.errors if isinstance(error, Invalid) else {"form": message_of(error)}
        page = await run_in_threadpool(reading.post_page, svc, slug, post_id)
        values = {"feed": page.feed, "post": page.post, "reason": reason, "errors": errors}
        status = 409 if isinstance(error, Conflict) else 422
        return await render(request, "post_retract.html", values, status=status, headers=PRIVATE)
    return RedirectResponse(f"{svc.urls.feed_path(slug)}#post-{post_id}", status_code=303)


routes = [
    Route("/feeds/{slug}/posts/{post_id}/retract", retract_page, methods=["GET"]),
    Route("/feeds/{slug}/posts/{post_id}/retract", retract, methods=["POST"]),
]
