"""Who is asking, and whether a form really came from our own page.

Desk sessions live in a cookie holding a random token (HttpOnly, SameSite=Lax, Secure behind
HTTPS); the database keeps only its hash. Every unsafe request made with a cookie must carry
the CSRF token of its session, or, before login, the token of the ``lf_csrf`` cookie
(double submit), so a login form cannot be posted from another site either.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import quote, unquote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from livefeed.access import accounts, tokens
from livefeed.access.accounts import Session
from livefeed.domain.errors import Forbidden, Unauthorized
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.web import client_address as forwarded

SESSION_COOKIE = "lf_session"
CSRF_COOKIE = "lf_csrf"
CSRF_FIELD = "csrf_token"
# Where a page's script that sends JSON puts the token its form would carry.
CSRF_HEADER = "x-csrf-token"
# Behind https the cookies' names carry this prefix: a browser then accepts them only from this
# very host, over https, for the whole site, so a sibling subdomain can neither plant nor
# overwrite a session or a form token.
HOST_PREFIX = "__Host-"


def cookie_name(request: Request, name: str) -> str:
    """``name`` as this site's cookies are called: with ``__Host-`` behind https."""
    return HOST_PREFIX + name if services(request).settings.secure_cookies else name


def session_token(request: Request) -> str:
    """The session cookie's value, or ``""``."""
    return request.cookies.get(cookie_name(request, SESSION_COOKIE), "")


def services(request: Request) -> Services:
    svc: Services = request.app.state.services
    return svc


async def session(request: Request) -> Session | None:
    """The signed-in session of this request, looked up once."""
    if not hasattr(request.state, "session"):
        token = session_token(request)
        # Most readers carry no session: no worker thread for a look-up that finds nothing.
        found = (
            await run_in_threadpool(accounts.session_user, services(request), token)
            if token
            else None
        )
        request.state.session = found
    found_session: Session | None = request.state.session
    return found_session


async def viewer(request: Request) -> User | None:
    found = await session(request)
    return found.user if found else None


class FormToken:
    """The token a form on this page must carry (see :func:`check_csrf`), made when printed.

    Before login it lives in a cookie; only a page that prints a form sets that cookie, so a
    reader's page carries no ``Set-Cookie`` and stays cacheable by a CDN.
    """

    def __init__(self, request: Request, found: Session | None) -> None:
        self._request = request
        self._session = found

    def __str__(self) -> str:
        if self._session is not None:
            return self._session.csrf_token
        state = self._request.state
        if not hasattr(state, "csrf"):
            sent = self._request.cookies.get(cookie_name(self._request, CSRF_COOKIE))
            state.csrf = sent or secrets.token_urlsafe(32)
        token: str = state.csrf
        return token


def remember_csrf(request: Request, response: Response) -> None:
    """Set the pre-login CSRF cookie if this request had to make one."""
    token = getattr(request.state, "csrf", None)
    name = cookie_name(request, CSRF_COOKIE)
    if token and request.cookies.get(name) != token:
        response.set_cookie(
            name,
            token,
            httponly=True,
            samesite="lax",
            secure=services(request).settings.secure_cookies,
        )


async def check_csrf(request: Request, form: FormData) -> None:
    sent = form.get(CSRF_FIELD)
    found = await session(request)
    expected = found.csrf_token if found else request.cookies.get(cookie_name(request, CSRF_COOKIE))
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent, expected):
        raise Forbidden(
            "this form has expired or did not come from this site: reload the page and try again"
        )


async def check_script_token(request: Request) -> None:
    """A page's script sending JSON with our cookies carries their token in ``X-CSRF-Token``.

    A request without our cookies brings no one's session or form token to abuse: it is
    answered on what it says alone (and, being JSON, no other site can send it unasked).
    """
    cookies = (cookie_name(request, SESSION_COOKIE), cookie_name(request, CSRF_COOKIE))
    if any(request.cookies.get(name) for name in cookies):
        await check_csrf(request, FormData({CSRF_FIELD: request.headers.get(CSRF_HEADER, "")}))


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    svc = services(request)
    response.set_cookie(
        cookie_name(request, SESSION_COOKIE),
        token,
        max_age=svc.settings.session_days * 86_400,
        httponly=True,
        samesite="lax",
        secure=svc.settings.secure_cookies,
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    # A __Host- cookie is only replaced by one set with Secure, as it was.
    secure = services(request).settings.secure_cookies
    response.delete_cookie(
        cookie_name(request, SESSION_COOKIE), httponly=True, samesite="lax", secure=secure
    )


def client_address(request: Request) -> str:
    """The client's address, from ``X-Forwarded-For`` only behind a trusted proxy."""
    return forwarded.client_address(
        request.client.host if request.client else None,
        request.headers.getlist("x-forwarded-for"),
        services(request).settings.trusted_proxies,
    )


async def bearer_user(request: Request) -> User:
    """The API's caller, from ``Authorization: Bearer <token>``; 401 without a valid one."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("send an API token as 'Authorization: Bearer <token>'")
    # Unauthorized, saying whether the token is unknown, expired, revoked or its account off.
    user: User = await run_in_threadpool(tokens.authenticate, services(request), token.strip())
    return user


def log_in_from_referer(request: Request) -> RedirectResponse:
    """To the login form, then back to the page the script's request came from.

    The desk's scripts post to endpoints that are not pages; the page to come back to is the
    one that sent them.
    """
    try:
        came_from = urlsplit(request.headers.get("referer", "")).path
    except ValueError:
        came_from = ""
    target = quote(safe_next(came_from), safe="/%")
    return RedirectResponse(f"/login?next={target}", status_code=303)


def safe_next(target: str | None, default: str = "/desk") -> str:
    """Only a path on this site: no scheme, no host, no ``//`` or ``/\\`` tricks.

    The target must pass both as it is and percent-decoded once, since something between here
    and the browser (a proxy, a framework) may decode it.
    """
    if not target or not all(_on_site(text) for text in (target, unquote(target))):
        return default
    return target


def _on_site(target: str) -> bool:
    path = target.split("?", 1)[0].split("#", 1)[0]
    segments = path.split("/")
    return (
        path.startswith("/")
        # Browsers drop tabs and newlines anywhere in a URL and read "\\" as "/", so "/\t/x"
        # and "/\\x" are "//x": another host. Our own paths have none of them, nor "//".
        and not any(ch < " " or ch in "\\\x7f" for ch in target)
        and "//" not in path
        and ":" not in path
        and "." not in segments
        and ".." not in segments
    )
