"""``/invitations/{token}``: the page an invitation link opens.

A newcomer picks a name and a password, and lands on the desk signed in, on the team. An
address that already has an account accepts while signed in as it. A link that is unknown,
used, expired or withdrawn gets a page saying so, and nothing is made.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed.access import accounts
from livefeed.domain.errors import Conflict, Invalid
from livefeed.languages.catalogs import translate
from livefeed.newsroom import invitations
from livefeed.newsroom.invitations import InvitationUnusable, InvitationView
from livefeed.web import security
from livefeed.web.errors import message_of
from livefeed.web.forms import PRIVATE, checked_form, errors_of, see_other, text
from livefeed.web.security import services
from livefeed.web.views import render


async def _show(
    request: Request,
    view: InvitationView,
    *,
    errors: dict[str, str] | None = None,
    name: str = "",
    status: int = 200,
) -> Response:
    token = request.path_params["token"]
    values = {
        "view": view,
        "errors": errors or {},
        "display_name": name,
        "action": f"/invitations/{quote(token, safe='')}",
        "login_next": quote(f"/invitations/{token}", safe=""),
    }
    return await render(request, "invitation.html", values, status=status, headers=PRIVATE)


async def _gone(request: Request, error: InvitationUnusable) -> Response:
    values = {"reason": translate(message_of(error))}
    return await render(request, "invitation_gone.html", values, status=404, headers=PRIVATE)


async def invitation_page(request: Request) -> Response:
    svc = services(request)
    try:
        view = await run_in_threadpool(invitations.look_up, svc, request.path_params["token"])
    except InvitationUnusable as error:
        return await _gone(request, error)
    return await _show(request, view)


async def accept(request: Request) -> Response:
    svc = services(request)
    token = request.path_params["token"]
    form = await checked_form(request)
    try:
        view = await run_in_threadpool(invitations.look_up, svc, token)
        if view.has_account:
            user = await security.viewer(request)
            await run_in_threadpool(invitations.accept_signed_in, svc, user, token)
            return see_other("/desk")
        name = text(form, "display_name")
        try:
            session = await run_in_threadpool(
                lambda: invitations.accept_new(
                    svc, token, display_name=name, password=text(form, "password")
                )
            )
        except (Invalid, Conflict) as error:
            status = 409 if isinstance(error, Conflict) else 422
            return await _show(request, view, errors=errors_of(error), name=name, status=status)
    except InvitationUnusable as error:
        return await _gone(request, error)
    response = see_other("/desk")
    old = security.session_token(request)
    if old:
        await run_in_threadpool(accounts.log_out, svc, old)
    security.set_session_cookie(request, response, session.token)
    return response


routes = [
    Route("/invitations/{token}", invitation_page, methods=["GET"]),
    Route("/invitations/{token}", accept, methods=["POST"]),
]
