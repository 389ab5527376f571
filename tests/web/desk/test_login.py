"""Where logging in leads: back to the page that asked, or else to the desk for those who work
there and to their account page for readers."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from livefeed.domain.users import Role, User
from livefeed.services import Services
from tests.factories import make_moderator, make_user
from tests.web.conftest import Page, log_in


def test_a_reader_who_logs_in_from_the_login_page_lands_on_their_account(
    client: TestClient, svc: Services, summit: None
) -> None:
    rita = make_user(svc, "rita@readers.test", name="Rita Reader")
    form = Page(client.get("/login").text)
    assert form.values["next"] == ""

    response = log_in(client, rita.email, next_url=form.values["next"])

    assert response.status_code == 303
    assert response.headers["location"] == "/account"


def test_a_reader_goes_back_to_the_page_they_came_from(
    client: TestClient, svc: Services, summit: None
) -> None:
    rita = make_user(svc, "rita@readers.test", name="Rita Reader")
    form = Page(client.get("/login", params={"next": "/feeds/summit/discussion"}).text)

    response = log_in(client, rita.email, next_url=form.values["next"])

    assert response.headers["location"] == "/feeds/summit/discussion"


@pytest.mark.parametrize("who", ["editor", "moderator", "admin"])
def test_those_who_work_on_the_desk_still_land_there(
    client: TestClient, svc: Services, editor: User, summit: None, who: str
) -> None:
    user = {
        "editor": editor,
        "moderator": make_moderator(svc, "summit"),
        "admin": make_user(svc, "ada@newsroom.test", Role.ADMIN, "Ada Admin"),
    }[who]

    response = log_in(client, user.email, next_url="")

    assert response.headers["location"] == "/desk"


def test_a_refused_login_keeps_no_page_to_go_back_to_and_still_leads_a_reader_home(
    client: TestClient, svc: Services, summit: None
) -> None:
    rita = make_user(svc, "rita@readers.test", name="Rita Reader")
    refused = log_in(client, rita.email, "not the password at all", next_url="")
    assert refused.status_code == 422
    assert Page(refused.text).values["next"] == ""

    response = log_in(client, rita.email, next_url=Page(refused.text).values["next"])

    assert response.headers["location"] == "/account"
