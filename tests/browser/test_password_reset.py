"""In Chromium: a reader who forgot their password asks for a link, opens it from the mail the
site sent to a real SMTP server, sets a new password and logs in with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from livefeed.access import accounts
from tests.browser.conftest import LiveServer, NewContext, serving
from tests.factories import PASSWORD, make_user
from tests.mail_server import Mailbox, link_in, smtp_server


@pytest.fixture
def mailing_server(database_url: str, tmp_path: Path) -> Iterator[tuple[LiveServer, Mailbox]]:
    with smtp_server() as (box, port):
        extra = {"LIVEFEED_SMTP_URL": f"smtp://127.0.0.1:{port}"}
        with serving(database_url, tmp_path, extra) as server:
            rita = make_user(server.svc, "rita@readers.test", name="Rita Reader")
            yield LiveServer(server, rita, "summit", owns_server=True), box


def test_a_forgotten_password_is_reset_from_the_emailed_link(
    mailing_server: tuple[LiveServer, Mailbox], new_context: NewContext
) -> None:
    server, box = mailing_server
    # A session left open somewhere else, which the reset must end.
    elsewhere = accounts.open_session(server.svc, server.editor)
    page = new_context().new_page()
    page.goto(server.at("/login"))
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email address").fill("rita@readers.test")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If an account uses that address")

    link = link_in(box.wait_for("rita@readers.test"))
    assert link.startswith(server.at("/password-reset/"))
    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    page.get_by_role("textbox", name="New password").fill("short")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.locator("#f-password-error")).to_contain_text("at least 10 characters")
    page.get_by_role("textbox", name="New password").fill("a fresh passphrase")
    page.get_by_role("button", name="Set the new password").click()

    expect(page.get_by_role("status")).to_contain_text("Your password is changed")
    page.get_by_label("Email address").fill("rita@readers.test")
    page.get_by_label("Password").fill("a fresh passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(server.at("/account"))
    assert accounts.session_user(server.svc, elsewhere.token) is None

    # The link was for once: opened again, it says so.
    page.goto(link)
    expect(page.get_by_role("heading", name="This reset link cannot be used")).to_be_visible()
    # And the old password opens nothing.
    other = new_context().new_page()
    other.goto(server.at("/login"))
    other.get_by_label("Email address").fill("rita@readers.test")
    other.get_by_label("Password").fill(PASSWORD)
    other.get_by_role("button", name="Log in").click()
    expect(other.locator("#f-password-error")).to_be_visible()
