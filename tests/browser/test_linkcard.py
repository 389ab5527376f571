"""The compose form's "Fill from the article" button, in Chromium against the real server.

The server here cannot reach the Internet, so the article is one of our own posts (read from
the database, no request) and the refusal is an address inside the network (refused before
any connection).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from livefeed.outside.fetch_policy import INSIDE
from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.factories import make_feed, make_post

pytestmark = pytest.mark.browser


def field(scope: Page | Locator, label: str) -> Locator:
    return scope.get_by_label(label, exact=True)


def test_an_editor_fills_the_card_edits_it_and_publishes(
    live_server: LiveServer, new_context: NewContext
) -> None:
    slug = live_server.slug
    make_feed(live_server.svc, live_server.editor, slug=slug)
    earlier = make_post(
        live_server.svc,
        live_server.editor,
        slug,
        headline="Talks resume",
        body="Delegates are **back** in the hall.",
        **{"image.url": "https://img.example.org/hall.jpg", "image.alt": "The hall"},
    )
    page = new_context().new_page()
    log_in(page, live_server)
    page.goto(live_server.at(f"/feeds/{slug}"))
    compose = page.get_by_role("region", name="New post")

    field(compose, "Article address").fill(live_server.at(f"/feeds/{slug}/posts/{earlier.id}"))
    compose.get_by_role("button", name="Fill from the article").click()

    expect(compose.locator("[data-linkcard-status]")).to_contain_text("Filled from the article")
    expect(field(compose, "Article title")).to_have_value("Talks resume")
    expect(field(compose, "Summary")).to_have_value("Delegates are back in the hall.")
    expect(field(compose, "Article image address")).to_have_value(
        "https://img.example.org/hall.jpg"
    )
    field(compose, "Article title").fill("Earlier: talks resume")
    field(compose, "Headline (optional when there is text)").fill("A deal by morning?")
    compose.get_by_role("button", name="Publish").click()

    expect(page).to_have_url(re.compile(rf"/feeds/{slug}#post-\d+$"))
    card = page.locator("article.post", has=page.get_by_role("heading", name="A deal by morning?"))
    expect(card.locator("aside.read-more")).to_contain_text("Earlier: talks resume")


def test_a_refused_address_is_explained_and_the_card_left_alone(
    live_server: LiveServer, new_context: NewContext
) -> None:
    slug = live_server.slug
    make_feed(live_server.svc, live_server.editor, slug=slug)
    page = new_context().new_page()
    log_in(page, live_server)
    page.goto(live_server.at(f"/feeds/{slug}"))
    compose = page.get_by_role("region", name="New post")

    field(compose, "Article address").fill("http://169.254.169.254/latest/meta-data/")
    field(compose, "Article title").fill("Typed by hand")
    compose.get_by_role("button", name="Fill from the article").click()

    expect(compose.locator("[data-linkcard-status]")).to_contain_text(INSIDE)
    expect(field(compose, "Article title")).to_have_value("Typed by hand")
    expect(compose.get_by_role("button", name="Fill from the article")).to_be_enabled()
