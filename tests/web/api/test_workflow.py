"""The API's drafts, contributions and scheduled posts: who may write, move and list what."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.distribution import reading
from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.newsroom import scheduling, workflow
from livefeed.services import Services
from livefeed.web.api.openapi.document import spec
from tests.conftest import Clock
from tests.factories import make_contributor, make_feed, make_post
from tests.web.api.feed_api import assert_problem, state
from tests.web.api.test_openapi import problems, response_schema
from tests.web.conftest import bearer

POSTS = "/api/v1/feeds/summit/posts"
POST = "/api/v1/feeds/{slug}/posts/{post_id}"
LISTING = "/api/v1/feeds/{slug}/posts"
DOCUMENT = spec("http://livefeed.test")


@pytest.fixture
def carl(svc: Services, editor: User) -> User:
    make_feed(svc, editor)
    return make_contributor(svc)


@pytest.fixture
def carl_token(svc: Services, carl: User) -> str:
    return accounts.create_token(svc, carl.email, "tests")


def documented(response: httpx.Response, path: str, method: str) -> dict[str, Any]:
    """The response's JSON, checked against what the OpenAPI document says it is."""
    schema = response_schema(DOCUMENT, path, method, str(response.status_code))
    body: dict[str, Any] = response.json()
    assert problems(DOCUMENT, body, schema) == [], body
    return body


def later(clock: Clock, minutes: int = 30) -> str:
    return (clock.now + timedelta(minutes=minutes)).isoformat()


def test_a_contributor_writes_a_draft_and_submits_it(
    client: TestClient, svc: Services, carl: User, carl_token: str, token: str
) -> None:
    created = client.post(
        POSTS, json={"headline": "Walkout", "state": "draft"}, headers=bearer(carl_token)
    )
    assert created.status_code == 201, created.text
    draft = documented(created, LISTING, "post")
    assert (draft["state"], draft["publish_at"], draft["published_at"]) == ("draft", None, None)
    assert draft["author"] == {"name": "Carl Contributor"}
    assert "email" not in str(draft["author"])

    url = f"{POSTS}/{draft['id']}"
    assert client.get(url).status_code == 404  # not for readers
    assert client.get(url, headers=bearer(token)).status_code == 404  # nor for the editors
    mine = client.get(url, headers=bearer(carl_token))
    assert mine.status_code == 200
    assert mine.headers["cache-control"] == "private, no-store"
    documented(mine, POST, "get")

    submitted = client.patch(
        url, json={"state": "submitted", "version": 1}, headers=bearer(carl_token)
    )
    assert submitted.status_code == 200, submitted.text
    assert documented(submitted, POST, "patch")["state"] == "submitted"
    assert client.get(url, headers=bearer(token)).json()["state"] == "submitted"


def test_a_contributor_must_say_draft_or_submitted(
    client: TestClient, svc: Services, carl: User, carl_token: str, clock: Clock
) -> None:
    before = state(svc)
    for body in (
        {"headline": "Walkout"},
        {"headline": "Walkout", "state": "published"},
        {"headline": "Walkout", "state": "scheduled", "publish_at": later(clock)},
    ):
        response = client.post(POSTS, json=body, headers=bearer(carl_token))
        assert_problem(response, 403)
        documented(response, LISTING, "post")
    assert state(svc) == before
    assert workflow.my_posts(svc, carl, "summit")[1] == []


def test_an_editor_publishes_a_contribution(
    client: TestClient, svc: Services, carl: User, carl_token: str, token: str, clock: Clock
) -> None:
    sent = client.post(
        POSTS, json={"headline": "Walkout", "state": "submitted"}, headers=bearer(carl_token)
    ).json()
    queue = client.get(f"{POSTS}?state=submitted", headers=bearer(token))
    assert queue.status_code == 200
    assert queue.headers["cache-control"] == "private, no-store"
    assert [p["id"] for p in documented(queue, LISTING, "get")["posts"]] == [sent["id"]]

    clock.advance(60)
    published = client.patch(
        f"{POSTS}/{sent['id']}",
        json={"state": "published", "version": sent["version"]},
        headers=bearer(token),
    )
    assert published.status_code == 200, published.text
    body = documented(published, POST, "patch")
    assert (body["state"], body["published_at"]) == ("published", "2026-11-25T18:01:00Z")
    assert client.get(f"{POSTS}/{sent['id']}").status_code == 200  # for everyone now
    assert [p["id"] for p in client.get(POSTS).json()["posts"]] == [sent["id"]]


def test_an_editor_returns_a_contribution_with_a_note(
    client: TestClient, svc: Services, carl: User, carl_token: str, token: str
) -> None:
    sent = client.post(
        POSTS, json={"headline": "Walkout", "state": "submitted"}, headers=bearer(carl_token)
    ).json()
    url = f"{POSTS}/{sent['id']}"
    before = state(svc)
    refused = client.patch(url, json={"state": "draft", "version": 1}, headers=bearer(token))
    assert_problem(refused, 422, "note")
    assert state(svc) == before

    returned = client.patch(
        url, json={"state": "draft", "note": "Who counted?", "version": 1}, headers=bearer(token)
    )
    assert returned.status_code == 200, returned.text
    assert documented(returned, POST, "patch")["review_note"] == "Who counted?"
    # Carl sees why; the editors no longer see his draft.
    assert client.get(url, headers=bearer(carl_token)).json()["review_note"] == "Who counted?"
    assert client.get(url, headers=bearer(token)).status_code == 404


def test_scheduling_through_the_api(
    client: TestClient, svc: Services, editor: User, token: str, clock: Clock
) -> None:
    make_feed(svc, editor)
    created = client.post(
        POSTS,
        json={"headline": "At dusk", "state": "scheduled", "publish_at": later(clock)},
        headers=bearer(token),
    )
    assert created.status_code == 201, created.text
    post = documented(created, LISTING, "post")
    assert post["publish_at"] == "2026-11-25T18:30:00Z"
    listed = client.get(f"{POSTS}?state=scheduled", headers=bearer(token))
    assert [p["id"] for p in documented(listed, LISTING, "get")["posts"]] == [post["id"]]

    moved = client.patch(
        f"{POSTS}/{post['id']}",
        json={"publish_at": later(clock, 90), "version": post["version"]},
        headers=bearer(token),
    )
    assert moved.json()["publish_at"] == "2026-11-25T19:30:00Z"
    clock.advance(91 * 60)
    [published] = scheduling.publish_due(svc)
    assert client.get(f"{POSTS}/{post['id']}").json()["published_at"] == "2026-11-25T19:31:00Z"
    assert published.id == post["id"]


@pytest.mark.parametrize(
    "publish_at", ["2026-11-25T17:00:00Z", "2026-11-25T18:00:00Z", "tonight", "", None, 5]
)
def test_a_schedule_not_in_the_future_is_a_422_on_publish_at(
    client: TestClient, svc: Services, editor: User, token: str, publish_at: object
) -> None:
    make_feed(svc, editor)
    before = state(svc)
    response = client.post(
        POSTS,
        json={"headline": "Too late", "state": "scheduled", "publish_at": publish_at},
        headers=bearer(token),
    )
    assert_problem(response, 422, "publish_at")
    documented(response, LISTING, "post")
    assert state(svc) == before
    assert client.get(f"{POSTS}?state=scheduled", headers=bearer(token)).json()["posts"] == []


@pytest.mark.parametrize("bad", ["deleted", "Draft", "live"])
def test_an_unknown_state_is_a_422(
    client: TestClient, svc: Services, editor: User, token: str, bad: str
) -> None:
    make_feed(svc, editor)
    created = client.post(POSTS, json={"headline": "H", "state": bad}, headers=bearer(token))
    assert_problem(created, 422, "state")
    assert_problem(client.get(f"{POSTS}?state={bad}", headers=bearer(token)), 422, "state")


def test_listing_what_is_not_out_needs_the_team(
    client: TestClient, svc: Services, carl: User, carl_token: str, token: str
) -> None:
    workflow.start_post(svc, carl, "summit", {"headline": "Mine"}, state=PostState.SUBMITTED)
    assert_problem(client.get(f"{POSTS}?state=submitted"), 401)
    stranger = accounts.add_user(svc, "olga@newsroom.test", "correct horse battery staple")
    stranger_token = accounts.create_token(svc, stranger.email, "t")
    response = client.get(f"{POSTS}?state=submitted", headers=bearer(stranger_token))
    assert_problem(response, 403)
    documented(response, LISTING, "get")
    # The public listing stays what it was, with or without state=published.
    assert client.get(POSTS).json()["posts"] == []
    assert client.get(f"{POSTS}?state=published").json()["posts"] == []


def test_a_published_post_does_not_go_back(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    url = f"{POSTS}/{post.id}"
    back = client.patch(url, json={"state": "draft", "version": 1}, headers=bearer(token))
    assert_problem(back, 409, "state")
    noted = client.patch(url, json={"note": "x", "version": 1}, headers=bearer(token))
    assert_problem(noted, 422, "note")
    # Its own state, sent back with an edit, is no move.
    edited = client.patch(
        url, json={"headline": "New", "state": "published", "version": 1}, headers=bearer(token)
    )
    assert edited.status_code == 200, edited.text


def test_deleting_a_draft_leaves_readers_nothing(
    client: TestClient, svc: Services, carl: User, carl_token: str
) -> None:
    draft = client.post(
        POSTS, json={"headline": "Oops", "state": "draft"}, headers=bearer(carl_token)
    ).json()
    assert client.delete(f"{POSTS}/{draft['id']}", headers=bearer(carl_token)).status_code == 204
    assert client.get(f"{POSTS}?since=0").json()["posts"] == []
    assert client.get(f"{POSTS}/{draft['id']}").status_code == 404
    assert reading.get_feed(svc, "summit").last_seq == 0


def test_a_contributor_cannot_delete_a_published_post(
    client: TestClient, svc: Services, editor: User, carl: User, carl_token: str
) -> None:
    post = make_post(svc, editor)
    assert_problem(client.delete(f"{POSTS}/{post.id}", headers=bearer(carl_token)), 403)
