"""The administrators' desk pages: ``/desk/users`` (accounts, site roles, disabling, inviting
anyone) and ``/desk/audit`` (who did what, newest first)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed.access import audit, users
from livefeed.distribution import reading
from livefeed.domain.access import FeedRole
from livefeed.domain.errors import Conflict, Invalid, LivefeedError, NotFound
from livefeed.domain.users import Role, User, require_admin
from livefeed.newsroom import invitations
from livefeed.newsroom.invitations import NewInvitation
from livefeed.web.desk.feeds import signed_in
from livefeed.web.errors import message_of
from livefeed.web.forms import PRIVATE, checked_form, errors_of, see_other, text
from livefeed.web.security import services
from livefeed.web.views import render


async def _users_page(
    request: Request,
    user: User,
    *,
    which: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    invited: NewInvitation | None = None,
    status: int = 200,
) -> Response:
    svc = services(request)
    rows = await run_in_threadpool(users.list_users, svc, user)
    context = {
        "rows": rows,
        "feeds": await run_in_threadpool(reading.all_feeds, svc),
        "roles": [role.value for role in FeedRole],
        "site_roles": [role.value for role in Role],
        "which": which,
        "values": values or {},
        "errors": errors or {},
        "invited": invited,
        "mail_enabled": svc.settings.smtp_url is not None,
    }
    return await render(request, "users.html", context, status=status, headers=PRIVATE)


@signed_in
async def users_page(request: Request, user: User) -> Response:
    return await _users_page(request, user)


def _account_action(action: str) -> Callable[[Request], Awaitable[Response]]:
    """A button on a user's row: disable, enable, or set the site role."""

    @signed_in
    async def endpoint(request: Request, user: User) -> Response:
        form = await checked_form(request)  # a forged form is refused before anything else
        require_admin(user)
        email, role = text(form, "email"), text(form, "role")
        svc = services(request)
        try:
            if action == "disable":
                await run_in_threadpool(users.disable, svc, user, email)
            elif action == "enable":
                await run_in_threadpool(users.enable, svc, user, email)
            else:
                await run_in_threadpool(users.set_site_role, svc, user, email, role)
        except (Invalid, Conflict, NotFound) as error:
            return await _users_page(request, user, which="row", errors=_one(error),
                                     status=error.status)  # fmt: skip
        return see_other("/desk/users")

    return endpoint


def _one(error: LivefeedError) -> dict[str, str]:
    """A refusal from a row's button: one message, shown above the list."""
    return {"form": next(iter(errors_of(error).values()))}


@signed_in
async def invite(request: Request, user: User) -> Response:
    """Invite anyone: to a feed's team in a role, to no team, and as an admin or not."""
    form = await checked_form(request)
    require_admin(user)
    values = {
        "email": text(form, "email"),
        "feed": text(form, "feed"),
        "role": text(form, "role"),
        "admin": "on" if form.get("admin") else "",
        "send_email": "on" if form.get("send_email") else "",
    }
    svc = services(request)
    try:
        made = await run_in_threadpool(
            lambda: invitations.invite(
                svc,
                user,
                values["email"],
                feed_slug=values["feed"] or None,
                role=values["role"] if values["feed"] else None,
                admin=bool(values["admin"]),
                send_email=bool(values["send_email"]),
            )
        )
    except (Invalid, Conflict) as error:
        return await _users_page(request, user, which="invite", values=values,
                                 errors=errors_of(error), status=error.status)  # fmt: skip
    except NotFound as error:
        return await _users_page(request, user, which="invite", values=values,
                                 errors={"feed": message_of(error)}, status=404)  # fmt: skip
    return await _users_page(request, user, invited=made, status=201)


@signed_in
async def audit_page(request: Request, user: User) -> Response:
    """Newest first, a page at a time by id; filtered by feed and by action."""
    svc = services(request)
    params = request.query_params
    feed, action = params.get("feed", ""), params.get("action", "")
    raw = params.get("before", "")
    before = int(raw) if raw.isdigit() and len(raw) < 10 else None
    errors: dict[str, str] = {}
    status = 200
    try:
        found = await run_in_threadpool(
            lambda: audit.entries(
                svc,
                user,
                before=before,
                feed_slug=feed or None,
                action=action or None,
                limit=audit.PAGE_SIZE + 1,
            )
        )
    except NotFound as error:
        found, errors, status = [], {"feed": message_of(error)}, 404
    feeds = await run_in_threadpool(reading.all_feeds, svc)
    context = {
        "entries": found[: audit.PAGE_SIZE],
        "older": found[audit.PAGE_SIZE - 1].id if len(found) > audit.PAGE_SIZE else None,
        "feeds": feeds,
        "actions": await run_in_threadpool(audit.actions, svc, user),
        "feed": feed,
        "action": action,
        "errors": errors,
    }
    return await render(request, "audit.html", context, status=status, headers=PRIVATE)


routes = [
    Route("/desk/users", users_page, methods=["GET"]),
    Route("/desk/users/invite", invite, methods=["POST"]),
    Route("/desk/users/disable", _account_action("disable"), methods=["POST"]),
    Route("/desk/users/enable", _account_action("enable"), methods=["POST"]),
    Route("/desk/users/role", _account_action("role"), methods=["POST"]),
    Route("/desk/audit", audit_page, methods=["GET"]),
]
