"""``POST /api/v1/feeds/{slug}/ingest``: ninjs from an agency's wire into a feed, each version
taken once, newer versions as edits and corrections, cancels and kills as retractions."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.distribution import reading
from livefeed.domain.users import User
from livefeed.newsroom import workflow
from livefeed.services import Services
from tests.factories import make_contributor, make_feed
from tests.web.conftest import bearer

URL = "/api/v1/feeds/summit/ingest"


def item(version: int = 1, **extra: Any) -> dict[str, Any]:
    made: dict[str, Any] = {
        "uri": "urn:newsml:wire.test:2026:quake",
        "version": str(version),
        "firstcreated": "2026-03-01T06:12:00Z",
        "versioncreated": f"2026-03-01T06:{10 + version:02d}:00Z",
        "headlines": [{"value": f"Quake strikes the coast ({version})", "role": "main"}],
        "bodies": [{"value": "<p>A quake struck at <b>06:05</b>.</p>", "contenttype": "text/html"}],
        "priority": 2,
        "located": None,
    }
    return made | extra


@pytest.fixture
def summit(svc: Services, editor: User) -> str:
    make_feed(svc, editor)
    return "summit"


def ingest(client: TestClient, token: str, body: object) -> Any:
    return client.post(URL, json=body, headers=bearer(token))


def test_an_item_waits_in_the_contributions_queue_and_a_retry_changes_nothing(
    client: TestClient, svc: Services, summit: str, editor: User
) -> None:
    carl = make_contributor(svc)
    token = accounts.create_token(svc, carl.email, "wire")
    first = ingest(client, token, {"items": [item()]})
    assert first.status_code == 200, first.text
    (taken,) = first.json()["items"]
    assert taken["outcome"] == "queued"
    assert taken["post"]["state"] == "submitted"
    queue = workflow.queue(svc, editor, summit)
    assert [post.headline for post in queue.submitted] == ["Quake strikes the coast (1)"]
    assert "<strong>06:05</strong>" in queue.submitted[0].body_html
    again = ingest(client, token, {"items": [item()]})
    assert again.json()["items"][0]["outcome"] == "unchanged"
    assert len(workflow.queue(svc, editor, summit).submitted) == 1
    assert reading.feed_page(svc, summit).posts == []


def test_an_editor_publishes_then_corrects_then_the_wire_kills_it(
    client: TestClient, svc: Services, summit: str, token: str
) -> None:
    made = ingest(client, token, {"items": [item()], "publish": True})
    assert made.json()["items"][0]["outcome"] == "published"
    fixed = item(
        2,
        signals=[{"name": "correction"}],
        ednote="Corrects the time of the quake",
        bodies=[{"value": "A quake struck at 06:07."}],
    )
    corrected = ingest(client, token, {"items": [fixed]})
    assert corrected.json()["items"][0]["outcome"] == "corrected"
    (post,) = reading.feed_page(svc, summit).posts
    assert post.body == "A quake struck at 06:07."
    assert [c.note for c in post.corrections] == ["Corrects the time of the quake"]
    # A stale delivery of version 1 after version 2 changes nothing either.
    assert ingest(client, token, {"items": [item()]}).json()["items"][0]["outcome"] == "unchanged"
    killed = item(3, pubstatus="canceled", ednote="Withdrawn: the report was wrong")
    assert ingest(client, token, {"items": [killed]}).json()["items"][0]["outcome"] == "retracted"
    (post,) = reading.feed_page(svc, summit).posts
    assert post.retraction is not None
    assert post.retraction.reason == "Withdrawn: the report was wrong"
    again = ingest(client, token, {"items": [killed]})
    assert again.json()["items"][0]["outcome"] == "unchanged"


def test_a_kill_signal_withdraws_an_item_still_in_the_queue(
    client: TestClient, svc: Services, summit: str, token: str, editor: User
) -> None:
    ingest(client, token, {"items": [item()]})
    kill = item(2, signals=[{"name": "kill"}], ednote="Legal advice")
    answer = ingest(client, token, {"items": [kill]})
    assert answer.json()["items"][0]["outcome"] == "withdrawn"
    assert workflow.queue(svc, editor, summit).submitted == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": [item(versioncreated="yesterday")]}, "items[0].versioncreated"),
        ({"items": [item(), {"version": "1"}]}, "items[1].uri"),
        ({"items": [item() | {"version": "two"}]}, "items[0].version"),
        ({"items": [item(headlines=[{"value": "x" * 300}])]}, "items[0].headlines"),
        ({"items": [item(pubstatus="gone")]}, "items[0].pubstatus"),
        ({"items": []}, "items"),
        ({"items": [item()], "publish": "yes"}, "publish"),
        ({"items": [item()], "extra": 1}, "extra"),
    ],
)
def test_a_malformed_field_is_named_and_nothing_is_written(
    client: TestClient, svc: Services, summit: str, token: str, editor: User,
    body: dict[str, Any], field: str,
) -> None:  # fmt: skip
    answer = ingest(client, token, body)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert [error["field"] for error in answer.json()["errors"]] == [field]
    assert workflow.queue(svc, editor, summit).submitted == []
    assert reading.feed_page(svc, summit).posts == []


def test_only_an_editor_may_publish_from_the_wire(
    client: TestClient, svc: Services, summit: str
) -> None:
    carl = make_contributor(svc)
    token = accounts.create_token(svc, carl.email, "wire")
    refused = ingest(client, token, {"items": [item()], "publish": True})
    assert refused.status_code == 403
    # The refusal took nothing: the same item is still new to the feed.
    assert ingest(client, token, {"items": [item()]}).json()["items"][0]["outcome"] == "queued"
