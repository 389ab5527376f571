"""The JSON API's reads, open to anyone: feeds, posts newest first with their parts, paging by
cursor, and every change since an event."""

from __future__ import annotations

from starlette.testclient import TestClient

from livefeed.distribution.resources import feed_json, post_json
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_feed, make_post
from tests.web.api.feed_api import FEEDS, POSTS


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
