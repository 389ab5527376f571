"""The JSON API's writes: an editor's bearer token creates and changes feeds and posts; no
token, a bad one, or a contributor's, changes nothing."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.distribution import reading
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.services import Services
from tests.factories import make_contributor, make_feed, make_post
from tests.web.api.feed_api import FEEDS, POSTS, assert_problem, state
from tests.web.conftest import api_routes, bearer


def test_an_editor_creates_and_changes_a_feed_with_a_token(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)  # the editor of one feed can open the next
    created = client.post(
        FEEDS,
        json={"slug": "storm", "title": "Storm", "tags": ["weather"], "timezone": "Europe/Paris"},
        headers=bearer(token),
    )

    assert created.status_code == 201
    assert created.headers["location"] == "/api/v1/feeds/storm"
    assert created.json() == client.get(f"{FEEDS}/storm").json()
    assert created.json()["status"] == "live"

    changed = client.patch(
        f"{FEEDS}/storm", json={"title": "Storm: day two"}, headers=bearer(token)
    )
    ended = client.patch(f"{FEEDS}/storm", json={"status": "ended"}, headers=bearer(token))

    assert changed.status_code == 200
    assert changed.json()["title"] == "Storm: day two"
    assert changed.json()["tags"] == ["weather"], "a PATCH keeps what it does not name"
    assert ended.status_code == 200
    assert ended.json()["status"] == "ended"
    assert ended.json()["coverage_end"] == "2026-11-25T18:00:00Z"
    assert reading.get_feed(svc, "storm").status is FeedStatus.ENDED


def test_a_feed_can_be_created_scheduled(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    created = client.post(
        FEEDS, json={"slug": "vote", "title": "Vote", "status": "scheduled"}, headers=bearer(token)
    )

    assert created.status_code == 201
    assert created.json()["status"] == "scheduled"


def test_an_editor_publishes_edits_and_deletes_a_post_with_a_token(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)

    created = client.post(
        POSTS,
        json={
            "headline": "Deal reached",
            "body": "See [the text](https://example.org/text).",
            "quote": {"text": "We have a deal.", "attribution": "The chair"},
            "image": {"url": "https://images.example.org/a.jpg", "alt": "The hall"},
            "read_more": {"url": "https://news.example.org/deal", "title": "The deal"},
            "tags": ["deal", "geneva"],
            "key_event": True,
        },
        headers=bearer(token),
    )

    assert created.status_code == 201
    post = created.json()
    assert created.headers["location"] == f"{POSTS}/{post['id']}"
    assert post["version"] == 1
    assert post["author"] == {"name": "Anna Editor"}
    assert post["image"] == {
        "url": "https://images.example.org/a.jpg",
        "caption": "",
        "credit": "",
        "alt": "The hall",
        # Only a picture uploaded here has a known size and renditions.
        "width": None,
        "height": None,
        "renditions": [],
        "source_type": None,
        "ai_generated": False,
        "credentials": None,
    }
    assert post["read_more"]["summary"] == ""

    edited = client.patch(
        f"{POSTS}/{post['id']}",
        json={"headline": "Deal reached in Geneva", "quote": None, "version": 1},
        headers=bearer(token),
    )

    assert edited.status_code == 200
    assert edited.json()["id"] == post["id"]
    assert edited.json()["version"] == 2
    assert edited.json()["headline"] == "Deal reached in Geneva"
    assert edited.json()["quote"] is None
    assert edited.json()["body"] == post["body"], "a PATCH keeps what it does not name"
    assert edited.json()["published_at"] == post["published_at"]

    deleted = client.delete(f"{POSTS}/{post['id']}", headers=bearer(token))

    assert deleted.status_code == 204
    assert deleted.content == b""
    tombstone = client.get(f"{POSTS}/{post['id']}").json()
    assert tombstone["state"] == "deleted"
    assert "headline" not in tombstone
    assert client.get(POSTS).json()["posts"] == []


def test_writes_need_a_valid_token(
    app: Starlette, client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    before = state(svc)
    writes = [(m, p) for m, p in api_routes(app) if m in ("POST", "PATCH", "DELETE")]
    assert len(writes) >= 6  # the walk found the routes (more come as the API grows)
    accounts.create_token(svc, editor.email)  # other tokens do not make a guess valid

    for method, path in writes:
        url = path.replace("{slug}", "summit").replace("{post_id}", str(post.id))
        for headers in (
            {},
            {"Authorization": "Bearer "},
            {"Authorization": "Bearer lf_not-a-token"},
            {"Authorization": f"Basic {token}"},
            {"Authorization": token},
        ):
            response = client.request(
                method, url, json={"headline": "Sneaky", "slug": "sneaky"}, headers=headers
            )
            assert_problem(response, 401)
            assert response.headers["www-authenticate"].startswith("Bearer")

    assert state(svc) == before


def test_a_contributors_token_cannot_publish(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    contributor = make_contributor(svc)
    token = accounts.create_token(svc, contributor.email)
    before = state(svc)

    response = client.post(POSTS, json={"headline": "Mine"}, headers=bearer(token))

    assert_problem(response, 403)
    assert state(svc) == before
