"""The compose form under pressure, in Chromium: nothing typed is lost, Ctrl+Enter publishes,
fields count their characters, a dead network keeps the form, and a phone can use it all.

The copy kept on the device lives in the browser's localStorage; the tests read it there to
check that it goes exactly when the server has confirmed the post, and not before.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect

from livefeed.newsroom import publishing
from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.factories import make_feed, make_post

pytestmark = [pytest.mark.browser, pytest.mark.long]

HEADLINE = "Ceasefire talks resume in Geneva"
BODY = "Delegations returned **after midnight**.\n\nA statement is expected at dawn."
COPIES = "Object.keys(localStorage).filter(key => key.startsWith('livefeed.compose:'))"
PHONE_WIDTH, PHONE_HEIGHT = 390, 844
PHONE = {
    "viewport": {"width": PHONE_WIDTH, "height": PHONE_HEIGHT},
    "is_mobile": True,
    "has_touch": True,
}


def field(scope: Page | Locator, label: str) -> Locator:
    return scope.get_by_label(label, exact=True)


def signed_in(server: LiveServer, new_context: NewContext, **options: object) -> Page:
    page = new_context(**options).new_page()
    log_in(page, server)
    return page


def open_compose(page: Page, server: LiveServer) -> Locator:
    page.goto(server.at(f"/feeds/{server.slug}"))
    compose = page.get_by_role("region", name="New post")
    # The script has run once the publish button carries its shortcut.
    expect(compose.get_by_role("button", name="Publish")).to_have_attribute(
        "aria-keyshortcuts", "Control+Enter Meta+Enter"
    )
    return compose


def kept_copies(page: Page) -> list[str]:
    page.wait_for_load_state()  # the page's scripts have run
    copies: list[str] = page.evaluate(COPIES)
    return copies


def test_what_was_typed_survives_a_reload_and_goes_once_published(
    live_server: LiveServer, new_context: NewContext
) -> None:
    slug = live_server.slug
    make_feed(live_server.svc, live_server.editor, slug=slug)
    page = signed_in(live_server, new_context)
    compose = open_compose(page, live_server)

    field(compose, "Headline (optional when there is text)").fill(HEADLINE)
    field(compose, "Text").fill(BODY)
    expect(compose.locator(".compose-saved")).to_contain_text("Saved on this device")
    assert len(kept_copies(page)) == 1

    page.reload()
    compose = page.get_by_role("region", name="New post")
    expect(field(compose, "Headline (optional when there is text)")).to_have_value(HEADLINE)
    expect(field(compose, "Text")).to_have_value(BODY)
    expect(compose.locator(".compose-restore")).to_contain_text("Restored the post you were")

    # Ctrl+Enter from the body publishes; the copy goes only on the page the server sends.
    field(compose, "Text").press("Control+Enter")
    expect(page).to_have_url(re.compile(rf"/feeds/{slug}#post-\d+$"))
    expect(page.get_by_role("heading", name=HEADLINE)).to_be_visible()
    assert kept_copies(page) == []

    page.reload()
    compose = page.get_by_role("region", name="New post")
    expect(compose.get_by_role("button", name="Publish")).to_have_attribute(
        "aria-keyshortcuts", "Control+Enter Meta+Enter"
    )
    expect(field(compose, "Headline (optional when there is text)")).to_have_value("")
    expect(field(compose, "Text")).to_have_value("")
    expect(compose.locator(".compose-restore")).to_have_count(0)


def test_a_form_sent_back_with_errors_keeps_its_copy(
    live_server: LiveServer, new_context: NewContext
) -> None:
    slug = live_server.slug
    make_feed(live_server.svc, live_server.editor, slug=slug)
    page = signed_in(live_server, new_context)
    compose = open_compose(page, live_server)

    # An invisible direction control in the headline: the server refuses it.
    field(compose, "Headline (optional when there is text)").fill("Talks \u202eresume")
    field(compose, "Text").fill(BODY)
    field(compose, "Text").press("Control+Enter")

    expect(page.locator(".form-error")).to_contain_text("Please correct")
    assert len(kept_copies(page)) == 1
    page.goto(live_server.at(f"/feeds/{slug}"))
    expect(field(page, "Text")).to_have_value(BODY)


def test_fields_count_their_characters_and_warn_near_the_limit(
    live_server: LiveServer, new_context: NewContext
) -> None:
    make_feed(live_server.svc, live_server.editor, slug=live_server.slug)
    page = signed_in(live_server, new_context)
    compose = open_compose(page, live_server)
    headline = field(compose, "Headline (optional when there is text)")
    counter = compose.locator("#f-headline-count")

    expect(counter).to_have_text("0 / 200")
    described = headline.get_attribute("aria-describedby") or ""
    assert "f-headline-count" in described.split()
    expect(counter).not_to_have_attribute("aria-live", re.compile(".*"))

    headline.fill("x" * 153)
    expect(counter).to_have_text("153 / 200")
    expect(counter).to_have_attribute("data-state", "")

    headline.fill("x" * 185)
    expect(counter).to_have_text("185 / 200 (15 left)")
    expect(counter).to_have_attribute("data-state", "near")
    # Crossing into the warning is said once, politely, in the form's own announcer.
    expect(compose.locator("[aria-live=polite]")).to_have_text("Headline: 15 characters left")

    # The body is not cut short by the browser: the count says how much is over instead.
    body = field(compose, "Text")
    body.fill("é" * 20_003)
    body_counter = compose.locator("#f-body-count")
    expect(body_counter).to_have_text("20,003 / 20,000 (3 too many)")
    expect(body_counter).to_have_attribute("data-state", "over")
    expect(body).to_have_value("é" * 20_003)


def test_a_submit_while_offline_keeps_the_form_and_says_so(
    live_server: LiveServer, new_context: NewContext
) -> None:
    slug = live_server.slug
    make_feed(live_server.svc, live_server.editor, slug=slug)
    context: BrowserContext = new_context()
    page = context.new_page()
    log_in(page, live_server)
    compose = open_compose(page, live_server)
    field(compose, "Headline (optional when there is text)").fill(HEADLINE)
    field(compose, "Text").fill(BODY)

    context.set_offline(True)
    compose.get_by_role("button", name="Publish").click()

    expect(compose.get_by_role("alert")).to_have_text(
        "You are offline: your post is kept here; it will be sent when you try again."
    )
    expect(page).to_have_url(live_server.at(f"/feeds/{slug}"))
    expect(field(compose, "Headline (optional when there is text)")).to_have_value(HEADLINE)
    expect(field(compose, "Text")).to_have_value(BODY)
    assert len(kept_copies(page)) == 1

    context.set_offline(False)
    expect(compose.get_by_role("alert")).to_have_text(
        "You are back online: press Publish to send your post."
    )
    compose.get_by_role("button", name="Publish").click()
    expect(page).to_have_url(re.compile(rf"/feeds/{slug}#post-\d+$"))
    expect(page.get_by_role("heading", name=HEADLINE)).to_be_visible()
    assert kept_copies(page) == []


def test_a_submit_the_server_cannot_answer_keeps_the_form(
    own_server: LiveServer, new_context: NewContext
) -> None:
    slug = own_server.slug
    make_feed(own_server.svc, own_server.editor, slug=slug)
    page = signed_in(own_server, new_context)
    compose = open_compose(page, own_server)
    field(compose, "Headline (optional when there is text)").fill(HEADLINE)

    own_server.stop()  # the network is up, the server is not there
    try:
        field(compose, "Headline (optional when there is text)").press("Control+Enter")
        expect(compose.get_by_role("alert")).to_have_text(
            "The server cannot be reached: your post is kept here; "
            "it will be sent when you try again."
        )
        expect(field(compose, "Headline (optional when there is text)")).to_have_value(HEADLINE)
    finally:
        own_server.start()

    field(compose, "Headline (optional when there is text)").press("Control+Enter")
    expect(page).to_have_url(re.compile(rf"/feeds/{slug}#post-\d+$"))
    assert kept_copies(page) == []


def test_an_edit_is_offered_back_with_the_version_it_was_based_on(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    post = make_post(svc, editor, slug, headline="Talks resume", body="Delegates are back.")
    page = signed_in(live_server, new_context)
    edit_page = live_server.at(f"/feeds/{slug}/posts/{post.id}/edit")
    page.goto(edit_page)
    field(page, "Text").fill("Delegates are back, and the chair has spoken.")
    expect(page.locator(".compose-saved")).to_contain_text("Saved on this device")

    # Meanwhile a colleague saves the post.
    changed = {"headline": "Talks resume at last", "body": "Delegates are back."}
    publishing.edit_post(svc, editor, slug, post.id, changed, seen_version=None)
    page.goto(edit_page)
    expect(field(page, "Headline (optional when there is text)")).to_have_value(
        "Talks resume at last"
    )
    expect(field(page, "Text")).to_have_value("Delegates are back.")
    offer = page.locator(".compose-restore")
    expect(offer).to_contain_text("The post has changed since")
    version = page.locator('input[name="version"]')
    assert version.get_attribute("value") == str(post.version + 1)

    offer.get_by_role("button", name=re.compile(r"^Restore your unsaved changes from \d")).click()
    expect(field(page, "Text")).to_have_value("Delegates are back, and the chair has spoken.")
    expect(field(page, "Headline (optional when there is text)")).to_have_value("Talks resume")
    expect(version).to_have_value(str(post.version))
    # The focus goes to the first field the restore changed.
    expect(field(page, "Headline (optional when there is text)")).to_be_focused()

    # Saving on top of the colleague's version is refused, and nothing typed is lost.
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".form-error")).to_contain_text("changed by someone else")
    expect(field(page, "Text")).to_have_value("Delegates are back, and the chair has spoken.")
    assert len(kept_copies(page)) == 1


def test_an_edit_saved_lets_its_copy_go_and_one_discarded_is_gone(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    post = make_post(svc, editor, slug, headline="Talks resume", body="Delegates are back.")
    page = signed_in(live_server, new_context)
    edit_page = live_server.at(f"/feeds/{slug}/posts/{post.id}/edit")

    page.goto(edit_page)
    field(page, "Text").fill("A first draft of the change.")
    expect(page.locator(".compose-saved")).to_contain_text("Saved on this device")
    page.reload()
    page.locator(".compose-restore").get_by_role("button", name="Discard").click()
    expect(page.locator(".compose-restore")).to_have_count(0)
    expect(field(page, "Text")).to_have_value("Delegates are back.")
    assert kept_copies(page) == []

    field(page, "Text").fill("The chair has spoken.")
    field(page, "Text").press("Meta+Enter")
    expect(page).to_have_url(live_server.at(f"/feeds/{slug}#post-{post.id}"))
    expect(page.locator(f"#post-{post.id}")).to_contain_text("The chair has spoken.")
    assert kept_copies(page) == []
    page.goto(edit_page)
    expect(field(page, "Text")).to_have_value("The chair has spoken.")
    expect(page.locator(".compose-restore")).to_have_count(0)


LINE = 40  # px: a line of the form's text, and then some


def test_a_preview_comes_back_where_the_editor_was(
    live_server: LiveServer, new_context: NewContext
) -> None:
    make_feed(live_server.svc, live_server.editor, slug=live_server.slug)
    page = signed_in(live_server, new_context)
    compose = open_compose(page, live_server)
    field(compose, "Headline (optional when there is text)").fill(HEADLINE)
    field(compose, "Text").fill(BODY)
    preview = compose.get_by_role("button", name="Preview")
    preview.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    assert before > 0

    preview.click()

    expect(page.get_by_role("region", name="Preview").locator("strong")).to_have_text(
        "after midnight"
    )
    again = page.get_by_role("button", name="Preview")
    expect(again).to_be_focused()
    expect(again).to_be_in_viewport()
    # Back where it was, give or take a line: a notice the page adds above once it is drawn
    # moves the scroll position by as much, as the browser keeps what is in view in place.
    assert abs(page.evaluate("window.scrollY") - before) <= LINE
    assert len(kept_copies(page)) == 1


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width} px wide on a {PHONE_WIDTH} px phone"


def test_on_a_phone_the_desk_pages_fit_and_the_buttons_are_at_hand(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(
        svc,
        editor,
        slug=slug,
        title="Ceasefire talks in Geneva: the night the delegations came back",
    )
    post = make_post(
        svc, editor, slug, headline="Talks resume", body="https://example.org/" + "a" * 120
    )
    page = signed_in(live_server, new_context, **PHONE)
    no_sideways_scroll(page)  # the desk

    compose = open_compose(page, live_server)
    no_sideways_scroll(page)
    headline = field(compose, "Headline (optional when there is text)")
    font_size = headline.evaluate("field => parseFloat(getComputedStyle(field).fontSize)")
    assert font_size >= 16, "iOS zooms into a text field under 16 px"
    publish = compose.get_by_role("button", name="Publish")
    box = publish.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    # Typing the headline at the top of the form, the publish button is still on screen.
    headline.fill(HEADLINE)
    box = publish.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= PHONE_HEIGHT
    assert field(compose, "Text").evaluate("f => f.getBoundingClientRect().width") >= 300

    page.goto(live_server.at(f"/feeds/{slug}/posts/{post.id}/edit"))
    no_sideways_scroll(page)
    save = page.get_by_role("button", name="Save changes")
    box = save.bounding_box()
    assert box is not None
    assert box["height"] >= 44

    page.goto(live_server.at(f"/desk/feeds/{slug}/edit"))
    no_sideways_scroll(page)
