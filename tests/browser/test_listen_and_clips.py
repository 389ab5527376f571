"""A post's clip and Listen Live never talk at once: starting one pauses the other."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer, NewContext
from tests.browser.loopback_site import LoopbackSite
from tests.browser.test_listen import open_feed, playing, tone
from tests.factories import make_feed, make_post

pytestmark = pytest.mark.browser

CLIP = "document.querySelector('audio[data-clip]')"


@pytest.fixture
def radio() -> Iterator[LoopbackSite]:
    site = LoopbackSite(
        {"/live.wav": ("audio/wav", tone(120)), "/day-2.wav": ("audio/wav", tone(60))}
    )
    try:
        yield site
    finally:
        site.stop()


def clip_playing(page: Page) -> None:
    page.wait_for_function(f"() => !{CLIP}.paused && {CLIP}.currentTime > 5.3")


def clip_posts(
    server: LiveServer,
    radio: LoopbackSite,
    starts: dict[str, str],
    transcript: str = "",
    **feed: str,
) -> None:
    """A feed with the radio's recording, and a post for each headline from its moment."""
    make_feed(
        server.svc, server.editor, slug=server.slug, recording_url=radio.at("/day-2.wav"), **feed
    )
    for headline, start in starts.items():
        make_post(
            server.svc,
            server.editor,
            slug=server.slug,
            headline=headline,
            **{"audio.start": start, "audio.transcript": transcript},
        )


def test_a_clip_pauses_the_live_stream_and_the_stream_pauses_the_clip(
    live_server: LiveServer, new_context: NewContext, radio: LoopbackSite
) -> None:
    clip_posts(
        live_server, radio, {"The vote": "0:00:05"},
        audio_stream_url=radio.at("/live.wav"), transcript="Ayes 12, noes 3.",
    )  # fmt: skip
    page = open_feed(new_context, live_server)
    post = page.locator(".post-audio")
    expect(post.get_by_text("From the live stream recording, from 0:00:05")).to_be_visible()
    post.get_by_text("Transcript").click()
    expect(post.get_by_text("Ayes 12, noes 3.")).to_be_visible()

    page.get_by_role("button", name="Listen Live").click()
    player = page.get_by_role("region", name="Live audio")
    playing(page)

    # The media fragment starts the recording at the moment the post names.
    page.evaluate(f"{CLIP}.play()")
    clip_playing(page)
    expect(page.get_by_role("status").filter(has_text="Paused")).to_be_visible()
    assert page.evaluate("document.querySelector('.listen-audio').paused")

    player.get_by_role("button", name="Play", exact=True).click()
    playing(page)
    page.wait_for_function(f"() => {CLIP}.paused")


def test_two_clips_take_turns(
    live_server: LiveServer, new_context: NewContext, radio: LoopbackSite
) -> None:
    clip_posts(live_server, radio, {"The vote": "0:00:01", "The count": "0:00:03"})
    page = open_feed(new_context, live_server)
    clips = "document.querySelectorAll('audio[data-clip]')"
    assert page.evaluate(f"{clips}.length") == 2
    page.evaluate(f"{clips}[0].play()")
    page.wait_for_function(f"() => !{clips}[0].paused && {clips}[0].currentTime > 3.3")
    page.evaluate(f"{clips}[1].play()")
    page.wait_for_function(f"() => !{clips}[1].paused && {clips}[1].currentTime > 1.3")
    page.wait_for_function(f"() => {clips}[0].paused")
    assert not page.evaluate(f"{clips}[1].paused")
