"""Readers' alerts on the web: the service worker, our public key, subscribing and unsubscribing.

``GET /sw.js`` is the service worker, served from the site's root so that its scope covers
every feed page, and revalidated on each visit so a new version takes over. ``GET
/alerts/key`` gives the key browsers subscribe with. ``POST /feeds/{slug}/alerts`` (the
browser's subscription, the reader's ``choice`` and the page's ``language``) and ``POST
/feeds/{slug}/alerts/unsubscribe`` (its ``endpoint`` and ``auth`` secret) are called by our
scripts and answer JSON, or problem+json naming the field at fault.

They take only ``application/json`` bodies (415 otherwise): a page on another site can send
that only after a CORS preflight, which is never granted. Sent with our cookies, they must
carry the form token in ``X-CSRF-Token`` too, as the desk's scripts do (``/alerts/key`` gives
it); a reader without cookies has nothing to forge. Unsubscribing also asks for the
subscription's secret, which only the browser holding it knows.
"""

from __future__ import annotations

from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from livefeed.distribution import alerts
from livefeed.domain.errors import Invalid, LivefeedError
from livefeed.web.errors import problem
from livefeed.web.forms import json_object
from livefeed.web.security import FormToken, check_script_token, services, session

WORKER = Path(__file__).resolve().parent.parent / "static" / "sw.js"
SUBSCRIBE_FIELDS = frozenset({"subscription", "choice", "language"})
UNSUBSCRIBE_FIELDS = frozenset({"endpoint", "auth"})


async def service_worker(request: Request) -> Response:
    return FileResponse(
        WORKER,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


async def public_key(request: Request) -> Response:
    """Our key, and the token this browser's cookies call for (see ``check_script_token``)."""
    state = request.app.state
    # Read once per process: the key changes only with the setting, and a restart follows it.
    if not hasattr(state, "alert_key"):
        state.alert_key = await run_in_threadpool(alerts.application_server_key, services(request))
    token = str(FormToken(request, await session(request)))
    return JSONResponse(
        {"public_key": state.alert_key, "csrf_token": token},
        headers={"Cache-Control": "private, no-store"},
    )


def _refused(error: LivefeedError | HTTPException) -> Response:
    if isinstance(error, HTTPException):
        return problem(error.status_code, "Unsupported media type", str(error.detail))
    return problem(
        error.status,
        error.title,
        str(error),
        errors=error.errors if isinstance(error, Invalid) else None,
    )


async def subscribe(request: Request) -> Response:
    svc, slug = services(request), request.path_params["slug"]
    try:
        await check_script_token(request)
        body = await json_object(request, SUBSCRIBE_FIELDS, allow_empty=False)
        subscription = await run_in_threadpool(alerts.subscribe, svc, slug, body)
    except (LivefeedError, HTTPException) as error:
        return _refused(error)
    return JSONResponse({"choice": subscription.choice.value}, status_code=201)


async def unsubscribe(request: Request) -> Response:
    svc, slug = services(request), request.path_params["slug"]
    try:
        await check_script_token(request)
        body = await json_object(request, UNSUBSCRIBE_FIELDS, allow_empty=False)
        remaining = await run_in_threadpool(alerts.unsubscribe, svc, slug, body)
    except (LivefeedError, HTTPException) as error:
        return _refused(error)
    return JSONResponse({"remaining": remaining})


routes = [
    Route("/sw.js", service_worker, methods=["GET"]),
    Route("/alerts/key", public_key, methods=["GET"]),
    Route("/feeds/{slug}/alerts", subscribe, methods=["POST"]),
    Route("/feeds/{slug}/alerts/unsubscribe", unsubscribe, methods=["POST"]),
]
