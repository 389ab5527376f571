"""An editor invites a contributor from the feed's team page; the link works in a real browser.

The invitation link is only ever shown on the page (there is no mail server), so the test reads
it there, as the editor would copy it, and opens it in a context of its own.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.factories import PASSWORD, make_feed

pytestmark = pytest.mark.browser


def test_an_invited_contributor_joins_and_finds_the_feed_on_their_desk(
    live_server: LiveServer, new_context: NewContext
) -> None:
    feed = make_feed(live_server.svc, live_server.editor, slug=live_server.slug)
    nina = live_server.email("nina@newsroom.test")
    desk = new_context().new_page()
    log_in(desk, live_server)
    desk.goto(live_server.at(f"/feeds/{feed.slug}"))
    desk.get_by_role("group", name="Feed tools").get_by_role("link", name="Team").click()
    expect(desk).to_have_url(live_server.at(f"/desk/feeds/{feed.slug}/team"))

    invite = desk.get_by_role("region", name="Invite someone new")
    invite.get_by_label("Email address").fill(nina)
    invite.get_by_label("Role").select_option("contributor")
    invite.get_by_role("button", name="Make an invitation link").click()
    link = desk.get_by_label("Invitation link").input_value()
    assert link.startswith(live_server.at("/invitations/"))

    newcomer = new_context().new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(
        f"Join the team of “{feed.title}”"
    )
    newcomer.get_by_label("Your name").fill("Nina Newcomer")
    newcomer.get_by_label("Choose a password").fill(PASSWORD)
    newcomer.get_by_role("button", name="Create my account").click()
    expect(newcomer).to_have_url(live_server.at("/desk"))
    expect(newcomer.get_by_text("Signed in as Nina Newcomer (member).")).to_be_visible()
    expect(newcomer.get_by_role("link", name=feed.title, exact=True)).to_be_visible()

    desk.goto(live_server.at(f"/desk/feeds/{feed.slug}/team"))
    expect(desk.get_by_role("cell", name=nina)).to_be_visible()
    again = new_context().new_page()
    again.goto(link)
    expect(again.get_by_role("heading", level=1)).to_have_text("This invitation cannot be used")
