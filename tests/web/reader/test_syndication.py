"""The Atom, RSS and JSON Feed addresses: content types, conditional GET, 404s, autodiscovery."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from livefeed.distribution.syndication import Format
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.distribution.feed_documents import read_document
from tests.factories import make_feed, make_post
from tests.web.conftest import Page

FORMATS = list(Format)
TYPES = {
    Format.ATOM: "application/atom+xml; charset=utf-8",
    Format.RSS: "application/rss+xml; charset=utf-8",
    Format.JSON: "application/feed+json; charset=utf-8",
}


def documents(fmt: Format) -> list[str]:
    return [
        f"/feeds/summit/feed.{fmt}",
        f"/feeds/summit/key-events.{fmt}",
        f"/tags/politics/feed.{fmt}",
        f"/feeds.{fmt}",
    ]


@pytest.fixture
def story(svc: Services, editor: User, clock: Clock) -> None:
    make_feed(svc, editor, tags="politics")
    make_post(svc, editor, headline="Talks resume", tags="politics", key_event=True)
    clock.advance(60)


@pytest.mark.usefixtures("story")
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_document_is_served_with_its_type_and_parses(client: TestClient, fmt: Format) -> None:
    for path in documents(fmt):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == TYPES[fmt]
        assert response.headers["cache-control"] == "public, max-age=60"
        assert response.headers["access-control-allow-origin"] == "*"
        assert "set-cookie" not in response.headers
        doc = read_document(response.content, fmt)
        assert [item.title for item in doc.items] == ["Talks resume"], path
        assert doc.self_link == f"http://livefeed.test{path}"


@pytest.mark.usefixtures("story")
@pytest.mark.parametrize("path", [p for fmt in FORMATS for p in documents(fmt)])
def test_a_reader_that_has_the_document_is_told_nothing_changed_until_a_post_is_published(
    client: TestClient, svc: Services, editor: User, clock: Clock, path: str
) -> None:
    first = client.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]

    by_etag = client.get(path, headers={"If-None-Match": etag})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag.headers["etag"] == etag
    assert by_etag.headers["last-modified"] == modified
    assert client.get(path, headers={"If-None-Match": f'"other", {etag}'}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 304

    make_post(svc, editor, headline="Deal agreed", tags="politics", key_event=True)
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert "Deal agreed" in changed.text
    assert client.get(path, headers={"If-Modified-Since": modified}).status_code == 200


@pytest.mark.usefixtures("story")
def test_an_etag_that_does_not_match_decides_even_with_a_recent_date(client: TestClient) -> None:
    fresh = client.get("/feeds/summit/feed.atom")
    stale = client.get(
        "/feeds/summit/feed.atom",
        headers={"If-None-Match": '"stale"', "If-Modified-Since": fresh.headers["last-modified"]},
    )
    assert stale.status_code == 200
    garbled = client.get("/feeds/summit/feed.atom", headers={"If-Modified-Since": "yesterday"})
    assert garbled.status_code == 200


@pytest.mark.usefixtures("story")
def test_each_format_and_document_has_its_own_validator(client: TestClient) -> None:
    paths = [p for fmt in FORMATS for p in documents(fmt)]
    etags = {client.get(path).headers["etag"] for path in paths}
    assert len(etags) == len(paths)


@pytest.mark.usefixtures("story")
def test_an_edit_or_a_deletion_changes_the_validator(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    post = make_post(svc, editor, headline="Typo", tags="politics")
    for change in ("edit", "delete"):
        before = {path: client.get(path).headers["etag"] for path in documents(Format.ATOM)}
        clock.advance(60)
        if change == "edit":
            publishing.edit_post(
                svc, editor, "summit", post.id, {"headline": "Fixed"}, seen_version=None
            )
        else:
            publishing.delete_post(svc, editor, "summit", post.id)
        for path, etag in before.items():
            response = client.get(path, headers={"If-None-Match": etag})
            assert response.status_code == 200, (change, path)


@pytest.mark.usefixtures("story")
def test_ending_a_feed_changes_the_live_document_and_keeps_the_feeds_longer(
    client: TestClient, svc: Services, editor: User
) -> None:
    etag = client.get("/feeds.json").headers["etag"]
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    live = client.get("/feeds.json", headers={"If-None-Match": etag})
    assert live.status_code == 200
    assert live.json()["items"] == []
    ended = client.get("/feeds/summit/feed.json")
    assert ended.headers["cache-control"] == "public, max-age=3600"
    assert ended.json()["expired"] is True


@pytest.mark.usefixtures("story")
@pytest.mark.parametrize(
    "path",
    [
        "/feeds/nowhere/feed.atom",
        "/feeds/nowhere/key-events.json",
        "/feeds/summit/feed.xml",
        "/feeds/summit/feed.",
        "/feeds/summit/key-events.html",
        "/tags/sport/feed.rss",
        "/tags/Not%20a%20tag!/feed.atom",
        "/feeds.xml",
    ],
)
def test_what_is_not_there_is_a_404(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


def test_a_head_request_answers_like_a_get(client: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    response = client.head("/feeds/summit/feed.rss")
    assert response.status_code == 200
    assert response.headers["content-type"] == TYPES[Format.RSS]
    assert response.content == b""


def test_the_feed_page_names_every_document_for_feed_readers(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, title='Summit "<live>" & more')
    make_post(svc, editor)
    page = Page(client.get("/feeds/summit").text)
    alternates = [link for link in page.tags("link") if link.get("rel") == "alternate"]
    assert [(link["type"], link["href"]) for link in alternates] == [
        (TYPES[Format.ATOM].split(";")[0], "/feeds/summit/feed.atom"),
        (TYPES[Format.RSS].split(";")[0], "/feeds/summit/feed.rss"),
        (TYPES[Format.JSON].split(";")[0], "/feeds/summit/feed.json"),
        (TYPES[Format.ATOM].split(";")[0], "/feeds/summit/key-events.atom"),
        (TYPES[Format.RSS].split(";")[0], "/feeds/summit/key-events.rss"),
        (TYPES[Format.JSON].split(";")[0], "/feeds/summit/key-events.json"),
    ]
    assert alternates[0]["title"] == 'Summit "<live>" & more (Atom)'
    for link in alternates:
        response = client.get(link["href"])
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == link["type"]
