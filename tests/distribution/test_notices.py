"""Notices by email to the people who asked: contributions waiting for editors, reported
comments for moderators; sent through the outbox to a real SMTP server."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from livefeed.discussion import comments as discussion
from livefeed.distribution import mail, notices
from livefeed.domain.posts import PostState
from livefeed.newsroom import workflow
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from tests.factories import (
    make_contributor,
    make_editor,
    make_feed,
    make_moderator,
    make_user,
)
from tests.mail_server import Mailbox, body_of
from tests.web.conftest import log_in, submit

ADDRESS = "198.51.100.7"


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def send_all(svc: Services) -> None:
    send = mail.sender(svc.settings)
    assert send is not None
    mail.deliver_due(svc, svc.clock(), send)


def test_an_editor_who_asked_is_told_of_a_contribution(
    mail_svc: Services, mailbox: tuple[Mailbox, int]
) -> None:
    anna = make_editor(mail_svc)
    make_feed(mail_svc, anna)
    otto = make_user(mail_svc, "otto@newsroom.test", name="Otto")  # on no team
    carl = make_contributor(mail_svc)
    notices.set_preferences(mail_svc, anna, contributions=True, reports=False)
    notices.set_preferences(mail_svc, otto, contributions=True, reports=True)
    workflow.start_post(
        mail_svc, carl, "summit", {"headline": "From the floor"}, state=PostState.SUBMITTED
    )
    send_all(mail_svc)
    got = mailbox[0].wait_for(anna.email)
    assert got["Subject"] == "A contribution waits: From the floor"
    assert "http://livefeed.test/desk/feeds/summit/contributions" in body_of(got)
    assert [m["To"] for m in mailbox[0].messages] == [anna.email]


def test_nobody_is_told_who_did_not_ask(mail_svc: Services, mailbox: tuple[Mailbox, int]) -> None:
    anna = make_editor(mail_svc)
    make_feed(mail_svc, anna)
    carl = make_contributor(mail_svc)
    workflow.start_post(
        mail_svc, carl, "summit", {"headline": "From the floor"}, state=PostState.SUBMITTED
    )
    send_all(mail_svc)
    assert mailbox[0].messages == []


def test_a_moderator_who_asked_is_told_once_of_a_reported_comment(
    mail_svc: Services, mailbox: tuple[Mailbox, int]
) -> None:
    anna = make_editor(mail_svc)
    make_feed(mail_svc, anna, moderation="post")
    mo = make_moderator(mail_svc)
    notices.set_preferences(mail_svc, mo, contributions=False, reports=True)
    rita = make_user(mail_svc, "rita@readers.test", name="Rita")
    said = discussion.post_comment(
        mail_svc, rita, "summit", {"body": "Secret words", "accept_standards": True},
        address=ADDRESS,
    )  # fmt: skip
    for number in range(2):
        reader = make_user(mail_svc, f"reader{number}@readers.test", name=f"R{number}")
        discussion.report_comment(mail_svc, reader, said.id, {"reason": "spam"}, address=ADDRESS)
    send_all(mail_svc)
    assert [m["To"] for m in mailbox[0].messages] == [mo.email]
    got = mailbox[0].messages[0]
    assert f"comment {said.id}" in body_of(got)
    assert "Secret words" not in body_of(got)  # the reader's words stay on the site


def test_the_account_page_keeps_the_choices(svc: Services, settings: Settings) -> None:
    anna = make_editor(svc)
    make_feed(svc, anna)
    with TestClient(create_app(settings, svc), follow_redirects=False) as client:
        log_in(client, anna.email)
        page = client.get("/account").text
        assert "Email me when a contribution waits" in page
        assert "This site sends no email yet" in page
        saved = submit(client, "/account/notifications", {"notify_contributions": "on"})
        assert saved.headers["location"] == "/account?saved=email"
    assert notices.preferences(svc, anna) == notices.Preferences(contributions=True, reports=False)
    rita = make_user(svc, "rita@readers.test", name="Rita")
    with TestClient(create_app(settings, svc), follow_redirects=False) as client:
        log_in(client, rita.email)
        assert "Email me when" not in client.get("/account").text  # a reader has no desk
