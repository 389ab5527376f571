"""Bans on the moderation desk: banning a comment's author, the list of bans in force, lifting
one; and ``POST /api/v1/feeds/{slug}/bans`` for scripts.

Moderators never see a reader's address: a ban is made from one of the reader's comments and
names them by their display name.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from livefeed.discussion import bans
from livefeed.domain.bans import LENGTH_LABELS, Ban, BanLength, until_text
from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.times import iso_utc
from livefeed.domain.users import User
from livefeed.web import security
from livefeed.web.desk.feeds import signed_in
from livefeed.web.discussion.moderation import id_param
from livefeed.web.errors import message_of
from livefeed.web.forms import PRIVATE, checked_form, json_object, text, typed
from livefeed.web.security import services
from livefeed.web.views import render

FIELDS = ("length", "scope", "reason")


def bans_url(feed: str | None, **more: str) -> str:
    query = urlencode({k: v for k, v in ({"feed": feed or ""} | more).items() if v})
    return "/moderation/bans" + (f"?{query}" if query else "")


async def _form_page(
    request: Request,
    user: User,
    comment_id: int,
    values: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    target = await run_in_threadpool(bans.ban_target, services(request), user, comment_id)
    context = {"target": target, "values": values, "errors": errors, "lengths": LENGTH_LABELS}
    return await render(request, "moderation_ban.html", context, status=status, headers=PRIVATE)


@signed_in
async def ban_page(request: Request, user: User) -> Response:
    comment_id = id_param(request, "comment_id")
    values = {"length": BanLength.DAY.value, "scope": "feed", "reason": ""}
    return await _form_page(request, user, comment_id, values, {})


@signed_in
async def ban(request: Request, user: User) -> Response:
    form = await checked_form(request)
    comment_id = id_param(request, "comment_id")
    values = typed(form, FIELDS)
    try:
        made = await run_in_threadpool(bans.ban_author, services(request), user, comment_id, values)
    except (Invalid, Conflict) as error:
        errors = error.errors if isinstance(error, Invalid) else {"form": message_of(error)}
        return await _form_page(request, user, comment_id, values, errors, status=error.status)
    return RedirectResponse(bans_url(made.feed_slug, banned=str(made.id)), status_code=303)


@signed_in
async def bans_page(request: Request, user: User) -> Response:
    slug = request.query_params.get("feed") or None
    svc = services(request)
    found = await run_in_threadpool(lambda: bans.bans_in_force(svc, user, feed_slug=slug))
    banned = request.query_params.get("banned", "")
    context = {
        "bans": found,
        "feed_slug": slug or "",
        "banned": next((b for b in found if str(b.id) == banned), None),
        "lifted": "lifted" in request.query_params,
        "until_text": until_text,
    }
    return await render(request, "moderation_bans.html", context, headers=PRIVATE)


@signed_in
async def lift(request: Request, user: User) -> Response:
    form = await checked_form(request)
    ban_id = id_param(request, "ban_id")
    await run_in_threadpool(bans.lift, services(request), user, ban_id)
    return RedirectResponse(bans_url(text(form, "feed"), lifted="1"), status_code=303)


# The API -----------------------------------------------------------------------------------------


def ban_json(found: Ban) -> dict[str, Any]:
    return {
        "id": found.id,
        "reader": found.user_name,
        "feed": found.feed_slug or None,
        "scope": "site" if found.site_wide else "feed",
        "reason": found.reason,
        "banned_by": found.banned_by,
        "created_at": iso_utc(found.created_at),
        "expires_at": iso_utc(found.expires_at) if found.expires_at else None,
    }


async def api_ban(request: Request) -> Response:
    """Ban the author of ``comment_id`` (a comment of this feed) from its discussion, or, with
    ``"scope": "site"``, from every feed's (administrators)."""
    user = await security.bearer_user(request)
    body = await json_object(request, frozenset({"comment_id", *FIELDS}))
    slug = request.path_params["slug"]
    made = await run_in_threadpool(
        lambda: bans.ban_author(
            services(request), user, body.get("comment_id"), body, feed_slug=slug
        )
    )
    return JSONResponse(ban_json(made), status_code=201, headers=PRIVATE)


routes = [
    Route("/moderation/comments/{comment_id}/ban", ban_page, methods=["GET"]),
    Route("/moderation/comments/{comment_id}/ban", ban, methods=["POST"]),
    Route("/moderation/bans", bans_page, methods=["GET"]),
    Route("/moderation/bans/{ban_id}/lift", lift, methods=["POST"]),
    Route("/api/v1/feeds/{slug}/bans", api_ban, methods=["POST"]),
]
