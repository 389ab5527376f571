"""The embed page partners frame, and the embed code editors copy for them."""

from __future__ import annotations

import re
from html import unescape

import pytest
from starlette.testclient import TestClient

from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_feed, make_post
from tests.web.conftest import XSS, Page, post_ids, static_url

EMBED_SCRIPTS = [
    static_url("words.js"),
    static_url("embed-frame.js"),
    static_url("live.js"),
    static_url("verification.js"),
]


def scripts(html: str) -> list[str]:
    return [attrs.get("src", "") for attrs in Page(html).tags("script")]


def test_the_embed_shows_the_newest_posts_with_the_pinned_one_on_top(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    pinned = make_post(svc, editor, headline="Read this first", pinned=True)
    published = []
    for number in range(12):
        clock.advance()
        published.append(make_post(svc, editor, headline=f"Update {number}").id)

    response = client.get("/feeds/summit/embed")

    assert response.status_code == 200
    assert post_ids(response.text) == [pinned.id, *reversed(published[-9:])]
    page = Page(response.text)
    (html,) = page.tags("html")
    assert html["data-theme"] == "light"
    (article,) = [a for a in page.tags("article") if "data-live-feed" in a]
    assert (article["data-live-feed"], article["data-limit"]) == ("summit", "10")
    assert "data-tag" not in article
    assert scripts(response.text) == EMBED_SCRIPTS
    assert 'class="site-header"' not in response.text
    assert 'class="site-footer"' not in response.text
    (full,) = [a for a in page.tags("a") if a.get("href") == svc.urls.feed("summit")]
    assert (full["target"], full["rel"]) == ("_blank", "noopener")
    (base,) = page.tags("base")
    assert base == {"target": "_blank"}


def test_the_embed_can_show_one_tag_a_number_of_posts_and_a_dark_theme(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor, headline="Pinned, untagged", pinned=True)
    tagged = []
    for number in range(4):
        clock.advance()
        tagged.append(make_post(svc, editor, headline=f"Vote {number}", tags="vote").id)
        make_post(svc, editor, headline=f"Other {number}", tags="weather")

    response = client.get("/feeds/summit/embed?theme=dark&tag=Vote&limit=3")

    assert response.status_code == 200
    assert post_ids(response.text) == list(reversed(tagged[-3:]))
    page = Page(response.text)
    assert page.tags("html")[0]["data-theme"] == "dark"
    (article,) = [a for a in page.tags("article") if "data-live-feed" in a]
    assert (article["data-tag"], article["data-limit"]) == ("vote", "3")
    assert "Updates tagged" in response.text


def test_a_pinned_post_of_the_tag_counts_towards_the_limit(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    pinned = make_post(svc, editor, headline="Pinned", tags="vote", pinned=True)
    newest = []
    for number in range(3):
        clock.advance()
        newest.append(make_post(svc, editor, headline=f"Vote {number}", tags="vote").id)

    assert post_ids(client.get("/feeds/summit/embed?tag=vote&limit=2").text) == [
        pinned.id,
        newest[-1],
    ]
    assert post_ids(client.get("/feeds/summit/embed?limit=1").text) == [pinned.id]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("theme=blue", "Theme: must be light or dark."),
        ("theme=", None),
        ("limit=0", "Limit: must be a whole number from 1 to 100."),
        ("limit=101", "Limit: must be a whole number from 1 to 100."),
        ("limit=ten", "Limit: must be a whole number from 1 to 100."),
        ("limit=²", "Limit: must be a whole number from 1 to 100."),
        ("tag=not%20a%20tag!", "is not a tag"),
        ("tag=vote,weather", "Tag: must be one tag."),
    ],
)
def test_options_that_make_no_sense_are_refused_by_name(
    client: TestClient, svc: Services, editor: User, query: str, message: str | None
) -> None:
    make_feed(svc, editor)

    response = client.get(f"/feeds/summit/embed?{query}")

    if message is None:
        assert response.status_code == 200  # an empty option is the default
        return
    assert response.status_code == 422
    assert message in unescape(response.text)
    assert "set-cookie" not in response.headers


def test_an_unknown_feed_has_no_embed(client: TestClient) -> None:
    response = client.get("/feeds/nowhere/embed")

    assert response.status_code == 404
    assert "There is no feed called “nowhere”" in unescape(response.text)


def test_an_ended_feeds_embed_is_the_record_without_a_live_script(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)

    response = client.get("/feeds/summit/embed")

    assert response.status_code == 200
    assert "data-live-feed" not in response.text
    assert 'class="badge badge-ended"' in response.text
    assert scripts(response.text) == [static_url("words.js"), static_url("embed-frame.js")]


def test_the_embed_is_a_readers_page_even_for_an_editor_and_is_cached_like_one(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)

    response = desk.get("/feeds/summit/embed?theme=dark")

    assert response.status_code == 200
    assert f"/posts/{post.id}/edit" not in response.text
    assert "csrf_token" not in response.text
    assert "set-cookie" not in response.headers
    feed_page = desk.get("/feeds/summit", headers={"Cookie": ""})
    assert response.headers["cache-control"] == feed_page.headers["cache-control"]
    assert response.headers["cache-control"].startswith("public")

    etag = response.headers["etag"]
    again = desk.get("/feeds/summit/embed?theme=dark", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert desk.get("/feeds/summit/embed").headers["etag"] != etag  # another theme
    assert desk.get("/feeds/summit/embed?theme=dark&limit=5").headers["etag"] != etag

    make_post(svc, editor, headline="Later")
    changed = desk.get("/feeds/summit/embed?theme=dark", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "Later" in changed.text


@pytest.mark.parametrize("payload", XSS)
def test_what_editors_typed_is_never_run_in_the_embed(
    client: TestClient, svc: Services, editor: User, payload: str
) -> None:
    make_feed(svc, editor, title=payload)
    make_post(svc, editor, headline=payload, body=payload, **{"quote.text": payload})

    html = client.get("/feeds/summit/embed").text

    if "<" in payload:
        assert payload not in html
    page = Page(html)
    assert scripts(html) == EMBED_SCRIPTS
    assert not page.names() & {"iframe", "svg", "object", "embed"}
    for tag, attrs in page.elements:
        assert "style" not in attrs, f"<{tag} style=…> is blocked by style-src 'self'"
        assert not any(name.startswith("on") for name in attrs), f"<{tag} on…=>"


def embed_code(html: str) -> str:
    found = re.search(r'<textarea id="embed-code"[^>]*>([^<]*)</textarea>', html)
    assert found, "no embed code on the page"
    return unescape(found.group(1))


def test_editors_get_the_embed_code_on_the_feed_page(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)

    html = desk.get("/feeds/summit").text

    assert embed_code(html) == (
        f'<script src="{svc.urls.origin}/static/embed.js" data-feed="summit" async></script>'
    )
    assert static_url("embed-snippet.js") in scripts(html)


def test_readers_get_no_embed_code(client: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)

    html = client.get("/feeds/summit").text

    assert 'id="embed-code"' not in html
    assert static_url("embed-snippet.js") not in scripts(html)
