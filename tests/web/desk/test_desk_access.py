"""Who may use the desk: every form wants the token of the session that sends it, and a
stranger is sent to log in and back, while what they post changes nothing."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.distribution import reading
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.web.security import CSRF_COOKIE, SESSION_COOKIE
from tests.factories import PASSWORD, make_feed, make_post
from tests.web.conftest import Page, csrf, log_in, routes_of
from tests.web.desk.desk_answers import location, posts_of

# Form tokens ------------------------------------------------------------------------------------


def post_form_urls(app: Starlette, post_id: int) -> list[str]:
    """Every page route that takes a POST, with its path filled in: a new one is covered too."""
    urls = [
        path.replace("{slug}", "summit").replace("{post_id}", str(post_id))
        for method, path in routes_of(app.routes)
        if method == "POST"
        and not path.startswith("/api/")
        # A beacon, no form: any reader's page sends it, signed in or not (see test_latency).
        and path != "/feeds/{slug}/latency"
    ]
    assert "/feeds/summit/posts" in urls
    assert "/login" in urls
    return urls


@pytest.mark.parametrize("sent", [None, "", "forged-token"])
def test_every_form_refuses_a_post_without_the_right_token(
    app: Starlette, desk: TestClient, svc: Services, editor: User, sent: str | None
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    data = {
        "headline": "Changed",
        "slug": "changed",
        "title": "Changed",
        "status": "ended",
        "version": str(post.version),
        "email": editor.email,
        "password": PASSWORD,
        "intent": "publish",
    }
    if sent is not None:
        data["csrf_token"] = sent

    for url in post_form_urls(app, post.id):
        response = desk.post(url, data=data)
        assert response.status_code == 403, url
        assert "did not come from this site" in response.text

    assert posts_of(svc) == [post]
    assert reading.get_feed(svc, "summit").status is FeedStatus.LIVE
    assert desk.get("/desk").status_code == 200, "the session was ended by a forged form"


def test_another_sessions_token_is_refused(
    app: Starlette, desk: TestClient, svc: Services, editor: User
) -> None:
    other = accounts.open_session(svc, editor)
    make_feed(svc, editor)

    response = desk.post(
        "/desk/feeds/summit/status", data={"csrf_token": other.csrf_token, "status": "ended"}
    )

    assert response.status_code == 403
    assert reading.get_feed(svc, "summit").status is FeedStatus.LIVE


def test_the_login_form_needs_its_cookie_and_token_to_match(
    client: TestClient, editor: User
) -> None:
    token = csrf(client)
    assert client.cookies[CSRF_COOKIE] == token
    data = {"email": editor.email, "password": PASSWORD}

    assert client.post("/login", data=data).status_code == 403
    assert client.post("/login", data=data | {"csrf_token": "forged"}).status_code == 403
    client.cookies.delete(CSRF_COOKIE)
    assert client.post("/login", data=data | {"csrf_token": token}).status_code == 403
    assert SESSION_COOKIE not in client.cookies


# Who may use the desk ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/desk",
        "/desk/feeds/new",
        "/desk/feeds/summit/edit",
        "/feeds/summit/posts/1/edit",
        "/feeds/summit/posts/1/delete",
    ],
)
def test_the_desk_sends_a_stranger_to_log_in_and_back(
    client: TestClient, svc: Services, editor: User, path: str
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)

    response = client.get(path)

    assert response.status_code == 303
    assert location(response) == f"/login?next={quote(path)}"
    login_page = Page(client.get(location(response)).text)
    assert login_page.values["next"] == path
    back = log_in(client, editor.email, next_url=path)
    assert location(back) == path
    assert client.get(path).status_code == 200


def test_a_strangers_post_to_a_desk_form_changes_nothing(
    app: Starlette, client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    token = csrf(client)
    data = {"csrf_token": token, "headline": "Changed", "status": "ended", "slug": "new-one"}
    data |= {"title": "New one"}

    for url in post_form_urls(app, post.id):
        # The forms a stranger may send (a guest's comment, where a feed takes them; the
        # newcomer's answer to an invitation; asking for and using a password reset link; a
        # reader's alerts).
        if url in ("/login", "/logout", "/signup", "/feeds/summit/discussion"):
            continue
        if url.startswith("/feeds/summit/alerts"):
            continue
        if url.startswith(("/invitations/", "/password-reset")):
            continue
        response = client.post(url, data=data)
        assert response.status_code == 303, url
        assert location(response).startswith("/login?next="), url

    assert posts_of(svc) == [post]
    assert [feed.slug for feed in reading.all_feeds(svc)] == ["summit"]
