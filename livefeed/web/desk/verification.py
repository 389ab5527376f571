"""The desk's one-step verification form under each post: ``POST /feeds/{slug}/posts/{id}/
verification`` (editors; a contributor asking to confirm is refused)."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from livefeed.distribution import reading
from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.users import User
from livefeed.newsroom import verification
from livefeed.web.desk.feeds import signed_in
from livefeed.web.errors import message_of
from livefeed.web.forms import PRIVATE, checked_form, text
from livefeed.web.security import services
from livefeed.web.views import post_id_param, render


@signed_in
async def set_state(request: Request, user: User) -> Response:
    """Back to the post on the feed once set; a refused change shows the form on a page of its
    own, with what was chosen and what is wrong."""
    svc = services(request)
    slug, post_id = request.path_params["slug"], post_id_param(request)
    form = await checked_form(request)
    fields = {name: form.get(name, "") for name in ("verification", "source_type", "sourcing")}
    seen = text(form, "version")
    try:
        await run_in_threadpool(
            lambda: verification.set_verification(
                svc, user, slug, post_id, fields,
                seen_version=int(seen) if seen.isdigit() else None,
            )
        )  # fmt: skip
    except (Invalid, Conflict) as error:
        status = 409 if isinstance(error, Conflict) else 422
        errors = error.errors if isinstance(error, Invalid) else {"form": message_of(error)}
        page = await run_in_threadpool(reading.post_page, svc, slug, post_id)
        values = {"feed": page.feed, "post": page.post, "chosen": fields, "errors": errors}
        return await render(
            request, "post_verification.html", values, status=status, headers=PRIVATE
        )
    return RedirectResponse(f"{svc.urls.feed_path(slug)}#post-{post_id}", status_code=303)


routes = [Route("/feeds/{slug}/posts/{post_id}/verification", set_state, methods=["POST"])]
