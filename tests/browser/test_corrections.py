"""Corrections in the open, in a real browser: an editor corrects a post while a reader has the
feed open, and two editors on one post see each other and settle a clash."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from livefeed.distribution import reading
from livefeed.domain.access import FeedRole
from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.factories import PASSWORD, join, make_feed, make_post, make_user

pytestmark = pytest.mark.browser


def test_a_reader_sees_a_correction_arrive_and_can_read_the_earlier_wording(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    post = make_post(
        svc, editor, slug, headline="Minister Smyth resigns", body="Smyth has **gone**."
    )
    other = make_post(svc, editor, slug, headline="Bridge closed")

    reader = new_context().new_page()
    reader.goto(live_server.at(f"/feeds/{slug}"))
    expect(reader.locator(".live-status")).to_have_attribute("data-state", "live")

    desk = new_context().new_page()
    log_in(desk, live_server)
    desk.goto(live_server.at(f"/feeds/{slug}/posts/{post.id}/edit"))
    desk.get_by_label("Headline (optional when there is text)", exact=True).fill(
        "Minister Smith resigns"
    )
    desk.get_by_label("Text", exact=True).fill("Smith has **gone**.")
    desk.get_by_label("This is a correction", exact=True).check()
    desk.get_by_label("Correction note", exact=True).fill("The minister's name was misspelt.")
    desk.get_by_role("button", name="Save changes").click()
    expect(desk).to_have_url(re.compile(rf"/feeds/{slug}#post-{post.id}$"))

    # The reader's page has it, without a reload.
    article = reader.locator(f"#post-{post.id}")
    expect(article.locator(".post-headline")).to_have_text("Minister Smith resigns")
    correction = article.locator(".post-correction")
    expect(correction).to_contain_text("Corrected")
    expect(correction).to_contain_text("— The minister's name was misspelt.")
    expect(reader.locator(".live-announcer")).to_have_text("Corrected: Minister Smith resigns")
    earlier = correction.locator(".earlier-headline")
    expect(earlier).to_be_hidden()
    correction.get_by_text("Earlier wording").click()
    expect(earlier).to_have_text("Minister Smyth resigns")
    expect(correction.locator(".earlier-body strong")).to_have_text("gone")

    # A retraction arrives the same way: in place, struck through, with its reason.
    desk.goto(live_server.at(f"/feeds/{slug}/posts/{other.id}/retract"))
    desk.get_by_label("Why it is retracted (required)", exact=True).fill("It never closed.")
    desk.get_by_role("button", name="Retract post").click()
    retracted = reader.locator(f"#post-{other.id}")
    expect(retracted).to_have_class(re.compile(r"\bis-retracted\b"))
    expect(retracted.locator(".post-retraction")).to_contain_text("Retracted")
    expect(retracted.locator(".post-retraction")).to_contain_text("— It never closed.")
    decoration = retracted.locator(".post-headline").evaluate(
        "element => getComputedStyle(element).textDecorationLine"
    )
    assert "line-through" in decoration


def test_two_editors_see_each_other_and_settle_a_clash(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, anna, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, anna, slug=slug)
    ben = make_user(svc, live_server.email("ben@newsroom.test"), name="Ben Desk")
    join(svc, ben, slug, FeedRole.EDITOR)
    post = make_post(svc, anna, slug, headline="Talks resume", body="Delegates are back.")
    edit = live_server.at(f"/feeds/{slug}/posts/{post.id}/edit")

    annas = new_context().new_page()
    log_in(annas, live_server)
    annas.goto(edit)
    expect(annas.locator("[data-editing-notice]")).to_be_hidden()

    bens = new_context().new_page()
    bens.goto(live_server.at("/login"))
    bens.get_by_label("Email address").fill(ben.email)
    bens.get_by_label("Password").fill(PASSWORD)
    bens.get_by_role("button", name="Log in").click()
    bens.goto(edit)
    expect(bens.locator("[data-editing-notice]")).to_have_text("Anna Editor is editing this post")

    # Ben saves first; Anna's save is refused, and she sees his version beside hers.
    bens.get_by_label("Headline (optional when there is text)", exact=True).fill(
        "Talks resume at noon"
    )
    bens.get_by_role("button", name="Save changes").click()
    expect(bens).to_have_url(re.compile(rf"/feeds/{slug}#post-{post.id}$"))
    annas.get_by_label("Text", exact=True).fill("Delegates are back, tired.")
    annas.get_by_role("button", name="Save changes").click()
    clash = annas.get_by_role("region", name="Ben Desk saved this post while you were editing")
    expect(clash).to_be_visible()
    expect(clash.locator(".clash-theirs").first).to_contain_text("Talks resume at noon")

    clash.get_by_role("button", name="Use theirs for Headline").click()
    expect(annas.get_by_label("Headline (optional when there is text)", exact=True)).to_have_value(
        "Talks resume at noon"
    )
    expect(annas.get_by_label("Text", exact=True)).to_have_value("Delegates are back, tired.")
    annas.get_by_role("button", name="Save changes").click()
    expect(annas).to_have_url(re.compile(rf"/feeds/{slug}#post-{post.id}$"))

    saved = reading.get_post(svc, slug, post.id)[1]
    assert (saved.version, saved.headline, saved.body) == (
        3,
        "Talks resume at noon",
        "Delegates are back, tired.",
    )
