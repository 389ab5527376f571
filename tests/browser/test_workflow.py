"""Contributions and scheduled posts through the real server, in real browsers.

A contributor on a phone submits a post, an editor publishes it from the queue, and a reader's
open page shows it live; an editor schedules a post a few seconds ahead, and a reader's open
page shows it when its time comes, without a reload.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from livefeed.domain.users import User
from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.factories import PASSWORD, make_contributor, make_feed, make_post

pytestmark = pytest.mark.browser

ZONE = "America/New_York"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def sign_in(page: Page, server: LiveServer, user: User) -> None:
    page.goto(server.at("/login"))
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").tap()
    expect(page).to_have_url(server.at("/desk"))


def open_reader(new_context: NewContext, server: LiveServer) -> Page:
    page = new_context().new_page()
    page.goto(server.at(f"/feeds/{server.slug}"))
    expect(page.locator(".live-status")).to_have_attribute("data-state", "live")
    return page


def test_a_contribution_from_a_phone_goes_live_from_the_queue(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug, timezone=ZONE)
    carl = make_contributor(svc, slug, live_server.email("carl@newsroom.test"))
    for number in range(12):
        make_post(svc, editor, slug, headline=f"Update {number}", body="Text. " * 80)
    reader = open_reader(new_context, live_server)
    reader.locator(".post").last.scroll_into_view_if_needed()

    # Carl, on his phone, writes and submits.
    phone = new_context(**PHONE).new_page()
    sign_in(phone, live_server, carl)
    phone.goto(live_server.at(f"/feeds/{slug}"))
    compose = phone.get_by_role("region", name="New post")
    expect(compose.get_by_role("button", name="Publish")).to_have_count(0)
    compose.get_by_label("Headline (optional when there is text)", exact=True).fill(
        "Bridge reopens to traffic"
    )
    compose.get_by_label("Text", exact=True).fill("Police lifted the **cordon** at noon.")
    compose.get_by_role("button", name="Submit to editors").tap()
    expect(phone).to_have_url(re.compile(rf"/desk/feeds/{slug}/mine#post-\d+$"))
    expect(phone.locator(".standing").first).to_contain_text("Waiting for an editor")
    # The page's own content fits the phone (the site header is the header's business).
    right = phone.evaluate(
        "Math.max(...[...document.querySelectorAll('main *')]"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert right <= 390, f"My posts reaches {right}px on a 390px screen"

    # Nothing reaches the reader yet.
    expect(reader.locator(".new-posts")).to_be_hidden()

    # Anna finds it in the queue and publishes it as written.
    desk = new_context().new_page()
    log_in(desk, live_server)
    desk.get_by_role("link", name="Contributions to Summit in Geneva: live").click()
    expect(desk).to_have_url(live_server.at(f"/desk/feeds/{slug}/contributions"))
    item = desk.locator(".queue-item", has_text="Bridge reopens to traffic")
    expect(item.locator("strong").first).to_have_text("Waiting for an editor")
    item.get_by_role("button", name=re.compile("^Publish")).click()
    expect(desk).to_have_url(re.compile(rf"/feeds/{slug}#post-\d+$"))
    post_id = desk.url.rsplit("-", 1)[1]

    # The reader, scrolled down, is told first, then sees it.
    banner = reader.locator(".new-posts")
    expect(banner).to_have_text("1 new post")
    expect(reader.locator(f"#post-{post_id}")).to_have_count(0)
    banner.click()
    arrived = reader.locator(f"#post-{post_id}")
    expect(arrived).to_be_visible()
    expect(arrived.locator("strong")).to_have_text("cordon")
    expect(arrived.locator(".byline")).to_have_text("By Carl Contributor")

    # And Carl can tell what became of it.
    phone.reload()
    expect(phone.locator(".standing").first).to_contain_text(
        re.compile(r"Published by Anna Editor at \d\d:\d\d E[SD]T, as written")
    )


def test_a_scheduled_post_appears_on_an_open_page_at_its_time(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug, timezone=ZONE)
    make_post(svc, editor, slug, headline="Polls close at eight")
    reader = open_reader(new_context, live_server)

    desk = new_context().new_page()
    log_in(desk, live_server)
    desk.goto(live_server.at(f"/feeds/{slug}"))
    compose = desk.get_by_role("region", name="New post")
    compose.get_by_label("Headline (optional when there is text)", exact=True).fill(
        "First results are in"
    )
    compose.get_by_text("Schedule…").click()
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=6)
    local = due.astimezone(ZoneInfo(ZONE))
    compose.get_by_label(re.compile(r"^Publish at \(America/New_York\)")).fill(
        local.strftime("%Y-%m-%dT%H:%M:%S")
    )
    compose.get_by_role("button", name="Schedule", exact=True).click()
    # Scheduling keeps the editor on the feed, where the team sees what is to go out.
    expect(desk).to_have_url(re.compile(rf"/feeds/{slug}#scheduled-post-\d+$"))
    scheduled = desk.locator(".scheduled-posts li", has_text="First results are in")
    expect(scheduled).to_contain_text(f"{local:%H:%M}")
    post_id = desk.url.rsplit("-", 1)[1]

    # Not before its time: the reader's page has only what was out.
    expect(reader.locator(".post")).to_have_count(1)
    arrived = reader.locator(f"#post-{post_id}")
    expect(arrived).to_be_visible(timeout=30_000)
    expect(reader.locator(".posts > li").first.locator(".post-headline")).to_have_text(
        "First results are in"
    )
    stamp = arrived.locator(".post-time time").get_attribute("datetime") or ""
    assert datetime.fromisoformat(stamp) >= due
