"""Readers' revalidations answered before the middleware and the router, exactly as the routes
answer them, and only where the answer is the same for everyone."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from livefeed.web.reader.early_answers import EarlyAnswers
from tests.factories import make_feed, make_post
from tests.web.test_metrics import TOKEN, scrape

PATHS = ["/feeds/summit", "/feeds/summit/feed.atom", "/feeds/summit/updates?since=1"]


@pytest.fixture
def measured(settings: Settings, svc: Services) -> Iterator[TestClient]:
    app = create_app(settings.replace(metrics_token=TOKEN), svc)
    with TestClient(app, follow_redirects=False) as client:
        yield client


def passed_on(client: TestClient) -> list[str]:
    """The paths the layer hands on to the rest of the app (which still answers them)."""
    layer: Any = client.app
    while not isinstance(layer, EarlyAnswers):
        layer = layer.middleware_stack if isinstance(layer, Starlette) else layer.app
    inner = layer.app
    seen: list[str] = []

    async def watched(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            seen.append(scope["path"])
        await inner(scope, receive, send)

    layer.app = watched
    return seen


def headers_of(response: httpx.Response) -> list[tuple[str, str]]:
    """Every header but the request id, whose value is each request's own."""
    return [(k, v) for k, v in response.headers.multi_items() if k != "x-request-id"]


@pytest.fixture
def feed(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)


@pytest.mark.usefixtures("feed")
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_revalidation_is_answered_here_as_its_route_answers_it(
    client: TestClient, routed: TestClient, path: str, method: str
) -> None:
    seen = passed_on(client)
    etag = client.get(path).headers["etag"]
    assert seen == [path.split("?")[0]]
    for asked in ({"If-None-Match": etag}, {"If-None-Match": etag, "Accept-Language": "fr"}):
        here = client.request(method, path, headers=asked)
        there = routed.request(method, path, headers=asked)
        assert (here.status_code, there.status_code) == (304, 304)
        assert headers_of(here) == headers_of(there)
        assert here.content == b""
        assert "x-request-id" in here.headers
    assert len(seen) == 1


@pytest.mark.usefixtures("feed")
@pytest.mark.parametrize("path", PATHS)
def test_a_stale_validator_gets_the_document(client: TestClient, path: str) -> None:
    seen = passed_on(client)
    etag = client.get(path).headers["etag"]
    stale = client.get(path, headers={"If-None-Match": etag.replace('"', '"0', 1)})
    assert stale.status_code == 200
    assert stale.headers["etag"] == etag
    # The answer is given from here once the app has given it (see test_held_pages).
    assert len(seen) == 1


@pytest.mark.parametrize("path", PATHS)
def test_a_new_post_makes_the_validator_stale(
    client: TestClient, svc: Services, editor: User, path: str
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    etag = client.get(path).headers["etag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    make_post(svc, editor, headline="Something new")
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    again = client.get(path, headers={"If-None-Match": changed.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.usefixtures("feed")
def test_a_signed_in_editor_is_never_answered_here(client: TestClient, desk: TestClient) -> None:
    anonymous = TestClient(client.app)
    etag = anonymous.get("/feeds/summit").headers["etag"]
    atom = anonymous.get("/feeds/summit/feed.atom").headers["etag"]
    seen = passed_on(client)
    page = desk.get("/feeds/summit", headers={"If-None-Match": etag})
    assert page.status_code == 200
    assert page.headers["cache-control"] == "private, no-store"
    assert "New post" in page.text
    assert desk.get("/feeds/summit/feed.atom", headers={"If-None-Match": atom}).status_code == 304
    assert seen == ["/feeds/summit", "/feeds/summit/feed.atom"]


@pytest.mark.usefixtures("feed")
@pytest.mark.parametrize(
    "extra",
    [
        {"Cookie": "lf_session=not-a-session"},
        {"Cookie": "__Host-lf_session=not-a-session"},
        {"Authorization": "Bearer not-a-token"},
    ],
)
def test_a_session_or_credentials_go_to_the_route(
    client: TestClient, routed: TestClient, extra: dict[str, str]
) -> None:
    for path in PATHS:
        etag = client.get(path).headers["etag"]
        seen = passed_on(client)
        here = client.get(path, headers={"If-None-Match": etag} | extra)
        there = routed.get(path, headers={"If-None-Match": etag} | extra)
        assert seen == [path.split("?")[0]]
        assert here.status_code == there.status_code == 304
        assert headers_of(here) == headers_of(there)


@pytest.mark.usefixtures("feed")
def test_a_cookie_the_route_does_not_read_changes_nothing(client: TestClient) -> None:
    seen = passed_on(client)
    for path in PATHS:
        etag = client.get(path).headers["etag"]
        plain = client.get(path, headers={"If-None-Match": etag})
        themed = client.get(
            path, headers={"If-None-Match": etag, "Cookie": "lf_csrf=x; theme=dark"}
        )
        assert themed.status_code == 304
        assert headers_of(themed) == headers_of(plain)
    assert len(seen) == len(PATHS)


@pytest.mark.usefixtures("feed")
@pytest.mark.parametrize(
    "path",
    [
        "/feeds/nowhere",
        "/feeds/nowhere/feed.atom",
        "/feeds/summit/feed.xml",
        "/feeds/summit/updates?since=x",
        "/feeds/summit/",
    ],
)
def test_what_the_route_refuses_it_still_refuses(
    client: TestClient, routed: TestClient, path: str
) -> None:
    seen = passed_on(client)
    here = client.get(path, headers={"If-None-Match": "*"})
    there = routed.get(path, headers={"If-None-Match": "*"})
    assert here.status_code == there.status_code != 304
    assert seen == [path.split("?")[0]]


@pytest.mark.usefixtures("feed")
@pytest.mark.parametrize(
    ("path", "route"),
    [
        ("/feeds/summit", "/feeds/{slug}"),
        ("/feeds/summit/feed.atom", "/feeds/{slug}/feed.{format}"),
        ("/feeds/summit/updates?since=1", "/feeds/{slug}/updates"),
    ],
)
def test_an_answer_from_here_is_logged_and_counted_as_its_routes(
    measured: TestClient, caplog: pytest.LogCaptureFixture, path: str, route: str
) -> None:
    seen = passed_on(measured)
    etag = measured.get(path).headers["etag"]
    labels = (("method", "GET"), ("route", route), ("status", "304"))
    counted = ("livefeed_http_request_duration_seconds_count", labels)
    before = scrape(measured).get(counted, 0)
    with caplog.at_level(logging.INFO, "livefeed.access"):
        answer = measured.get(path, headers={"If-None-Match": etag})
    assert answer.status_code == 304
    assert seen == [path.split("?")[0], "/metrics"]
    assert scrape(measured)[counted] == before + 1
    [line] = [r for r in caplog.records if r.name == "livefeed.access"]
    assert line.getMessage().startswith(f"GET {route} 304 ")
    assert line.getMessage().endswith(" 0B")


@pytest.mark.usefixtures("feed")
def test_each_document_is_revalidated_by_its_own_validator(client: TestClient) -> None:
    documents = ["/feeds/summit/feed.atom", "/feeds/summit/feed.json", "/feeds/summit/feed.rss"]
    etags = {path: client.get(path).headers["etag"] for path in documents}
    assert len(set(etags.values())) == len(documents)
    for path in documents:
        for other, etag in etags.items():
            answer = client.get(path, headers={"If-None-Match": etag})
            assert answer.status_code == (304 if other == path else 200), (path, other)
