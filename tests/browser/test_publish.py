"""The acceptance test of the desk: an editor publishes a rich post, a reader sees it.

Everything goes through the real server and a real browser: login, the feed form, the compose
form with its preview, and the reader's page in a context of its own, without the editor's
cookies.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.factories import make_feed, make_post

pytestmark = pytest.mark.browser

ZONE = "America/New_York"
HEADLINE = "Evacuation ordered for the barrier islands"


def field(scope: Page | Locator, label: str) -> Locator:
    return scope.get_by_label(label, exact=True)


def create_feed(page: Page, server: LiveServer, slug: str) -> None:
    page.goto(server.at("/desk"))
    page.get_by_role("link", name="New feed").click()
    expect(page).to_have_url(server.at("/desk/feeds/new"))
    field(page, "Title (required)").fill("Storm over the Atlantic coast")
    field(page, "Address (required)").fill(slug)
    field(page, "Lead").fill("The storm makes landfall **tonight**; follow it here.")
    field(page, "Time zone").fill(ZONE)
    page.get_by_role("button", name="Create feed").click()
    expect(page).to_have_url(server.at(f"/feeds/{slug}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Storm over the Atlantic coast")


def fill_post(compose: Locator) -> None:
    field(compose, "Headline (optional when there is text)").fill(HEADLINE)
    field(compose, "Text").fill(
        "The governor ordered **everyone** off the islands by noon.\n\n"
        "- Shelters open\n- Roads close"
    )
    field(compose, "Quoted words").fill("Do not wait for the water to tell you to leave.")
    field(compose, "Who said it").fill("Governor Ruth Alvarez")
    field(compose, "Image address").fill("https://picsum.photos/seed/storm/1200/800")
    field(compose, "Description for screen readers (alt text)").fill("Cars queue on a causeway")
    field(compose, "Caption").fill("Traffic on the causeway at dawn.")
    field(compose, "Credit").fill("Sam Reyes")
    field(compose, "Article address").fill("https://example.org/storm-explainer")
    field(compose, "Article title").fill("How barrier islands are evacuated")
    field(compose, "Summary").fill("Bridges, buses and the last ferry.")


def test_an_editor_publishes_and_a_reader_sees_it(
    live_server: LiveServer, new_context: NewContext
) -> None:
    slug = f"{live_server.slug}-storm"
    # Anna edits a feed already, so the desk lets her open the next one.
    make_feed(live_server.svc, live_server.editor, slug=live_server.slug)
    desk = new_context().new_page()
    log_in(desk, live_server)
    create_feed(desk, live_server, slug)

    reader = new_context().new_page()
    reader.goto(live_server.at(f"/feeds/{slug}"))
    expect(reader.get_by_text("No updates yet.")).to_be_visible()

    compose = desk.get_by_role("region", name="New post")
    fill_post(compose)
    compose.get_by_role("button", name="Preview").click()
    preview = desk.get_by_role("region", name="Preview")
    expect(preview.locator(".preview-headline")).to_have_text(HEADLINE)
    expect(preview.locator("strong")).to_have_text("everyone")
    expect(preview.locator("li")).to_have_text(["Shelters open", "Roads close"])
    # The preview re-renders the form; what was typed is all still there.
    expect(field(compose, "Caption")).to_have_value("Traffic on the causeway at dawn.")
    expect(field(compose, "Summary")).to_have_value("Bridges, buses and the last ferry.")

    compose.get_by_role("button", name="Publish").click()
    expect(desk).to_have_url(re.compile(rf"/feeds/{slug}#post-\d+$"))
    expect(desk.get_by_role("heading", name=HEADLINE)).to_be_visible()

    reader.reload()
    post = reader.locator("article.post", has=reader.get_by_role("heading", name=HEADLINE))
    expect(post).to_be_visible()
    expect(post.locator(".post-body strong")).to_have_text("everyone")

    quote = post.locator("figure.post-quote")
    expect(quote.locator("blockquote")).to_have_text(
        "Do not wait for the water to tell you to leave."
    )
    expect(quote.locator("figcaption")).to_have_text("Governor Ruth Alvarez")

    figure = post.locator("figure.post-figure")
    expect(figure.locator("img")).to_have_attribute("alt", "Cars queue on a causeway")
    expect(figure.locator("figcaption")).to_contain_text("Traffic on the causeway at dawn.")
    expect(figure.locator("figcaption")).to_contain_text("Sam Reyes")

    card = post.locator("aside.read-more")
    expect(card.get_by_role("link")).to_have_attribute(
        "href", "https://example.org/storm-explainer"
    )
    expect(card).to_contain_text("How barrier islands are evacuated")
    expect(card).to_contain_text("Bridges, buses and the last ferry.")

    stamp = post.locator(".post-time time")
    published = datetime.fromisoformat(stamp.get_attribute("datetime") or "")
    assert published.tzinfo is not None
    assert abs(datetime.now(UTC) - published) < timedelta(minutes=10)
    here = published.astimezone(ZoneInfo(ZONE))
    expect(stamp).to_have_text(f"{here:%H:%M} {here:%Z}")
    assert here.strftime("%Z") in ("EST", "EDT")

    # A reader gets no desk: no compose form, no edit links.
    expect(reader.get_by_role("region", name="New post")).to_have_count(0)
    expect(post.get_by_role("link", name=re.compile("^Edit"))).to_have_count(0)


def test_a_form_error_keeps_what_was_typed(
    live_server: LiveServer, new_context: NewContext
) -> None:
    slug = live_server.slug
    make_feed(live_server.svc, live_server.editor, slug=slug, timezone=ZONE)
    page = new_context().new_page()
    log_in(page, live_server)
    page.goto(live_server.at(f"/feeds/{slug}"))

    compose = page.get_by_role("region", name="New post")
    fill_post(compose)
    # An invisible direction control could make the headline read otherwise than it is stored.
    field(compose, "Headline (optional when there is text)").fill("Storm \u202ewarning")
    compose.get_by_role("button", name="Publish").click()

    expect(page.get_by_role("alert")).to_contain_text("Please correct the 1 field")
    headline = field(compose, "Headline (optional when there is text)")
    expect(headline).to_have_attribute("aria-invalid", "true")
    expect(headline).to_have_attribute("aria-describedby", re.compile(r"\bf-headline-error\b"))
    headline_field = compose.locator(".field", has=page.locator("#f-headline"))
    expect(headline_field.locator(".field-error")).to_be_visible()
    expect(headline_field.locator(".field-error")).not_to_be_empty()
    expect(compose.locator(".field-error")).to_have_count(1)

    expect(field(compose, "Text")).to_have_value(
        "The governor ordered **everyone** off the islands by noon.\n\n"
        "- Shelters open\n- Roads close"
    )
    expect(field(compose, "Who said it")).to_have_value("Governor Ruth Alvarez")
    expect(field(compose, "Article address")).to_have_value("https://example.org/storm-explainer")
    expect(page.locator("article.post")).to_have_count(0)


@pytest.mark.parametrize("as_editor", [False, True], ids=["reader", "editor"])
def test_the_feed_fits_a_phone(
    live_server: LiveServer, new_context: NewContext, as_editor: bool
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug, timezone=ZONE, tags="politics, world, climate")
    make_post(
        svc,
        editor,
        slug,
        headline="Negotiators trade drafts past midnight as the deadline slips again",
        body=(
            "The text is at https://example.org/documents/summit/drafts/2026-11-25/"
            "final-final-v3-with-annotations-from-every-delegation.pdf and runs to 40 pages."
        ),
        key_event=True,
        tags="negotiations, drafts",
        **{
            "quote.text": "We are closer than we have ever been, and further than we would like.",
            "quote.attribution": "A senior negotiator",
            "image.url": "https://picsum.photos/seed/summit/1600/900",
            "image.alt": "Delegates around a table",
            "image.caption": "Delegates in the plenary hall.",
            "image.credit": "Lee Park",
            "read_more.url": "https://example.org/explainer",
            "read_more.title": "Explainer: what is on the table in the final text",
            "read_more.summary": "Finance, deadlines and who pays.",
            "read_more.image_url": "https://picsum.photos/seed/card/400/300",
        },
    )
    make_post(svc, editor, slug, headline="Talks resume", body="Delegates are back.", pinned=True)

    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    if as_editor:
        log_in(page, live_server)
    page.goto(live_server.at(f"/feeds/{slug}"))
    expect(page.locator("article.post")).to_have_count(2)
    if as_editor:
        expect(page.get_by_role("region", name="New post")).to_be_visible()

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the page is {scroll_width}px wide on a 360px screen"
