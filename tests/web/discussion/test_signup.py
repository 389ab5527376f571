"""Signing up at /signup, and logging in and out as a reader: where each one lands afterwards."""

from __future__ import annotations

import re

import httpx2 as httpx
import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.store.schema import users
from livefeed.web.security import SESSION_COOKIE
from tests.conftest import Clock
from tests.factories import PASSWORD, make_editor, make_feed, make_post, make_user
from tests.web.conftest import (
    XSS,
    Page,
    csrf,
    field_errors,
    log_in,
    submit,
    without_our_script,
)
from tests.web.test_redirects import CORPUS, KEPT, assert_on_site

FORM = {
    "display_name": "Rita Reader",
    "email": "rita@readers.test",
    "password": PASSWORD,
    "accept_standards": "on",
}


def sign_up(client: TestClient, next_url: str | None = None, **changes: str) -> httpx.Response:
    data = {**FORM, **changes}
    if next_url is not None:
        data["next"] = next_url
    return submit(client, "/signup", {k: v for k, v in data.items() if v is not None})


def accounts_made(svc: Services) -> int:
    with svc.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def header_of(html: str) -> str:
    found = re.search(r'<header class="site-header">(.*?)</header>', html, re.S)
    assert found, "the page has no site header"
    return found.group(1)


@pytest.fixture
def summit(svc: Services) -> User:
    """A live feed with a post, and its editor."""
    editor = make_editor(svc)
    make_feed(svc, editor)
    make_post(svc, editor)
    return editor


# The form


def test_the_form_asks_for_a_name_an_address_a_password_and_the_standards(
    client: TestClient,
) -> None:
    response = client.get("/signup", params={"next": "/feeds/summit"})

    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    page = Page(response.text)
    inputs = {attrs.get("name"): attrs for attrs in page.tags("input")}
    assert {"display_name", "email", "password", "accept_standards", "csrf_token", "next"} <= set(
        inputs
    )
    assert inputs["password"]["type"] == "password"
    assert inputs["accept_standards"]["type"] == "checkbox"
    assert page.values["next"] == "/feeds/summit"
    assert {"href": "/community-standards", "target": "_blank", "rel": "noopener"} in page.tags("a")


def test_signing_up_signs_in_and_goes_back_where_the_reader_came_from(
    client: TestClient, svc: Services, summit: User
) -> None:
    response = sign_up(client, next_url="/feeds/summit")

    assert response.status_code == 303
    assert response.headers["location"] == "/feeds/summit"
    assert SESSION_COOKIE in client.cookies
    header = header_of(client.get("/feeds/summit").text)
    assert "Rita Reader" in header
    assert '<a href="/account">Your account</a>' in header
    assert "Log out" in header
    assert 'href="/desk"' not in header, "a reader is offered no desk"
    assert accounts_made(svc) == 2


def test_without_a_next_address_sign_up_ends_on_the_front_page(client: TestClient) -> None:
    assert sign_up(client).headers["location"] == "/"


def test_a_signed_in_reader_is_not_shown_the_form_again(client: TestClient) -> None:
    sign_up(client)
    response = client.get("/signup", params={"next": "/feeds/summit"})
    assert response.status_code == 303
    assert response.headers["location"] == "/feeds/summit"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"display_name": ""}, "display_name", "is required"),
        ({"display_name": "Rita\x07Reader"}, "display_name", "control characters"),
        ({"display_name": "Rita\u202eredaeR"}, "display_name", "invisible formatting"),
        ({"display_name": "R" * 51}, "display_name", "at most 50"),
        ({"email": "rita.readers.test"}, "email", "must be an email address"),
        ({"password": "short"}, "password", "at least 10 characters"),
        ({"accept_standards": None}, "accept_standards", "accept the community standards"),
    ],
)
def test_each_refusal_names_its_field_keeps_what_was_typed_and_stores_nothing(
    client: TestClient,
    svc: Services,
    changes: dict[str, str | None],
    field: str,
    message: str,
) -> None:
    response = sign_up(client, next_url="/feeds/summit", **changes)  # type: ignore[arg-type]

    assert response.status_code == 422
    errors = field_errors(response.text)
    assert set(errors) == {field}
    assert message in errors[field]
    page = Page(response.text)
    typed = {**FORM, **changes}
    if field != "display_name" or "\x07" not in str(typed["display_name"]):
        assert page.values["display_name"] == typed["display_name"]
    assert page.values["email"] == typed["email"]
    assert page.values["password"] == "", "a password is never sent back"
    assert PASSWORD not in response.text
    assert page.values["next"] == "/feeds/summit"
    assert ("accept_standards" in page.checked) == (
        changes.get("accept_standards", "on") is not None
    )
    assert accounts_made(svc) == 0
    assert SESSION_COOKIE not in client.cookies


def test_an_address_already_registered_is_told_to_log_in(client: TestClient, svc: Services) -> None:
    make_user(svc, "rita@readers.test", name="Rita")

    response = sign_up(client, next_url="/feeds/summit", email="Rita@Readers.test")

    assert response.status_code == 409
    assert (
        "there is already an account for this address: log in instead"
        in field_errors(response.text)["email"]
    )
    assert {"href": "/login?next=/feeds/summit"} in Page(response.text).tags("a")
    assert accounts_made(svc) == 1


def test_a_sign_up_without_its_form_token_is_refused(client: TestClient, svc: Services) -> None:
    csrf(client)
    assert client.post("/signup", data=FORM).status_code == 403
    assert client.post("/signup", data={**FORM, "csrf_token": "forged"}).status_code == 403
    assert accounts_made(svc) == 0


@pytest.mark.parametrize("payload", XSS)
def test_a_name_made_of_markup_is_shown_as_text_everywhere(
    client: TestClient, svc: Services, summit: User, payload: str
) -> None:
    refused = sign_up(client, display_name=payload, password="short")
    assert refused.status_code == 422
    assert Page(refused.text).values["display_name"] == payload

    response = sign_up(client, display_name=payload)
    assert response.status_code == 303, response.text

    for path in ("/", "/feeds/summit", "/account", "/community-standards", "/desk"):
        html = client.get(path).text
        assert "<script" not in without_our_script(html).lower(), path
        if "<" in payload:
            assert payload not in html, f"{path} wrote the name unescaped"
    assert Page(client.get("/account").text).values["display_name"] == payload


# Rate limits


def test_sign_ups_from_one_address_are_limited(
    client: TestClient, svc: Services, clock: Clock
) -> None:
    for number in range(5):
        client.cookies.clear()
        assert sign_up(client, email=f"reader{number}@readers.test").status_code == 303
    clock.advance(60)
    client.cookies.clear()

    refused = sign_up(client, email="sixth@readers.test")

    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "3540"
    assert "try again in 59 minutes" in refused.text
    assert refused.headers["content-type"].startswith("text/html")
    assert accounts_made(svc) == 5
    assert SESSION_COOKIE not in client.cookies
    clock.advance(3540)
    assert sign_up(client, email="sixth@readers.test").status_code == 303


def test_a_form_with_mistakes_is_not_counted(client: TestClient, svc: Services) -> None:
    for _ in range(8):
        assert sign_up(client, email="not an address").status_code == 422
    assert sign_up(client).status_code == 303


# Where logging in and out leads a reader


def test_a_readers_header_links_to_log_in_and_sign_up_and_come_back(
    client: TestClient, summit: User
) -> None:
    header = header_of(client.get("/feeds/summit").text)

    assert '<a href="/login?next=/feeds/summit">Log in</a>' in header
    assert '<a href="/signup?next=/feeds/summit">Sign up</a>' in header


def test_a_reader_who_logs_in_from_a_feed_lands_back_on_it(
    client: TestClient, svc: Services, summit: User
) -> None:
    make_user(svc, "rita@readers.test", name="Rita")
    login_page = Page(client.get("/login", params={"next": "/feeds/summit"}).text)
    assert {"href": "/signup?next=/feeds/summit"} in login_page.tags("a")

    response = log_in(client, "rita@readers.test", next_url=login_page.values["next"])

    assert response.status_code == 303
    assert response.headers["location"] == "/feeds/summit"


def test_a_reader_who_logs_out_stays_on_the_page(client: TestClient, summit: User) -> None:
    sign_up(client)
    page = Page(client.get("/feeds/summit/posts/1").text)
    assert page.values["next"] == "/feeds/summit/posts/1"

    response = submit(client, "/logout", {"next": page.values["next"]})

    assert response.status_code == 303
    assert response.headers["location"] == "/feeds/summit/posts/1"
    assert SESSION_COOKIE not in client.cookies
    assert "Log in" in header_of(client.get("/feeds/summit").text)


def test_logging_out_from_ones_account_page_goes_to_the_front_page(client: TestClient) -> None:
    sign_up(client)
    assert Page(client.get("/account").text).values["next"] == "/"


def test_the_desk_tells_a_reader_politely_that_it_is_not_for_them(client: TestClient) -> None:
    sign_up(client)

    response = client.get("/desk")

    assert response.status_code == 200
    assert "you are not on the team of any feed" in response.text
    assert {"href": "/account"} in Page(response.text).tags("a")


def test_the_header_offers_the_desk_to_its_team(client: TestClient, summit: User) -> None:
    log_in(client, summit.email)
    header = header_of(client.get("/feeds/summit").text)
    assert '<a href="/desk">Desk</a>' in header
    assert "Anna Editor" in header


# No next= leads off the site


def test_no_next_sent_with_a_sign_up_leads_off_the_site(client: TestClient, clock: Clock) -> None:
    for number, target in enumerate(CORPUS):
        client.cookies.clear()
        clock.advance(3600)  # past the limit on sign-ups from one address
        response = sign_up(client, next_url=target, email=f"r{number}@readers.test")
        assert response.status_code == 303, (target, response.text)
        assert_on_site(response.headers["location"], target)
        assert response.headers["location"] == "/", target


def test_no_next_given_to_the_sign_up_page_is_printed_into_its_form(client: TestClient) -> None:
    for target in CORPUS:
        kept = Page(client.get("/signup", params={"next": target}).text).values["next"]
        assert kept == "/", (target, kept)
    for target in KEPT:
        assert Page(client.get("/signup", params={"next": target}).text).values["next"] == target


def test_no_next_sent_with_a_log_out_leads_off_the_site(client: TestClient) -> None:
    sign_up(client)
    for target in CORPUS:
        response = submit(client, "/logout", {"next": target})
        assert response.status_code == 303
        assert_on_site(response.headers["location"], target)
        assert response.headers["location"] == "/", target
