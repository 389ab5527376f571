"""A new post sent again with the same ``Idempotency-Key`` makes one post, not two.

The client that lost the answer to its publish (a tunnel, a lid closed) sends the request again;
with its key it gets the post it already made, and readers see it once.
"""

from __future__ import annotations

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.distribution import reading
from livefeed.domain.users import User
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_contributor, make_feed
from tests.web.api.feed_api import POSTS, assert_problem, state
from tests.web.conftest import bearer

KEY = "3f1c2a9e-7d4b-4c51-9a8e-2b6f0d1e5c77"


def published(svc: Services) -> list[str]:
    _, page = reading.changes_since(svc, "summit", 0, limit=100)
    return [change.headline for change in page if change.headline]


def send(
    client: TestClient, token: str, body: dict[str, object], key: str | None = KEY
) -> httpx.Response:
    headers = bearer(token) | ({"Idempotency-Key": key} if key is not None else {})
    return client.post(POSTS, json=body, headers=headers)


def test_the_same_request_twice_makes_one_post(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    body = {"headline": "Ceasefire announced", "body": "Both sides agree."}

    first = send(client, token, body)
    again = send(client, token, body)

    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["location"] == first.headers["location"]
    assert published(svc) == ["Ceasefire announced"]
    _, events = reading.changes_since(svc, "summit", 0, limit=100)
    assert len(events) == 1


def test_without_a_key_each_request_is_a_post(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    body = {"headline": "Talks resume"}

    send(client, token, body, key=None)
    send(client, token, body, key=None)

    assert published(svc) == ["Talks resume", "Talks resume"]


def test_the_key_on_another_request_is_refused_writing_nothing(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    send(client, token, {"headline": "First"})
    before = state(svc)

    response = send(client, token, {"headline": "Second"})

    assert_problem(response, 422, "Idempotency-Key")
    assert state(svc) == before


def test_a_draft_sent_again_is_one_draft(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    body = {"headline": "Not yet", "state": "draft"}

    first = send(client, token, body)
    again = send(client, token, body)

    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    drafts = client.get(POSTS + "?state=draft", headers=bearer(token)).json()
    assert [post["headline"] for post in drafts["posts"]] == ["Not yet"]


def test_keys_are_each_accounts_own(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    carl = make_contributor(svc)
    carls_token = accounts.create_token(svc, carl.email, "tests")

    send(client, token, {"headline": "Same words"})
    response = send(client, carls_token, {"headline": "Same words", "state": "submitted"})

    assert response.status_code == 201, response.text
    assert response.json()["state"] == "submitted"


def test_a_key_is_remembered_for_a_day(
    client: TestClient, svc: Services, editor: User, token: str, clock: Clock
) -> None:
    make_feed(svc, editor)
    body = {"headline": "Morning briefing"}
    send(client, token, body)

    clock.advance(24 * 3600 + 1)
    response = send(client, token, body)

    assert response.status_code == 201
    assert published(svc) == ["Morning briefing", "Morning briefing"]


@pytest.mark.parametrize("key", [b"", b"x" * 256, "naïve-key".encode(), b"two words"])
def test_a_key_that_is_not_one_is_refused(
    client: TestClient, svc: Services, editor: User, token: str, key: bytes
) -> None:
    make_feed(svc, editor)
    headers: dict[str, str | bytes] = {**bearer(token), "Idempotency-Key": key}
    response = client.post(POSTS, json={"headline": "Refused"}, headers=headers)

    assert_problem(response, 422, "Idempotency-Key")
    assert published(svc) == []
