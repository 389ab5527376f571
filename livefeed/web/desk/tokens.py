"""``/desk/tokens``: a signed-in user makes (the secret shown once), lists and revokes their own
API tokens."""

from __future__ import annotations

from contextlib import suppress

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed.access import permissions, tokens
from livefeed.access.tokens import NewToken
from livefeed.distribution import reading
from livefeed.domain.access import FeedRole
from livefeed.domain.errors import N_, Conflict, Invalid, NotFound
from livefeed.domain.users import User
from livefeed.web.desk.feeds import signed_in
from livefeed.web.forms import PRIVATE, checked_form, errors_of, see_other, text
from livefeed.web.security import services
from livefeed.web.views import render

# What the form offers; the command line takes any lifetime up to ten years.
LIFETIMES = [("7d", N_("7 days")), ("30d", N_("30 days")), ("90d", N_("90 days")),
             ("1y", N_("a year")), ("never", N_("never"))]  # fmt: skip


async def _page(
    request: Request,
    user: User,
    *,
    made: NewToken | None = None,
    values: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    svc = services(request)
    rows = await run_in_threadpool(tokens.list_tokens, svc, user, user.email)
    feeds = await run_in_threadpool(reading.all_feeds, svc)
    if not user.is_admin:
        mine = await run_in_threadpool(permissions.rights_by_feed, svc, user)
        feeds = [feed for feed in feeds if feed.id in mine]
    blank: dict[str, object] = {"expires": "90d", "feeds": []}
    context: dict[str, object] = {
        "rows": rows,
        "made": made,
        "feeds": feeds,
        "roles": [role.value for role in FeedRole],
        "lifetimes": LIFETIMES,
        "values": values or blank,
        "errors": errors or {},
        "now": svc.clock(),
        "describe": tokens.describe_scope,
    }
    return await render(request, "tokens.html", context, status=status, headers=PRIVATE)


@signed_in
async def tokens_page(request: Request, user: User) -> Response:
    return await _page(request, user)


@signed_in
async def create_token(request: Request, user: User) -> Response:
    form = await checked_form(request)
    name, role, expires = text(form, "name"), text(form, "role"), text(form, "expires")
    slugs = [slug for slug in form.getlist("feeds") if isinstance(slug, str)]
    values: dict[str, object] = {"name": name, "role": role, "expires": expires, "feeds": slugs}
    try:
        made = await run_in_threadpool(
            lambda: tokens.create(
                services(request),
                user,
                user.email,
                name=name,
                feeds=slugs,
                role=role,
                expires=expires,
            )
        )
    except (Invalid, Conflict) as error:
        status = 409 if isinstance(error, Conflict) else 422
        return await _page(request, user, values=values, errors=errors_of(error), status=status)
    return await _page(request, user, made=made, status=201)


@signed_in
async def revoke_token(request: Request, user: User) -> Response:
    await checked_form(request)
    raw = request.path_params["token_id"]
    if not raw.isdigit() or len(raw) > 9:
        raise NotFound("there is no such token")
    # Revoked already, by another tab or the command line: the list says so.
    with suppress(Conflict):
        await run_in_threadpool(tokens.revoke, services(request), user, int(raw))
    return see_other("/desk/tokens")


routes = [
    Route("/desk/tokens", tokens_page, methods=["GET"]),
    Route("/desk/tokens", create_token, methods=["POST"]),
    Route("/desk/tokens/{token_id}/revoke", revoke_token, methods=["POST"]),
]
