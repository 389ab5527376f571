"""A reader's feed page is cacheable by a CDN, validated by the feed's last event."""

from __future__ import annotations

from starlette.testclient import TestClient

from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.web.reader.caching import ARCHIVE
from livefeed.web.reader.page_cache import PageCache
from tests.factories import make_feed, make_post


def test_a_readers_page_has_a_validator_and_sets_no_cookie(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    first = client.get("/feeds/summit")
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=5"
    assert "set-cookie" not in first.headers
    etag = first.headers["etag"]

    again = client.get("/feeds/summit", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["etag"] == etag
    assert again.content == b""

    make_post(svc, editor, headline="Something new")
    changed = client.get("/feeds/summit", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert "Something new" in changed.text


def test_each_page_of_older_posts_has_its_own_validator(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    for _ in range(25):
        make_post(svc, editor)
    first = client.get("/feeds/summit")
    older_link = first.text.split('rel="next" href="', 1)[1].split('"', 1)[0]
    older = client.get(older_link.replace("&amp;", "&"))
    assert older.headers["etag"] != first.headers["etag"]


def test_an_ended_feed_is_kept_longer(client: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    assert client.get("/feeds/summit").headers["cache-control"] == ARCHIVE


def test_everything_public_about_an_ended_feed_is_kept_as_long_and_revalidated(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    paths = [
        "/feeds/summit",
        "/feeds/summit?cursor=" + "x",  # not a cursor: an error, not cached
        f"/feeds/summit/posts/{post.id}",
        "/feeds/summit/updates?since=0",
        "/api/v1/feeds/summit",
        "/api/v1/feeds/summit/posts",
        f"/api/v1/feeds/summit/posts/{post.id}",
    ]
    etags = {}
    for path in paths:
        response = client.get(path)
        if response.status_code != 200:
            assert "public" not in response.headers.get("cache-control", ""), path
            continue
        assert response.headers["cache-control"] == ARCHIVE, path
        etags[path] = response.headers["etag"]
        again = client.get(path, headers={"If-None-Match": etags[path]})
        assert again.status_code == 304, path
        assert again.headers["cache-control"] == ARCHIVE, path
    assert len(etags) == len(paths) - 1
    # A correction after the end changes every validator, so caches fetch the new copy.
    fields = post.as_fields() | {"headline": "Talks ended"}
    publishing.edit_post(svc, editor, "summit", post.id, fields, seen_version=None)
    for path, etag in etags.items():
        changed = client.get(path, headers={"If-None-Match": etag})
        assert changed.status_code == 200, path


def test_a_live_feeds_post_page_is_cached_briefly_and_revalidated(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    first = client.get(f"/feeds/summit/posts/{post.id}")
    assert first.headers["cache-control"] == "public, max-age=5"
    assert "set-cookie" not in first.headers
    etag = first.headers["etag"]
    assert etag != client.get("/feeds/summit").headers["etag"]
    other = make_post(svc, editor, headline="Another")
    assert etag != client.get(f"/feeds/summit/posts/{other.id}").headers["etag"]
    again = client.get(f"/feeds/summit/posts/{post.id}", headers={"If-None-Match": etag})
    assert again.status_code == 200  # another post was published: the feed moved on
    assert again.headers["etag"] != etag
    latest = again.headers["etag"]
    unchanged = client.get(f"/feeds/summit/posts/{post.id}", headers={"If-None-Match": latest})
    assert unchanged.status_code == 304
    # The API of a live feed keeps its short lifetimes.
    assert "max-age=3600" not in client.get("/api/v1/feeds/summit").headers.get("cache-control", "")
    assert client.get("/api/v1/feeds/summit/posts").headers["cache-control"] == "public, max-age=2"


def test_an_editors_post_page_is_never_cached(
    client: TestClient, desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    response = desk.get(f"/feeds/summit/posts/{post.id}")
    assert response.headers["cache-control"] == "private, no-store"
    assert "etag" not in response.headers
    assert "/edit" in response.text


def test_the_login_page_sets_its_form_cookie(client: TestClient) -> None:
    response = client.get("/login")
    assert "lf_csrf=" in response.headers["set-cookie"]


def test_the_page_cache_is_bounded_in_entries_and_bytes() -> None:
    cache = PageCache(max_entries=2, max_bytes=10)
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    assert cache.get("a") == b"1234"  # now the most recently used
    cache.put("c", b"1234")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (b"1234", None, b"1234")
    cache.put("d", b"12345678")
    assert cache.get("a") is None
    assert cache.get("d") == b"12345678"
    cache.put("huge", b"x" * 11)
    assert cache.get("huge") is None


def test_a_cached_readers_page_is_never_shown_to_an_editor(
    client: TestClient, desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    anonymous = TestClient(client.app)
    assert "New post" not in anonymous.get("/feeds/summit").text
    editors_page = desk.get("/feeds/summit")
    assert editors_page.headers["cache-control"] == "private, no-store"
    assert "New post" in editors_page.text
    assert "New post" not in anonymous.get("/feeds/summit").text


def test_an_api_listing_has_a_validator_too(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    for query in ("", "?limit=5", "?since=0"):
        first = client.get(f"/api/v1/feeds/summit/posts{query}")
        etag = first.headers["etag"]
        again = client.get(f"/api/v1/feeds/summit/posts{query}", headers={"If-None-Match": etag})
        assert again.status_code == 304, query
        assert client.get(f"/api/v1/feeds/summit/posts{query}").json() == first.json()
    etags = {client.get(f"/api/v1/feeds/summit/posts{q}").headers["etag"] for q in ("", "?limit=5")}
    assert len(etags) == 2
    make_post(svc, editor, headline="Newer")
    changed = client.get("/api/v1/feeds/summit/posts")
    assert changed.json()["posts"][0]["headline"] == "Newer"
