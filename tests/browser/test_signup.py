"""In Chromium: a reader signs up from a feed's page, is brought back to it signed in, and
comments under the community standards; the comment shows to them as awaiting review."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from livefeed.discussion import reader_accounts
from livefeed.store import accounts as account_store
from tests.browser.conftest import LiveServer, NewContext
from tests.factories import make_feed, make_post


def test_a_reader_signs_up_from_a_feed_and_comments(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, slug = live_server.svc, live_server.slug
    rita = live_server.email("rita@readers.test")
    make_feed(svc, live_server.editor, slug=slug)
    make_post(svc, live_server.editor, slug, headline="Talks resume")
    page = new_context().new_page()
    page.goto(live_server.at(f"/feeds/{slug}"))
    site_nav = page.get_by_role("navigation", name="Site")

    site_nav.get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(live_server.at(f"/signup?next=/feeds/{slug}"))
    page.get_by_label("Display name").fill("Rita <b>Reader</b>")
    page.get_by_label("Email address").fill(rita)
    page.get_by_label("Password").fill("a long passphrase")
    page.get_by_role("button", name="Sign up").click()

    # The box was left unticked: the form says so beside it, and keeps what was typed.
    box = page.get_by_role("checkbox", name=re.compile("accept the community standards"))
    expect(page.locator("#f-accept_standards-error")).to_have_text(
        "accept the community standards to make an account"
    )
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Display name")).to_have_value("Rita <b>Reader</b>")
    expect(page.get_by_label("Password")).to_have_value("")
    box.check()
    page.get_by_label("Password").fill("a long passphrase")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(live_server.at(f"/feeds/{slug}"))
    expect(page.get_by_role("heading", name="Summit in Geneva: live")).to_be_visible()
    expect(site_nav).to_contain_text("Rita <b>Reader</b>")
    expect(site_nav.get_by_role("link", name="Your account")).to_be_visible()
    expect(site_nav.get_by_role("button", name=re.compile("Log out"))).to_be_visible()
    expect(site_nav.get_by_role("link", name="Desk")).to_have_count(0)
    with svc.db.read() as conn:
        found = account_store.get_with_hash(conn, rita)
    assert found is not None
    assert reader_accounts.has_accepted_standards(svc, found[0])

    discussion = page.locator("#discussion")
    expect(discussion.get_by_role("link", name="community standards")).to_have_attribute(
        "href", f"/feeds/{slug}/community-standards"
    )
    discussion.get_by_role("link", name="Join the discussion").click()
    form = page.locator("#comment-form")
    expect(form.get_by_role("checkbox")).to_have_count(0)  # accepted when signing up
    form.get_by_label("Your comment").fill("Is the vote still <i>today</i>?")
    form.get_by_role("button", name="Post comment").click()

    mine = page.locator(".comment", has_text="Is the vote still <i>today</i>?")
    expect(mine).to_be_visible()
    expect(mine).to_contain_text("Awaiting review")
    expect(mine).to_contain_text("Rita <b>Reader</b>")
