"""``/desk/users`` and ``/desk/audit``: the administrators' pages."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from livefeed.access import audit, tokens
from livefeed.domain.users import Role, User
from livefeed.services import Services
from livefeed.store import accounts as account_store
from tests.conftest import Clock
from tests.factories import make_admin, make_contributor, make_feed, make_post, make_user
from tests.web.conftest import Page, bearer, field_errors, log_in, squeeze, submit


@pytest.fixture
def ada(svc: Services) -> User:
    return make_admin(svc)


@pytest.fixture
def admin_desk(client: TestClient, ada: User) -> TestClient:
    log_in(client, ada.email)
    return client


def test_the_users_page_lists_accounts_with_teams_and_state(
    admin_desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_contributor(svc, "summit")
    html = squeeze(admin_desk.get("/desk/users").text)
    assert '<td>carl@newsroom.test</td><td><span class="site-role">member' in html
    assert '<a href="/desk/feeds/summit/team">summit</a> (contributor)' in html
    assert "Ada Admin (you)" in html


def test_users_and_audit_are_refused_to_members(client: TestClient, editor: User) -> None:
    log_in(client, editor.email)
    assert client.get("/desk/users").status_code == 403
    assert client.get("/desk/audit").status_code == 403
    assert "/desk/users" not in client.get("/desk").text


def test_disabling_ends_the_session_and_the_token_at_once(
    admin_desk: TestClient, svc: Services, editor: User, app: object
) -> None:
    make_feed(svc, editor)
    anna = TestClient(admin_desk.app, follow_redirects=False)
    log_in(anna, editor.email)
    secret = tokens.create(svc, editor, editor.email).secret
    assert anna.get("/desk").status_code == 200
    response = submit(admin_desk, "/desk/users/disable", {"email": editor.email})
    assert (response.status_code, response.headers["location"]) == (303, "/desk/users")
    assert anna.get("/desk").status_code == 303
    refused = anna.post("/api/v1/feeds/summit/posts", json={"headline": "x"},
                        headers=bearer(secret))  # fmt: skip
    assert refused.status_code == 401
    assert "disabled" in admin_desk.get("/desk/users").text
    enabled = submit(admin_desk, "/desk/users/enable", {"email": editor.email})
    assert enabled.status_code == 303
    assert log_in(anna, editor.email).status_code == 303


def test_an_admin_cannot_disable_themselves_nor_demote_the_last_admin(
    admin_desk: TestClient, ada: User
) -> None:
    response = submit(admin_desk, "/desk/users/disable", {"email": ada.email})
    assert response.status_code == 409
    assert "you cannot disable your own account" in response.text
    demoted = submit(admin_desk, "/desk/users/role", {"email": ada.email, "role": "member"})
    assert demoted.status_code == 409
    assert "needs an enabled administrator" in demoted.text
    assert admin_desk.get("/desk/users").status_code == 200


def test_making_a_member_an_admin(admin_desk: TestClient, svc: Services) -> None:
    carl = make_user(svc, "carl@newsroom.test", name="Carl")
    response = submit(admin_desk, "/desk/users/role", {"email": carl.email, "role": "admin"})
    assert response.status_code == 303
    html = squeeze(admin_desk.get("/desk/users").text)
    assert '<td>carl@newsroom.test</td><td><span class="site-role">admin' in html
    assert svc_user_role(svc, carl.email) is Role.ADMIN


def test_a_members_forged_forms_change_nothing(
    client: TestClient, svc: Services, editor: User, ada: User
) -> None:
    log_in(client, editor.email)
    for path, data in [
        ("/desk/users/disable", {"email": ada.email}),
        ("/desk/users/role", {"email": editor.email, "role": "admin"}),
        ("/desk/users/invite", {"email": "x@newsroom.test", "admin": "on"}),
    ]:
        assert submit(client, path, data).status_code == 403
    assert audit.entries(svc, ada)[0].action == "login"


def test_an_admin_invites_an_admin_and_sees_the_link_once(
    admin_desk: TestClient, svc: Services
) -> None:
    response = submit(admin_desk, "/desk/users/invite", {"email": "nina@newsroom.test",
                                                         "feed": "", "admin": "on"})  # fmt: skip
    assert response.status_code == 201
    links = [i["value"] for i in Page(response.text).tags("input")
             if "one-time-link" in i.get("class", "")]  # fmt: skip
    assert links[0].startswith("http://livefeed.test/invitations/")


def test_inviting_someone_who_has_an_account_says_so_on_the_field(
    admin_desk: TestClient, editor: User
) -> None:
    response = submit(admin_desk, "/desk/users/invite", {"email": editor.email, "feed": ""})
    assert response.status_code == 409
    assert field_errors(response.text)["email"] == "anna@newsroom.test already has an account"


def svc_user_role(svc: Services, email: str) -> Role:
    with svc.db.read() as conn:
        found = account_store.get_with_hash(conn, email)
    assert found is not None
    return found[0].role


# The audit log -----------------------------------------------------------------------------------


def test_the_log_shows_the_newest_first_with_utc_times(
    admin_desk: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    clock.advance(90)
    make_post(svc, editor, headline="Talks resume")
    html = admin_desk.get("/desk/audit").text
    assert html.index("<td>post.published</td>") < html.index("<td>feed.created</td>")
    assert '<time datetime="2026-11-25T18:01:30Z"' in html
    assert "25 Nov 2026, 18:01:30" in html


def test_the_log_is_filtered_by_feed_and_action(
    admin_desk: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_feed(svc, editor, slug="election", title="Election night")
    make_post(svc, editor, slug="election")
    by_feed = admin_desk.get("/desk/audit?feed=election").text
    rows = re.findall(r"<td>(feed\.created|post\.published|login)</td>", by_feed)
    assert rows == ["post.published", "feed.created"]
    by_action = admin_desk.get("/desk/audit?action=login").text
    assert re.findall(r"<td>(feed\.created|post\.published|login)</td>", by_action) == ["login"]
    unknown = admin_desk.get("/desk/audit?feed=nowhere")
    assert unknown.status_code == 404
    assert "there is no feed called" in unknown.text


def test_the_log_pages_by_id(
    admin_desk: TestClient, svc: Services, ada: User, clock: Clock
) -> None:
    for number in range(audit.PAGE_SIZE + 5):
        with svc.db.write() as conn:
            audit.record(svc, conn, ada, "test.line", f"line {number}")
        clock.advance(1)
    first = admin_desk.get("/desk/audit?action=test.line").text
    assert first.count("<td>test.line</td>") == audit.PAGE_SIZE
    older = re.search(r'href="(/desk/audit\?[^"]*before=\d+)"', first)
    assert older is not None
    second = admin_desk.get(older.group(1).replace("&amp;", "&")).text
    assert second.count("<td>test.line</td>") == 5
    assert "line 0<" in second
    assert "Older entries" not in second
