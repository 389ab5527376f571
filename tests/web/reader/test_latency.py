"""Publish-to-screen latency: a sampled page's beacon, bounded and anonymous, into the editors'
pulse (the last hour's median and 95th percentile) and the metrics' histogram."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from livefeed.domain.pulse import BEACON_VALUES, LATEST_SECONDS
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from tests.factories import make_feed, make_post
from tests.web.conftest import log_in

TOKEN = "scrape-me"
URL = "/feeds/summit/latency"


@pytest.fixture
def site(settings: Settings, svc: Services, editor: User) -> Iterator[TestClient]:
    make_feed(svc, editor)
    app = create_app(settings.replace(metrics_token=TOKEN), svc)
    with TestClient(app, follow_redirects=False) as client:
        yield client


def beacon(client: TestClient, body: object) -> Any:
    return client.post(URL, json=body)


def test_a_beacon_is_taken_and_the_editors_see_the_hours_percentiles(
    site: TestClient, editor: User
) -> None:
    assert beacon(site, {"latencies": [0.5] * 10 + [1.5] * 9 + [4]}).status_code == 204
    assert beacon(site, {"latencies": [-3, 0.5]}).status_code == 204
    log_in(site, editor.email)
    pulse = site.get("/feeds/summit/pulse").json()
    # 22 values: 0 (a clock behind the server’s), 11 × 0.5, 9 × 1.5 and 4; the 21st is 1.5.
    assert pulse["latency"] == {"p50": 0.5, "p95": 1.5, "count": 22}
    assert pulse["latency_text"] == (
        "From publishing to readers’ screens in the last hour: 0.5 s for half of them, "
        "1.5 s for 95 in 100"
    )


def test_values_are_clamped_and_counted_in_the_histogram(site: TestClient) -> None:
    assert beacon(site, {"latencies": [0.2, 10_000]}).status_code == 204
    text = site.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    assert "livefeed_publish_to_screen_seconds_count 2.0" in text
    assert f"livefeed_publish_to_screen_seconds_sum {0.2 + LATEST_SECONDS}" in text
    assert 'livefeed_publish_to_screen_seconds_bucket{le="0.25"} 1.0' in text


@pytest.mark.parametrize(
    "body",
    [
        {"latencies": []},
        {"latencies": "1.5"},
        {"latencies": [1.0] * (BEACON_VALUES + 1)},
        {"latencies": [1.0, "soon"]},
        {"latencies": [True]},
        {"latencies": [[1.0]]},
    ],
)
def test_a_malformed_beacon_is_refused_naming_the_field(site: TestClient, body: object) -> None:
    answer = beacon(site, body)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["field"] == "latencies"


def test_a_body_that_is_not_the_beacons_is_refused(site: TestClient) -> None:
    for answer in (
        site.post(URL, content=b"[1,2", headers={"Content-Type": "application/json"}),
        beacon(site, {"latencies": [1.0], "who": "rita"}),
        beacon(site, [1.0]),
    ):
        assert answer.status_code == 422
        assert answer.headers["content-type"] == "application/problem+json"
    assert site.post("/feeds/nowhere/latency", json={"latencies": [1.0]}).status_code == 404


def test_beacons_are_limited_per_address(site: TestClient) -> None:
    answers = [beacon(site, {"latencies": [1.0]}).status_code for _ in range(31)]
    assert answers[:30] == [204] * 30
    assert answers[30] == 429


def test_a_published_post_s_event_carries_its_commit_time(
    svc: Services, site: TestClient, editor: User
) -> None:
    post = make_post(svc, editor)
    answer = site.get("/feeds/summit/updates?since=0").json()
    published = [e for e in answer["events"] if e["type"] == "post.published"]
    assert published[0]["data"]["id"] == post.id
    assert published[0]["created"] == pytest.approx(svc.clock().timestamp(), abs=1)
