"""The discussion in Chromium: readers comment, a moderator approves, open pages follow live."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from livefeed.discussion import comments, moderation
from livefeed.newsroom import publishing
from tests.browser.conftest import LiveServer, NewContext
from tests.factories import PASSWORD, make_feed, make_moderator, make_post, make_user

pytestmark = pytest.mark.browser

ADDRESS = "198.51.100.7"


def signed_in(new_context: NewContext, server: LiveServer, email: str, path: str) -> Page:
    """A browser of its own, signed in as ``email`` through the login form, on ``path``."""
    page = new_context().new_page()
    page.goto(server.at(f"/login?next={path}"))
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(server.at(path))
    return page


def test_a_comment_approved_by_a_moderator_appears_on_the_other_readers_open_page(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    make_post(svc, editor, slug, headline="Talks resume")
    mo_account = make_moderator(svc, slug, live_server.email("mo@newsroom.test"))
    rita_account = make_user(svc, live_server.email("rita@readers.test"), name="Rita Reader")
    sam_account = make_user(svc, live_server.email("sam@readers.test"), name="Sam Reader")

    sam = signed_in(new_context, live_server, sam_account.email, f"/feeds/{slug}")
    expect(sam.locator(".live-status")).to_have_attribute("data-state", "live")
    expect(sam.locator(".discussion .comment")).to_have_count(0)

    rita = signed_in(new_context, live_server, rita_account.email, f"/feeds/{slug}/discussion")
    rita.get_by_label("Your comment").fill("Is there a <b>vote</b> today?")
    standards = rita.get_by_label(re.compile("accept the community standards"))
    if standards.count():
        standards.check()
    rita.get_by_role("button", name="Post comment").click()
    mine = rita.locator(".discussion .comment").first
    expect(mine.locator(".flag-pending")).to_have_text("Awaiting review")
    expect(mine.locator(".comment-body")).to_have_text("Is there a <b>vote</b> today?")
    comment_id = mine.get_attribute("data-comment-id")

    mo = signed_in(new_context, live_server, mo_account.email, f"/feeds/{slug}/discussion")
    waiting = mo.locator(f"#comment-{comment_id}")
    expect(waiting.locator(".flag-pending")).to_be_visible()
    waiting.get_by_role("button", name="Approve").click()
    expect(mo.locator(f"#comment-{comment_id} .flag-pending")).to_have_count(0)

    # Sam's page, open all along, shows it without a reload, as text.
    arrived = sam.locator(f"#comment-{comment_id}")
    expect(arrived).to_be_visible()
    expect(arrived.locator(".comment-author")).to_have_text("Rita Reader")
    expect(arrived.locator(".comment-body")).to_have_text("Is there a <b>vote</b> today?")
    expect(arrived.locator(".comment-body b")).to_have_count(0)
    expect(sam.locator(".discussion .comment-count")).to_have_text("1")
    expect(sam.locator(".comments-announcer")).to_have_text("New comment from Rita Reader")
    # Rita's own page (the discussion's, with its own stream) drops "Awaiting review".
    expect(rita.locator(f"#comment-{comment_id} .flag-pending")).to_have_count(0)

    # Hidden by the moderator: it leaves the open pages too.
    moderation.hide(svc, editor, int(comment_id or 0))
    expect(sam.locator(f"#comment-{comment_id}")).to_have_count(0)
    expect(sam.locator(".discussion .comment-count")).to_have_text("0")


def test_a_reader_deep_in_the_discussion_is_not_moved_new_comments_wait_behind_a_button(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    feed = make_feed(svc, editor, slug=slug)
    publishing.update_feed(svc, editor, slug, feed.as_input() | {"moderation": "post"})
    authors = [
        make_user(svc, live_server.email(f"r{n}@readers.test"), name=f"Reader {n}")
        for n in range(12)
    ]
    for number, author in enumerate(authors):
        comments.post_comment(
            svc, author, slug,
            {"body": f"Comment {number}. " + "Words. " * 60, "accept_standards": True},
            address=ADDRESS,
        )  # fmt: skip
    page = new_context(viewport={"width": 800, "height": 600}).new_page()
    page.goto(live_server.at(f"/feeds/{slug}/discussion"))
    reading = page.locator(".comments > li").nth(8)
    reading.scroll_into_view_if_needed()
    before = reading.bounding_box()

    late = make_user(svc, live_server.email("late@readers.test"), name="Late Reader")
    said = comments.post_comment(
        svc, late, slug, {"body": "Breaking!", "accept_standards": True}, address=ADDRESS
    )
    button = page.locator(".new-comments")
    expect(button).to_have_text("1 new comment")
    expect(page.locator(f"#comment-{said.id}")).to_have_count(0)
    # What the reader was reading stays where it was on the screen.
    after = reading.bounding_box()
    assert before is not None
    assert after is not None
    assert abs(after["y"] - before["y"]) < 1

    button.click()
    expect(button).to_be_hidden()
    expect(page.locator(".comments > li").first.locator(".comment")).to_have_id(
        f"comment-{said.id}"
    )
