"""``/password-reset``: asking for a reset link, and the page the link opens.

The asking page answers the same for every address (see ``access.password_resets``). The
link's page sets the new password and sends its owner to log in with it.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed.access import password_resets as resets
from livefeed.access.password_resets import ResetUnusable
from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.users import User
from livefeed.languages.catalogs import translate
from livefeed.web import security
from livefeed.web.errors import message_of
from livefeed.web.forms import PRIVATE, checked_form, errors_of, see_other, text
from livefeed.web.security import services
from livefeed.web.views import render


async def ask_page(request: Request) -> Response:
    values = {"email": "", "errors": {}, "sent": request.query_params.get("sent") == "1"}
    return await render(request, "password_reset_ask.html", values, headers=PRIVATE)


async def ask(request: Request) -> Response:
    form = await checked_form(request)
    email = text(form, "email")
    try:
        await run_in_threadpool(
            resets.request_reset,
            services(request),
            email,
            address=security.client_address(request),
        )
    except (Invalid, Conflict) as error:
        values = {"email": email, "errors": errors_of(error), "sent": False}
        status = 409 if isinstance(error, Conflict) else 422
        return await render(
            request, "password_reset_ask.html", values, status=status, headers=PRIVATE
        )
    return see_other("/password-reset?sent=1")


async def _form(
    request: Request, account: User, errors: dict[str, str] | None = None, status: int = 200
) -> Response:
    values = {
        "account": account,
        "errors": errors or {},
        "action": f"/password-reset/{quote(request.path_params['token'], safe='')}",
    }
    return await render(request, "password_reset.html", values, status=status, headers=PRIVATE)


async def _gone(request: Request, error: ResetUnusable) -> Response:
    values = {"reason": translate(message_of(error))}
    return await render(request, "password_reset_gone.html", values, status=404, headers=PRIVATE)


async def reset_page(request: Request) -> Response:
    try:
        account = await run_in_threadpool(
            resets.account_of, services(request), request.path_params["token"]
        )
    except ResetUnusable as error:
        return await _gone(request, error)
    return await _form(request, account)


async def reset(request: Request) -> Response:
    svc = services(request)
    token = request.path_params["token"]
    form = await checked_form(request)
    try:
        account = await run_in_threadpool(resets.account_of, svc, token)
        try:
            await run_in_threadpool(resets.reset_password, svc, token, text(form, "password"))
        except Invalid as error:
            return await _form(request, account, error.errors, status=422)
    except ResetUnusable as error:
        return await _gone(request, error)
    response = see_other("/login?reset=done")
    # Whoever set it starts signed out, like everyone else: they log in with what they chose.
    security.clear_session_cookie(request, response)
    return response


routes = [
    Route("/password-reset", ask_page, methods=["GET"]),
    Route("/password-reset", ask, methods=["POST"]),
    Route("/password-reset/{token}", reset_page, methods=["GET"]),
    Route("/password-reset/{token}", reset, methods=["POST"]),
]
