"""The media library in a real browser, on a phone with JavaScript turned off: it fits the
screen, and an unused upload is deleted after the page asks."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from livefeed.newsroom import media
from tests import media_files as files
from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.factories import make_feed, make_post

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_the_library_fits_a_phone_and_deletes_without_javascript(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    long_alt = "Delegates queue at the security gate of the conference centre " * 6
    data = files.png(1200, 500)
    used = media.upload(svc, editor, media.Incoming("gate.png", io.BytesIO(data), len(data)),
                        long_alt, slug)  # fmt: skip
    make_post(svc, editor, slug, headline="At the gate " * 12,
              **{"image.url": used.url, "image.alt": "The gate"})  # fmt: skip
    data = files.png(300, 200)
    unused = media.upload(svc, editor, media.Incoming("map.png", io.BytesIO(data), len(data)),
                          "A map of the route", slug)  # fmt: skip

    page = new_context(java_script_enabled=False, **PHONE).new_page()
    log_in(page, live_server)
    page.get_by_role("link", name="Media library").click()
    expect(page).to_have_url(live_server.at("/desk/media"))
    expect(page.get_by_role("heading", name="Media library")).to_be_visible()
    expect(page.locator(f"li:has(#upload-{used.media.id})")).to_contain_text("In use")

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 390, f"the library is {scroll_width}px wide on a 390px screen"
    right = page.evaluate(
        "Math.max(...[...document.querySelectorAll('main *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert right <= 390, f"the library reaches {right}px on a 390px screen"

    page.get_by_role("link", name="Delete “A map of the route”").tap()
    expect(page.get_by_role("heading", name="Delete this upload?")).to_be_visible()
    page.get_by_role("button", name="Delete upload").tap()

    expect(page).to_have_url(live_server.at("/desk/media?deleted=1"))
    expect(page.get_by_role("status")).to_have_text("The upload is deleted.")
    expect(page.locator(f"#upload-{unused.media.id}")).to_have_count(0)
    expect(page.locator(f"#upload-{used.media.id}")).to_have_count(1)
