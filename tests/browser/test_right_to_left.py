"""A right-to-left page in Chromium: drawn as the mirror of the English one, from the post's time
to the docked player and the compose form, with a typed Latin name kept in its own order.

Each test looks at an English feed and an Arabic feed, both read in a browser that asks for
English: a reader page speaks its feed's language, whatever the reader's browser prefers."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from livefeed.domain.access import FeedRole
from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.browser.sides import (
    DIRECTION,
    NEAR,
    border,
    box,
    comes_before,
    ends_together,
    start,
    starts_together,
    text_box,
)
from tests.factories import join, make_feed, make_post, make_user

pytestmark = pytest.mark.browser

TITLE = {"en": "Summit in Geneva: live", "ar": "قمة جنيف: مباشر"}
HEADLINE = {"en": "Deal reached", "ar": "تم التوصل إلى اتفاق"}


def feed_in(server: LiveServer, language: str, **fields: Any) -> str:
    """The test's feed in English, or its Arabic sister; its address."""
    slug = server.slug if language == "en" else f"{server.slug}-{language}"
    make_feed(
        server.svc, server.editor, slug=slug, title=TITLE[language], language=language, **fields
    )
    return slug


def reader(new_context: NewContext, server: LiveServer, language: str, path: str) -> Page:
    """``path`` opened by a reader whose browser asks for English: the page is laid out in the
    direction of ``language``, its feed's."""
    page = new_context(locale="en-GB", viewport={"width": 900, "height": 800}).new_page()
    page.goto(server.at(path))
    expect(page.locator("html")).to_have_attribute("dir", DIRECTION[language])
    return page


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_post_and_the_key_events_box_begin_on_the_side_the_language_begins(
    live_server: LiveServer, new_context: NewContext, language: str
) -> None:
    direction = DIRECTION[language]
    slug = feed_in(live_server, language)
    make_post(live_server.svc, live_server.editor, slug, headline=HEADLINE[language],
              key_event=True, **{"quote.text": HEADLINE[language]})  # fmt: skip
    page = reader(new_context, live_server, language, f"/feeds/{slug}")

    # Nothing hidden off the side the page starts from (the skip link) widens it.
    assert page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    post = box(page.locator(".post"))
    time = box(page.locator(".post .post-time"))
    badge = box(page.locator(".post .flag-key"))
    assert starts_together(time, post, direction)
    assert comes_before(time, badge, direction)
    assert not starts_together(badge, post, direction)

    # The quote's rule stands on the side its lines begin.
    quote = page.locator(".post-quote")
    begins, ends = ("left", "right") if direction == "ltr" else ("right", "left")
    assert border(quote, begins) == "4px"
    assert border(quote, ends) == "0px"

    # The numbers of the key events stand out on that side too.
    assert (
        start(box(page.locator(".key-events-top li")), direction)
        > start(box(page.locator(".key-events-top")), direction) + 10
    )
    entry = page.locator(".key-events-top a")
    assert starts_together(box(entry.locator("time")), box(entry), direction)
    assert comes_before(box(entry.locator("time")), box(entry.locator(".key-event-headline")),
                        direction)  # fmt: skip


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_new_posts_banner_and_the_live_bar_follow_the_language(
    live_server: LiveServer, new_context: NewContext, language: str
) -> None:
    direction = DIRECTION[language]
    svc, editor = live_server.svc, live_server.editor
    slug = feed_in(live_server, language)
    for number in range(12):
        make_post(svc, editor, slug, headline=f"{HEADLINE[language]} {number}", body="Text. " * 80)
    page = reader(new_context, live_server, language, f"/feeds/{slug}")
    expect(page.locator(".live-status")).to_have_attribute("data-state", "live")
    assert comes_before(box(page.locator(".live-status")), box(page.locator(".pause-live")),
                        direction)  # fmt: skip
    page.locator(".post").last.scroll_into_view_if_needed()

    make_post(svc, editor, slug, headline=HEADLINE[language])
    banner = page.locator(".new-posts")
    column = box(page.locator("main"))
    shown = box(banner)
    # Centred in either language, and worded in the page's direction.
    middle = (shown["start_ltr"] + shown["end_ltr"]) / 2
    assert abs(middle - (column["start_ltr"] + column["end_ltr"]) / 2) <= NEAR
    assert banner.evaluate("element => getComputedStyle(element).direction") == direction


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_docked_player_is_laid_out_from_the_side_the_language_begins(
    live_server: LiveServer, new_context: NewContext, language: str
) -> None:
    direction = DIRECTION[language]
    # No stream answers there: the player opens all the same, and says it is offline.
    slug = feed_in(live_server, language, audio_stream_url=live_server.at("/nothing.wav"))
    page = reader(new_context, live_server, language, f"/feeds/{slug}")
    page.locator(".listen-open").click()

    player = page.locator(".listen-player")
    docked, window = box(player), page.viewport_size
    assert window is not None
    assert (docked["start_ltr"], docked["end_ltr"]) == (0, window["width"])
    title = box(player.locator(".listen-title"))
    assert starts_together(box(player.locator(".badge-live")), title, direction)
    assert comes_before(box(player.locator(".badge-live")), box(player.locator(".listen-name")),
                        direction)  # fmt: skip
    toggle = box(player.locator(".listen-toggle"))
    assert starts_together(toggle, title, direction)
    assert comes_before(toggle, box(player.locator(".listen-volume")), direction)
    assert comes_before(box(player.locator(".listen-volume")), box(player.locator(".listen-close")),
                        direction)  # fmt: skip


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_compose_form_is_laid_out_from_the_side_the_language_begins(
    live_server: LiveServer, new_context: NewContext, language: str
) -> None:
    direction = DIRECTION[language]
    slug = feed_in(live_server, language)
    page = new_context(locale="en-GB", viewport={"width": 900, "height": 800}).new_page()
    log_in(page, live_server)
    page.goto(live_server.at(f"/feeds/{slug}"))
    expect(page.locator("html")).to_have_attribute("dir", direction)
    compose = page.locator(".compose")

    headline = compose.locator("#f-headline")
    field = box(headline)
    assert starts_together(text_box(compose.locator("label[for=f-headline]")), field, direction)
    headline.fill("Talks")
    # The count of characters sits at the end of its field, under its last character.
    counter = text_box(compose.locator("#f-headline-count"))
    assert ends_together(counter, field, direction)
    assert not starts_together(counter, field, direction)

    check = compose.locator(".field-check").first
    assert comes_before(box(check.locator("input")), box(check.locator("label")), direction)
    actions = compose.locator(".actions").first
    buttons = actions.locator("button")
    assert starts_together(box(buttons.nth(0)), box(actions), direction)
    assert comes_before(box(buttons.nth(0)), box(buttons.nth(1)), direction)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_embed_is_laid_out_from_the_side_the_language_begins(
    live_server: LiveServer, new_context: NewContext, language: str
) -> None:
    direction = DIRECTION[language]
    slug = feed_in(live_server, language)
    make_post(live_server.svc, live_server.editor, slug, headline=HEADLINE[language],
              key_event=True)  # fmt: skip
    page = reader(new_context, live_server, language, f"/feeds/{slug}/embed")

    header = box(page.locator(".embed-header"))
    assert starts_together(text_box(page.locator(".embed-title")), header, direction)
    post = box(page.locator(".post"))
    assert starts_together(box(page.locator(".post .post-time")), post, direction)
    assert comes_before(box(page.locator(".post .post-time")), box(page.locator(".post .flag-key")),
                        direction)  # fmt: skip


def test_a_latin_name_among_arabic_words_keeps_its_order(
    live_server: LiveServer, new_context: NewContext
) -> None:
    """Left alone on the line, the full stop of "Jane Doe Jr." would take the page's direction
    and be drawn at the far left of the name, before "Jane"."""
    slug = feed_in(live_server, "ar")
    jane = make_user(live_server.svc, live_server.email("jane@newsroom.test"), name="Jane Doe Jr.")
    join(live_server.svc, jane, slug, FeedRole.EDITOR)
    make_post(live_server.svc, jane, slug, headline=HEADLINE["ar"], **{
        "quote.text": "نحن متفقون", "quote.attribution": "Jane Doe Jr."})  # fmt: skip
    page = reader(new_context, live_server, "ar", f"/feeds/{slug}")

    for name in (page.locator(".byline bdi"), page.locator(".post-quote figcaption bdi")):
        expect(name).to_have_text("Jane Doe Jr.")
        lefts = name.evaluate(
            "element => { const text = element.firstChild; return [...text.data].map((_, i) => {"
            " const range = document.createRange(); range.setStart(text, i);"
            " range.setEnd(text, i + 1); return range.getBoundingClientRect().left; }); }"
        )
        # Drawn left to right as it is written: J, a, n, e, …, J, r, and the full stop last.
        assert lefts == sorted(lefts)
        assert lefts[-1] > lefts[0]
