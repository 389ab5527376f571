"""Verification in a real browser: an editor marks a post disputed, then confirmed, while a reader
has the feed open; and "Confirmed only" without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.factories import make_feed, make_post

pytestmark = pytest.mark.browser


def test_a_reader_sees_each_change_of_state_live_and_hears_it(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug, default_verification="unverified")
    post = make_post(svc, editor, slug, headline="Explosion at the port")
    make_post(svc, editor, slug, headline="Ferries running", verification="confirmed")

    reader = new_context().new_page()
    reader.goto(live_server.at(f"/feeds/{slug}"))
    expect(reader.locator(".live-status")).to_have_attribute("data-state", "live")
    label = reader.locator(f"#post-{post.id} .verification")
    expect(label.locator(".verification-label")).to_have_text("Unconfirmed")

    desk = new_context().new_page()
    log_in(desk, live_server)
    desk.goto(live_server.at(f"/feeds/{slug}"))
    tools = desk.locator(f"#post-{post.id} .verification-tools")
    tools.get_by_label("Verification").select_option("disputed")
    tools.get_by_placeholder("Sourcing note").fill("Port authority denies it")
    tools.get_by_role("button", name="Set").click()
    expect(desk).to_have_url(re.compile(rf"/feeds/{slug}#post-{post.id}$"))

    # In place on the reader's page, without a reload, and said in its live region.
    expect(label).to_have_attribute("data-verification", "disputed")
    expect(label.locator(".verification-label")).to_have_text("Disputed")
    expect(label).to_contain_text("Port authority denies it")
    announcer = reader.locator(".live-announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_text("Now disputed: Explosion at the port")

    tools = desk.locator(f"#post-{post.id} .verification-tools")
    tools.get_by_label("Verification").select_option("confirmed")
    tools.get_by_placeholder("Sourcing note").fill("Confirmed by the port authority")
    tools.get_by_role("button", name="Set").click()

    expect(label).to_have_attribute("data-verification", "confirmed")
    expect(label.locator(".verification-label")).to_have_count(0)
    expect(label).to_contain_text("Confirmed by the port authority")
    expect(announcer).to_have_text("Now confirmed: Explosion at the port")
    # The page was never reloaded: the reader's first view is still the one it loaded.
    assert reader.evaluate("performance.getEntriesByType('navigation').length") == 1


def test_confirmed_only_hides_the_others_without_javascript(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug, default_verification="unverified")
    make_post(svc, editor, slug, headline="Rumour of a deal")
    make_post(svc, editor, slug, headline="Deal signed", verification="confirmed")
    make_post(svc, editor, slug, headline="Walkout claimed", verification="disputed")

    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.at(f"/feeds/{slug}"))
    headlines = page.locator(".posts .post-headline")
    expect(headlines).to_have_text(["Walkout claimed", "Deal signed", "Rumour of a deal"])

    page.get_by_role("link", name="Confirmed only").click()
    expect(page).to_have_url(re.compile(rf"/feeds/{slug}\?only=confirmed$"))
    expect(headlines).to_have_text(["Deal signed"])
    expect(page.locator(".trust-links")).to_contain_text("Showing confirmed posts only.")

    page.get_by_role("link", name="Show all posts").click()
    expect(headlines).to_have_count(3)
