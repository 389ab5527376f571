"""``/invitations/{token}``: the page an invitation link opens, and accepting it."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from livefeed.domain.access import FeedRole
from livefeed.domain.users import User
from livefeed.newsroom import invitations, team
from livefeed.services import Services
from livefeed.web.security import SESSION_COOKIE
from tests.conftest import Clock
from tests.factories import PASSWORD, make_admin, make_feed, make_user
from tests.web.conftest import Page, csrf_of, field_errors, log_in, submit

NINA = "nina@newsroom.test"


@pytest.fixture
def link(svc: Services, editor: User) -> str:
    """The path of an invitation to the summit's team, as a contributor."""
    make_feed(svc, editor)
    made = invitations.invite(svc, editor, NINA, feed_slug="summit", role="contributor")
    return made.url.removeprefix("http://livefeed.test")


def on_team(svc: Services, editor: User) -> dict[str, FeedRole]:
    return {m.email: m.role for m in team.list_members(svc, editor, "summit")}


def accept(client: TestClient, link: str, **fields: str) -> object:
    page = client.get(link)
    data = {"csrf_token": csrf_of(page.text), **fields}
    return client.post(link, data=data)


def test_the_link_asks_a_newcomer_for_a_name_and_a_password(client: TestClient, link: str) -> None:
    response = client.get(link)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    assert "Anna Editor invited <strong>nina@newsroom.test</strong> to be a contributor" in (
        response.text
    )
    assert {"display_name", "password", "csrf_token"} <= set(Page(response.text).values)


def test_accepting_signs_in_lands_on_the_desk_and_shows_the_feed(
    client: TestClient, svc: Services, editor: User, link: str
) -> None:
    response = accept(client, link, display_name="Nina", password=PASSWORD)
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/desk"  # type: ignore[attr-defined]
    assert client.cookies.get(SESSION_COOKIE)
    desk = client.get("/desk")
    assert "Signed in as Nina" in desk.text
    assert 'href="/feeds/summit"' in desk.text
    assert on_team(svc, editor)[NINA] is FeedRole.CONTRIBUTOR


def test_a_bad_name_or_password_keeps_the_name_and_the_link(
    client: TestClient, svc: Services, editor: User, link: str
) -> None:
    response = accept(client, link, display_name="Nina", password="short")
    assert response.status_code == 422  # type: ignore[attr-defined]
    errors = field_errors(response.text)  # type: ignore[attr-defined]
    assert errors == {"password": "must be at least 10 characters"}
    assert Page(response.text).values["display_name"] == "Nina"  # type: ignore[attr-defined]
    assert NINA not in on_team(svc, editor)
    assert client.get(link).status_code == 200


def test_a_used_link_gets_a_clear_page_and_creates_nothing(
    client: TestClient, svc: Services, editor: User, link: str
) -> None:
    accept(client, link, display_name="Nina", password=PASSWORD)
    other = TestClient(client.app, follow_redirects=False)
    response = other.get(link)
    assert response.status_code == 404
    assert "This invitation cannot be used" in response.text
    assert "already been used" in response.text
    again = other.post(link, data={"csrf_token": csrf_of(other.get("/login").text),
                                   "display_name": "Mallory", "password": PASSWORD})  # fmt: skip
    assert again.status_code == 404
    assert SESSION_COOKIE not in again.cookies


def test_an_expired_or_unknown_link_gets_a_clear_page(
    client: TestClient, clock: Clock, link: str
) -> None:
    unknown = client.get("/invitations/not-a-real-link")
    assert (unknown.status_code, "is not valid" in unknown.text) == (404, True)
    clock.advance(7 * 86_400 + 1)
    expired = client.get(link)
    assert (expired.status_code, "has expired" in expired.text) == (404, True)


def test_a_form_without_its_token_is_refused(
    client: TestClient, svc: Services, editor: User, link: str
) -> None:
    response = client.post(link, data={"display_name": "Nina", "password": PASSWORD})
    assert response.status_code == 403
    assert NINA not in on_team(svc, editor)


def test_an_existing_account_is_asked_to_sign_in_then_accepts(
    client: TestClient, svc: Services, editor: User, link: str
) -> None:
    make_user(svc, NINA, name="Nina")
    page = client.get(link)
    assert "already has an account" in page.text
    assert 'href="/login?next=%2Finvitations%2F' in page.text
    assert "display_name" not in Page(page.text).values
    log_in(client, NINA)
    signed_in = client.get(link)
    assert "Accept and join" in signed_in.text
    response = submit(client, link, {})
    assert response.headers["location"] == "/desk"
    assert on_team(svc, editor)[NINA] is FeedRole.CONTRIBUTOR


def test_someone_else_signed_in_cannot_accept_for_the_invited_address(
    client: TestClient, svc: Services, editor: User, link: str
) -> None:
    make_user(svc, NINA, name="Nina")
    otto = make_user(svc, "otto@newsroom.test", name="Otto")
    log_in(client, otto.email)
    assert "you are signed in as otto@newsroom.test" in client.get(link).text
    response = submit(client, link, {})
    assert response.status_code == 403
    assert NINA not in on_team(svc, editor)


def test_an_admin_invitation_makes_an_admin(client: TestClient, svc: Services) -> None:
    ada = make_admin(svc)
    made = invitations.invite(svc, ada, NINA, admin=True)
    path = made.url.removeprefix("http://livefeed.test")
    assert "as an administrator of the site" in client.get(path).text
    accept(client, path, display_name="Nina", password=PASSWORD)
    assert client.get("/desk/users").status_code == 200
