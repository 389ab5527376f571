"""``/desk/tokens`` and what the API says to a token it refuses."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from livefeed.access import tokens
from livefeed.domain.users import User
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_contributor, make_feed
from tests.web.conftest import Page, bearer, field_errors, log_in, squeeze, submit

WRITE = "/api/v1/feeds/summit/posts"


@pytest.fixture
def summit(svc: Services, editor: User) -> str:
    make_feed(svc, editor)
    make_feed(svc, editor, slug="election", title="Election night")
    return "summit"


def secret_on(html: str) -> str:
    [found] = [
        i["value"] for i in Page(html).tags("input") if "one-time-link" in i.get("class", "")
    ]
    return found


def test_the_page_makes_a_scoped_token_and_shows_it_once(
    desk: TestClient, svc: Services, editor: User, summit: str, clock: Clock
) -> None:
    page = desk.get("/desk/tokens")
    assert page.status_code == 200
    assert "You have no tokens yet" in page.text
    response = submit(desk, "/desk/tokens", {"name": "Importer", "feeds": "summit",
                                            "role": "contributor", "expires": "30d"})  # fmt: skip
    assert response.status_code == 201
    assert response.headers["cache-control"] == "private, no-store"
    secret = secret_on(response.text)
    user = tokens.authenticate(svc, secret)
    assert user.scope is not None
    listed = squeeze(desk.get("/desk/tokens").text)
    assert secret not in listed
    assert "<td>summit; as contributor</td>" in listed
    assert "25 Dec 2026, 18:00 UTC" in listed


def test_bad_choices_are_named_and_kept(desk: TestClient, summit: str) -> None:
    response = submit(desk, "/desk/tokens", {"name": "Importer", "expires": "forever",
                                            "role": "owner"})  # fmt: skip
    assert response.status_code == 422
    errors = field_errors(response.text)
    assert set(errors) == {"role", "expires"}
    assert Page(response.text).values["name"] == "Importer"
    assert "one-time-link" not in response.text


def test_only_the_feeds_of_ones_teams_are_offered(
    client: TestClient, svc: Services, summit: str
) -> None:
    carl = make_contributor(svc, summit)
    log_in(client, carl.email)
    offered = [i["value"] for i in Page(client.get("/desk/tokens").text).tags("input")
               if i.get("name") == "feeds"]  # fmt: skip
    assert offered == ["summit"]


def test_revoking_stops_the_token_at_once_with_a_clear_401(
    desk: TestClient, client: TestClient, svc: Services, editor: User, summit: str
) -> None:
    made = tokens.create(svc, editor, editor.email, name="Importer")
    assert (
        desk.post(WRITE, json={"headline": "One"}, headers=bearer(made.secret)).status_code == 201
    )
    response = submit(desk, f"/desk/tokens/{made.token.id}/revoke", {})
    assert (response.status_code, response.headers["location"]) == (303, "/desk/tokens")
    refused = desk.post(WRITE, json={"headline": "Two"}, headers=bearer(made.secret))
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"] == "this token was revoked: make a new one"
    assert "revoked" in desk.get("/desk/tokens").text


def test_someone_elses_token_cannot_be_revoked_from_the_page(
    client: TestClient, svc: Services, editor: User, summit: str
) -> None:
    made = tokens.create(svc, editor, editor.email)
    carl = make_contributor(svc, summit)
    log_in(client, carl.email)
    assert submit(client, f"/desk/tokens/{made.token.id}/revoke", {}).status_code == 404
    assert tokens.user_of(svc, made.secret) is not None


def test_an_expired_token_is_told_so(
    client: TestClient, svc: Services, editor: User, summit: str, clock: Clock
) -> None:
    made = tokens.create(svc, editor, editor.email, expires="1h")
    clock.advance(3600)
    refused = client.post(WRITE, json={"headline": "Late"}, headers=bearer(made.secret))
    assert refused.status_code == 401
    assert refused.json()["detail"] == "this token has expired: make a new one"
    assert refused.headers["www-authenticate"] == 'Bearer realm="livefeed"'


def test_a_random_string_is_only_unknown(client: TestClient, summit: str) -> None:
    refused = client.post(WRITE, json={"headline": "x"}, headers=bearer("lf_" + "a" * 43))
    assert refused.status_code == 401
    assert refused.json()["detail"].startswith("that API token is unknown")


def test_a_token_scoped_to_another_feed_or_below_editor_is_refused(
    client: TestClient, svc: Services, editor: User, summit: str
) -> None:
    elsewhere = tokens.create(svc, editor, editor.email, feeds=["election"]).secret
    lesser = tokens.create(svc, editor, editor.email, role="contributor").secret
    for secret in (elsewhere, lesser):
        response = client.post(WRITE, json={"headline": "x"}, headers=bearer(secret))
        assert response.status_code == 403
    assert client.get("/api/v1/feeds/summit/posts").json()["posts"] == []


def test_signed_out_the_page_sends_to_log_in(client: TestClient) -> None:
    assert client.get("/desk/tokens").headers["location"] == "/login?next=/desk/tokens"
