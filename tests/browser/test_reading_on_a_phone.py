"""A reader on a 390 px phone following a long story: the banner, pausing, "Last updated",
the views, catching up, older posts inline, the key events box, Share, Follow, dark mode and
what axe-core finds in light and dark."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx2 as httpx
import pytest
from playwright.sync_api import Page, expect

from livefeed.domain.times import iso_utc
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.browser.axe import blocking_violations
from tests.browser.conftest import LiveServer, NewContext
from tests.factories import make_feed, make_post

pytestmark = pytest.mark.browser

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


def open_feed(page: Page, server: LiveServer, query: str = "") -> None:
    page.goto(server.at(f"/feeds/{server.slug}{query}"))
    expect(page.locator(".live-status")).to_have_attribute("data-state", "live")


def served(server: LiveServer, text: str) -> None:
    """Wait until the server's page and its polling answer both hold ``text``: posts made here,
    outside the server's process, reach it when its broker hears of them, as the CLI's do."""
    deadline = time.monotonic() + 10
    for path in (f"/feeds/{server.slug}", f"/feeds/{server.slug}/updates?since=0"):
        while text not in httpx.get(server.at(path), timeout=5).text:
            assert time.monotonic() < deadline, f"the server never showed {text!r} at {path}"
            time.sleep(0.1)


def feed_fields(slug: str, **changes: str) -> dict[str, str]:
    return {
        "slug": slug, "title": "Summit in Geneva: live", "lead": "", "notes": "", "tags": "",
        "timezone": "Europe/London", "audio_stream_url": "",
    } | changes  # fmt: skip


def long_feed(svc: Services, editor: User, slug: str, posts: int = 12) -> None:
    make_feed(svc, editor, slug=slug)
    for number in range(posts):
        make_post(svc, editor, slug, headline=f"Update {number}", body="Text. " * 60)


def test_tapping_the_banner_brings_the_first_new_post_into_view_and_focus(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    long_feed(svc, editor, slug)
    page = new_context(**PHONE).new_page()
    open_feed(page, live_server)
    page.locator(".post").last.scroll_into_view_if_needed()

    make_post(svc, editor, slug, headline="Breaking one")
    newest = make_post(svc, editor, slug, headline="Breaking two")
    banner = page.locator(".new-posts")
    expect(banner).to_have_text("2 new posts")
    banner.tap()

    arrived = page.locator(f"#post-{newest.id}")
    expect(arrived).to_be_focused()
    expect(arrived).to_be_in_viewport()
    expect(arrived).to_have_class(re.compile(r"\bis-new\b"))
    expect(banner).to_be_hidden()


def test_with_reduced_motion_the_banner_still_brings_the_post_into_view(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    long_feed(svc, editor, slug)
    page = new_context(**PHONE, reduced_motion="reduce").new_page()
    open_feed(page, live_server)
    page.locator(".post").last.scroll_into_view_if_needed()
    newest = make_post(svc, editor, slug, headline="Breaking")
    page.locator(".new-posts").tap()
    expect(page.locator(f"#post-{newest.id}")).to_be_focused()
    expect(page.locator(f"#post-{newest.id}")).to_be_in_viewport()


def test_paused_updates_wait_in_the_banner_and_the_choice_is_kept(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    page = new_context(**PHONE).new_page()
    open_feed(page, live_server)
    page.get_by_role("button", name="Pause live updates").tap()

    waiting = make_post(svc, editor, slug, headline="Waits its turn")
    expect(page.locator(".new-posts")).to_have_text("1 new post")
    expect(page.locator(f"#post-{waiting.id}")).to_have_count(0)

    page.reload()
    expect(page.locator(".live-status")).to_have_attribute("data-state", "live")
    resume = page.get_by_role("button", name="Resume live updates")
    expect(resume).to_have_attribute("aria-pressed", "true")
    later = make_post(svc, editor, slug, headline="Also waits")
    expect(page.locator(".new-posts")).to_have_text("1 new post")
    resume.tap()
    expect(page.locator(f"#post-{later.id}")).to_be_visible()
    expect(page.get_by_role("button", name="Pause live updates")).to_be_visible()


def test_last_updated_moves_live_on_news_and_not_on_a_settings_edit(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    page = new_context().new_page()
    open_feed(page, live_server)
    stamp = page.locator(".last-updated time")

    post = make_post(svc, editor, slug, headline="News")
    expect(stamp).to_have_attribute("datetime", iso_utc(post.updated_at))
    shown = stamp.text_content()
    assert shown is not None
    assert re.fullmatch(r"\d\d:\d\d \w+, \d+ \w+ \d{4}", shown)

    publishing.update_feed(
        svc, editor, slug,
        feed_fields(slug, title="Renamed", audio_stream_url="https://radio.example.org/live"),
    )  # fmt: skip
    expect(page.locator("#feed-title")).to_have_text("Renamed")
    expect(stamp).to_have_attribute("datetime", iso_utc(post.updated_at))
    expect(stamp).to_have_text(shown)


def test_oldest_first_takes_new_posts_at_the_bottom(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    first = make_post(svc, editor, slug, headline="First")
    page = new_context(**PHONE).new_page()
    open_feed(page, live_server, "?order=oldest")
    # A reader at the end of the list, where new posts arrive in this order: in they go.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")

    latest = make_post(svc, editor, slug, headline="Latest")
    posts = page.locator(".posts > li > .post")
    expect(posts).to_have_count(2)
    expect(posts.first).to_have_id(f"post-{first.id}")
    expect(posts.last).to_have_id(f"post-{latest.id}")


def test_oldest_first_keeps_its_banner_at_the_bottom(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    long_feed(svc, editor, slug)
    page = new_context(**PHONE).new_page()
    open_feed(page, live_server, "?order=oldest")
    latest = make_post(svc, editor, slug, headline="Latest")
    banner = page.locator(".new-posts")
    expect(banner).to_have_text("1 new post")
    expect(page.locator(".posts + .new-posts")).to_have_count(1)
    banner.tap()
    expect(page.locator(".posts > li > .post").last).to_have_id(f"post-{latest.id}")
    expect(page.locator(f"#post-{latest.id}")).to_be_focused()


def test_key_events_only_takes_key_events_only(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    make_post(svc, editor, slug, headline="Opening", key_event=True)
    page = new_context().new_page()
    open_feed(page, live_server, "?view=key-events")

    plain = make_post(svc, editor, slug, headline="Plain")
    key = make_post(svc, editor, slug, headline="Deal reached", key_event=True)
    posts = page.locator(".posts > li > .post")
    expect(posts.first).to_have_id(f"post-{key.id}")
    expect(posts).to_have_count(2)
    expect(page.locator(f"#post-{plain.id}")).to_have_count(0)
    publishing.edit_post(
        svc, editor, slug, plain.id, plain.as_fields() | {"key_event": True},
        seen_version=plain.version,
    )  # fmt: skip
    expect(posts).to_have_count(3)


def test_catch_me_up_after_a_break(live_server: LiveServer, new_context: NewContext) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    make_post(svc, editor, slug, headline="Seen before")
    context = new_context(**PHONE)
    page = context.new_page()
    open_feed(page, live_server)
    expect(page.locator(".catch-up")).to_be_hidden()
    # Gone for good before the posts: a closed page's script may still take an event or two
    # (and remember it as seen); one navigated away from has stopped once the next one shows.
    page.goto("about:blank")
    page.close()

    made = [make_post(svc, editor, slug, headline=f"Missed {n}") for n in range(2)]
    key = make_post(svc, editor, slug, headline="The key one", key_event=True)
    made += [key] + [make_post(svc, editor, slug, headline=f"Missed {n}") for n in (3, 4)]
    served(live_server, "Missed 4")

    page = context.new_page()
    # A break lasts longer than the five seconds the browser may keep the feed's page.
    context.new_cdp_session(page).send("Network.clearBrowserCache")
    open_feed(page, live_server)
    summary = page.locator(".catch-up")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text(
        re.compile(r"^5 updates since you were here at \d\d:\d\d — 1 key event$")
    )
    expect(summary.locator("li").first).to_have_text("The key one")
    summary.get_by_role("link", name="Show all 5 updates from where you left off").tap()
    expect(page.locator(f"#post-{made[0].id}")).to_be_focused()


def test_older_posts_load_inline_and_the_page_stays_live(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    oldest = make_post(svc, editor, slug, headline="The very start", key_event=True)
    for number in range(24):
        make_post(svc, editor, slug, headline=f"Update {number}")
    page = new_context(**PHONE).new_page()
    open_feed(page, live_server)
    url = page.url

    page.get_by_role("link", name="Show older posts").tap()
    expect(page.locator(".posts > li > .post")).to_have_count(25)
    assert page.url == url
    expect(page.get_by_role("link", name="Show older posts")).to_have_count(0)
    # The reader is down among the older posts now: the new one waits in the banner.
    newest = make_post(svc, editor, slug, headline="Still live")
    expect(page.locator(".new-posts")).to_have_text("1 new post")
    page.locator(".new-posts").tap()
    expect(page.locator(".posts > li > .post").first).to_have_id(f"post-{newest.id}")
    expect(page.locator(f"#post-{oldest.id}")).to_have_count(1)


def test_a_key_event_older_than_the_page_is_loaded_into_it(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    oldest = make_post(svc, editor, slug, headline="The very start", key_event=True)
    for number in range(24):
        make_post(svc, editor, slug, headline=f"Update {number}")
    page = new_context(**PHONE).new_page()
    open_feed(page, live_server)
    expect(page.locator(f"#post-{oldest.id}")).to_have_count(0)

    page.locator(".key-events-top").get_by_role("link", name=re.compile("The very start")).tap()
    expect(page.locator(f"#post-{oldest.id}")).to_be_focused()
    expect(page.locator(f"#post-{oldest.id}")).to_be_in_viewport()
    assert page.url.endswith(f"/feeds/{slug}#post-{oldest.id}")


def test_on_a_phone_the_key_events_start_collapsed_after_three(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    for number in range(6):
        make_post(svc, editor, slug, headline=f"Key {number}", key_event=True)
    page = new_context(**PHONE).new_page()
    open_feed(page, live_server)
    box = page.locator("nav.key-events")
    visible = box.locator("li:visible")
    expect(visible).to_have_count(3)
    expect(visible.first.locator("time")).to_have_text(re.compile(r"^\w{3} \d+ \w{3}, \d\d:\d\d$"))
    box.get_by_text("Show all 6 key events").tap()
    expect(visible).to_have_count(6)
    # A new key event goes on top, counted.
    make_post(svc, editor, slug, headline="Key 6", key_event=True)
    expect(box.locator(".key-events-count")).to_have_text("7")


def test_share_falls_back_to_links_and_follow_copies_an_address(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    post = make_post(svc, editor, slug, headline="Share me")
    context = new_context(**PHONE)
    context.add_init_script("delete Navigator.prototype.share;")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    open_feed(page, live_server)

    article = page.locator(f"#post-{post.id}")
    article.locator(".post-share > summary").tap()
    expect(article.get_by_role("link", name="Email")).to_be_visible()
    expect(article.locator(".short-url-value")).to_have_text(svc.urls.short(post.short_code))

    page.get_by_text("Follow", exact=True).tap()
    page.get_by_role("button", name="Copy the RSS address").tap()
    expect(page.locator(".follow .copy-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == (
        live_server.url + f"/feeds/{slug}/feed.rss"
    )


def test_dark_mode_follows_the_system_and_the_toggle_is_kept(
    live_server: LiveServer, new_context: NewContext
) -> None:
    make_feed(live_server.svc, live_server.editor, slug=live_server.slug)
    page = new_context(color_scheme="dark").new_page()
    open_feed(page, live_server)
    paper = "getComputedStyle(document.documentElement).backgroundColor"
    assert page.evaluate(paper) == "rgb(22, 22, 22)"
    toggle = page.get_by_role("button", name="Dark mode")
    expect(toggle).to_have_attribute("aria-pressed", "true")
    toggle.click()
    assert page.evaluate(paper) == "rgb(255, 255, 255)"
    page.reload()
    assert page.evaluate(paper) == "rgb(255, 255, 255)"
    expect(page.get_by_role("button", name="Dark mode")).to_have_attribute("aria-pressed", "false")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_serious_on_the_feed_page(
    live_server: LiveServer, new_context: NewContext, scheme: str
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    for number in range(4):
        make_post(
            svc, editor, slug, headline=f"Update {number}", body="Text with a [link](/).",
            key_event=number % 2 == 0, tags="politics",
        )  # fmt: skip
    page = new_context(**PHONE, color_scheme=scheme, bypass_csp=True).new_page()
    open_feed(page, live_server)
    page.get_by_text("Follow", exact=True).tap()
    assert blocking_violations(page) == []
    page.goto(live_server.at(f"/feeds/{slug}?q=update"))
    assert blocking_violations(page) == []
