"""Listen Live: a reader plays the feed's audio stream in a docked player, by mouse or keyboard."""

from __future__ import annotations

import io
import math
import wave
from array import array
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, NewContext
from tests.browser.loopback_site import LoopbackSite
from tests.factories import make_feed, make_post

pytestmark = pytest.mark.browser

RATE = 8000


def tone(seconds: int) -> bytes:
    """A quiet 440 Hz tone as a WAV file, which Chromium plays as it would a stream."""
    samples = array(
        "h", (int(3000 * math.sin(2 * math.pi * 440 * n / RATE)) for n in range(seconds * RATE))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(RATE)
        file.writeframes(samples.tobytes())
    return out.getvalue()


@pytest.fixture
def radio() -> Iterator[LoopbackSite]:
    site = LoopbackSite({"/live.wav": ("audio/wav", tone(120))})
    try:
        yield site
    finally:
        site.stop()


def open_feed(new_context: NewContext, server: LiveServer) -> Page:
    page = new_context(viewport={"width": 800, "height": 700}).new_page()
    page.goto(server.at(f"/feeds/{server.slug}"))
    return page


def playing(page: Page) -> None:
    """The status says so, and the sound really moves on: it is not just the button's word."""
    expect(page.get_by_role("status").filter(has_text="Playing live")).to_be_visible()
    page.wait_for_function(
        "() => { const a = document.querySelector('.listen-audio');"
        " return !a.paused && a.currentTime > 0.3; }"
    )
    start = page.evaluate("document.querySelector('.listen-audio').currentTime")
    page.wait_for_function(
        f"() => document.querySelector('.listen-audio').currentTime > {start} + 0.2"
    )


def test_the_player_plays_pauses_and_sets_the_volume_from_the_keyboard(
    live_server: LiveServer, new_context: NewContext, radio: LoopbackSite
) -> None:
    make_feed(
        live_server.svc,
        live_server.editor,
        slug=live_server.slug,
        audio_stream_url=radio.at("/live.wav"),
    )
    page = open_feed(new_context, live_server)
    listen = page.get_by_role("button", name="Listen Live")
    expect(page.get_by_role("link", name="Listen Live")).to_be_hidden()
    expect(listen).to_have_attribute("aria-expanded", "false")

    listen.focus()
    page.keyboard.press("Enter")

    player = page.get_by_role("region", name="Live audio")
    expect(player).to_be_visible()
    expect(listen).to_have_attribute("aria-expanded", "true")
    toggle = player.get_by_role("button", name="Pause")
    expect(toggle).to_be_focused()
    playing(page)

    page.keyboard.press("Space")
    expect(player.get_by_role("button", name="Play", exact=True)).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="Paused")).to_be_visible()
    assert page.evaluate("document.querySelector('.listen-audio').paused")

    volume = player.get_by_role("slider", name="Volume")
    volume.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(volume).to_have_attribute("aria-valuetext", "90%")
    assert page.evaluate("document.querySelector('.listen-audio').volume") == pytest.approx(0.9)

    player.get_by_role("button", name="Play", exact=True).press("Enter")
    playing(page)
    assert page.evaluate("document.querySelector('.listen-audio').volume") == pytest.approx(0.9)

    player.get_by_role("button", name="Close the player").press("Enter")
    expect(player).to_be_hidden()
    expect(listen).to_be_focused()
    assert page.evaluate("document.querySelector('.listen-audio').paused")


def test_a_stream_that_is_not_there_shows_as_offline(
    live_server: LiveServer, new_context: NewContext, radio: LoopbackSite
) -> None:
    make_feed(
        live_server.svc,
        live_server.editor,
        slug=live_server.slug,
        audio_stream_url=radio.at("/gone.mp3"),
    )
    page = open_feed(new_context, live_server)

    page.get_by_role("button", name="Listen Live").click()

    status = page.locator(".listen-status")
    expect(status).to_have_attribute("data-state", "offline")
    expect(status).to_have_text(
        "Offline: the live stream cannot be reached right now. Try again later."
    )
    expect(page.locator(".listen-toggle")).to_have_text("Play")
    assert "/gone.mp3" in radio.requests


def test_a_stream_whose_server_went_down_shows_as_offline(
    live_server: LiveServer, new_context: NewContext, radio: LoopbackSite
) -> None:
    make_feed(
        live_server.svc,
        live_server.editor,
        slug=live_server.slug,
        audio_stream_url=radio.at("/live.wav"),
    )
    page = open_feed(new_context, live_server)
    page.get_by_role("button", name="Listen Live").click()
    playing(page)
    page.get_by_role("button", name="Pause", exact=True).click()

    radio.stop()
    page.get_by_role("button", name="Play", exact=True).click()

    expect(page.locator(".listen-status")).to_have_attribute("data-state", "offline")
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()


def test_the_player_stays_docked_while_reading_and_across_show_older_posts(
    live_server: LiveServer, new_context: NewContext, radio: LoopbackSite
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug, audio_stream_url=radio.at("/live.wav"))
    for number in range(25):
        make_post(svc, editor, slug, headline=f"Update {number}", body="Text. " * 40)
    page = open_feed(new_context, live_server)
    page.get_by_role("button", name="Listen Live").click()
    playing(page)
    player = page.get_by_role("region", name="Live audio")

    older = page.get_by_role("link", name="Show older posts")
    older.scroll_into_view_if_needed()
    older.click()

    expect(page.locator(".posts > li")).to_have_count(25)
    expect(page.locator(".posts > li").last.locator(".post-headline")).to_have_text("Update 0")
    expect(older).to_have_count(0)
    expect(page.locator(".posts > li").nth(20).locator(".post")).to_be_focused()
    assert page.url == live_server.at(f"/feeds/{slug}")
    expect(player).to_be_visible()
    playing(page)

    # Docked at the foot of the window, and the page has room below it: the last post can be
    # read in full above the player.
    page.keyboard.press("End")
    page.wait_for_function(
        "() => window.scrollY + window.innerHeight >= document.body.scrollHeight - 1"
    )
    box = player.bounding_box()
    last = page.locator(".posts > li").last.bounding_box()
    assert box is not None
    assert last is not None
    assert box["y"] + box["height"] == pytest.approx(700, abs=1)
    assert last["y"] + last["height"] <= box["y"]


def test_without_the_player_open_show_older_posts_loads_inline_too(
    live_server: LiveServer, new_context: NewContext, radio: LoopbackSite
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug, audio_stream_url=radio.at("/live.wav"))
    for number in range(21):
        make_post(svc, editor, slug, headline=f"Update {number}")
    page = open_feed(new_context, live_server)

    url = page.url
    page.get_by_role("link", name="Show older posts").click()

    # Older posts come into the page whether or not the player is open (older.js).
    expect(page.locator(".posts > li > .post")).to_have_count(21)
    assert page.url == url
