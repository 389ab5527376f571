"""The desk's pages for posts not yet out: the editors' Contributions queue, a writer's "My
posts", and the form for a draft, a contribution or a scheduled post.

Thin, like the rest of the desk: parse the form, call ``workflow``, then redirect, or render
the same page again with what was typed and what is wrong.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed.access import permissions
from livefeed.domain import times
from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.feeds import Feed
from livefeed.domain.posts import Post, PostState
from livefeed.domain.users import User
from livefeed.domain.workflow import Mover, unscheduled
from livefeed.newsroom import publishing, workflow
from livefeed.web.desk import compose
from livefeed.web.desk.feeds import signed_in
from livefeed.web.forms import PRIVATE, checked_form, errors_of, see_other, text
from livefeed.web.security import services
from livefeed.web.views import post_id_param, render

# The draft form's buttons, and where each takes the post.
FORM_INTENTS = {
    "save": None,  # stays where it is, with its new words
    "submit": PostState.SUBMITTED,
    "publish": PostState.PUBLISHED,
    "schedule": PostState.SCHEDULED,
}
# The buttons of the lists (the queue, My posts): moves without new words.
LIST_INTENTS = {
    "publish": PostState.PUBLISHED,
    "return": PostState.DRAFT,
    "withdraw": PostState.DRAFT,
    "submit": PostState.SUBMITTED,
    "requeue": PostState.SUBMITTED,
    "delete": PostState.DELETED,
}


def queue_path(slug: str) -> str:
    return f"/desk/feeds/{quote(slug)}/contributions"


def mine_path(slug: str) -> str:
    return f"/desk/feeds/{quote(slug)}/mine"


def draft_path(slug: str, post_id: int) -> str:
    return f"/desk/feeds/{quote(slug)}/posts/{post_id}"


def local_input(moment: datetime | None, feed: Feed) -> str:
    """A moment as a datetime-local input shows it: in the feed's zone, to the second."""
    if moment is None:
        return ""
    return times.local(moment, feed.zone).strftime("%Y-%m-%dT%H:%M:%S")


# The lists ----------------------------------------------------------------------------------


@signed_in
async def queue_page(request: Request, user: User) -> Response:
    return await _queue(request, user)


async def _queue(
    request: Request, user: User, *, problem: dict[str, Any] | None = None, status: int = 200
) -> Response:
    """The editors' queue; ``problem`` is a refused move (its post, message and typed note)."""
    found = await run_in_threadpool(
        workflow.queue, services(request), user, request.path_params["slug"]
    )
    values = {"queue": found, "feed": found.feed, "problem": problem or {}}
    return await render(request, "contributions.html", values, status=status, headers=PRIVATE)


@signed_in
async def mine_page(request: Request, user: User) -> Response:
    return await _mine(request, user)


async def _mine(
    request: Request, user: User, *, problem: dict[str, Any] | None = None, status: int = 200
) -> Response:
    svc = services(request)
    feed, posts = await run_in_threadpool(workflow.my_posts, svc, user, request.path_params["slug"])
    rights = await run_in_threadpool(permissions.rights_for, svc, user, feed.id)
    values = {"feed": feed, "posts": posts, "problem": problem or {}, "rights": rights}
    return await render(request, "my_posts.html", values, status=status, headers=PRIVATE)


@signed_in
async def move(request: Request, user: User) -> Response:
    """A button of the queue or of My posts: publish as written, return with a note, cancel a
    schedule, take back a contribution, delete a draft."""
    svc = services(request)
    slug, post_id = request.path_params["slug"], post_id_param(request)
    form = await checked_form(request)
    intent = text(form, "intent")
    note = text(form, "note")
    seen = text(form, "version")
    from_queue = form.get("from") == "queue"
    try:
        if intent not in LIST_INTENTS and intent != "unschedule":
            raise Invalid.field("intent", "is not something this page can do")
        target = LIST_INTENTS.get(intent) or await _unscheduled(request, user, slug, post_id)
        post = await run_in_threadpool(
            lambda: workflow.update_post(
                svc, user, slug, post_id, state=target,
                note=note if intent == "return" else None,
                seen_version=int(seen) if seen.isdigit() else None,
            )
        )  # fmt: skip
    except (Invalid, Conflict) as error:
        errors = errors_of(error)
        field, message = next(iter(errors.items()))
        problem = {"post_id": post_id, "field": field, "message": message, "note": note}
        if from_queue:
            return await _queue(request, user, problem=problem, status=422)
        return await _mine(request, user, problem=problem, status=422)
    if post.state is PostState.PUBLISHED:
        return see_other(f"{svc.urls.feed_path(slug)}#post-{post.id}")
    return see_other(f"{queue_path(slug) if from_queue else mine_path(slug)}#post-{post.id}")


async def _unscheduled(request: Request, user: User, slug: str, post_id: int) -> PostState:
    svc = services(request)
    feed, post = await run_in_threadpool(workflow.visible_post, svc, user, slug, post_id)
    rights = await run_in_threadpool(permissions.rights_for, svc, user, feed.id)
    return unscheduled(post, Mover(user.id, rights))


# The form of a post not yet out ------------------------------------------------------------------


@signed_in
async def draft_page(request: Request, user: User) -> Response:
    svc = services(request)
    feed, post = await run_in_threadpool(
        workflow.visible_post, svc, user, request.path_params["slug"], post_id_param(request)
    )
    if post.state not in (PostState.DRAFT, PostState.SUBMITTED, PostState.SCHEDULED):
        # Out already (or gone): its page, or the editing form of published posts, is the place.
        return see_other(f"{svc.urls.feed_path(feed.slug)}#post-{post.id}")
    post_form = compose.from_post(post)
    post_form.values["publish_at"] = local_input(post.publish_at, feed)
    return await _draft_form(request, user, feed, post, post_form)


async def _draft_form(
    request: Request,
    user: User,
    feed: Feed,
    post: Post,
    post_form: compose.PostForm,
    status: int = 200,
) -> Response:
    rights = await run_in_threadpool(permissions.rights_for, services(request), user, feed.id)
    values = {
        "feed": feed,
        "post": post,
        "compose": post_form,
        "rights": rights,
        "is_author": post.author_id == user.id,
    }
    return await render(request, "draft_form.html", values, status=status, headers=PRIVATE)


@signed_in
async def save_draft(request: Request, user: User) -> Response:
    """The draft form: preview, save, submit, publish or schedule, with the words as typed."""
    svc = services(request)
    slug, post_id = request.path_params["slug"], post_id_param(request)
    form = await checked_form(request)
    fields = compose.from_form(form)
    seen = text(form, "version")
    post_form = compose.PostForm(values=fields, version=int(seen) if seen.isdigit() else None)
    intent = text(form, "intent")
    status = 200
    try:
        if intent == "preview":
            preview = await run_in_threadpool(publishing.preview_post, svc, fields)
            post_form.preview_html = preview.body_html
        elif intent in FORM_INTENTS:
            target = FORM_INTENTS[intent]
            when = compose.intended(form)[1] if target is PostState.SCHEDULED else None
            post = await run_in_threadpool(
                lambda: workflow.update_post(
                    svc, user, slug, post_id, fields=fields, state=target, publish_at=when,
                    seen_version=post_form.version,
                )
            )  # fmt: skip
            return see_other(_after(svc.urls.feed_path(slug), slug, post, user))
        else:
            raise Invalid.field("intent", "is not something this form can do")
    except (Invalid, Conflict) as error:
        post_form.errors = errors_of(error)
        status = 409 if isinstance(error, Conflict) else 422
    feed, post = await run_in_threadpool(workflow.visible_post, svc, user, slug, post_id)
    return await _draft_form(request, user, feed, post, post_form, status)


def _after(feed_path: str, slug: str, post: Post, user: User) -> str:
    if post.state is PostState.PUBLISHED:
        return f"{feed_path}#post-{post.id}"
    page = mine_path(slug) if post.author_id == user.id else queue_path(slug)
    return f"{page}#post-{post.id}"


routes = [
    Route("/desk/feeds/{slug}/contributions", queue_page, methods=["GET"]),
    Route("/desk/feeds/{slug}/mine", mine_page, methods=["GET"]),
    Route("/desk/feeds/{slug}/posts/{post_id}", draft_page, methods=["GET"]),
    Route("/desk/feeds/{slug}/posts/{post_id}", save_draft, methods=["POST"]),
    Route("/desk/feeds/{slug}/posts/{post_id}/move", move, methods=["POST"]),
]
