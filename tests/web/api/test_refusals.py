"""What the JSON API refuses, as problem+json naming the field, and that nothing is half-written:
bad posts, edits, feeds and queries, what is not there, conflicts, bodies that are not JSON
or too big."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.web.middleware import MAX_BODY_BYTES
from tests.factories import make_feed, make_post
from tests.web.api.feed_api import FEEDS, POSTS, assert_problem, state
from tests.web.conftest import bearer

TWO_MB = 2 * 1024 * 1024
JS = "javascript:alert(1)"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "headline"),
        ({"headline": "  "}, "headline"),
        ({"headline": "H" * 300}, "headline"),
        ({"headline": 5}, "headline"),
        ({"headline": "Ok", "body": "b" * TWO_MB}, "body"),
        ({"headline": "Ok", "body": "See [this](javascript:alert(1))"}, "body"),
        ({"headline": "Ok", "body": "![x](javascript:alert(1))"}, "body"),
        ({"headline": "Ok", "read_more": {"url": JS, "title": "T"}}, "read_more.url"),
        ({"headline": "Ok", "read_more": {"url": "java\nscript:x", "title": "T"}}, "read_more.url"),
        ({"headline": "Ok", "read_more": {"title": "No address"}}, "read_more.url"),
        ({"headline": "Ok", "image": {"url": "https://images.example.org/a.jpg"}}, "image.alt"),
        ({"headline": "Ok", "quote": "words"}, "quote"),
        ({"headline": "Ok", "quote": {"text": "x", "mood": "calm"}}, "quote.mood"),
        ({"headline": "Ok", "colour": "red"}, "colour"),
        ({"headline": "Ok", "version": 1}, "version"),
        ({"headline": "Ok", "tags": "not a tag!"}, "tags"),
        ({"headline": "Ok", "tags": [1, 2]}, "tags"),
        ({"headline": "Ok", "pinned": "maybe"}, "pinned"),
    ],
)  # fmt: skip
def test_a_bad_post_is_refused_naming_the_field(
    client: TestClient, svc: Services, editor: User, token: str, body: dict[str, Any], field: str
) -> None:
    make_feed(svc, editor)
    before = state(svc)

    response = client.post(POSTS, json=body, headers=bearer(token))

    assert_problem(response, 422, field)
    assert state(svc) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"headline": "a\u202eb"}, "headline"),
        ({"body": "b" * TWO_MB}, "body"),
        ({"body": "[x](javascript:alert(1))"}, "body"),
        ({"read_more": {"url": "javascript:alert(1)", "title": "T"}}, "read_more.url"),
        ({"version": "1"}, "version"),
        ({"version": True}, "version"),
        ({"id": 7}, "id"),
    ],
)
def test_a_bad_edit_is_refused_naming_the_field(
    client: TestClient, svc: Services, editor: User, token: str, body: dict[str, Any], field: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    before = state(svc)

    response = client.patch(
        f"{POSTS}/{post.id}", json={"version": post.version} | body, headers=bearer(token)
    )

    assert_problem(response, 422, field)
    assert state(svc) == before


@pytest.mark.parametrize("body", [{"headline": "Unseen"}, {"headline": "Unseen", "version": None}])
def test_an_edit_must_say_the_version_it_is_based_on(
    client: TestClient, svc: Services, editor: User, token: str, body: dict[str, Any]
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    before = state(svc)

    response = client.patch(f"{POSTS}/{post.id}", json=body, headers=bearer(token))

    assert_problem(response, 422, "version")
    assert state(svc) == before


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"slug": "summit", "title": "Again"}, 409, "slug"),
        ({"slug": "SUMMIT", "title": "Again"}, 409, "slug"),
        ({"title": "No address"}, 422, "slug"),
        ({"slug": "x", "title": "Short"}, 422, "slug"),
        ({"slug": "storm", "title": ""}, 422, "title"),
        ({"slug": "storm", "title": "Storm", "timezone": "Mars/Olympus"}, 422, "timezone"),
        ({"slug": "storm", "title": "Storm", "lead": "[x](javascript:alert(1))"}, 422, "lead"),
        ({"slug": "storm", "title": "Storm", "coverage_start": "tomorrow"}, 422, "coverage_start"),
        ({"slug": "storm", "title": "Storm", "audio_stream_url": JS}, 422, "audio_stream_url"),
        ({"slug": "storm", "title": "Storm", "status": "ended"}, 422, "status"),
        ({"slug": "storm", "title": "Storm", "status": "paused"}, 422, "status"),
        ({"slug": "storm", "title": "Storm", "status": ["live"]}, 422, "status"),
        ({"slug": "storm", "title": "Storm", "colour": "red"}, 422, "colour"),
    ],
)  # fmt: skip
def test_a_bad_feed_is_refused_naming_the_field(
    client: TestClient,
    svc: Services,
    editor: User,
    token: str,
    body: dict[str, Any],
    status: int,
    field: str,
) -> None:
    make_feed(svc, editor)
    before = state(svc)

    response = client.post(FEEDS, json=body, headers=bearer(token))

    assert_problem(response, status, field)
    assert state(svc) == before


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"title": "Changed", "status": "paused"}, 422, "status"),
        ({"title": "Changed", "status": []}, 422, "status"),
        ({"title": "Changed", "status": "scheduled"}, 422, "status"),
        ({"title": "Changed", "slug": "storm"}, 409, "slug"),
        ({"title": "", "status": "ended"}, 422, "title"),
        ({"title": "Changed", "colour": "red"}, 422, "colour"),
    ],
)
def test_a_bad_feed_change_writes_nothing(
    client: TestClient,
    svc: Services,
    editor: User,
    token: str,
    body: dict[str, Any],
    status: int,
    field: str,
) -> None:
    make_feed(svc, editor)
    make_feed(svc, editor, slug="storm", title="Storm")
    before = state(svc)

    response = client.patch(f"{FEEDS}/summit", json=body, headers=bearer(token))

    assert_problem(response, status, field)
    assert state(svc) == before


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "MTIzNDU2Nzg5MC45OTk5OTk5OTk5OTk5"}, "cursor"),
        ({"cursor": "A" * 65}, "cursor"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"since": "-1"}, "since"),
        ({"since": "9" * 19}, "since"),
        ({"since": "0", "cursor": "MTIz"}, "cursor"),
    ],
)
def test_a_bad_query_is_refused_naming_the_parameter(
    client: TestClient, svc: Services, editor: User, params: dict[str, str], field: str
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)

    assert_problem(client.get(POSTS, params=params), 422, field)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", f"{FEEDS}/nowhere"),
        ("PATCH", f"{FEEDS}/nowhere"),
        ("GET", f"{FEEDS}/nowhere/posts"),
        ("POST", f"{FEEDS}/nowhere/posts"),
        ("GET", f"{FEEDS}/nowhere/posts/1"),
        ("GET", f"{POSTS}/999"),
        ("PATCH", f"{POSTS}/999"),
        ("DELETE", f"{POSTS}/999"),
        ("GET", f"{POSTS}/abc"),
        ("GET", f"{POSTS}/2147483648"),
        ("PATCH", f"{POSTS}/9999999999"),
        ("DELETE", f"{POSTS}/99999999999999999"),
        ("GET", f"{FEEDS}/storm/posts/1"),  # post 1 is in another feed
        ("GET", "/api/v2/feeds"),
    ],
)
def test_what_is_not_there_is_a_404_problem(
    client: TestClient, svc: Services, editor: User, token: str, method: str, url: str
) -> None:
    make_feed(svc, editor)
    make_feed(svc, editor, slug="storm", title="Storm")
    make_post(svc, editor)
    before = state(svc)

    body = {"headline": "Hello"} if "/posts" in url else {"title": "Hello"}

    response = client.request(method, url, json=body, headers=bearer(token))

    assert_problem(response, 404)
    assert state(svc) == before


def test_an_edit_of_a_deleted_post_is_a_conflict(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    publishing.delete_post(svc, editor, "summit", post.id)
    before = state(svc)

    edited = client.patch(
        f"{POSTS}/{post.id}", json={"headline": "Back", "version": 2}, headers=bearer(token)
    )
    deleted = client.delete(f"{POSTS}/{post.id}", headers=bearer(token))

    assert_problem(edited, 409)
    assert "deleted" in edited.json()["detail"]
    assert_problem(deleted, 409)
    assert state(svc) == before


def test_an_edit_of_a_stale_version_is_a_conflict_on_version(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"headline": "Theirs"}, seen_version=1
    )
    before = state(svc)

    response = client.patch(
        f"{POSTS}/{post.id}", json={"headline": "Mine", "version": 1}, headers=bearer(token)
    )

    assert_problem(response, 409, "version")
    assert state(svc) == before


def test_posting_to_an_ended_feed_is_a_conflict(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    before = state(svc)

    assert_problem(client.post(POSTS, json={"headline": "Late"}, headers=bearer(token)), 409)
    assert state(svc) == before


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b'{"headline": "Ok",}',
        b"[1, 2]",
        b'"text"',
        b"null",
        b"\xff\xfe{}",
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(
    client: TestClient, svc: Services, editor: User, token: str, content: bytes
) -> None:
    make_feed(svc, editor)
    before = state(svc)

    response = client.post(
        POSTS, content=content, headers=bearer(token) | {"Content-Type": "application/json"}
    )

    assert_problem(response, 422, "body")
    assert "JSON" in response.json()["detail"]
    assert state(svc) == before


def test_a_lone_surrogate_no_database_can_store_is_refused_naming_its_field(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    before = state(svc)

    response = client.post(
        POSTS,
        content=b'{"headline": "\\ud800 alone"}',
        headers=bearer(token) | {"Content-Type": "application/json"},
    )

    assert_problem(response, 422, "headline")
    assert "surrogate" in response.json()["detail"]
    assert state(svc) == before


def test_a_request_over_the_size_limit_is_refused_before_it_is_read(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    before = state(svc)
    huge = json.dumps({"headline": "Big", "body": "b" * MAX_BODY_BYTES}).encode()

    declared = client.post(
        POSTS, content=huge, headers=bearer(token) | {"Content-Type": "application/json"}
    )
    streamed = client.patch(
        f"{POSTS}/{post.id}",
        content=iter([huge[:1024], huge[1024:]]),
        headers=bearer(token) | {"Content-Type": "application/json"},
    )

    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 413
    assert state(svc) == before
