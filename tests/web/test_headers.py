"""Headers every response carries: a strict content policy, no framing, no type sniffing."""

from __future__ import annotations

import httpx2 as httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from livefeed.web.middleware import MAX_BODY_BYTES
from livefeed.web.security import CSRF_COOKIE, SESSION_COOKIE
from tests.conftest import Clock
from tests.factories import CHEAP_PASSWORDS, make_feed, make_post
from tests.web.conftest import Page, csrf_of, log_in


def policy(response: httpx.Response) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in response.headers["content-security-policy"].split(";"):
        name, *values = part.split()
        assert name not in directives, f"{name} given twice"
        directives[name] = values
    return directives


def assert_guarded(response: httpx.Response) -> None:
    directives = policy(response)
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["form-action"] == ["'self'"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert "camera=()" in response.headers["permissions-policy"]
    assert "geolocation=()" in response.headers["permissions-policy"]
    assert "server" not in response.headers
    # Each header once: a second, weaker copy would leave the browser to pick.
    for name in ("content-security-policy", "x-frame-options", "x-content-type-options"):
        assert len(response.headers.get_list(name)) == 1, name


PAGES = [
    "/",
    "/feeds/summit",
    "/feeds/summit/posts/1",
    "/tags/geneva",
    "/login",
    "/feeds/nowhere",
    "/static/livefeed.css",
    "/api/v1/feeds",
    "/api/v1/feeds/nowhere",
    "/api/openapi.json",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_response_carries_the_policy(
    client: TestClient, svc: Services, editor: User, url: str
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor, tags="geneva")

    assert_guarded(client.get(url))


@pytest.mark.parametrize("url", ["/desk", "/desk/feeds/new", "/desk/feeds/summit/edit"])
def test_desk_pages_carry_the_policy(
    desk: TestClient, svc: Services, editor: User, url: str
) -> None:
    make_feed(svc, editor)

    assert_guarded(desk.get(url))


def test_refusals_carry_the_policy_too(client: TestClient) -> None:
    assert_guarded(client.post("/login", data={"email": "x"}))  # 403, no form token
    assert_guarded(client.post("/api/v1/feeds", json={}))  # 401
    assert_guarded(
        client.post(
            "/api/v1/feeds",
            content=b"x" * (MAX_BODY_BYTES + 1),
            headers={"Content-Type": "application/json"},
        )
    )  # 413, answered before the app is reached


@pytest.mark.parametrize("url", ["/", "/feeds/summit", "/feeds/summit/posts/1", "/login"])
def test_pages_need_nothing_the_policy_blocks(
    client: TestClient, svc: Services, editor: User, url: str
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)

    page = Page(client.get(url).text)

    for tag, attrs in page.elements:
        assert "style" not in attrs, f"<{tag} style=…> is blocked by style-src 'self'"
        assert not any(name.startswith("on") for name in attrs), f"<{tag} on…=> is blocked"
        # A JSON-LD data block is never run, so the policy has nothing to say about it.
        if tag == "script" and attrs.get("type") != "application/ld+json":
            assert attrs.get("src", "").startswith("/static/"), "inline scripts are blocked"
    assert "style" not in page.names()


def test_cookies_are_http_only_and_same_site(client: TestClient, editor: User) -> None:
    first = client.get("/login")
    login = log_in(client, editor.email)

    for response, name in ((first, CSRF_COOKIE), (login, SESSION_COOKIE)):
        (cookie,) = [
            value
            for key, value in response.headers.multi_items()
            if key == "set-cookie" and value.startswith(f"{name}=")
        ]
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        assert "Secure" not in cookie  # the test site is plain http


def test_cookies_are_secure_behind_https(
    settings: Settings, svc: Services, editor: User, clock: Clock
) -> None:
    secure = settings.replace(public_url="https://livefeed.test")
    behind_https = Services.build(
        secure, clock=clock, passwords=CHEAP_PASSWORDS
    )  # the same database, another origin
    app = create_app(secure, behind_https)
    try:
        with TestClient(app, base_url="https://livefeed.test", follow_redirects=False) as client:
            first = client.get("/login")
            login = log_in(client, editor.email)
            desk = client.get("/desk")
            logout = client.post("/logout", data={"csrf_token": csrf_of(desk.text)})
            after = client.get("/desk")
    finally:
        behind_https.close()

    cookies = [
        value
        for response in (first, login)
        for key, value in response.headers.multi_items()
        if key == "set-cookie"
    ]
    assert {cookie.split("=", 1)[0] for cookie in cookies} == {
        f"__Host-{CSRF_COOKIE}",
        f"__Host-{SESSION_COOKIE}",
    }
    # What the __Host- prefix requires of a cookie, or the browser drops it.
    for cookie in cookies:
        assert "Secure" in cookie
        assert "Path=/" in cookie
        assert "Domain" not in cookie
    assert desk.status_code == 200
    (gone,) = [v for k, v in logout.headers.multi_items() if k == "set-cookie"]
    assert gone.startswith(f"__Host-{SESSION_COOKIE}=")
    assert "Secure" in gone
    assert after.status_code == 303
    assert login.headers["strict-transport-security"] == "max-age=31536000"


def test_plain_http_gets_no_hsts(client: TestClient) -> None:
    assert "strict-transport-security" not in client.get("/").headers


def crashing_app(settings: Settings, svc: Services) -> TestClient:
    """The app with one route that fails as no handler expects."""

    async def boom(request: Request) -> Response:
        raise RuntimeError("a bug nobody caught")

    app = create_app(settings, svc)
    app.router.routes.insert(0, Route("/crash", boom))
    app.router.routes.insert(0, Route("/api/v1/crash", boom))
    return TestClient(app, raise_server_exceptions=False)


def test_a_server_error_is_a_page_with_every_header(settings: Settings, svc: Services) -> None:
    with crashing_app(settings, svc) as client:
        response = client.get("/crash")

    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "Server error" in response.text
    assert "a bug nobody caught" not in response.text
    assert_guarded(response)


@pytest.mark.parametrize(
    ("path", "accept"), [("/api/v1/crash", "*/*"), ("/crash", "application/json")]
)
def test_a_server_error_is_problem_json_where_json_is_asked_for(
    settings: Settings, svc: Services, path: str, accept: str
) -> None:
    with crashing_app(settings, svc) as client:
        response = client.get(path, headers={"Accept": accept})

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 500
    assert "a bug nobody caught" not in response.text
    assert_guarded(response)


SIGNED_IN_PAGES = ["/", "/desk", "/feeds/summit", "/feeds/summit/edit", "/desk/feeds/summit/edit"]


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_what_a_signed_in_person_sees_is_stored_nowhere(
    desk: TestClient, svc: Services, editor: User, url: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    for path in (url, f"/feeds/summit/posts/{post.id}/edit"):
        response = desk.get(path)
        assert response.status_code in (200, 404), path
        control = response.headers["cache-control"]
        assert "private" in control or "no-store" in control, (path, control)
        assert "public" not in control, path


def test_a_cacheable_page_varies_on_the_cookie(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    for path in ("/", "/feeds/summit", "/feeds/summit/feed.atom"):
        response = client.get(path)
        assert "private" not in response.headers.get("cache-control", ""), path
        assert "cookie" in response.headers["vary"].lower(), path
    # Files named by their content are the same for everyone, whoever asks (compressed or not
    # is all they vary on).
    shared = client.get("/static/livefeed.css").headers
    assert "cookie" not in shared.get("vary", "").lower()


def test_the_embed_alone_may_be_framed_by_any_site(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    guarded = policy(client.get("/feeds/summit"))

    for url in ("/feeds/summit/embed", "/feeds/summit/embed?theme=dark&limit=3"):
        response = client.get(url)
        assert response.status_code == 200
        directives = policy(response)
        assert directives.pop("frame-ancestors") == ["*"]
        assert directives == {k: v for k, v in guarded.items() if k != "frame-ancestors"}
        assert "x-frame-options" not in response.headers
        assert response.headers["x-content-type-options"] == "nosniff"
        assert len(response.headers.get_list("content-security-policy")) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/summit/embed/",
        "/feeds/summit/embedded",
        "/feeds/summit/posts/1/embed",
        "/feeds/embed",
        "/embed",
        "/static/embed.js",
        "/static/embed-frame.js",
        "/api/v1/feeds/summit/embed",
    ],
)
def test_addresses_like_the_embeds_still_refuse_to_be_framed(
    client: TestClient, svc: Services, editor: User, url: str
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)

    assert_guarded(client.get(url))
