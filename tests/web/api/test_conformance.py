"""The API and its OpenAPI document agree: what the document forbids is refused, and every
answer the API gives, the document lists.

Each test here is one disagreement an outside probe found between the two; the schemathesis
run (tests/web/test_schemathesis.py) looks for more.
"""

from __future__ import annotations

import json
from typing import Any

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from livefeed.distribution import reading
from livefeed.domain.comments import Moderation
from livefeed.domain.posts import Post
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.web.api.openapi.document import spec
from tests.factories import make_feed, make_post
from tests.web.api.test_openapi import operations, resolve
from tests.web.conftest import bearer

FEEDS = "/api/v1/feeds"
POSTS = "/api/v1/feeds/summit/posts"


def published(svc: Services) -> list[Post]:
    return reading.list_posts(svc, "summit", limit=100, cursor=None)[1]


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    if field is not None:
        assert response.json()["field"] == field, response.text


# 405 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", FEEDS, "GET, HEAD, POST"),
        ("PUT", f"{POSTS}/1", "DELETE, GET, HEAD, PATCH"),
        # Routes outside the /api mount, which answered 404 to any other method.
        ("GET", "/api/v1/feeds/summit/bans", "POST"),
        ("POST", "/api/v1/feeds/summit/members/bo@newsroom.test", "DELETE, PUT"),
        ("TRACE", "/api/v1/moderation/queue", "GET, HEAD"),
    ],
)
def test_a_method_the_path_does_not_answer_is_405_with_every_method_it_does(
    client: TestClient, method: str, path: str, allow: str
) -> None:
    response = client.request(method, path)

    assert_problem(response, 405)
    assert response.headers["allow"] == allow


def test_a_path_nothing_answers_is_still_404(client: TestClient) -> None:
    response = client.delete("/api/v1/nothing-here")

    assert_problem(response, 404)
    assert "allow" not in response.headers


# 415 -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "text/json", "application/jsonx"],
)
def test_json_sent_as_another_type_is_refused_unread(
    client: TestClient, svc: Services, token: str, content_type: str | None
) -> None:
    headers = bearer(token) | ({"Content-Type": content_type} if content_type else {})
    body = json.dumps({"slug": "storm", "title": "Storm"})

    response = client.post(FEEDS, content=body, headers=headers)

    assert_problem(response, 415)
    assert reading.all_feeds(svc) == []


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "application/merge-patch+json"],
)
def test_json_is_taken_as_application_json_or_a_json_suffix(
    client: TestClient, svc: Services, editor: User, token: str, content_type: str
) -> None:
    make_feed(svc, editor)
    headers = bearer(token) | {"Content-Type": content_type}

    response = client.patch(f"{FEEDS}/summit", content='{"title": "Day two"}', headers=headers)

    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Day two"


def test_every_operation_taking_json_documents_415() -> None:
    document = spec("http://livefeed.test")

    for path, method, operation in operations(document):
        if "application/json" in operation.get("requestBody", {}).get("content", {}):
            assert "415" in operation["responses"], f"{method.upper()} {path}"


# Keys given twice ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"headline": "One", "body": "x", "headline": "Two"}', "headline"),
        ('{"headline": "One", "quote": {"text": "a", "text": "b"}}', "quote.text"),
        # The first quote is overwritten by the second, so the key to name is quote itself.
        ('{"headline": "One", "quote": {"text": "a", "text": "b"}, "quote": null}', "quote"),
    ],
)
def test_a_key_given_twice_is_refused_naming_it(
    client: TestClient, svc: Services, editor: User, token: str, body: str, field: str
) -> None:
    make_feed(svc, editor)
    headers = bearer(token) | {"Content-Type": "application/json"}

    response = client.post(POSTS, content=body, headers=headers)

    assert_problem(response, 422, field)
    assert published(svc) == []


# Null and empty values -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [{"moderation": None}, {"moderation": ""}, {"discussion": None}, {"discussion": ""}],
)
def test_a_setting_sent_null_or_empty_is_refused_not_reset(
    client: TestClient, svc: Services, editor: User, token: str, change: dict[str, Any]
) -> None:
    make_feed(svc, editor, moderation="post")
    (field,) = change

    response = client.patch(f"{FEEDS}/summit", json=change, headers=bearer(token))

    assert_problem(response, 422, field)
    assert reading.get_feed(svc, "summit").moderation is Moderation.POST


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"headline": None}, "headline"),
        ({"headline": "Hi", "tags": None}, "tags"),
        ({"headline": "Hi", "quote": {"text": None}}, "quote.text"),
    ],
)
def test_null_is_refused_where_the_document_does_not_take_it(
    client: TestClient, svc: Services, editor: User, token: str, body: dict[str, Any], field: str
) -> None:
    make_feed(svc, editor)

    response = client.post(POSTS, json=body, headers=bearer(token))

    assert_problem(response, 422, field)


def test_null_still_removes_a_part_and_says_there_is_no_time(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, **{"quote.text": "Yes."})
    change = {"quote": None, "publish_at": None, "correction_note": None, "version": 1}

    response = client.patch(f"{POSTS}/{post.id}", json=change, headers=bearer(token))

    assert response.status_code == 200, response.text
    assert response.json()["quote"] is None


def test_an_empty_publish_at_is_refused(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)

    new = client.post(POSTS, json={"headline": "Hi", "publish_at": ""}, headers=bearer(token))
    edit = client.patch(
        f"{POSTS}/{post.id}", json={"publish_at": "", "version": 1}, headers=bearer(token)
    )

    assert_problem(new, 422, "publish_at")
    assert_problem(edit, 422, "publish_at")
    assert [p.id for p in published(svc)] == [post.id]


@pytest.mark.parametrize(
    "query",
    ["limit=", "state=draft&cursor=x", "state=scheduled&since=0"],
)
def test_a_query_the_document_forbids_is_refused(
    client: TestClient, svc: Services, editor: User, token: str, query: str
) -> None:
    make_feed(svc, editor)

    response = client.get(f"{POSTS}?{query}", headers=bearer(token))

    assert_problem(response, 422)


def test_an_empty_sort_of_the_comments_is_refused(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)

    assert_problem(client.get("/api/v1/feeds/summit/comments?sort="), 422, "sort")


def test_every_required_text_the_api_refuses_empty_has_a_min_length() -> None:
    document = spec("http://livefeed.test")
    bodies = [
        resolve(document, content["schema"])
        for _, _, operation in operations(document)
        for content in operation.get("requestBody", {}).get("content", {}).values()
    ]

    checked = 0
    for body in bodies:
        for name in body.get("required", []):
            field = resolve(document, body["properties"][name])
            # A choice says its values; a file is bytes, not text.
            if field.get("type") == "string" and not {"enum", "format"} & set(field):
                assert field.get("minLength", 0) >= 1, f"{body['description']} {name}"
                checked += 1
    assert checked >= 7


# Statuses the document did not list ------------------------------------------------------------


def test_removing_a_member_by_no_address_is_a_documented_422(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    document = spec("http://livefeed.test")
    path = "/api/v1/feeds/{slug}/members/{email}"

    response = client.delete("/api/v1/feeds/summit/members/not-an-address", headers=bearer(token))

    assert_problem(response, 422, "email")
    assert "422" in document["paths"][path]["delete"]["responses"]


def test_a_revalidated_listing_is_a_documented_304(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    document = spec("http://livefeed.test")

    first = client.get(POSTS)
    again = client.get(POSTS, headers={"If-None-Match": first.headers["etag"]})

    assert again.status_code == 304
    assert "304" in document["paths"]["/api/v1/feeds/{slug}/posts"]["get"]["responses"]
