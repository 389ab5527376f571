"""``/desk/webhooks``: the administrators' page for webhooks.

Each webhook with its latest deliveries, and its buttons: send a test event, pause or resume,
remove. A new one is added at the foot, and its signing secret shown that once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from livefeed.distribution import reading, webhooks
from livefeed.distribution.webhooks import Registered
from livefeed.domain.errors import N_, Invalid, NotFound
from livefeed.domain.users import User, require_admin
from livefeed.languages.catalogs import _
from livefeed.web.desk.feeds import signed_in
from livefeed.web.errors import message_of
from livefeed.web.forms import PRIVATE, checked_form, see_other, text
from livefeed.web.security import services
from livefeed.web.views import render

NOTICES = {
    "test": N_("A test event is queued: it shows below within a few seconds (reload the page)."),
    "paused": N_("The webhook is paused: nothing is sent to it until it is resumed."),
    "resumed": N_("The webhook is resumed: what waited goes out now."),
    "removed": N_("The webhook and its deliveries are removed."),
}


def _notice(done: str) -> str:
    """What a finished action says, in the reader's language; nothing for an unknown one."""
    return _(NOTICES[done]) if done in NOTICES else ""


async def _page(
    request: Request,
    user: User,
    *,
    values: dict[str, object] | None = None,
    errors: dict[str, str] | None = None,
    added: Registered | None = None,
    status: int = 200,
) -> Response:
    svc = services(request)
    context = {
        "rows": await run_in_threadpool(webhooks.list_webhooks, svc, user),
        "feeds": await run_in_threadpool(reading.all_feeds, svc),
        "event_types": webhooks.EVENT_TYPES,
        "values": values or {"url": "", "feed": "", "events": []},
        "errors": errors or {},
        "added": added,
        "notice": _notice(request.query_params.get("done", "")),
    }
    return await render(request, "desk_webhooks.html", context, status=status, headers=PRIVATE)


@signed_in
async def webhooks_page(request: Request, user: User) -> Response:
    require_admin(user)
    return await _page(request, user)


@signed_in
async def add(request: Request, user: User) -> Response:
    form = await checked_form(request)
    require_admin(user)
    events = [str(item) for item in form.getlist("events")]
    values: dict[str, object] = {
        "url": text(form, "url"),
        "feed": text(form, "feed"),
        "events": events,
    }
    try:
        made = await run_in_threadpool(
            webhooks.register,
            services(request),
            user,
            text(form, "url"),
            text(form, "feed") or None,
            events,
        )
    except Invalid as error:
        return await _page(request, user, values=values, errors=error.errors, status=422)
    except NotFound as error:
        return await _page(
            request, user, values=values, errors={"feed": message_of(error)}, status=404
        )
    return await _page(request, user, added=made, status=201)


def _action(name: str) -> Callable[[Request], Awaitable[Response]]:
    """One of a webhook's buttons: test, pause, resume or remove."""

    @signed_in
    async def endpoint(request: Request, user: User) -> Response:
        await checked_form(request)  # a forged form is refused before anything else
        require_admin(user)
        svc = services(request)
        raw = request.path_params["webhook_id"]
        try:
            if not raw.isdigit() or len(raw) > 9:
                raise NotFound("there is no such webhook")
            webhook_id = int(raw)
            if name == "test":
                await run_in_threadpool(webhooks.send_test, svc, user, webhook_id)
            elif name in ("pause", "resume"):
                await run_in_threadpool(webhooks.set_paused, svc, user, webhook_id, name == "pause")
            else:
                await run_in_threadpool(webhooks.remove, svc, user, webhook_id)
        except NotFound as error:
            return await _page(request, user, errors={"form": message_of(error)}, status=404)
        done = {"pause": "paused", "resume": "resumed", "remove": "removed"}.get(name, name)
        return see_other(f"/desk/webhooks?done={done}")

    return endpoint


routes = [
    Route("/desk/webhooks", webhooks_page, methods=["GET"]),
    Route("/desk/webhooks", add, methods=["POST"]),
    *(
        Route(f"/desk/webhooks/{{webhook_id}}/{name}", _action(name), methods=["POST"])
        for name in ("test", "pause", "resume", "remove")
    ),
]
