"""A feed's team: the desk page where its editors add, change, remove and invite people, and
the same under ``/api/v1/feeds/{slug}/members`` for scripts.

Only those who may manage the team (the feed's editors, and admins) see it, emails included.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from livefeed.distribution import reading
from livefeed.domain import times
from livefeed.domain.access import FeedRole, Membership
from livefeed.domain.errors import Conflict, Invalid, NotFound
from livefeed.domain.users import User
from livefeed.newsroom import invitations, team
from livefeed.newsroom.invitations import NewInvitation
from livefeed.web import security
from livefeed.web.desk.feeds import signed_in
from livefeed.web.errors import message_of
from livefeed.web.forms import PRIVATE, checked_form, errors_of, json_object, see_other, text
from livefeed.web.security import services
from livefeed.web.views import render

ROLES = [role.value for role in FeedRole]


def _team_path(slug: str) -> str:
    return f"/desk/feeds/{slug}/team"


async def _page(
    request: Request,
    user: User,
    *,
    which: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    invited: NewInvitation | None = None,
    status: int = 200,
) -> Response:
    """The team page; after a refused form, that form (``which``) shows what was typed and why."""
    svc = services(request)
    slug = request.path_params["slug"]
    feed = await run_in_threadpool(reading.get_feed, svc, slug)
    people = await run_in_threadpool(team.list_members, svc, user, slug)
    waiting = await run_in_threadpool(invitations.pending, svc, user, slug)
    context = {
        "feed": feed,
        "members": people,
        "pending": waiting,
        "roles": ROLES,
        "which": which,
        "values": values or {},
        "errors": errors or {},
        "invited": invited,
        "mail_enabled": svc.settings.smtp_url is not None,
        "withdrawn": request.query_params.get("withdrawn") == "1",
    }
    return await render(request, "team.html", context, status=status, headers=PRIVATE)


@signed_in
async def team_page(request: Request, user: User) -> Response:
    return await _page(request, user)


@signed_in
async def set_member(request: Request, user: User) -> Response:
    """Add someone who has an account, or change a member's role (``which`` says which form)."""
    form = await checked_form(request)
    slug = request.path_params["slug"]
    which = "change" if text(form, "which") == "change" else "add"
    values = {"email": text(form, "email"), "role": text(form, "role")}
    await run_in_threadpool(reading.get_feed, services(request), slug)
    try:
        await run_in_threadpool(
            team.set_member, services(request), user, slug, values["email"], values["role"]
        )
    except (Invalid, Conflict) as error:
        status = 409 if isinstance(error, Conflict) else 422
        return await _page(request, user, which=which, values=values,
                           errors=errors_of(error), status=status)  # fmt: skip
    except NotFound as error:
        return await _page(request, user, which=which, values=values,
                           errors={"email": message_of(error)}, status=404)  # fmt: skip
    return see_other(_team_path(slug))


@signed_in
async def remove_member(request: Request, user: User) -> Response:
    form = await checked_form(request)
    slug = request.path_params["slug"]
    email = text(form, "email")
    await run_in_threadpool(reading.get_feed, services(request), slug)
    try:
        await run_in_threadpool(team.remove_member, services(request), user, slug, email)
    except (Invalid, Conflict, NotFound) as error:
        return await _page(request, user, which="change", values={"email": email},
                           errors=errors_of(error), status=error.status)  # fmt: skip
    # An editor who stepped down can no longer see the team.
    return see_other("/desk" if email.strip().lower() == user.email else _team_path(slug))


@signed_in
async def invite(request: Request, user: User) -> Response:
    """Invite an address to the team; the page shows the one-time link, this once."""
    form = await checked_form(request)
    slug = request.path_params["slug"]
    values = {
        "email": text(form, "email"),
        "role": text(form, "role"),
        "send_email": "on" if form.get("send_email") else "",
    }
    try:
        made = await run_in_threadpool(
            lambda: invitations.invite(
                services(request),
                user,
                values["email"],
                feed_slug=slug,
                role=values["role"],
                send_email=bool(values["send_email"]),
            )
        )
    except (Invalid, Conflict) as error:
        status = 409 if isinstance(error, Conflict) else 422
        return await _page(request, user, which="invite", values=values,
                           errors=errors_of(error), status=status)  # fmt: skip
    return await _page(request, user, invited=made, status=201)


@signed_in
async def withdraw_invitation(request: Request, user: User) -> Response:
    """The team page's button beside an invitation not yet used; back to that page."""
    await checked_form(request)
    slug = request.path_params["slug"]
    raw = request.path_params["invitation_id"]
    await run_in_threadpool(reading.get_feed, services(request), slug)
    try:
        if not raw.isdigit() or len(raw) > 9:
            raise NotFound("there is no such invitation")
        await run_in_threadpool(
            invitations.withdraw, services(request), user, int(raw), feed_slug=slug
        )
    except (Conflict, NotFound) as error:
        return await _page(request, user, which="pending", errors=errors_of(error),
                           status=error.status)  # fmt: skip
    return see_other(_team_path(slug) + "?withdrawn=1")


# The API -----------------------------------------------------------------------------------------


def member_json(member: Membership) -> dict[str, Any]:
    return {
        "email": member.email,
        "display_name": member.display_name,
        "role": member.role.value,
        "added_at": times.iso_utc(member.added_at),
    }


async def api_members(request: Request) -> Response:
    user = await security.bearer_user(request)
    people = await run_in_threadpool(
        team.list_members, services(request), user, request.path_params["slug"]
    )
    return JSONResponse({"members": [member_json(m) for m in people]}, headers=PRIVATE)


async def api_put_member(request: Request) -> Response:
    """Put an account on the team with ``{"role": …}``, or change its role there."""
    user = await security.bearer_user(request)
    body = await json_object(request, frozenset({"role"}))
    member = await run_in_threadpool(
        team.set_member,
        services(request),
        user,
        request.path_params["slug"],
        request.path_params["email"],
        body.get("role"),
    )
    return JSONResponse(member_json(member), headers=PRIVATE)


async def api_delete_member(request: Request) -> Response:
    user = await security.bearer_user(request)
    await run_in_threadpool(
        team.remove_member,
        services(request),
        user,
        request.path_params["slug"],
        request.path_params["email"],
    )
    return Response(status_code=204)


routes = [
    Route("/desk/feeds/{slug}/team", team_page, methods=["GET"]),
    Route("/desk/feeds/{slug}/team", set_member, methods=["POST"]),
    Route("/desk/feeds/{slug}/team/remove", remove_member, methods=["POST"]),
    Route("/desk/feeds/{slug}/team/invite", invite, methods=["POST"]),
    Route(
        "/desk/feeds/{slug}/team/invitations/{invitation_id}/withdraw",
        withdraw_invitation,
        methods=["POST"],
    ),
    Route("/api/v1/feeds/{slug}/members", api_members, methods=["GET"]),
    Route("/api/v1/feeds/{slug}/members/{email}", api_put_member, methods=["PUT"]),
    Route("/api/v1/feeds/{slug}/members/{email}", api_delete_member, methods=["DELETE"]),
]
