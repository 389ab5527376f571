"""Rendering a page with what every page needs: who is signed in and the form token."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from livefeed.discussion import reader_accounts
from livefeed.domain.errors import NotFound
from livefeed.languages import catalogs, choice
from livefeed.web import security

_MAX_POST_ID = 2**31 - 1


async def render(
    request: Request,
    template: str,
    values: dict[str, Any],
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    language: str | None = None,
) -> Response:
    """``language``: a reader's page speaks its feed's; other pages their viewer's: the one
    they chose, else their browser's, else the site's."""
    viewer = await security.viewer(request)
    context = {
        "viewer": viewer,
        "csrf_token": security.FormToken(request, await security.session(request)),
        # The header offers the desk to those who work there, not to every reader.
        "works_on_desk": viewer is not None
        and await run_in_threadpool(
            reader_accounts.works_on_desk, security.services(request), viewer
        ),
        **values,
    }
    chosen = viewer.language if viewer is not None else ""
    with catalogs.speaking(language or chosen or spoken_to(request)):
        response: Response = request.app.state.templates.TemplateResponse(
            request, template, context, status_code=status, headers=headers
        )
    security.remember_csrf(request, response)
    return response


def spoken_to(request: Request) -> str:
    """The language of whoever is asking, known or not: what their browser asks for, else the
    site's (for error pages too, which are drawn without looking up anyone's account)."""
    asked = choice.preferred(request.headers.get("accept-language"))
    return asked or security.services(request).settings.language


def post_id_param(request: Request) -> int:
    """The ``{post_id}`` of the path; anything but a plain number is a page that does not exist."""
    raw = request.path_params["post_id"]
    # posts.id is a 32-bit column: PostgreSQL refuses to even compare it with a larger number.
    if not raw.isdigit() or len(raw) > 10 or int(raw) > _MAX_POST_ID:
        raise NotFound("there is no such post")
    return int(raw)
