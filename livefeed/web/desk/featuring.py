"""Featuring a reader's comment in the feed: the editor's form, then the quote post's page."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.users import User
from livefeed.newsroom import featuring
from livefeed.web.desk.feeds import signed_in
from livefeed.web.discussion.moderation import id_param
from livefeed.web.errors import message_of
from livefeed.web.forms import PRIVATE, checked_form, typed
from livefeed.web.security import services
from livefeed.web.views import render

FIELDS = ("headline", "body", "key_event")


async def _form_page(
    request: Request,
    user: User,
    comment_id: int,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    comment, feed = await run_in_threadpool(
        featuring.feature_target, services(request), user, comment_id
    )
    context = {
        "comment": comment,
        "feed": feed,
        "attribution": featuring.attribution(comment),
        "values": values,
        "errors": errors,
    }
    return await render(request, "moderation_feature.html", context, status=status, headers=PRIVATE)


@signed_in
async def feature_page(request: Request, user: User) -> Response:
    values = {"headline": featuring.DEFAULT_HEADLINE, "body": "", "key_event": ""}
    return await _form_page(request, user, id_param(request, "comment_id"), values, {})


@signed_in
async def feature(request: Request, user: User) -> Response:
    form = await checked_form(request)
    comment_id = id_param(request, "comment_id")
    values = typed(form, FIELDS)
    svc = services(request)
    _, feed = await run_in_threadpool(featuring.feature_target, svc, user, comment_id)
    try:
        post = await run_in_threadpool(featuring.feature_comment, svc, user, comment_id, values)
    except (Invalid, Conflict) as error:
        errors = error.errors if isinstance(error, Invalid) else {"form": message_of(error)}
        return await _form_page(request, user, comment_id, values, errors, status=error.status)
    return RedirectResponse(svc.urls.post_path(feed.slug, post.id), status_code=303)


routes = [
    Route("/moderation/comments/{comment_id}/feature", feature_page, methods=["GET"]),
    Route("/moderation/comments/{comment_id}/feature", feature, methods=["POST"]),
]
