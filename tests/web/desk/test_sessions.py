"""Logging in and out: a new session each time, its cookie, failed logins and their throttle,
the login form's fields, and a login that never sends anyone off site."""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit

import pytest
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.security import SESSION_COOKIE
from tests.conftest import Clock
from tests.factories import PASSWORD, make_feed
from tests.web.conftest import Page, field_errors, log_in, submit
from tests.web.desk.desk_answers import location


def assert_on_site(target: str) -> None:
    """A redirect a browser would follow to this site, not to another."""
    parts = urlsplit(target)
    assert not parts.scheme, target
    assert not parts.netloc, target
    assert target.startswith("/"), target
    assert target[1:2] not in ("/", "\\"), target
    assert not re.search(r"[\x00-\x20\\]", target), target
    assert urlsplit(urljoin("http://testserver/login", target)).netloc == "testserver"


def test_logging_in_opens_a_new_session_each_time(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    first = log_in(client, editor.email)
    assert first.status_code == 303
    assert location(first) == "/desk"
    first_cookie = client.cookies[SESSION_COOKIE]

    second = log_in(client, editor.email)

    assert second.status_code == 303
    second_cookie = client.cookies[SESSION_COOKIE]
    assert second_cookie != first_cookie
    assert accounts.session_user(svc, first_cookie) is None, "the old session still works"
    assert client.get("/desk").status_code == 200


def test_the_session_cookie_is_http_only_and_same_site(client: TestClient, editor: User) -> None:
    response = log_in(client, editor.email)

    cookie = next(value for name, value in response.headers.multi_items() if name == "set-cookie")
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie


@pytest.mark.parametrize(
    ("email", "password"),
    [("nobody@newsroom.test", PASSWORD), ("anna@newsroom.test", "not the password at all")],
)
def test_an_unknown_address_and_a_wrong_password_get_the_same_answer(
    client: TestClient, editor: User, email: str, password: str
) -> None:
    response = log_in(client, email, password)

    assert response.status_code == 422
    assert SESSION_COOKIE not in client.cookies
    assert field_errors(response.text) == {"password": accounts.LOGIN_FAILED}
    page = Page(response.text)
    assert page.values["email"] == email
    assert page.values["password"] == ""


def test_failed_logins_are_throttled_then_allowed_again(
    client: TestClient, settings: Settings, editor: User, clock: Clock
) -> None:
    for _ in range(settings.login_attempts):
        assert log_in(client, editor.email, "a wrong password").status_code == 422

    refused = log_in(client, editor.email)  # even the right password waits

    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) > 0
    assert "too many failed logins" in refused.text.lower()
    assert SESSION_COOKIE not in client.cookies
    clock.advance(int(refused.headers["retry-after"]))
    assert log_in(client, editor.email).status_code == 303


def test_logging_out_ends_the_session(desk: TestClient, svc: Services) -> None:
    cookie = desk.cookies[SESSION_COOKIE]

    response = submit(desk, "/logout", {})

    assert response.status_code == 303
    assert location(response) == "/"
    assert accounts.session_user(svc, cookie) is None
    desk.cookies.set(SESSION_COOKIE, cookie)  # a copy of the cookie kept by someone
    assert desk.get("/desk").status_code == 303


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "http:\\/evil.example",
        "https://evil.example",
        "java\nscript:alert(1)",
        "javascript:alert(1)",
        "/\tevil.example",
        "/%2F%2Fevil.example",
        " //evil.example",
        "\\\\evil.example",
        "/desk\r\nLocation: https://evil.example",
        "https:evil.example",
    ],
)
def test_login_never_sends_anyone_off_site(client: TestClient, editor: User, target: str) -> None:
    page = Page(client.get(f"/login?next={quote(target)}").text)
    assert page.values["next"] == "", "the form passes on no address it refused"

    response = log_in(client, editor.email, next_url=target)

    assert response.status_code == 303
    assert_on_site(location(response))


def test_form_fields_carry_their_attributes_as_markup(client: TestClient) -> None:
    inputs = {attrs["name"]: attrs for attrs in Page(client.get("/login").text).tags("input")}

    assert inputs["email"]["autocomplete"] == "username"
    assert inputs["password"]["autocomplete"] == "current-password"
