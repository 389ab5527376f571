"""What the access pages (team, invitations, users, tokens, audit) share: checked forms, JSON
bodies, redirects after a change, and the form errors a use case reports."""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse

from livefeed.domain.errors import Conflict, Invalid, LivefeedError
from livefeed.web import security

# Pages that show who is on a team, a token or an invitation link are for one person only.
PRIVATE = {"Cache-Control": "private, no-store"}


async def checked_form(request: Request) -> FormData:
    """The form, once its CSRF token is checked."""
    form = await request.form()
    await security.check_csrf(request, form)
    return form


def text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


async def json_object(request: Request, known: frozenset[str]) -> dict[str, Any]:
    """The request's JSON object, refusing keys the resource does not have; no body is ``{}``."""
    raw = await request.body()
    try:
        body = json.loads(raw) if raw.strip() else {}
        # JSON can spell a lone surrogate (\ud800) that no UTF-8 text column can store.
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except ValueError:
        raise Invalid.field("body", "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise Invalid.field("body", "the request body must be a JSON object")
    unknown = [key for key in body if key not in known]
    if unknown:
        raise Invalid(dict.fromkeys(unknown, "is not a field this resource has"))
    return body


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def errors_of(error: LivefeedError) -> dict[str, str]:
    """A refusal as messages by field, for the form that caused it."""
    if isinstance(error, Invalid):
        return error.errors
    if isinstance(error, Conflict) and error.field:
        return {error.field: str(error)}
    return {"form": str(error)}
