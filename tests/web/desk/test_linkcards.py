"""Filling a Read more card over HTTP: the API for scripts, the desk endpoint for the form.

The app is built over the test's ``svc``; a test that must reach a page sets
``svc.fetch_policy`` to a policy that admits its local server, every other test runs with the
production policy that ``Services`` is built with.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.domain.users import User
from livefeed.outside.fetch_policy import INSIDE
from livefeed.services import Services
from livefeed.web.api.openapi.document import spec
from tests.factories import PASSWORD, make_contributor, make_feed, make_post
from tests.other_sites import HOST, Resolver, Site, local_policy, running_site
from tests.web.api.test_openapi import problems, response_schema
from tests.web.conftest import Page, bearer, csrf, log_in, static_url

ARTICLE = """<html><head><title>Storm | Daily</title>
<meta property="og:title" content="The storm, hour by hour">
<meta property="og:description" content="Where it goes &amp; when.">
<meta property="og:image" content="/img/storm.jpg"></head></html>"""
PATH = "/api/v1/link-cards"


@pytest.fixture(autouse=True)
def anna_edits_a_feed(svc: Services, editor: User) -> None:
    """Editors may make the server fetch a card: Anna edits a feed of her own."""
    make_feed(svc, editor, slug="anna-s-feed")


@pytest.fixture
def site(svc: Services) -> Iterator[Site]:
    with running_site() as started:
        started.page("/storm", ARTICLE)
        svc.fetch_policy = local_policy(started, Resolver({HOST: ["127.0.0.1"]}))
        yield started


def matches_the_document(response: Any, status: str) -> None:
    document = spec("http://livefeed.test")
    schema = response_schema(document, PATH, "post", status)
    assert problems(document, response.json(), schema) == []


# The API ------------------------------------------------------------------------------------------


def test_an_editor_gets_the_card(client: TestClient, token: str, site: Site) -> None:
    response = client.post(PATH, json={"url": site.url("/storm")}, headers=bearer(token))

    assert response.status_code == 200, response.text
    assert response.json() == {
        "url": site.url("/storm"),
        "title": "The storm, hour by hour",
        "summary": "Where it goes & when.",
        "image_url": site.url("/img/storm.jpg"),
    }
    assert response.headers["cache-control"] == "no-store"
    matches_the_document(response, "200")


def test_without_a_token_nothing_is_fetched(client: TestClient, site: Site) -> None:
    response = client.post(PATH, json={"url": site.url("/storm")})

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"
    assert site.requests == []
    matches_the_document(response, "401")


def test_a_contributor_may_not_make_the_server_fetch(
    client: TestClient, svc: Services, site: Site
) -> None:
    contributor = make_contributor(svc)
    token = accounts.create_token(svc, contributor.email, "tests")

    response = client.post(PATH, json={"url": site.url("/storm")}, headers=bearer(token))

    assert response.status_code == 403
    assert site.requests == []
    matches_the_document(response, "403")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1/", INSIDE),
        ("http://[::1]/", INSIDE),
        ("http://169.254.169.254/latest/meta-data/", INSIDE),
        ("http://localhost:8000/", "only the standard web ports (80 and 443)"),
        ("gopher://example.org/", "must be a full http:// or https:// address"),
        ("", "is required"),
        (None, "cannot be null"),
        (["http://example.org/"], "must be text"),
    ],
)
def test_a_refusal_is_problem_json_naming_url(
    client: TestClient, token: str, url: object, message: str
) -> None:
    response = client.post(PATH, json={"url": url}, headers=bearer(token))

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["field"] == "url"
    assert message in body["errors"][0]["message"]
    matches_the_document(response, "422")


@pytest.mark.parametrize(
    ("sent", "field"),
    [(b"{", "body"), (b"[]", "body"), (b'{"url": "https://a.example", "title": "x"}', "title")],
)
def test_a_body_that_is_not_the_request_is_refused(
    client: TestClient, token: str, sent: bytes, field: str
) -> None:
    headers = bearer(token) | {"Content-Type": "application/json"}

    response = client.post(PATH, content=sent, headers=headers)

    assert response.status_code == 422
    assert response.json()["field"] == field


def test_nothing_is_stored(client: TestClient, svc: Services, editor: User, token: str) -> None:
    make_feed(svc, editor)
    before = client.get("/api/v1/feeds/summit").json()["last_seq"]

    client.post(PATH, json={"url": "http://127.0.0.1/"}, headers=bearer(token))
    client.post(PATH, json={"url": "http://livefeed.test/feeds/summit"}, headers=bearer(token))

    assert client.get("/api/v1/feeds/summit").json()["last_seq"] == before
    assert client.get("/api/v1/feeds/summit/posts").json()["posts"] == []


# The desk -----------------------------------------------------------------------------------------


def test_the_compose_form_offers_to_fill_the_card(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)

    page = Page(desk.get("/feeds/summit").text)

    (box,) = [attrs for tag, attrs in page.elements if "data-linkcard" in attrs]
    assert "hidden" in box, "without the script, the button would do nothing: it stays hidden"
    assert {"src": static_url("linkcard.js"), "defer": ""} in page.tags("script")
    assert desk.get("/static/linkcard.js").status_code == 200


def test_the_desk_fills_a_card_from_an_article(desk: TestClient, site: Site) -> None:
    response = desk.post(
        "/desk/link-card", data={"csrf_token": csrf(desk), "url": site.url("/storm")}
    )

    assert response.status_code == 200, response.text
    assert response.json()["title"] == "The storm, hour by hour"


def test_the_desk_fills_a_card_from_our_own_post(
    desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Talks resume", body="Delegates are *back*.")

    response = desk.post(
        "/desk/link-card", data={"csrf_token": csrf(desk), "url": svc.urls.post("summit", post.id)}
    )

    assert response.json() == {
        "url": "http://livefeed.test" + svc.urls.post_path("summit", post.id),
        "title": "Talks resume",
        "summary": "Delegates are back.",
        "image_url": "",
    }


def test_the_desk_says_why_a_card_was_refused(desk: TestClient) -> None:
    response = desk.post(
        "/desk/link-card", data={"csrf_token": csrf(desk), "url": "http://0x7f.1/"}
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [{"field": "url", "message": INSIDE}]


@pytest.mark.parametrize("sent", [None, "", "forged"])
def test_the_desk_needs_the_form_token(desk: TestClient, site: Site, sent: str | None) -> None:
    data = {"url": site.url("/storm")} | ({"csrf_token": sent} if sent is not None else {})

    response = desk.post("/desk/link-card", data=data)

    assert response.status_code == 403
    assert "did not come from this site" in response.json()["detail"]
    assert site.requests == []


def test_a_contributor_at_the_desk_may_not_fetch(
    client: TestClient, svc: Services, site: Site
) -> None:
    contributor = make_contributor(svc)
    assert log_in(client, contributor.email, PASSWORD).status_code == 303

    response = client.post(
        "/desk/link-card", data={"csrf_token": csrf(client), "url": site.url("/storm")}
    )

    assert response.status_code == 403
    assert site.requests == []


def test_someone_signed_out_is_sent_to_log_in_and_back(client: TestClient, site: Site) -> None:
    response = client.post(
        "/desk/link-card",
        data={"csrf_token": csrf(client), "url": site.url("/storm")},
        headers={"Referer": "http://livefeed.test/feeds/summit"},
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/feeds/summit"
    assert site.requests == []
