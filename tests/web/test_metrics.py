"""``/metrics``: off without a token, refused without the right one, and the numbers an
operator reads from the database (outbox, scheduler lag, pool) as they are."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from livefeed.distribution import alerts
from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.newsroom import workflow
from livefeed.newsroom.workflow import When
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import mail as mail_store
from livefeed.store import webhooks as webhook_store
from livefeed.web.app import create_app
from tests.conftest import Clock
from tests.factories import make_feed, make_post
from tests.push_service import HOST, Browser

TOKEN = "metrics-token-for-the-tests"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the exposition, by name and sorted labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture
def scraper(settings: Settings, svc: Services) -> Iterator[TestClient]:
    app = create_app(settings.replace(metrics_token=TOKEN), svc)
    with TestClient(app, follow_redirects=False) as client:
        yield client


def scrape(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert response.headers["cache-control"] == "no-store"
    return samples(response.text)


def test_metrics_are_not_there_without_a_token(client: TestClient) -> None:
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer anything"}).status_code == 404


@pytest.mark.parametrize("given", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_metrics_need_the_token(scraper: TestClient, given: str | None) -> None:
    headers = {} if given is None else {"Authorization": given}
    response = scraper.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "livefeed_" not in response.text


def test_requests_are_counted_by_route_template_and_status(
    scraper: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    assert scraper.get("/feeds/summit").status_code == 200
    assert scraper.get("/feeds/summit").status_code == 200
    assert scraper.get("/feeds/nowhere").status_code == 404
    assert scraper.get("/no/such/page").status_code == 404
    assert scraper.get("/static/live.js").status_code == 200
    found = scrape(scraper)
    count = "livefeed_http_request_duration_seconds_count"
    assert found[(count, (("method", "GET"), ("route", "/feeds/{slug}"), ("status", "200")))] == 2
    assert found[(count, (("method", "GET"), ("route", "/feeds/{slug}"), ("status", "404")))] == 1
    assert found[(count, (("method", "GET"), ("route", "(unmatched)"), ("status", "404")))] == 1
    assert found[(count, (("method", "GET"), ("route", "/static/{path}"), ("status", "200")))] == 1
    # Paths themselves never become labels: a crawler cannot make the series grow.
    assert not any("summit" in dict(labels).get("route", "") for _, labels in found)


def test_the_webhook_outbox_depth_is_the_deliveries_waiting(
    scraper: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    assert scrape(scraper)[("livefeed_outbox_depth", (("outbox", "webhooks"),))] == 0
    with svc.db.write() as conn:
        webhook_store.insert_webhook(
            conn, feed_id=None, url="https://hooks.example/in", secret="s", now=svc.clock()
        )
    make_post(svc, editor)
    make_post(svc, editor, headline="Second")
    assert scrape(scraper)[("livefeed_outbox_depth", (("outbox", "webhooks"),))] == 2


def test_readers_alerts_and_mail_waiting_are_counted_by_outbox(
    scraper: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    depth = {name: ("livefeed_outbox_depth", (("outbox", name),)) for name in ("alerts", "mail")}
    assert [scrape(scraper)[depth[name]] for name in depth] == [0, 0]
    alerts.subscribe(
        svc,
        "summit",
        {
            "subscription": Browser(f"https://{HOST}/push/1").subscription(),
            "choice": "every_post",
            "language": "en",
        },
    )
    make_post(svc, editor)
    make_post(svc, editor, headline="Second")
    with svc.db.write() as conn:
        mail_store.enqueue(
            conn, recipient="ada@newsroom.test", subject="Hello", body="Hi", now=svc.clock()
        )
    found = scrape(scraper)
    assert found[depth["alerts"]] == 2
    assert found[depth["mail"]] == 1


def test_scheduler_lag_is_how_late_the_most_overdue_post_is(
    settings: Settings, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    due = clock.now + timedelta(minutes=10)
    workflow.start_post(
        svc, editor, "summit", {"headline": "Later"}, state=PostState.SCHEDULED,
        publish_at=When(due.isoformat()),
    )  # fmt: skip
    # Without the lifespan no scheduler runs: the post stays overdue, as behind a stuck one.
    client = TestClient(create_app(settings.replace(metrics_token=TOKEN), svc))
    assert scrape(client)[("livefeed_scheduler_lag_seconds", ())] == 0
    clock.advance(10 * 60 + 42)
    assert scrape(client)[("livefeed_scheduler_lag_seconds", ())] == 42


def test_the_pool_and_no_redis_are_shown(scraper: TestClient) -> None:
    found = scrape(scraper)
    assert found[("livefeed_db_pool_connections", (("state", "size"),))] >= 1
    assert ("livefeed_db_pool_connections", (("state", "in_use"),)) in found
    # Without Redis there is no Redis state to show, rather than a down one.
    assert not any(name.startswith("livefeed_redis") for name, _ in found)


def test_metrics_still_answer_while_the_database_is_away(tmp_path: Path) -> None:
    # A directory is no database file: every reading from the database fails.
    settings = Settings.from_env(
        {"LIVEFEED_DATABASE_URL": f"sqlite:///{tmp_path}", "LIVEFEED_METRICS_TOKEN": TOKEN},
        env_file=None,
    )
    svc = Services.build(settings)
    try:
        found = scrape(TestClient(create_app(settings, svc)))
    finally:
        svc.close()
    assert ("livefeed_outbox_depth", (("outbox", "webhooks"),)) not in found
    assert ("livefeed_events_fanned_out_total", ()) in found
