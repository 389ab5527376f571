"""The new-feed form in a real Chromium: the address follows the title until the editor types
one, and the time zone is chosen from the form's list."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.factories import make_feed

pytestmark = pytest.mark.browser


def new_feed_form(new_context: NewContext, server: LiveServer) -> Page:
    # Anna edits a feed already, so the desk lets her open the next one.
    make_feed(server.svc, server.editor, slug=server.slug)
    page = new_context().new_page()
    log_in(page, server)
    page.goto(server.at("/desk/feeds/new"))
    return page


def test_the_address_follows_the_title_until_the_editor_types_one(
    live_server: LiveServer, new_context: NewContext
) -> None:
    page = new_feed_form(new_context, live_server)
    title = page.get_by_label("Title (required)", exact=True)
    address = page.get_by_label("Address (required)", exact=True)

    title.press_sequentially("Élection : la nuit des résultats")
    expect(address).to_have_value("election-la-nuit-des-resultats")

    address.fill("election-night")
    title.fill("Élection : la nuit des résultats 2026")
    expect(address).to_have_value("election-night")

    address.fill("")
    title.fill("Élection : la nuit des résultats 2026!")
    expect(address).to_have_value("election-la-nuit-des-resultats-2026")


def test_a_feed_made_with_the_suggested_address_and_a_listed_zone(
    live_server: LiveServer, new_context: NewContext
) -> None:
    page = new_feed_form(new_context, live_server)
    title = f"Storm {live_server.slug}"
    suggested = f"storm-{live_server.slug}"
    options = page.locator("#time-zones option")
    expect(options.first).to_have_attribute("value", "UTC")
    assert "Asia/Tokyo" in options.evaluate_all("all => all.map(o => o.value)")

    page.get_by_label("Title (required)", exact=True).fill(title)
    page.get_by_label("Time zone", exact=True).fill("Asia/Tokyo")
    page.get_by_role("button", name="Create feed").click()

    expect(page).to_have_url(live_server.at(f"/feeds/{suggested}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
