"""The newsroom's pulse through the real server, in a real browser: an editor's open feed page
counts a reader who opens the feed, and its Contributions link follows the queue, live; so does
the desk's list of feeds."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.newsroom import workflow
from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.factories import make_contributor, make_feed

pytestmark = pytest.mark.browser

# Each instance reports its readers every 5 s, and the pulse is read every 2 s.
LIVE_MS = 20_000


def editor_on(live_server: LiveServer, new_context: NewContext, path: str) -> tuple[Page, User]:
    """The feed's editor signed in on ``path`` (marked, to tell a reload), and a contributor."""
    svc, slug = live_server.svc, live_server.slug
    make_feed(svc, live_server.editor, slug=slug)
    carl = make_contributor(svc, slug, live_server.email("carl@newsroom.test"))
    desk = new_context().new_page()
    log_in(desk, live_server)
    desk.goto(live_server.at(path))
    desk.evaluate("window.notReloaded = true")
    return desk, carl


def a_reader_opens_the_feed(live_server: LiveServer, new_context: NewContext) -> Page:
    reader = new_context().new_page()
    reader.goto(live_server.at(f"/feeds/{live_server.slug}"))
    expect(reader.locator(".live-status")).to_have_attribute("data-state", "live")
    return reader


def a_contribution_arrives(live_server: LiveServer, carl: User) -> None:
    workflow.start_post(
        live_server.svc, carl, live_server.slug, {"headline": "From the hall", "body": "A line."},
        state=PostState.SUBMITTED,
    )  # fmt: skip


def test_an_editors_open_feed_page_follows_readers_and_contributions(
    live_server: LiveServer, new_context: NewContext
) -> None:
    desk, carl = editor_on(live_server, new_context, f"/feeds/{live_server.slug}")
    readers = desk.locator(".feed-tools .readers")
    # The editor's own open page reads the stream too.
    expect(readers).to_have_text("1 reader on this feed now", timeout=LIVE_MS)
    contributions = desk.locator(".contributions-link")
    expect(contributions).to_have_text("Contributions")

    reader = a_reader_opens_the_feed(live_server, new_context)
    expect(readers).to_have_text("2 readers on this feed now", timeout=LIVE_MS)
    expect(readers.locator("strong")).to_have_text("2")

    a_contribution_arrives(live_server, carl)
    expect(contributions).to_have_text("Contributions (1 waiting)", timeout=LIVE_MS)
    assert desk.evaluate("window.notReloaded === true"), "the page was reloaded"

    reader.close()
    expect(readers).to_have_text("1 reader on this feed now", timeout=LIVE_MS)


def test_the_desks_list_follows_each_feeds_readers_and_queue(
    live_server: LiveServer, new_context: NewContext
) -> None:
    desk, carl = editor_on(live_server, new_context, "/desk")
    row = desk.locator(f'tr[data-slug="{live_server.slug}"]')
    readers = row.locator(".desk-pulse .readers")
    expect(readers).to_have_text("0 readers on this feed now", timeout=LIVE_MS)

    a_reader_opens_the_feed(live_server, new_context)
    expect(readers).to_have_text("1 reader on this feed now", timeout=LIVE_MS)
    a_contribution_arrives(live_server, carl)
    waiting = row.locator(".desk-pulse .waiting")
    expect(waiting).to_have_text("Contributions (1 waiting)", timeout=LIVE_MS)
    assert desk.evaluate("window.notReloaded === true"), "the page was reloaded"
