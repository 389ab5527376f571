"""Readers' own pages: signing up, and the account page with its data download and deletion.

Each form posts back, then redirects (a reload never resubmits) or shows the same form again
with what was typed, never the password, and a message beside each field at fault.
"""

from __future__ import annotations

import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed.access import accounts
from livefeed.discussion import reader_accounts as readers
from livefeed.distribution import notices
from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.reader_accounts import STANDARDS_FIELD
from livefeed.domain.users import User
from livefeed.languages import names
from livefeed.web import security
from livefeed.web.desk.feeds import signed_in
from livefeed.web.forms import PRIVATE, checked_form, errors_of, see_other, text, typed
from livefeed.web.security import services
from livefeed.web.views import render

SIGNUP_FIELDS = ("display_name", "email")


def _signed_in_as(request: Request, response: Response, session: accounts.Session) -> None:
    """Hand the browser its new session; the one it had before (if any) ends."""
    security.set_session_cookie(request, response, session.token)


async def signup_page(request: Request) -> Response:
    next_url = security.safe_next(request.query_params.get("next"), "/")
    if await security.viewer(request) is not None:
        return see_other(next_url)
    values = {"values": {}, "errors": {}, "accepted": False, "next": next_url}
    return await render(request, "signup.html", values, headers=PRIVATE)


async def signup(request: Request) -> Response:
    form = await checked_form(request)
    next_url = security.safe_next(text(form, "next"), "/")
    fields: dict[str, object] = {
        **typed(form, SIGNUP_FIELDS),
        "password": text(form, "password"),
        STANDARDS_FIELD: form.get(STANDARDS_FIELD) or "",
    }
    try:
        session = await run_in_threadpool(
            readers.sign_up, services(request), fields, address=security.client_address(request)
        )
    except (Invalid, Conflict) as error:
        values = {
            "values": {name: fields[name] for name in SIGNUP_FIELDS},
            "errors": errors_of(error),
            "accepted": bool(fields[STANDARDS_FIELD]),
            "next": next_url,
        }
        status = 409 if isinstance(error, Conflict) else 422
        return await render(request, "signup.html", values, status=status, headers=PRIVATE)
    response = see_other(next_url)
    old = security.session_token(request)
    if old:
        await run_in_threadpool(accounts.log_out, services(request), old)
    _signed_in_as(request, response, session)
    return response


async def _account_page(
    request: Request,
    user: User,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    svc = services(request)
    found = await run_in_threadpool(readers.account, svc, user)
    context = {
        "account": found,
        "works_on_desk": await run_in_threadpool(readers.works_on_desk, svc, user),
        "preferences": await run_in_threadpool(notices.preferences, svc, user),
        "mail_enabled": svc.settings.smtp_url is not None,
        "errors": errors or {},
        "values": values or {"display_name": found.user.display_name},
        "languages": names.shipped_names(),
        "chosen_language": (values or {}).get("language", found.user.language),
        "saved": request.query_params.get("saved", ""),
    }
    return await render(request, "account.html", context, status=status, headers=PRIVATE)


@signed_in
async def account_page(request: Request, user: User) -> Response:
    return await _account_page(request, user)


@signed_in
async def rename(request: Request, user: User) -> Response:
    form = await checked_form(request)
    name = text(form, "display_name")
    try:
        await run_in_threadpool(readers.rename, services(request), user, name)
    except Invalid as error:
        values = {"display_name": name}
        return await _account_page(request, user, errors=error.errors, values=values, status=422)
    return see_other("/account?saved=name")


@signed_in
async def change_password(request: Request, user: User) -> Response:
    form = await checked_form(request)
    try:
        session = await run_in_threadpool(
            accounts.change_password,
            services(request),
            user,
            text(form, "current_password"),
            text(form, "password"),
        )
    except Invalid as error:
        return await _account_page(request, user, errors=error.errors, status=422)
    response = see_other("/account?saved=password")
    _signed_in_as(request, response, session)
    return response


@signed_in
async def set_notifications(request: Request, user: User) -> Response:
    form = await checked_form(request)
    await run_in_threadpool(
        lambda: notices.set_preferences(
            services(request),
            user,
            contributions=bool(form.get("notify_contributions")),
            reports=bool(form.get("notify_reports")),
        )
    )
    return see_other("/account?saved=email")


@signed_in
async def choose_language(request: Request, user: User) -> Response:
    form = await checked_form(request)
    chosen = text(form, "language")
    try:
        await run_in_threadpool(readers.choose_language, services(request), user, chosen)
    except Invalid as error:
        values = {"display_name": user.display_name, "language": chosen}
        return await _account_page(request, user, errors=error.errors, values=values, status=422)
    return see_other("/account?saved=language")


@signed_in
async def download(request: Request, user: User) -> Response:
    """Everything kept about the account, as a file to save."""
    data = await run_in_threadpool(readers.export_data, services(request), user)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return Response(
        body,
        media_type="application/json",
        headers={
            **PRIVATE,
            "Content-Disposition": f'attachment; filename="livefeed-account-{user.id}.json"',
        },
    )


@signed_in
async def accept_standards(request: Request, user: User) -> Response:
    form = await checked_form(request)
    await run_in_threadpool(readers.accept_standards, services(request), user)
    return see_other(security.safe_next(text(form, "next"), "/account"))


@signed_in
async def delete_page(request: Request, user: User) -> Response:
    return await render(request, "account_delete.html", {"errors": {}}, headers=PRIVATE)


@signed_in
async def delete(request: Request, user: User) -> Response:
    form = await checked_form(request)
    try:
        await run_in_threadpool(
            readers.delete_account, services(request), user, text(form, "password")
        )
    except (Invalid, Conflict) as error:
        values = {"errors": errors_of(error)}
        return await render(request, "account_delete.html", values, status=422, headers=PRIVATE)
    response = see_other("/account/deleted")
    security.clear_session_cookie(request, response)
    return response


async def deleted(request: Request) -> Response:
    return await render(request, "account_deleted.html", {})


routes = [
    Route("/signup", signup_page, methods=["GET"]),
    Route("/signup", signup, methods=["POST"]),
    Route("/account", account_page, methods=["GET"]),
    Route("/account/name", rename, methods=["POST"]),
    Route("/account/password", change_password, methods=["POST"]),
    Route("/account/notifications", set_notifications, methods=["POST"]),
    Route("/account/language", choose_language, methods=["POST"]),
    Route("/account/data", download, methods=["GET"]),
    Route("/account/standards", accept_standards, methods=["POST"]),
    Route("/account/delete", delete_page, methods=["GET"]),
    Route("/account/delete", delete, methods=["POST"]),
    Route("/account/deleted", deleted, methods=["GET"]),
]
