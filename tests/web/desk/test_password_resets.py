"""The password reset pages: the same answer for every address, forms with CSRF, the link's page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from livefeed.distribution import mail
from livefeed.services import Services
from livefeed.web.app import create_app
from tests.factories import make_user
from tests.mail_server import Mailbox, link_in
from tests.web.conftest import Page


@pytest.fixture
def mail_client(mail_svc: Services) -> Iterator[TestClient]:
    app: Starlette = create_app(mail_svc.settings, mail_svc)
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def ask(client: TestClient, email: str) -> object:
    form = Page(client.get("/password-reset").text)
    return client.post(
        "/password-reset", data={"csrf_token": form.values["csrf_token"], "email": email}
    )


def test_every_address_gets_the_same_answer(
    mail_client: TestClient, mail_svc: Services, mailbox: tuple[Mailbox, int]
) -> None:
    make_user(mail_svc, "rita@readers.test", name="Rita")
    known = mail_client.post("/password-reset", data={})  # no CSRF token: refused
    assert known.status_code == 403
    answers = [ask(mail_client, email) for email in ("rita@readers.test", "nobody@readers.test")]
    assert [(a.status_code, a.headers["location"]) for a in answers] == [  # type: ignore[attr-defined]
        (303, "/password-reset?sent=1")
    ] * 2
    send = mail.sender(mail_svc.settings)
    assert send is not None
    assert mail.deliver_due(mail_svc, mail_svc.clock(), send) == 1


def test_a_typo_in_the_address_keeps_what_was_typed(mail_client: TestClient) -> None:
    response = ask(mail_client, "rita at readers")
    assert response.status_code == 422  # type: ignore[attr-defined]
    page = Page(response.text)  # type: ignore[attr-defined]
    assert page.values["email"] == "rita at readers"


def test_the_link_page_sets_the_password_and_a_used_link_is_gone(
    mail_client: TestClient, mail_svc: Services, mailbox: tuple[Mailbox, int]
) -> None:
    make_user(mail_svc, "rita@readers.test", name="Rita")
    ask(mail_client, "rita@readers.test")
    send = mail.sender(mail_svc.settings)
    assert send is not None
    mail.deliver_due(mail_svc, mail_svc.clock(), send)
    path = link_in(mailbox[0].wait_for("rita@readers.test")).removeprefix("http://livefeed.test")
    form = Page(mail_client.get(path).text)
    done = mail_client.post(
        path, data={"csrf_token": form.values["csrf_token"], "password": "a fresh passphrase"}
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/login?reset=done"
    again = mail_client.get(path)
    assert again.status_code == 404
    assert "cannot be used" in again.text


def test_a_site_without_mail_says_so_on_the_form(client: TestClient) -> None:
    response = ask(client, "rita@readers.test")
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "sends no email" in response.text  # type: ignore[attr-defined]
