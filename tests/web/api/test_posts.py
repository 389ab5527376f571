"""The JSON API: reads for anyone, writes with a bearer token, problem+json naming the field."""

from __future__ import annotations

import json
from typing import Any

import httpx2 as httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.distribution import reading
from livefeed.distribution.resources import feed_json, post_json
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.web.middleware import MAX_BODY_BYTES
from tests.conftest import Clock
from tests.factories import make_contributor, make_feed, make_post
from tests.web.conftest import api_routes, bearer

FEEDS = "/api/v1/feeds"
POSTS = "/api/v1/feeds/summit/posts"
TWO_MB = 2 * 1024 * 1024
JS = "javascript:alert(1)"


def state(svc: Services) -> list[object]:
    """Everything a reader or a script could see: every feed, every post, every tombstone."""
    return [
        (feed, reading.changes_since(svc, feed.slug, 0, limit=100)[1])
        for feed in reading.all_feeds(svc)
    ]


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    if field is not None:
        assert body["field"] == field, body
        assert field in [error["field"] for error in body["errors"]]
        assert all(error["message"] for error in body["errors"])


# Reading ----------------------------------------------------------------------------------------


def test_anyone_lists_and_reads_feeds(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    first = make_feed(svc, editor)
    clock.advance()
    second = make_feed(svc, editor, slug="storm", title="Storm", audio_stream_url="")

    listed = client.get(FEEDS)
    one = client.get(f"{FEEDS}/storm")

    assert listed.status_code == 200
    slugs = [feed["slug"] for feed in listed.json()["feeds"]]
    assert sorted(slugs) == ["storm", "summit"]
    assert one.status_code == 200
    assert one.json() == feed_json(second, svc.urls)
    assert client.get(f"{FEEDS}/summit").json() == feed_json(first, svc.urls)
    assert one.json()["url"] == "http://livefeed.test/feeds/storm"


def test_posts_are_listed_newest_first_with_their_parts(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    older = make_post(svc, editor, headline="Older")
    clock.advance()
    newer = publishing.publish_post(
        svc,
        editor,
        "summit",
        {
            "headline": "Newer",
            "body": "With **Markdown**.",
            "quote.text": "We have a deal.",
            "quote.attribution": "The chair",
            "read_more.url": "https://news.example.org/deal",
            "read_more.title": "The deal",
            "tags": "deal",
            "key_event": True,
        },
    )

    response = client.get(POSTS)

    assert response.status_code == 200
    body = response.json()
    assert body["posts"] == [
        post_json(newer, "summit", svc.urls),
        post_json(older, "summit", svc.urls),
    ]
    assert body["next_cursor"] is None
    assert body["last_seq"] == 2
    assert body["posts"][0]["quote"] == {"text": "We have a deal.", "attribution": "The chair"}
    assert body["posts"][0]["body_html"] == "<p>With <strong>Markdown</strong>.</p>\n"
    assert client.get(f"{POSTS}/{older.id}").json() == post_json(older, "summit", svc.urls)


def test_a_cursor_pages_through_every_post_once(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    published = []
    for number in range(7):
        if number % 2:
            clock.advance()  # pairs share a publish time: the id settles the order
        published.append(make_post(svc, editor, headline=f"Update {number}").id)

    seen: list[int] = []
    pages = 0
    cursor: str | None = None
    while True:
        params = {"limit": "3"} | ({"cursor": cursor} if cursor else {})
        body = client.get(POSTS, params=params).json()
        seen += [post["id"] for post in body["posts"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert pages < 5, "the cursors go round in circles"

    assert pages == 3
    assert seen == list(reversed(published))


def test_since_returns_every_change_after_an_event_in_order_with_tombstones(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    first = make_post(svc, editor, headline="First")  # seq 1
    second = make_post(svc, editor, headline="Second")  # seq 2
    third = make_post(svc, editor, headline="Third")  # seq 3
    publishing.edit_post(
        svc, editor, "summit", first.id, first.as_fields() | {"headline": "First, edited"},
        seen_version=1,
    )  # seq 4  # fmt: skip
    publishing.delete_post(svc, editor, "summit", second.id)  # seq 5

    everything = client.get(POSTS, params={"since": "0"}).json()
    recent = client.get(POSTS, params={"since": "3"}).json()
    nothing = client.get(POSTS, params={"since": "5"}).json()

    assert [(p["id"], p["seq"]) for p in everything["posts"]] == [
        (third.id, 3),
        (first.id, 4),
        (second.id, 5),
    ]
    assert everything["last_seq"] == 5
    assert [p["id"] for p in recent["posts"]] == [first.id, second.id]
    assert recent["posts"][0]["headline"] == "First, edited"
    assert recent["posts"][1] == {
        "id": second.id,
        "version": 2,
        "seq": 5,
        "url": f"http://livefeed.test/feeds/summit/posts/{second.id}",
        "state": "deleted",
    }
    assert nothing == {"posts": [], "last_seq": 5}
    limited = client.get(POSTS, params={"since": "0", "limit": "2"}).json()
    assert [p["seq"] for p in limited["posts"]] == [3, 4]


# Writing ----------------------------------------------------------------------------------------


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


# What is refused, and that nothing is half-written -----------------------------------------------


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
