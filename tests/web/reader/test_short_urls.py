"""``/s/{code}``: a permanent redirect to our own page, counted; short URLs in pages and JSON."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.distribution import reading, short_urls
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.settings import Settings, SettingsError
from livefeed.web.api.openapi.document import spec
from livefeed.web.app import create_app
from tests.factories import CHEAP_PASSWORDS, make_contributor, make_feed, make_post
from tests.web.api.test_openapi import problems, response_schema
from tests.web.conftest import Page, bearer, script_tag


def test_a_feeds_code_redirects_for_good_to_its_page(
    client: TestClient, svc: Services, editor: User
) -> None:
    feed = make_feed(svc, editor)

    response = client.get(f"/s/{feed.short_code}")

    assert response.status_code == 301
    assert response.headers["location"] == "http://livefeed.test/feeds/summit"
    # Not kept by a shared cache, which would keep the clicks too.
    assert response.headers["cache-control"].startswith("private")


def test_a_posts_code_redirects_to_the_posts_own_page(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)

    response = client.get(f"/s/{post.short_code}")

    assert response.status_code == 301
    assert response.headers["location"] == f"http://livefeed.test/feeds/summit/posts/{post.id}"
    assert client.get(response.headers["location"]).status_code == 200


def test_every_redirect_stays_on_this_site(client: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor, slug="a-b-c")
    posts = [make_post(svc, editor, "a-b-c", headline=f"Update {n}") for n in range(5)]
    codes = [reading.get_feed(svc, "a-b-c").short_code, *(p.short_code for p in posts)]

    for code in codes:
        location = urlsplit(client.get(f"/s/{code}").headers["location"])
        assert (location.scheme, location.netloc) == ("http", "livefeed.test")
        assert location.path.startswith("/feeds/a-b-c")


def test_clicks_are_counted_by_day_and_shown_to_editors(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    feed = make_feed(svc, editor)
    post = make_post(svc, editor)
    for _ in range(3):
        client.get(f"/s/{feed.short_code}")
    client.head(f"/s/{feed.short_code}")  # a link checker's HEAD is not a click
    client.get(f"/s/{post.short_code}")

    feed_stats = client.get("/api/v1/feeds/summit/short-url", headers=bearer(token))
    post_stats = client.get(
        f"/api/v1/feeds/summit/posts/{post.id}/short-url", headers=bearer(token)
    )

    assert feed_stats.status_code == 200, feed_stats.text
    assert feed_stats.json() == {
        "short_url": f"http://livefeed.test/s/{feed.short_code}",
        "clicks": [{"day": "2026-11-25", "count": 3}],
    }
    assert post_stats.json()["clicks"] == [{"day": "2026-11-25", "count": 1}]
    assert feed_stats.headers["cache-control"] == "private, no-store"


def test_clicks_are_for_editors_only(client: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    contributor = make_contributor(svc)
    theirs = accounts.create_token(svc, contributor.email, "tests")
    mine = accounts.create_token(svc, editor.email, "tests")

    assert client.get("/api/v1/feeds/summit/short-url").status_code == 401
    assert client.get("/api/v1/feeds/summit/short-url", headers=bearer(theirs)).status_code == 403
    missing = client.get("/api/v1/feeds/nowhere/short-url", headers=bearer(mine))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    no_post = client.get("/api/v1/feeds/summit/posts/9/short-url", headers=bearer(mine))
    assert no_post.status_code == 404


def test_the_clicks_answers_match_the_api_document(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    feed = make_feed(svc, editor)
    post = make_post(svc, editor)
    client.get(f"/s/{feed.short_code}")
    document = spec("http://livefeed.test")
    feed_path = "/api/v1/feeds/{slug}/short-url"
    post_path = "/api/v1/feeds/{slug}/posts/{post_id}/short-url"

    sent = [
        (client.get("/api/v1/feeds/summit/short-url", headers=bearer(token)), feed_path, "200"),
        (client.get(f"/api/v1/feeds/summit/posts/{post.id}/short-url", headers=bearer(token)),
         post_path, "200"),
        (client.get("/api/v1/feeds/summit/short-url"), feed_path, "401"),
        (client.get("/api/v1/feeds/nowhere/short-url", headers=bearer(token)), feed_path, "404"),
    ]  # fmt: skip

    for response, path, status in sent:
        assert str(response.status_code) == status, (path, response.text)
        schema = response_schema(document, path, "get", status)
        assert problems(document, response.json(), schema) == [], (path, status)


# What does not lead anywhere ----------------------------------------------------------------


def test_an_unknown_code_is_a_404_page(client: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)

    response = client.get("/s/Zz9Zz9Z")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "location" not in response.headers


@pytest.mark.parametrize(
    "code", ["abc", "abcdefgh", "abc-def", "abc%20de", "%2F%2Fevil", "a.b.c.d", "ÄÖÜäöüß"]
)
def test_a_malformed_code_is_a_404(client: TestClient, code: str) -> None:
    response = client.get(f"/s/{code}")
    assert response.status_code == 404
    assert "location" not in response.headers


def test_a_deleted_posts_code_is_gone_and_leads_nowhere_else(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    publishing.delete_post(svc, editor, "summit", post.id)
    make_post(svc, editor, headline="Another")

    response = client.get(f"/s/{post.short_code}")

    assert response.status_code == 410
    assert "location" not in response.headers
    assert "deleted" in response.text
    # Nor counted: there was nothing to send the reader to.
    assert short_urls.post_clicks(svc, editor, "summit", post.id).clicks == []


# Short URLs in JSON and pages ---------------------------------------------------------------


def test_feed_and_post_json_carry_the_short_url(
    client: TestClient, svc: Services, editor: User
) -> None:
    feed = make_feed(svc, editor)
    post = make_post(svc, editor)
    gone = make_post(svc, editor, headline="Oops")
    publishing.delete_post(svc, editor, "summit", gone.id)

    feed_json = client.get("/api/v1/feeds/summit").json()
    post_json = client.get(f"/api/v1/feeds/summit/posts/{post.id}").json()
    listed = client.get("/api/v1/feeds/summit/posts").json()["posts"]
    tombstone = client.get(f"/api/v1/feeds/summit/posts/{gone.id}").json()

    assert feed_json["short_url"] == f"http://livefeed.test/s/{feed.short_code}"
    assert post_json["short_url"] == f"http://livefeed.test/s/{post.short_code}"
    assert [p["short_url"] for p in listed] == [post_json["short_url"]]
    assert "short_url" not in tombstone  # a tombstone keeps only its identity
    location = client.get(urlsplit(post_json["short_url"]).path).headers["location"]
    assert location == post_json["url"]


def test_the_event_log_carries_the_short_url(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)

    _, logged = reading.events_after(svc, post.feed_id, 0)

    assert logged[-1][0].data["short_url"] == f"http://livefeed.test/s/{post.short_code}"


def short_boxes(html: str) -> list[str]:
    return [attrs["data-short-url"] for attrs in Page(html).tags("p") if "data-short-url" in attrs]


def test_the_feed_page_offers_the_feeds_and_each_posts_short_url(
    client: TestClient, svc: Services, editor: User
) -> None:
    feed = make_feed(svc, editor)
    first = make_post(svc, editor, headline="First")
    second = make_post(svc, editor, headline="Second")

    # What the posts show (live.js's stand-in post, for those to come, aside).
    html = re.sub(
        r'<template id="post-parts">.*?</template>',
        "",
        client.get("/feeds/summit").text,
        flags=re.S,
    )
    page = Page(html)

    assert short_boxes(html) == [
        f"http://livefeed.test/s/{code}"
        for code in (feed.short_code, second.short_code, first.short_code)
    ]
    buttons = [b for b in page.tags("button") if "short-url-get" in b.get("class", "")]
    assert len(buttons) == 3
    assert all(b["type"] == "button" for b in buttons)
    # The field to copy from by hand is made only where there is no clipboard (share.js).
    assert not [i for i in page.tags("input") if "short-url" in i.get("class", "")]
    assert html.count('role="status"') >= 3
    assert script_tag("share.js") in html
    assert "Copy<span" in html


def test_a_post_page_offers_the_posts_short_url(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)

    html = client.get(f"/feeds/summit/posts/{post.id}").text

    assert short_boxes(html) == [f"http://livefeed.test/s/{post.short_code}"]
    assert script_tag("share.js") in html


def test_a_post_sent_live_carries_its_short_url(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)

    events = client.get("/feeds/summit/updates?since=0").json()["events"]

    assert events[-1]["post"]["short"] == f"http://livefeed.test/s/{post.short_code}"


def test_the_script_is_served(client: TestClient) -> None:
    response = client.get("/static/share.js")
    assert response.status_code == 200
    assert "navigator.clipboard" in response.text


# A separate short origin --------------------------------------------------------------------


@pytest.fixture
def short_client(settings: Settings, svc: Services) -> Iterator[TestClient]:
    """The app with LIVEFEED_SHORT_URL set, sharing the test's database and clock."""
    settings = Settings.from_env(
        {
            "LIVEFEED_DATABASE_URL": settings.database_url,
            "LIVEFEED_PUBLIC_URL": "http://livefeed.test",
            "LIVEFEED_SHORT_URL": "https://lf.example/",
            "LIVEFEED_SEED_DEMO": "false",
        },
        env_file=None,
    )
    services = Services.build(settings, clock=svc.clock, passwords=CHEAP_PASSWORDS)
    with TestClient(create_app(settings, services), follow_redirects=False) as test_client:
        yield test_client
    services.close()


def test_a_short_origin_gives_the_short_urls_and_answers_them(
    short_client: TestClient, svc: Services, editor: User
) -> None:
    feed = make_feed(svc, editor)
    post = make_post(svc, editor)

    feed_json = short_client.get("/api/v1/feeds/summit").json()
    post_json = short_client.get(f"/api/v1/feeds/summit/posts/{post.id}").json()
    html = short_client.get("/feeds/summit").text
    # A request to the short origin reaches the same app, and leaves for the canonical one.
    redirect = short_client.get(f"https://lf.example/s/{feed.short_code}")

    assert feed_json["short_url"] == f"https://lf.example/s/{feed.short_code}"
    assert feed_json["url"] == "http://livefeed.test/feeds/summit"
    assert post_json["short_url"] == f"https://lf.example/s/{post.short_code}"
    assert short_boxes(html)[0] == f"https://lf.example/s/{feed.short_code}"
    assert redirect.status_code == 301
    assert redirect.headers["location"] == "http://livefeed.test/feeds/summit"


@pytest.mark.parametrize(
    "value", ["lf.example", "ftp://lf.example", "https://lf.example/s", "https://", "https://a?b"]
)
def test_a_short_origin_that_is_not_an_origin_stops_start_up(value: str) -> None:
    with pytest.raises(SettingsError, match=r"^LIVEFEED_SHORT_URL: "):
        Settings.from_env({"LIVEFEED_SHORT_URL": value}, env_file=None)


def test_without_a_short_origin_short_urls_use_the_public_one() -> None:
    settings = Settings.from_env({"LIVEFEED_PUBLIC_URL": "https://live.example.org"}, None)
    assert settings.short_url is None
    assert Settings.from_env({"LIVEFEED_SHORT_URL": "https://lf.example/"}, None).short_url == (
        "https://lf.example"
    )
