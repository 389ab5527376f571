"""A short URL in Chromium: shown as text, and "Copy" puts it on the clipboard where there is
one, or selects it in a field where not; "Share" on a post."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from livefeed.distribution import reading, short_urls
from tests.browser.conftest import LiveServer, NewContext
from tests.factories import make_feed, make_post

pytestmark = pytest.mark.browser

CLIPBOARD = ["clipboard-read", "clipboard-write"]
# What a browser without the asynchronous clipboard API looks like to a page.
NO_CLIPBOARD = "delete Navigator.prototype.clipboard;"


def open_feed(page: Page, server: LiveServer) -> None:
    page.goto(server.at(f"/feeds/{server.slug}"))
    expect(page.locator(".live-status")).to_have_attribute("data-state", "live")


def box_of(page: Page, short_url: str) -> Locator:
    return page.locator(f'.short-url[data-short-url="{short_url}"]')


def test_the_button_copies_the_feeds_short_url(
    live_server: LiveServer, new_context: NewContext
) -> None:
    slug = live_server.slug
    feed = make_feed(live_server.svc, live_server.editor, slug=slug)
    short_url = live_server.svc.urls.short(feed.short_code)
    context = new_context()
    context.grant_permissions(CLIPBOARD, origin=live_server.url)
    page = context.new_page()
    open_feed(page, live_server)

    page.get_by_role("button", name="Copy the short URL of this feed").click()

    box = box_of(page, short_url)
    expect(box.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == short_url
    expect(box.get_by_role("textbox")).to_have_count(0)
    # And the address copied leads back to the feed, counted.
    page.goto(short_url)
    expect(page).to_have_url(live_server.at(f"/feeds/{slug}"))
    clicks = short_urls.feed_clicks(live_server.svc, live_server.editor, slug).clicks
    assert [count for _, count in clicks] == [1]


def test_a_post_that_arrives_live_has_a_working_button_too(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    context = new_context()
    context.grant_permissions(CLIPBOARD, origin=live_server.url)
    page = context.new_page()
    open_feed(page, live_server)

    post = make_post(svc, editor, slug, headline="Ceasefire announced")
    arrived = page.locator(f"#post-{post.id}")
    expect(arrived).to_be_visible()
    arrived.get_by_role("button", name="Copy the short URL").click()

    expect(arrived.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == svc.urls.short(post.short_code)


def test_without_a_clipboard_the_address_is_shown_selected(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    post = make_post(svc, editor, slug, headline="Talks resume")
    short_url = svc.urls.short(post.short_code)
    context = new_context()
    context.add_init_script(NO_CLIPBOARD)
    page = context.new_page()
    page.goto(live_server.at(f"/feeds/{slug}/posts/{post.id}"))
    assert page.evaluate("navigator.clipboard === undefined")

    page.get_by_role("button", name="Copy the short URL").click()

    field = box_of(page, short_url).get_by_role("textbox")
    expect(field).to_be_visible()
    expect(field).to_have_value(short_url)
    expect(field).to_be_focused()
    selected = page.evaluate(
        "(() => { const f = document.activeElement;"
        " return f.value.substring(f.selectionStart, f.selectionEnd); })()"
    )
    assert selected == short_url
    expect(box_of(page, short_url).get_by_role("status")).to_have_text("Copy the selected address")


def test_a_refused_clipboard_falls_back_to_the_field(
    live_server: LiveServer, new_context: NewContext
) -> None:
    feed = make_feed(live_server.svc, live_server.editor, slug=live_server.slug)
    short_url = live_server.svc.urls.short(feed.short_code)
    page = new_context().new_page()  # no permission granted: writing is refused
    page.add_init_script(
        "navigator.clipboard.writeText = () => Promise.reject(new Error('denied'));"
    )
    open_feed(page, live_server)

    page.get_by_role("button", name="Copy the short URL of this feed").click()

    field = box_of(page, short_url).get_by_role("textbox")
    expect(field).to_be_visible()
    expect(field).to_have_value(short_url)
    expect(field).to_be_focused()


def test_without_javascript_there_is_no_button_that_does_nothing(
    live_server: LiveServer, new_context: NewContext
) -> None:
    slug = live_server.slug
    make_feed(live_server.svc, live_server.editor, slug=slug)
    page = new_context(java_script_enabled=False).new_page()
    page.goto(live_server.at(f"/feeds/{slug}"))

    # The address is there to read out or select; the button that needs a script is not.
    feed = live_server.svc.urls.short(reading.get_feed(live_server.svc, slug).short_code)
    expect(page.locator(".short-url").get_by_role("link", name=feed)).to_be_visible()
    expect(page.get_by_role("button", name="Copy the short URL")).to_be_hidden()
