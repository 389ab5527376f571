"""A reader's account page: renaming, a new password, the data download and deleting the account;
and that nobody's email address shows on any page or in any JSON a reader can reach."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.discussion import comments, moderation
from livefeed.domain.access import FeedRole
from livefeed.domain.users import User
from livefeed.newsroom import team
from livefeed.services import Services
from livefeed.store import accounts as account_store
from livefeed.store.schema import users
from livefeed.web.security import SESSION_COOKIE
from tests.factories import (
    PASSWORD,
    make_admin,
    make_editor,
    make_feed,
    make_post,
    make_user,
)
from tests.web.conftest import Page, bearer, field_errors, log_in, routes_of, submit

RITA = "rita.secret-address@readers.test"


@pytest.fixture
def rita(svc: Services) -> User:
    return make_user(svc, RITA, name="Rita Reader")


@pytest.fixture
def signed_in(client: TestClient, rita: User) -> TestClient:
    assert log_in(client, RITA).status_code == 303
    return client


def accounts_left(svc: Services) -> int:
    with svc.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def test_the_account_page_needs_a_login_and_comes_back(client: TestClient, rita: User) -> None:
    response = client.get("/account")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account"
    assert log_in(client, RITA, next_url="/account").headers["location"] == "/account"


def test_the_account_page_shows_the_owner_what_is_kept(signed_in: TestClient) -> None:
    response = signed_in.get("/account")

    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    assert RITA in response.text, "the owner sees their own address"
    assert "Not accepted yet" in response.text
    page = Page(response.text)
    assert page.values["display_name"] == "Rita Reader"
    assert {"href": "/account/data", "class": "button secondary", "download": ""} in page.tags("a")
    assert {"href": "/account/delete"} in page.tags("a")


def test_a_reader_renames_themselves(signed_in: TestClient) -> None:
    response = submit(signed_in, "/account/name", {"display_name": "Rita R."})

    assert response.status_code == 303
    assert response.headers["location"] == "/account?saved=name"
    page = signed_in.get("/account?saved=name").text
    assert "Your display name is saved." in page
    assert Page(page).values["display_name"] == "Rita R."


def test_a_bad_name_is_refused_and_kept_as_typed(signed_in: TestClient, svc: Services) -> None:
    response = submit(signed_in, "/account/name", {"display_name": "\u200b"})

    assert response.status_code == 422
    assert set(field_errors(response.text)) == {"display_name"}
    assert Page(response.text).values["display_name"] == "\u200b"
    with svc.db.read() as conn:
        assert conn.execute(select(users.c.display_name)).scalar_one() == "Rita Reader"


def test_a_new_password_needs_the_current_one(signed_in: TestClient) -> None:
    wrong = submit(
        signed_in, "/account/password", {"current_password": "nope", "password": "a" * 12}
    )
    assert wrong.status_code == 422
    assert set(field_errors(wrong.text)) == {"current_password"}
    short = submit(signed_in, "/account/password", {"current_password": PASSWORD, "password": "a"})
    assert short.status_code == 422
    assert set(field_errors(short.text)) == {"password"}
    assert 'value="a"' not in short.text


def test_a_new_password_signs_out_everywhere_else(
    svc: Services, signed_in: TestClient, rita: User
) -> None:
    elsewhere = accounts.log_in(svc, RITA, PASSWORD, address="203.0.113.5")

    changed = submit(
        signed_in, "/account/password", {"current_password": PASSWORD, "password": "a new one!!"}
    )

    assert changed.status_code == 303
    assert changed.headers["location"] == "/account?saved=password"
    assert "you were signed out everywhere else" in signed_in.get("/account?saved=password").text
    assert accounts.session_user(svc, elsewhere.token) is None
    assert log_in(signed_in, RITA, "a new one!!").status_code == 303


def test_the_data_download_is_a_json_file(signed_in: TestClient, rita: User) -> None:
    response = signed_in.get("/account/data")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="livefeed-account-{rita.id}.json"'
    )
    assert response.headers["cache-control"] == "private, no-store"
    data = response.json()
    assert data["profile"]["email"] == RITA
    assert data["profile"]["display_name"] == "Rita Reader"
    assert set(data) == {"profile", "teams", "comments", "reports"}


def test_the_data_download_needs_a_login(client: TestClient, rita: User) -> None:
    response = client.get("/account/data")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account/data"


# Deleting the account


def test_deleting_needs_the_password(signed_in: TestClient, svc: Services) -> None:
    assert "This cannot be undone" in signed_in.get("/account/delete").text

    response = submit(signed_in, "/account/delete", {"password": "not it"})

    assert response.status_code == 422
    assert field_errors(response.text) == {"password": "that is not your password"}
    assert accounts_left(svc) == 1


def test_deleting_ends_every_session_and_token(
    signed_in: TestClient, svc: Services, rita: User
) -> None:
    token = accounts.create_token(svc, RITA, "script")
    elsewhere = accounts.log_in(svc, RITA, PASSWORD, address="203.0.113.5")

    response = submit(signed_in, "/account/delete", {"password": PASSWORD})

    assert response.status_code == 303
    assert response.headers["location"] == "/account/deleted"
    assert SESSION_COOKIE not in signed_in.cookies
    assert "Your account is deleted" in signed_in.get("/account/deleted").text
    assert signed_in.get("/account").status_code == 303
    assert accounts.session_user(svc, elsewhere.token) is None
    api = signed_in.post("/api/v1/feeds", json={"slug": "x"}, headers=bearer(token))
    assert api.status_code == 401
    assert accounts_left(svc) == 0
    assert log_in(signed_in, RITA).status_code == 422


def test_an_admin_is_told_to_hand_over_first(client: TestClient, svc: Services) -> None:
    admin = make_admin(svc)
    log_in(client, admin.email)

    response = submit(client, "/account/delete", {"password": PASSWORD})

    assert response.status_code == 422
    assert "ask another administrator" in field_errors(response.text)["password"]
    assert accounts_left(svc) == 1


def test_a_feeds_last_editor_is_told_to_hand_over_first(client: TestClient, svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    log_in(client, editor.email)

    response = submit(client, "/account/delete", {"password": PASSWORD})

    assert response.status_code == 422
    assert (
        "you are the only editor of “summit”: make someone else its editor first"
        in (field_errors(response.text)["password"])
    )
    assert accounts_left(svc) == 1


def test_the_account_forms_need_their_token(signed_in: TestClient, svc: Services) -> None:
    for url, data in [
        ("/account/name", {"display_name": "Mallory"}),
        ("/account/password", {"current_password": PASSWORD, "password": "x" * 12}),
        ("/account/delete", {"password": PASSWORD}),
        ("/account/standards", {}),
    ]:
        assert signed_in.post(url, data=data).status_code == 403, url
        assert signed_in.post(url, data={**data, "csrf_token": "forged"}).status_code == 403, url
    assert accounts_left(svc) == 1
    assert Page(signed_in.get("/account").text).values["display_name"] == "Rita Reader"


# Email addresses are for administrators only

EDITOR = "anna.secret-address@newsroom.test"
SECOND = "carl.secret-address@newsroom.test"


def filled(path: str, post_id: int) -> Iterator[str]:
    """``path`` with its parameters filled for the test's feed, once per format it serves."""
    path = path.replace("{slug}", "summit").replace("{post_id}", str(post_id))
    path = path.replace("{tag}", "world").replace("{block:int}", "0")
    if "{format}" in path:
        for kind in ("atom", "rss", "json"):
            yield path.replace("{format}", kind)
    else:
        yield path


@pytest.fixture
def post_id(svc: Services) -> int:
    """A feed written by an editor and a second editor, both with addresses to keep."""
    editor = accounts.add_user(svc, EDITOR, PASSWORD, display_name="Anna Editor")
    make_feed(svc, editor)
    second = make_user(svc, SECOND, name="Carl")
    team.set_member(svc, editor, "summit", second.email, FeedRole.EDITOR)
    post = make_post(svc, editor, tags="world")
    make_post(svc, second, headline="From the floor", key_event=True)
    return post.id


def reader_urls(app: Starlette, post_id: int) -> list[str]:
    """Every page and JSON address the app serves by GET, filled in for the test's feed; the
    event stream, which never ends, is read through its polling twin instead."""
    urls = {
        url
        for method, path in routes_of(app.routes)
        if method == "GET" and not path.endswith("/events")
        for url in filled(path, post_id)
    }
    urls.add("/feeds/summit/updates?since=0")
    return sorted(url for url in urls if "{" not in url)


def test_no_page_or_json_a_reader_can_reach_shows_an_address(
    app: Starlette, client: TestClient, svc: Services, rita: User, post_id: int
) -> None:
    make_user(svc, "other@readers.test", name="Other reader")
    said = comments.post_comment(
        svc, rita, "summit", {"body": "Rita's comment", "accept_standards": "on"}, address="x"
    )
    with svc.db.read() as conn:
        editor = account_store.get_with_hash(conn, EDITOR)
    assert editor is not None
    moderation.approve(svc, editor[0], said.id)
    urls = reader_urls(app, post_id)
    assert {f"/feeds/summit/posts/{post_id}", "/api/v1/feeds/summit/posts"} <= set(urls)
    assert "/feeds/summit/feed.json" in urls
    shown = 0
    for who in (None, "other@readers.test"):
        client.cookies.clear()
        if who:
            log_in(client, who)
        for url in urls:
            response = client.get(url)
            shown += response.status_code == 200
            for email in (EDITOR, SECOND, RITA):
                assert email not in response.text, f"{url} shows {email} to {who or 'a reader'}"
    assert shown > 40
    assert "Rita&#x27;s comment" in client.get("/feeds/summit/discussion").text
    # Bylines carry display names instead.
    feed_page = client.get("/feeds/summit").text
    assert "By Anna Editor" in feed_page
    assert "By Carl" in feed_page
    api = client.get("/api/v1/feeds/summit/posts").text
    assert "Anna Editor" in api
    assert "Carl" in api
