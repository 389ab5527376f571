"""A reader's open page follows the feed without a reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from livefeed.domain.feeds import FeedStatus
from livefeed.newsroom import publishing
from tests.browser.conftest import LiveServer, NewContext
from tests.factories import make_feed, make_post

pytestmark = [pytest.mark.browser, pytest.mark.long]


def open_reader(new_context: NewContext, server: LiveServer) -> Page:
    page = new_context().new_page()
    page.goto(server.at(f"/feeds/{server.slug}"))
    expect(page.locator(".live-status")).to_have_attribute("data-state", "live")
    return page


def test_a_new_post_appears_at_the_top_and_edits_and_deletes_follow(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    make_post(svc, editor, slug, headline="Delegates arrive")
    page = open_reader(new_context, live_server)

    post = make_post(
        svc, editor, slug, headline="Ceasefire announced", body="Both sides **agree**."
    )
    arrived = page.locator(f"#post-{post.id}")
    expect(arrived).to_be_visible()
    expect(arrived.locator("strong")).to_have_text("agree")
    expect(page.locator(".posts > li").first.locator(".post-headline")).to_have_text(
        "Ceasefire announced"
    )
    expect(page.locator(".live-announcer")).to_have_text("New post: Ceasefire announced")

    publishing.edit_post(
        svc, editor, slug, post.id, post.as_fields() | {"headline": "Ceasefire holds"},
        seen_version=post.version,
    )  # fmt: skip
    expect(arrived.locator(".post-headline")).to_have_text("Ceasefire holds")

    publishing.delete_post(svc, editor, slug, post.id)
    expect(page.locator(f"#post-{post.id}")).to_have_count(0)
    expect(page.locator(".post")).to_have_count(1)


def test_a_reader_scrolled_into_the_feed_gets_a_banner_instead(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    for number in range(12):
        make_post(svc, editor, slug, headline=f"Update {number}", body="Text. " * 80)
    page = open_reader(new_context, live_server)
    page.locator(".post").last.scroll_into_view_if_needed()

    first = make_post(svc, editor, slug, headline="Breaking one")
    second = make_post(svc, editor, slug, headline="Breaking two")
    banner = page.locator(".new-posts")
    expect(banner).to_have_text("2 new posts")
    expect(page.locator(f"#post-{first.id}")).to_have_count(0)

    banner.click()
    expect(banner).to_be_hidden()
    headlines = page.locator(".posts > li .post-headline")
    expect(headlines.nth(0)).to_have_text("Breaking two")
    expect(headlines.nth(1)).to_have_text("Breaking one")
    expect(page.locator(f"#post-{second.id}")).to_be_visible()


def test_the_key_events_box_and_the_pinned_post_follow(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    first = make_post(svc, editor, slug, headline="Opening statements", pinned=True)
    make_post(svc, editor, slug, headline="Coffee break")
    page = open_reader(new_context, live_server)
    box = page.locator("nav.key-events")
    expect(box).to_be_hidden()

    key = make_post(svc, editor, slug, headline="Deal reached", key_event=True, pinned=True)
    expect(box).to_be_visible()
    expect(box.locator(".key-events-top li")).to_have_count(1)
    expect(box.locator(".key-events-top .key-event-headline")).to_have_text("Deal reached")
    expect(page.locator(".posts > li").first.locator(".post")).to_have_id(f"post-{key.id}")
    expect(page.locator(f"#post-{first.id}")).not_to_have_class(re.compile(r"\bis-pinned\b"))
    expect(page.locator(".posts > li").last.locator(".post")).to_have_id(f"post-{first.id}")

    publishing.edit_post(
        svc, editor, slug, key.id, key.as_fields() | {"key_event": False},
        seen_version=key.version,
    )  # fmt: skip
    expect(box).to_be_hidden()


def test_without_event_streams_the_page_polls(
    live_server: LiveServer, new_context: NewContext
) -> None:
    """A browser or network where EventSource does not work still gets every update."""
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    context = new_context()
    context.add_init_script("delete window.EventSource;")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(live_server.at(f"/feeds/{slug}"))

    post = make_post(svc, editor, slug, headline="Heard by polling")
    expect(page.locator(f"#post-{post.id}")).to_be_visible(timeout=25_000)
    assert not any("/events" in url for url in requests)
    assert any("/updates?since=" in url for url in requests)


def test_a_change_of_title_and_the_end_of_the_feed_reach_the_page(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    feed = make_feed(svc, editor, slug=slug)
    page = open_reader(new_context, live_server)

    publishing.update_feed(svc, editor, slug, feed.as_input() | {"title": "Summit: day two"})
    expect(page.locator("#feed-title")).to_have_text("Summit: day two")

    publishing.set_feed_status(svc, editor, slug, FeedStatus.ENDED)
    expect(page.locator(".live-status")).to_have_attribute("data-state", "ended")
    expect(page.locator(".badge").first).to_have_text("Ended")


def test_posts_published_while_the_server_was_down_arrive_once(
    own_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = own_server.svc, own_server.editor, own_server.slug
    make_feed(svc, editor, slug=slug)
    before = make_post(svc, editor, slug, headline="Before the outage")
    page = open_reader(new_context, own_server)

    own_server.stop()
    expect(page.locator(".live-status")).not_to_have_attribute("data-state", "live")
    missed = [make_post(svc, editor, slug, headline=f"Missed {n}") for n in range(3)]
    own_server.start()

    for post in missed:
        expect(page.locator(f"#post-{post.id}")).to_have_count(1, timeout=20_000)
    expect(page.locator(".post")).to_have_count(4)
    headlines = page.locator(".posts > li .post-headline")
    expect(headlines).to_have_text(["Missed 2", "Missed 1", "Missed 0", before.headline])


def test_a_hidden_tab_counts_unread_posts_in_its_title(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    page = open_reader(new_context, live_server)
    title = page.title()
    page.evaluate(
        "Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'));"
    )
    make_post(svc, editor, slug, headline="First while away")
    make_post(svc, editor, slug, headline="Second while away")
    expect(page).to_have_title(f"(2) {title}")

    page.evaluate(
        "Object.defineProperty(document, 'hidden', {value: false, configurable: true});"
        "document.dispatchEvent(new Event('visibilitychange'));"
    )
    expect(page).to_have_title(title)
