"""One place that turns an error into a response: problem+json for the API, a page otherwise."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import Scope

from livefeed.domain.errors import (
    N_,
    Conflict,
    Invalid,
    LivefeedError,
    Message,
    TooManyRequests,
    Unauthorized,
)
from livefeed.languages import catalogs
from livefeed.languages.catalogs import translate
from livefeed.web.views import spoken_to


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem(
    status: int,
    title: str,
    detail: str,
    *,
    errors: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    """An RFC 9457 problem document; ``errors`` lists each field at fault and why.

    Its words (title, detail, each field's message) are given as written in English and come
    out in the language spoken; the fields' names are the API's own and stay as they are.
    """
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": translate(title),
        "status": status,
        "detail": translate(detail),
    }
    if errors:
        body["errors"] = [
            {"field": field, "message": translate(message)} for field, message in errors.items()
        ]
        body["field"] = next(iter(errors))
    if extra:
        body.update(extra)
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type="application/problem+json"
    )


def message_of(error: LivefeedError) -> str:
    """What an error says as its use case worded it: a :class:`Message` keeps its values, so a
    face can still put it into the language it speaks. An :class:`Invalid` says its first
    field's message after the field's name, translated here since the name is no message."""
    if isinstance(error, Invalid):
        field, message = next(iter(error.errors.items()))
        return f"{field}: {translate(message)}"
    said = error.args[0] if error.args and isinstance(error.args[0], str) else str(error)
    return Message(said)


OUR_FAILURE = N_("something went wrong on our side; please try again in a moment")


def problem_body(error: LivefeedError | None) -> dict[str, Any]:
    """The problem document of an error, for an answer already under way (a progress stream);
    ``None`` for a failure of ours, which says nothing of itself."""
    if error is None:
        answer = problem(500, N_("Server error"), OUR_FAILURE)
    else:
        answer = problem(error.status, error.title, message_of(error), errors=_fields_of(error))
    found: dict[str, Any] = json.loads(bytes(answer.body))
    return found


def _fields_of(error: LivefeedError) -> dict[str, str] | None:
    if isinstance(error, Invalid):
        return error.errors
    if isinstance(error, Conflict) and error.field:
        return {error.field: message_of(error)}
    return None


def _headers_of(error: LivefeedError) -> dict[str, str]:
    if isinstance(error, TooManyRequests):
        return {"Retry-After": str(error.retry_after)}
    if isinstance(error, Unauthorized):
        # A 401 must say which scheme would be accepted (RFC 9110, RFC 6750).
        return {"WWW-Authenticate": 'Bearer realm="livefeed"'}
    return {}


def problem_for(error: LivefeedError) -> JSONResponse:
    """The problem document answering ``error``, its fields and headers included."""
    return problem(
        error.status,
        error.title,
        message_of(error),
        errors=_fields_of(error),
        headers=_headers_of(error),
    )


async def livefeed_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LivefeedError)
    if wants_json(request):
        return problem_for(exc)
    return _page(request, exc.status, exc.title, message_of(exc), _headers_of(exc))


_TITLES = {
    404: N_("Not found"),
    405: N_("Method not allowed"),
    415: N_("Unsupported media type"),
}


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status, headers = exc.status_code, dict(exc.headers or {})
    if status in (404, 405):
        allowed = _methods_at(request.app.routes, _routing_scope(request))
        if allowed and request.method not in allowed:
            status, headers["Allow"] = 405, ", ".join(sorted(allowed))
    title = _TITLES.get(status, N_("Error"))
    detail: str
    if status == 405:
        detail = Message(
            "%(method)s is not one of the methods %(path)s answers",
            method=request.method,
            path=request.url.path,
        )
    elif exc.detail and exc.detail != title:
        detail = exc.detail
    else:
        detail = N_("that page does not exist")
    if wants_json(request):
        with catalogs.speaking(spoken_to(request)):
            return problem(status, title, detail, headers=headers)
    return _page(request, status, title, detail, headers)


def _routing_scope(request: Request) -> Scope:
    """The request as the app's router first saw it, before a mount made it its own."""
    root = request.scope.get("app_root_path", request.scope.get("root_path", ""))
    return {"type": "http", "path": request.scope["path"], "root_path": root, "method": "GET"}


def _methods_at(routes: Sequence[BaseRoute], scope: Scope) -> set[str]:
    """Every method some route answers at the scope's path.

    A 405 must list them all in ``Allow`` (RFC 9110), where Starlette names only the first
    route it met; and a path under a mount (``/api``) that matched none of the mount's routes
    is answered 404 by the mount, even when a route outside it serves another method there.
    """
    found: set[str] = set()
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.NONE:
            continue
        if isinstance(route, Mount):
            found |= _methods_at(route.routes, {**scope, **child})
        elif isinstance(route, Route) and route.methods:
            found |= route.methods
    return found


def _page(
    request: Request, status: int, title: str, detail: str, headers: Mapping[str, str]
) -> Response:
    """The error page, in the language the request speaks (web/middleware.py's ``Speaking``)."""
    title, detail = translate(title), translate(detail)
    templates = request.app.state.templates
    with catalogs.speaking(spoken_to(request)):
        response: Response = templates.TemplateResponse(
            request,
            "error.html",
            {"status": status, "title": title, "detail": detail, "viewer": None, "csrf_token": ""},
            status_code=status,
            headers=dict(headers),
        )
    return response


def server_error(request: Request) -> Response:
    """The answer to a failure no handler caught: it says nothing of the failure itself."""
    if wants_json(request) or "application/json" in request.headers.get("accept", ""):
        return problem(500, N_("Server error"), OUR_FAILURE)
    return _page(request, 500, N_("Server error"), OUR_FAILURE, {})


EXCEPTION_HANDLERS: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
    LivefeedError: livefeed_error,
    HTTPException: http_error,
}
