"""The discussion's pages: a feed's whole discussion, its comment form, reports, and the few
buttons moderators and authors get beside each comment.

The page works without JavaScript: "Load more comments" is a link, every action a form that
carries its CSRF token, and a form that fails comes back with what was typed and what is
wrong. For a reader who is not signed in, the page holds no form unless guests may comment,
so it is cached like the feed page, by the feed's last event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation, reader_accounts
from livefeed.discussion.comment_resources import discussion_path
from livefeed.domain.comments import Comment, CommentState, Discussion, parse_reason
from livefeed.domain.errors import (
    Conflict,
    Forbidden,
    Invalid,
    LivefeedError,
    Message,
    NotFound,
    TooManyRequests,
)
from livefeed.domain.feeds import Feed
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.web import security
from livefeed.web.forms import PRIVATE, checked_form, errors_of, see_other, text, typed
from livefeed.web.reader.pages import page_validator, reader_cache_headers
from livefeed.web.security import services
from livefeed.web.views import render

_MAX_ID = 2**31 - 1
# What a comment form may fail with and still come back filled in, with the reason shown.
_FORM_ERRORS = (Invalid, Conflict, Forbidden, TooManyRequests)


def comment_id_param(request: Request) -> int:
    raw = request.path_params["comment_id"]
    if not raw.isdigit() or len(raw) > 10 or int(raw) > _MAX_ID:
        raise NotFound("there is no such comment")
    return int(raw)


def _login_to(path: str) -> RedirectResponse:
    return see_other(f"/login?next={quote(security.safe_next(path), safe='/%?=&')}")


def _headers_of(error: LivefeedError) -> dict[str, str]:
    if isinstance(error, TooManyRequests):
        return {"Retry-After": str(error.retry_after)} | PRIVATE
    return PRIVATE


# The discussion page ---------------------------------------------------------------------------


async def discussion_page(request: Request) -> Response:
    """The whole discussion; for a reader not signed in, cacheable by the feed's last event."""
    svc = services(request)
    slug = request.path_params["slug"]
    params = request.query_params
    viewer = await security.viewer(request)
    sort, cursor, reply_to = params.get("sort"), params.get("cursor"), params.get("reply_to")
    page = await run_in_threadpool(
        lambda: discussion.discussion_page(svc, slug, viewer=viewer, sort=sort, cursor=cursor)
    )
    replying = await run_in_threadpool(discussion.reply_target, svc, page.feed, reply_to)
    values = {
        "form": {"parent_id": str(replying.id) if replying else ""},
        "errors": {},
        # A guest's comment waits unseen (a guest has no account to show it to): say so.
        "sent": params.get("sent") == "1",
    }
    if viewer is not None or page.feed.discussion is Discussion.GUESTS:
        # A form is printed: its token is this reader's alone.
        return await _render(request, page, values | {"replying": replying}, headers=PRIVATE)
    validator = page_validator(page.feed, f"discussion|{page.sort}|{cursor}|{reply_to}")
    headers = reader_cache_headers(page.feed, validator)
    if validator in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return await _render(request, page, values | {"replying": replying}, headers=headers)


async def _render(
    request: Request,
    page: discussion.DiscussionPage,
    values: dict[str, Any],
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    # A reader's first comment asks them to accept the community standards; a guest's, each.
    accepted = await run_in_threadpool(
        reader_accounts.has_accepted_standards, services(request), await security.viewer(request)
    )
    return await render(
        request,
        "discussion.html",
        {
            "feed": page.feed,
            "discussion": page,
            "standards_accepted": accepted,
            **values,
        },
        status=status,
        headers=headers,
        language=page.feed.language,
    )


async def post_comment(request: Request) -> Response:
    """The comment form: a new comment or a reply, from a signed-in reader or a guest."""
    svc = services(request)
    slug = request.path_params["slug"]
    form = await checked_form(request)
    viewer = await security.viewer(request)
    written = typed(form, ("body", "parent_id", "name"))
    # Every field of the form goes to the use case, which reads what it knows of (a first
    # comment also carries the reader's acceptance of the community standards).
    fields: dict[str, object] = {
        name: value
        for name, value in form.items()
        if isinstance(value, str) and name != security.CSRF_FIELD
    }
    if viewer is not None:
        fields.pop("name", None)
    try:
        comment = await run_in_threadpool(
            lambda: discussion.post_comment(
                svc, viewer, slug, fields, address=security.client_address(request)
            )
        )
    except _FORM_ERRORS as error:
        page = await run_in_threadpool(lambda: discussion.discussion_page(svc, slug, viewer=viewer))
        replying = await run_in_threadpool(
            discussion.reply_target, svc, page.feed, written["parent_id"]
        )
        values = {"form": written, "errors": errors_of(error), "replying": replying, "sent": False}
        return await _render(request, page, values, status=error.status, headers=_headers_of(error))
    if viewer is None:
        return see_other(f"{discussion_path(svc.urls, slug)}?sent=1#comment-form")
    return see_other(f"{discussion_path(svc.urls, slug)}#comment-{comment.id}")


# Reports ---------------------------------------------------------------------------------------


async def report_page(request: Request) -> Response:
    viewer = await security.viewer(request)
    if viewer is None:
        return _login_to(request.url.path)
    sent = request.query_params.get("sent") == "1"
    # The report just sent may be the one that hid the comment: its author is thanked all the
    # same (the thanks show nothing of the comment).
    comment, feed = await _shown_comment(request, comment_id_param(request), hidden_too=sent)
    values = {
        "comment": comment,
        "feed": feed,
        "form": {"reason": "", "note": ""},
        "errors": {},
        "sent": sent,
    }
    return await render(
        request, "comment_report.html", values, headers=PRIVATE, language=feed.language
    )


async def report(request: Request) -> Response:
    svc = services(request)
    form = await checked_form(request)
    viewer = await security.viewer(request)
    if viewer is None:
        return _login_to(request.url.path)
    comment_id = comment_id_param(request)
    written = typed(form, ("reason", "note"))
    try:
        await run_in_threadpool(
            lambda: discussion.report_comment(
                svc, viewer, comment_id, written, address=security.client_address(request)
            )
        )
    except _FORM_ERRORS as error:
        comment, feed = await _shown_comment(request, comment_id, hidden_too=True)
        values = {
            "comment": comment,
            "feed": feed,
            "form": written,
            "errors": errors_of(error),
            "sent": False,
        }
        return await render(
            request, "comment_report.html", values, status=error.status,
            headers=_headers_of(error), language=feed.language,
        )  # fmt: skip
    return see_other(f"/comments/{comment_id}/report?sent=1")


async def _shown_comment(
    request: Request, comment_id: int, *, hidden_too: bool = False
) -> tuple[Comment, Feed]:
    """A comment readers may report (and, for a refused report or the thanks for one, a
    comment hidden meanwhile)."""
    comment, feed = await run_in_threadpool(discussion.find_comment, services(request), comment_id)
    if not (comment.is_visible or (hidden_too and comment.state is CommentState.HIDDEN)):
        raise NotFound(Message("there is no comment %(comment)s", comment=comment_id))
    return comment, feed


# Authors and moderators ------------------------------------------------------------------------

Act = Callable[[Services, User, int, FormData], Comment]


async def _act(request: Request, act: Act) -> Response:
    """A button beside a comment: check the form, act, and go back to where it was pressed."""
    form = await checked_form(request)
    viewer = await security.viewer(request)
    if viewer is None:
        return _login_to(request.url.path)
    comment_id = comment_id_param(request)
    svc = services(request)
    comment = await run_in_threadpool(lambda: act(svc, viewer, comment_id, form))
    back = security.safe_next(text(form, "next"), default="/").split("#", 1)[0]
    return see_other(f"{back}#comment-{comment.id}")


async def approve(request: Request) -> Response:
    return await _act(request, lambda svc, user, cid, form: moderation.approve(svc, user, cid))


async def reject(request: Request) -> Response:
    def act(svc: Services, user: User, cid: int, form: FormData) -> Comment:
        return moderation.reject(svc, user, cid, parse_reason(text(form, "reason")))

    return await _act(request, act)


async def hide(request: Request) -> Response:
    return await _act(request, lambda svc, user, cid, form: moderation.hide(svc, user, cid))


async def restore(request: Request) -> Response:
    return await _act(request, lambda svc, user, cid, form: moderation.restore(svc, user, cid))


async def delete(request: Request) -> Response:
    return await _act(
        request, lambda svc, user, cid, form: discussion.delete_own_comment(svc, user, cid)
    )


routes = [
    Route("/feeds/{slug}/discussion", discussion_page, methods=["GET"], name="discussion"),
    Route("/feeds/{slug}/discussion", post_comment, methods=["POST"]),
    Route("/comments/{comment_id}/report", report_page, methods=["GET"]),
    Route("/comments/{comment_id}/report", report, methods=["POST"]),
    Route("/comments/{comment_id}/approve", approve, methods=["POST"]),
    Route("/comments/{comment_id}/reject", reject, methods=["POST"]),
    Route("/comments/{comment_id}/hide", hide, methods=["POST"]),
    Route("/comments/{comment_id}/restore", restore, methods=["POST"]),
    Route("/comments/{comment_id}/delete", delete, methods=["POST"]),
]
