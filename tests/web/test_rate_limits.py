"""Rate limits through the web face: a refusal answers 429 with ``Retry-After``, as a page
and as problem+json; failed logins hold back the network they came from, not the account's
owner elsewhere; the app closes the limiter's Redis connection when it stops.

The report routes here stand in for the ones that call ``svc.limits``: the limiter, the error
handlers and the templates are the app's own.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from livefeed.access.rate_limits.redis_counter import CLIENT_NAME
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from livefeed.web.errors import EXCEPTION_HANDLERS
from livefeed.web.rendering import make_templates
from livefeed.web.security import client_address
from tests.conftest import Clock
from tests.redis_server import RedisServer
from tests.web.conftest import log_in

# The limiter counts outside the database: one database is enough.
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def reporting(svc: Services) -> Iterator[TestClient]:
    async def report(request: Request) -> Response:
        svc.limits.hit("report", address=client_address(request))
        return Response(status_code=204)

    app = Starlette(
        routes=[
            Route("/report", report, methods=["POST"]),
            Route("/api/v1/report", report, methods=["POST"]),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    app.state.services = svc
    app.state.templates = make_templates(svc)
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("path", ["/report", "/api/v1/report"])
def test_a_refusal_says_when_to_come_back(reporting: TestClient, clock: Clock, path: str) -> None:
    for _ in range(30):
        assert reporting.post(path).status_code == 204
    clock.advance(90)

    refused = reporting.post(path)

    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "510"
    assert "too many reports in a short time: try again in 9 minutes" in refused.text.lower()
    if path.startswith("/api/"):
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["status"] == 429
    else:
        assert refused.headers["content-type"].startswith("text/html")
    clock.advance(510)
    assert reporting.post(path).status_code == 204


STRANGER, OWNER = "198.51.100.66", "192.0.2.10"


def browser_at(app: Starlette, address: str) -> TestClient:
    return TestClient(app, follow_redirects=False, client=(address, 40000))


def test_a_strangers_failed_logins_hold_back_only_the_strangers_network(
    app: Starlette, settings: Settings, editor: User, clock: Clock
) -> None:
    with browser_at(app, STRANGER) as stranger:
        for _ in range(settings.login_attempts):
            assert log_in(stranger, editor.email, "a wrong password").status_code == 422

        refused = log_in(stranger, editor.email)  # even the right password waits

        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "900"
        assert (
            "too many failed logins for this account from your network: try again in 15 minutes"
            in refused.text.lower()
        )
    with browser_at(app, OWNER) as owner:
        assert log_in(owner, editor.email).status_code == 303
    clock.advance(900)
    with browser_at(app, STRANGER) as stranger:
        assert log_in(stranger, editor.email).status_code == 303


def limiter_connections(client: redis.Redis) -> int:
    return sum(1 for seen in client.client_list() if seen["name"] == CLIENT_NAME)


def test_the_app_closes_the_limiters_redis_connection_when_it_stops(
    settings: Settings, private_redis: RedisServer
) -> None:
    private_redis.start()
    app = create_app(settings.replace(redis_url=private_redis.url))
    watcher = redis.Redis.from_url(private_redis.url)
    try:
        with TestClient(app):
            app.state.services.limits.hit("report", address="192.0.2.1")
            assert limiter_connections(watcher) == 1
        deadline = time.monotonic() + 5
        while limiter_connections(watcher) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert limiter_connections(watcher) == 0
    finally:
        watcher.close()
