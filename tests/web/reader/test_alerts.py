"""Readers' alerts on the web: the box on a live feed's page, the service worker, the key, and
the subscribe and unsubscribe calls our scripts make (JSON in, problem+json for a refusal)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from livefeed.distribution import alerts
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.factories import make_feed
from tests.push_service import Browser, PushService, push_service
from tests.web.conftest import Page, csrf, log_in, static_url


@pytest.fixture
def service(svc: Services) -> Any:
    with push_service() as running:
        svc.fetch_policy = running.policy()
        yield running


def subscribed(client: TestClient, browser: Browser, choice: str = "key_events") -> Any:
    return client.post(
        "/feeds/summit/alerts",
        json={"subscription": browser.subscription(), "choice": choice, "language": "en"},
    )


def test_a_live_feed_offers_alerts_to_browsers_that_can_take_them(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    html = client.get("/feeds/summit").text
    page = Page(html)

    (box,) = [d for d in page.tags("details") if "data-alerts" in d]
    assert box["data-alerts"] == "/feeds/summit/alerts"
    assert "hidden" in box  # shown by the script where the browser has push
    assert box["data-on-key-events"] == "Alerts are on: key events only."
    choices = [i["value"] for i in page.tags("input") if i.get("name") == "choice"]
    assert choices == ["key_events", "every_post"]
    assert "Alert me" in html
    assert static_url("alerts.js") in html


def test_an_ended_feed_offers_no_alerts(client: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    assert "data-alerts" not in client.get("/feeds/summit").text


def test_the_service_worker_is_served_from_the_root_and_revalidated(client: TestClient) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["service-worker-allowed"] == "/"
    assert 'addEventListener("push"' in response.text


def test_the_key_is_the_one_alerts_are_signed_with(client: TestClient, svc: Services) -> None:
    answer = client.get("/alerts/key").json()
    assert answer["public_key"] == alerts.application_server_key(svc)
    assert client.get("/alerts/key").json()["public_key"] == answer["public_key"]


def test_a_browser_with_our_cookies_must_send_their_token(
    client: TestClient, svc: Services, editor: User, service: PushService
) -> None:
    make_feed(svc, editor)
    log_in(client, editor.email)
    browser = service.browser()

    refused = subscribed(client, browser)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    forged = client.post(
        "/feeds/summit/alerts",
        json={"subscription": browser.subscription(), "choice": "key_events"},
        headers={"X-CSRF-Token": "forged"},
    )
    assert forged.status_code == 403

    token = client.get("/alerts/key").json()["csrf_token"]
    assert token == csrf(client)  # the signed-in session's own
    taken = client.post(
        "/feeds/summit/alerts",
        json={"subscription": browser.subscription(), "choice": "key_events"},
        headers={"X-CSRF-Token": token},
    )
    assert taken.status_code == 201


def test_subscribing_and_unsubscribing(
    client: TestClient, svc: Services, editor: User, service: PushService
) -> None:
    make_feed(svc, editor)
    browser = service.browser()

    response = subscribed(client, browser, "every_post")
    assert response.status_code == 201
    assert response.json() == {"choice": "every_post"}

    gone = {"endpoint": browser.endpoint, "auth": browser.auth}
    response = client.post("/feeds/summit/alerts/unsubscribe", json=gone)
    assert response.status_code == 200
    assert response.json() == {"remaining": 0}
    again = client.post("/feeds/summit/alerts/unsubscribe", json=gone)
    assert again.status_code == 404
    assert again.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"choice": "key_events"}, "subscription"),
        ({"subscription": {"endpoint": "https://push.example/1"}, "choice": "x"}, "choice"),
        ({"subscription": {"keys": {}}}, "subscription.endpoint"),
        ({"subscription": [], "extra": 1}, "extra"),
        (
            {"subscription": {"endpoint": "http://10.0.0.1/", "keys": {}}},
            "subscription.keys.p256dh",
        ),
    ],
)
def test_a_bad_subscription_is_refused_naming_the_field(
    client: TestClient, svc: Services, editor: User, body: dict[str, Any], field: str
) -> None:
    make_feed(svc, editor)
    response = client.post("/feeds/summit/alerts", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]


def test_unsubscribing_needs_the_endpoint_and_the_secret(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    response = client.post("/feeds/summit/alerts/unsubscribe", json={"endpoint": "x"})
    assert response.status_code == 422
    assert response.json()["field"] == "auth"


def test_only_json_is_taken_so_another_site_cannot_post_a_form_here(
    client: TestClient, svc: Services, editor: User, service: PushService
) -> None:
    make_feed(svc, editor)
    browser = service.browser()
    response = client.post(
        "/feeds/summit/alerts", data={"subscription": browser.endpoint, "choice": "key_events"}
    )
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"


def test_a_feed_that_does_not_exist_has_no_alerts(client: TestClient, service: PushService) -> None:
    response = subscribed(client, service.browser())
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
