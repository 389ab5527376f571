"""The editor's desk: logging in, running feeds, and composing, editing and deleting posts.

Each handler parses the form, calls a use case and either redirects (so a reload never
resubmits) or re-renders the same form with what was typed and what is wrong.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed.access import accounts, permissions
from livefeed.discussion import reader_accounts, standards
from livefeed.distribution import reading
from livefeed.domain.access import Right, require
from livefeed.domain.errors import Conflict, Forbidden, Invalid
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import presence, publishing, pulse, workflow
from livefeed.web import security
from livefeed.web.desk import compose, editing, linkcards
from livefeed.web.forms import checked_form, errors_of, see_other, text, typed
from livefeed.web.security import services
from livefeed.web.views import post_id_param, render

FEED_FIELDS = (
    "slug", "title", "lead", "notes", "tags", "timezone", "coverage_start", "audio_stream_url",
    "recording_url",
    "discussion", "moderation", "default_verification", "ended_order", "language",
    "show_readers",
)  # fmt: skip


DeskHandler = Callable[[Request, User], Awaitable[Response]]


def signed_in(handler: DeskHandler) -> Callable[[Request], Awaitable[Response]]:
    """Give ``handler`` the signed-in user; send anyone else to log in and come back."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        user = await security.viewer(request)
        if user is None:
            target = quote(security.safe_next(request.url.path), safe="/%")
            return see_other(f"/login?next={target}")
        return await handler(request, user)

    return endpoint


async def _require(request: Request, user: User, feed_id: int, right: Right) -> None:
    """A form page is for those who may send it: the others get a 403, not a form to fail."""
    rights = await run_in_threadpool(permissions.rights_for, services(request), user, feed_id)
    require(rights, right)


async def login_page(request: Request) -> Response:
    next_url = security.safe_next(request.query_params.get("next"), "")
    values = {
        "email": "",
        "errors": {},
        "next": next_url,
        "reset_done": request.query_params.get("reset") == "done",
    }
    return await render(request, "login.html", values)


async def login(request: Request) -> Response:
    form = await checked_form(request)
    email = text(form, "email")
    next_url = security.safe_next(text(form, "next"), "")
    try:
        session = await run_in_threadpool(
            accounts.log_in,
            services(request),
            email,
            text(form, "password"),
            address=security.client_address(request),
        )
    except Invalid as error:
        values = {"email": email, "errors": error.errors, "next": next_url}
        return await render(request, "login.html", values, status=422)
    response = see_other(next_url or await _start_page(request, session.user))
    old = security.session_token(request)
    if old:
        await run_in_threadpool(accounts.log_out, services(request), old)
    security.set_session_cookie(request, response, session.token)
    return response


async def _start_page(request: Request, user: User) -> str:
    """Where a login that names no page leads: the desk is for those who work there, and a
    reader would find it empty."""
    works = await run_in_threadpool(reader_accounts.works_on_desk, services(request), user)
    return "/desk" if works else "/account"


async def logout(request: Request) -> Response:
    form = await checked_form(request)
    token = security.session_token(request)
    if token:
        await run_in_threadpool(accounts.log_out, services(request), token)
    # Back to the page the reader logged out from (the header's form says which).
    response = see_other(security.safe_next(text(form, "next"), "/"))
    security.clear_session_cookie(request, response)
    return response


@signed_in
async def desk(request: Request, user: User) -> Response:
    """The feeds the viewer works on (every feed, for an admin) and what they may do on each."""
    svc = services(request)
    feeds = await run_in_threadpool(reading.all_feeds, svc)
    if user.is_admin:
        rights = {feed.id: frozenset(Right) for feed in feeds}
    else:
        rights = await run_in_threadpool(permissions.rights_by_feed, svc, user)
    shown = [feed for feed in feeds if feed.id in rights]
    values = {
        "feeds": shown,
        "feed_rights": rights,
        "follows_pulse": any(pulse.on_desk(feed, rights[feed.id]) for feed in shown),
        "can_open_feeds": await run_in_threadpool(permissions.can_open_feeds, svc, user),
    }
    return await render(request, "desk.html", values)


@signed_in
async def new_feed_page(request: Request, user: User) -> Response:
    if not await run_in_threadpool(permissions.can_open_feeds, services(request), user):
        raise Forbidden("only administrators and feed editors can open a new feed")
    values = {"timezone": "UTC", "language": services(request).settings.language}
    return await render(request, "feed_form.html", {"values": values, "errors": {}, "feed": None})


@signed_in
async def create_feed(request: Request, user: User) -> Response:
    form = await checked_form(request)
    fields = typed(form, FEED_FIELDS)
    try:
        feed = await run_in_threadpool(publishing.create_feed, services(request), user, fields)
    except (Invalid, Conflict) as error:
        values = {"values": fields, "errors": errors_of(error), "feed": None}
        return await render(request, "feed_form.html", values, status=422)
    return see_other(services(request).urls.feed_path(feed.slug))


@signed_in
async def edit_feed_page(request: Request, user: User) -> Response:
    feed = await run_in_threadpool(reading.get_feed, services(request), request.path_params["slug"])
    await _require(request, user, feed.id, Right.RUN_FEED)
    values: dict[str, Any] = feed.as_input()
    values["tags"] = ", ".join(feed.tags)
    # The form's community standards section, for those who may set them.
    own = await run_in_threadpool(standards.feed_standards_for_form, services(request), user, feed)
    context = {"values": values, "errors": {}, "feed": feed}
    if own is not None:
        context["standards_form"] = {"text": own, "errors": {}}
    return await render(request, "feed_form.html", context)


@signed_in
async def update_feed(request: Request, user: User) -> Response:
    form = await checked_form(request)
    slug = request.path_params["slug"]
    fields = typed(form, FEED_FIELDS)
    try:
        feed = await run_in_threadpool(
            publishing.update_feed, services(request), user, slug, fields
        )
    except (Invalid, Conflict) as error:
        current = await run_in_threadpool(reading.get_feed, services(request), slug)
        values = {"values": fields, "errors": errors_of(error), "feed": current}
        return await render(request, "feed_form.html", values, status=422)
    return see_other(services(request).urls.feed_path(feed.slug))


@signed_in
async def end_feed_page(request: Request, user: User) -> Response:
    """Ending a feed tells every open page at once, so the button asks first, as delete does."""
    feed = await run_in_threadpool(reading.get_feed, services(request), request.path_params["slug"])
    await _require(request, user, feed.id, Right.RUN_FEED)
    return await render(request, "feed_end.html", {"feed": feed})


@signed_in
async def feed_status(request: Request, user: User) -> Response:
    form = await checked_form(request)
    wanted = text(form, "status")
    if wanted not in {s.value for s in FeedStatus}:
        raise Invalid.field("status", "must be scheduled, live or ended")
    feed = await run_in_threadpool(
        publishing.set_feed_status,
        services(request),
        user,
        request.path_params["slug"],
        FeedStatus(wanted),
    )
    return see_other(services(request).urls.feed_path(feed.slug))


@signed_in
async def publish(request: Request, user: User) -> Response:
    """The compose form on the feed page: publish, schedule, save a draft or submit it (see
    compose.INTENTS), or show a preview and keep the form."""
    svc = services(request)
    slug = request.path_params["slug"]
    form = await checked_form(request)
    fields = compose.from_form(form)
    post_form = compose.PostForm(values=fields)
    try:
        if form.get("intent") == "preview":
            preview = await run_in_threadpool(publishing.preview_post, svc, fields)
            post_form.preview_html = preview.body_html
            status = 200
        else:
            state, when = compose.intended(form)
            post = await run_in_threadpool(
                lambda: workflow.start_post(svc, user, slug, fields, state=state, publish_at=when)
            )
            return see_other(compose.after_writing(svc.urls, slug, post))
    except (Invalid, Conflict) as error:
        post_form.errors = errors_of(error)
        status = 422
    page = await run_in_threadpool(reading.feed_page, svc, slug)
    rights = await run_in_threadpool(permissions.rights_for, svc, user, page.feed.id)
    values = {"page": page, "feed": page.feed, "compose": post_form, "rights": rights}
    return await render(request, "feed.html", values, status=status)


@signed_in
async def edit_post_page(request: Request, user: User) -> Response:
    svc = services(request)
    page = await run_in_threadpool(
        reading.post_page, svc, request.path_params["slug"], post_id_param(request)
    )
    await _require(request, user, page.feed.id, Right.PUBLISH)
    values = {"feed": page.feed, "post": page.post, "compose": compose.from_post(page.post)}
    values |= await editing.edit_page(request, user, page.feed, page.post)
    return await render(request, "post_form.html", values)


@signed_in
async def edit_post(request: Request, user: User) -> Response:
    svc = services(request)
    slug, post_id = request.path_params["slug"], post_id_param(request)
    form = await checked_form(request)
    fields = compose.from_form(form)
    seen = text(form, "version")
    post_form = compose.PostForm(values=fields, version=int(seen) if seen.isdigit() else None)
    correction, note = editing.correction_from(form)
    post_form.values |= {"correction": correction, "correction_note": note}
    stale = False
    try:
        if form.get("intent") == "preview":
            preview = await run_in_threadpool(publishing.preview_post, svc, fields)
            post_form.preview_html = preview.body_html
            status = 200
        else:
            post = await run_in_threadpool(
                lambda: publishing.edit_post(
                    svc, user, slug, post_id, fields, seen_version=post_form.version,
                    correction=correction, correction_note=note,
                )
            )  # fmt: skip
            # The edit page is left for the feed: the others stop seeing "… is editing" now,
            # not when the closing page's last word arrives (if it ever does).
            await run_in_threadpool(presence.stopped_editing, svc, user, slug, post_id)
            return see_other(f"{svc.urls.feed_path(slug)}#post-{post.id}")
    except (Invalid, Conflict) as error:
        post_form.errors = errors_of(error)
        status = 409 if isinstance(error, Conflict) else 422
        stale = isinstance(error, Conflict) and error.field == "version"
    feed, post = await run_in_threadpool(reading.get_post, svc, slug, post_id)
    values: dict[str, object] = {"feed": feed, "post": post, "compose": post_form}
    if stale:
        # Never a silent overwrite: theirs beside what was typed, and the form now based on it.
        values["clash"] = await editing.clash(request, user, slug, post, post_form)
    values |= await editing.edit_page(request, user, feed, post)
    return await render(request, "post_form.html", values, status=status)


@signed_in
async def delete_post_page(request: Request, user: User) -> Response:
    page = await run_in_threadpool(
        reading.post_page, services(request), request.path_params["slug"], post_id_param(request)
    )
    await _require(request, user, page.feed.id, Right.PUBLISH)
    return await render(request, "post_delete.html", {"feed": page.feed, "post": page.post})


@signed_in
async def delete_post(request: Request, user: User) -> Response:
    svc = services(request)
    slug, post_id = request.path_params["slug"], post_id_param(request)
    form = await checked_form(request)
    seen = text(form, "version")
    await run_in_threadpool(
        publishing.delete_post, svc, user, slug, post_id,
        seen_version=int(seen) if seen.isdigit() else None,
    )  # fmt: skip
    return see_other(svc.urls.feed_path(slug))


routes = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/desk", desk, methods=["GET"]),
    Route("/desk/feeds/new", new_feed_page, methods=["GET"]),
    Route("/desk/feeds/new", create_feed, methods=["POST"]),
    Route("/desk/feeds/{slug}/edit", edit_feed_page, methods=["GET"]),
    Route("/desk/feeds/{slug}/edit", update_feed, methods=["POST"]),
    Route("/desk/feeds/{slug}/end", end_feed_page, methods=["GET"]),
    Route("/desk/feeds/{slug}/status", feed_status, methods=["POST"]),
    Route("/feeds/{slug}/posts", publish, methods=["POST"]),
    Route("/feeds/{slug}/posts/{post_id}/edit", edit_post_page, methods=["GET"]),
    Route("/feeds/{slug}/posts/{post_id}/edit", edit_post, methods=["POST"]),
    Route("/feeds/{slug}/posts/{post_id}/delete", delete_post_page, methods=["GET"]),
    Route("/feeds/{slug}/posts/{post_id}/delete", delete_post, methods=["POST"]),
    Route("/desk/link-card", linkcards.desk_link_card, methods=["POST"]),
]
