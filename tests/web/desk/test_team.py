"""A feed's team: the desk page (/desk/feeds/{slug}/team) and /api/v1/feeds/{slug}/members."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.domain.access import FeedRole
from livefeed.domain.users import User
from livefeed.newsroom import team
from livefeed.services import Services
from tests.factories import make_admin, make_contributor, make_feed, make_moderator, make_user
from tests.web.conftest import XSS, Page, bearer, field_errors, log_in, squeeze, submit

TEAM = "/desk/feeds/summit/team"


@pytest.fixture
def summit(svc: Services, editor: User) -> str:
    make_feed(svc, editor)
    return "summit"


def roles(svc: Services, editor: User) -> dict[str, FeedRole]:
    return {m.email: m.role for m in team.list_members(svc, editor, "summit")}


# The desk page -----------------------------------------------------------------------------------


def test_the_team_page_lists_members_with_their_emails_and_roles(
    desk: TestClient, svc: Services, summit: str
) -> None:
    make_contributor(svc, summit)
    make_moderator(svc, summit)
    response = desk.get(TEAM)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    html = squeeze(response.text)
    for email in ("anna@newsroom.test", "carl@newsroom.test", "mo@newsroom.test"):
        assert f"<td>{email}</td>" in html
    page = Page(response.text)
    selected = [o for o in page.tags("option") if "selected" in o]
    assert [o["value"] for o in selected][:3] == ["editor", "contributor", "moderator"]


def test_the_desk_and_the_feed_page_link_to_the_team_for_its_editors(
    desk: TestClient, summit: str
) -> None:
    assert f'href="{TEAM}"' in desk.get("/desk").text
    assert f'href="{TEAM}"' in desk.get("/feeds/summit").text


def test_team_links_are_not_shown_to_a_contributor(
    client: TestClient, svc: Services, summit: str
) -> None:
    carl = make_contributor(svc, summit)
    log_in(client, carl.email)
    assert TEAM not in client.get("/desk").text
    assert TEAM not in client.get("/feeds/summit").text


def test_a_contributor_and_a_stranger_are_refused_the_team_page(
    client: TestClient, svc: Services, summit: str
) -> None:
    assert client.get(TEAM).headers["location"] == f"/login?next={quote(TEAM, safe='/')}"
    carl = make_contributor(svc, summit)
    log_in(client, carl.email)
    response = client.get(TEAM)
    assert response.status_code == 403
    assert "carl@newsroom.test" not in response.text
    assert "anna@newsroom.test" not in response.text


def test_an_admin_manages_any_feeds_team(client: TestClient, svc: Services, summit: str) -> None:
    ada = make_admin(svc)
    log_in(client, ada.email)
    assert client.get(TEAM).status_code == 200


def test_adding_someone_with_an_account_and_changing_their_role(
    desk: TestClient, svc: Services, editor: User, summit: str
) -> None:
    make_user(svc, "bea@newsroom.test", name="Bea")
    added = submit(desk, TEAM, {"which": "add", "email": "Bea@newsroom.test", "role": "moderator"})
    assert (added.status_code, added.headers["location"]) == (303, TEAM)
    assert roles(svc, editor)["bea@newsroom.test"] is FeedRole.MODERATOR
    changed = submit(desk, TEAM, {"which": "change", "email": "bea@newsroom.test",
                                  "role": "editor"})  # fmt: skip
    assert changed.status_code == 303
    assert roles(svc, editor)["bea@newsroom.test"] is FeedRole.EDITOR


def test_adding_an_unknown_address_says_to_invite_and_keeps_what_was_typed(
    desk: TestClient, svc: Services, editor: User, summit: str
) -> None:
    response = submit(desk, TEAM, {"which": "add", "email": "new@newsroom.test", "role": "editor"})
    assert response.status_code == 404
    assert field_errors(response.text)["email"] == (
        "there is no account for new@newsroom.test: invite them first"
    )
    [typed] = [i for i in Page(response.text).tags("input") if i.get("id") == "add-email"]
    assert typed["value"] == "new@newsroom.test"
    assert set(roles(svc, editor)) == {editor.email}


def test_a_bad_role_is_named(desk: TestClient, svc: Services, editor: User, summit: str) -> None:
    make_user(svc, "bea@newsroom.test", name="Bea")
    response = submit(desk, TEAM, {"which": "add", "email": "bea@newsroom.test", "role": "owner"})
    assert response.status_code == 422
    assert "must be editor, contributor or moderator" in response.text
    assert set(roles(svc, editor)) == {editor.email}


def test_the_last_editor_cannot_step_down(
    desk: TestClient, svc: Services, editor: User, summit: str
) -> None:
    response = submit(desk, TEAM, {"which": "change", "email": editor.email,
                                   "role": "contributor"})  # fmt: skip
    assert response.status_code == 409
    assert "needs at least one editor" in response.text
    removed = submit(desk, f"{TEAM}/remove", {"email": editor.email})
    assert removed.status_code == 409
    assert roles(svc, editor) == {editor.email: FeedRole.EDITOR}


def test_removing_a_member(desk: TestClient, svc: Services, editor: User, summit: str) -> None:
    carl = make_contributor(svc, summit)
    response = submit(desk, f"{TEAM}/remove", {"email": carl.email})
    assert (response.status_code, response.headers["location"]) == (303, TEAM)
    assert carl.email not in roles(svc, editor)


def test_an_editor_who_steps_down_goes_back_to_the_desk(
    desk: TestClient, svc: Services, editor: User, summit: str
) -> None:
    bea = make_user(svc, "bea@newsroom.test", name="Bea")
    team.set_member(svc, editor, summit, bea.email, "editor")
    response = submit(desk, f"{TEAM}/remove", {"email": editor.email})
    assert response.headers["location"] == "/desk"


def test_a_contributors_forged_form_changes_nothing(
    client: TestClient, svc: Services, editor: User, summit: str
) -> None:
    carl = make_contributor(svc, summit)
    log_in(client, carl.email)
    promoted = submit(client, TEAM, {"which": "change", "email": carl.email, "role": "editor"})
    removed = submit(client, f"{TEAM}/remove", {"email": editor.email})
    invited = submit(client, f"{TEAM}/invite", {"email": "x@newsroom.test", "role": "editor"})
    assert [promoted.status_code, removed.status_code, invited.status_code] == [403, 403, 403]
    assert roles(svc, editor) == {editor.email: FeedRole.EDITOR, carl.email: FeedRole.CONTRIBUTOR}


def test_a_form_without_its_token_is_refused(
    desk: TestClient, svc: Services, editor: User, summit: str
) -> None:
    make_user(svc, "bea@newsroom.test", name="Bea")
    response = desk.post(TEAM, data={"email": "bea@newsroom.test", "role": "editor"})
    assert response.status_code == 403
    assert "bea@newsroom.test" not in roles(svc, editor)


def test_inviting_shows_the_link_once_and_lists_it_as_pending(
    desk: TestClient, svc: Services, summit: str
) -> None:
    response = submit(desk, f"{TEAM}/invite", {"email": "nina@newsroom.test", "role": "moderator"})
    assert response.status_code == 201
    links = [i["value"] for i in Page(response.text).tags("input") if "one-time-link" in
             i.get("class", "")]  # fmt: skip
    assert len(links) == 1
    assert links[0].startswith("http://livefeed.test/invitations/")
    again = desk.get(TEAM)
    assert links[0] not in again.text
    assert '<th scope="row">nina@newsroom.test</th><td>moderator</td>' in squeeze(again.text)


def test_inviting_an_address_already_on_the_team_is_refused_on_the_form(
    desk: TestClient, svc: Services, summit: str
) -> None:
    carl = make_contributor(svc, summit)
    response = submit(desk, f"{TEAM}/invite", {"email": carl.email, "role": "editor"})
    assert response.status_code == 409
    assert "is already on the team" in field_errors(response.text)["email"]
    assert "one-time-link" not in response.text


@pytest.mark.parametrize("name", XSS[:4])
def test_names_are_escaped_on_the_team_page(
    desk: TestClient, svc: Services, editor: User, summit: str, name: str
) -> None:
    user = make_user(svc, "bea@newsroom.test", name=name)
    team.set_member(svc, editor, summit, user.email, "contributor")
    html = desk.get(TEAM).text
    assert name not in html


# The API -----------------------------------------------------------------------------------------

MEMBERS = "/api/v1/feeds/summit/members"


def test_the_api_lists_the_team_to_its_editors(
    client: TestClient, svc: Services, token: str, summit: str
) -> None:
    make_contributor(svc, summit)
    response = client.get(MEMBERS, headers=bearer(token))
    assert response.status_code == 200
    assert response.json() == {
        "members": [
            {"email": "anna@newsroom.test", "display_name": "Anna Editor", "role": "editor",
             "added_at": "2026-11-25T18:00:00Z"},
            {"email": "carl@newsroom.test", "display_name": "Carl Contributor",
             "role": "contributor", "added_at": "2026-11-25T18:00:00Z"},
        ]
    }  # fmt: skip


def test_the_api_refuses_the_team_to_others(client: TestClient, svc: Services, summit: str) -> None:
    carl = make_contributor(svc, summit)
    assert client.get(MEMBERS).status_code == 401
    response = client.get(MEMBERS, headers=bearer(accounts.create_token(svc, carl.email)))
    assert response.status_code == 403
    assert "anna@newsroom.test" not in response.text


def test_put_and_delete_a_member(
    client: TestClient, svc: Services, token: str, editor: User, summit: str
) -> None:
    make_user(svc, "bea@newsroom.test", name="Bea")
    put = client.put(f"{MEMBERS}/bea@newsroom.test", json={"role": "contributor"},
                     headers=bearer(token))  # fmt: skip
    assert put.status_code == 200
    assert put.json()["role"] == "contributor"
    changed = client.put(f"{MEMBERS}/bea%40newsroom.test", json={"role": "moderator"},
                         headers=bearer(token))  # fmt: skip
    assert changed.json()["role"] == "moderator"
    gone = client.delete(f"{MEMBERS}/bea@newsroom.test", headers=bearer(token))
    assert gone.status_code == 204
    assert "bea@newsroom.test" not in roles(svc, editor)
    again = client.delete(f"{MEMBERS}/bea@newsroom.test", headers=bearer(token))
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [({"role": "owner"}, "role"), ({}, "role"), ({"role": "editor", "x": 1}, "x"), ([], "body")],
)
def test_a_bad_body_is_a_problem_naming_the_field(
    client: TestClient, svc: Services, token: str, summit: str, body: object, field: str
) -> None:
    make_user(svc, "bea@newsroom.test", name="Bea")
    response = client.put(f"{MEMBERS}/bea@newsroom.test", json=body, headers=bearer(token))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == field


def test_the_last_editor_is_kept_through_the_api(
    client: TestClient, token: str, editor: User, summit: str
) -> None:
    response = client.put(f"{MEMBERS}/{editor.email}", json={"role": "moderator"},
                          headers=bearer(token))  # fmt: skip
    assert response.status_code == 409
    assert response.json()["field"] == "role"
