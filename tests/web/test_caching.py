"""A reader's feed page is cacheable by a CDN, validated by the feed's last event."""

from __future__ import annotations

from starlette.testclient import TestClient

from livefeed import publishing
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.web.page_cache import PageCache
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
    assert client.get("/feeds/summit").headers["cache-control"] == "public, max-age=3600"


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
