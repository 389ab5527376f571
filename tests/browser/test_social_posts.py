"""A social post in Chromium: the card loads nothing from another site, and "Show the original"
frames the site's own embed only once the reader clicks.

The snapshot is taken by the test's own services (the server process cannot reach a loopback
site under the production rules) from a social site played on loopback; the site's widget is
served by another loopback origin, the one the browser would have to reach.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from livefeed.domain.embeds import Provider
from tests.browser.conftest import LiveServer, NewContext
from tests.browser.loopback_site import LoopbackSite
from tests.factories import make_feed, make_post
from tests.social_sites import CHIRP_HTML, social_sites

pytestmark = pytest.mark.browser

WIDGET = b"""document.body.insertAdjacentHTML(
  "beforeend", "<p id='by-the-site'>Drawn by the site</p>");"""


@pytest.fixture
def widgets() -> Iterator[LoopbackSite]:
    """Where the social site's embed script lives: another origin than the feed's."""
    site = LoopbackSite({"/widgets.js": ("text/javascript", WIDGET)})
    try:
        yield site
    finally:
        site.stop()


def test_the_card_loads_nothing_elsewhere_until_the_reader_asks(
    live_server: LiveServer, new_context: NewContext, widgets: LoopbackSite
) -> None:
    svc, slug = live_server.svc, live_server.slug
    make_feed(svc, live_server.editor, slug=slug)
    with social_sites(svc) as social:
        chirp = social.chirp
        svc.embed_providers = (
            Provider(chirp.name, chirp.patterns, chirp.endpoint, (widgets.url,)),
            *svc.embed_providers,
        )
        html = CHIRP_HTML.replace(
            "https://platform.chirp.test/widgets.js", widgets.at("/widgets.js")
        )
        make_post(
            svc, live_server.editor, slug, headline="Reactions",
            **{"embed.url": social.chirp_post(html=html)},
        )  # fmt: skip
    page = new_context().new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))

    page.goto(live_server.at(f"/feeds/{slug}"))
    card = page.locator("aside.social-post")
    expect(card).to_contain_text("Talks resume at nine in Geneva.")
    page.wait_for_load_state("networkidle")
    # The picture is our copy, and it did load.
    assert card.locator("img.social-post-image").evaluate("img => img.naturalWidth") == 40

    ours = urlsplit(live_server.url).netloc
    assert {urlsplit(url).netloc for url in asked} == {ours}
    assert widgets.requests == []
    expect(page.locator("iframe")).to_have_count(0)

    card.get_by_role("button", name="Show the original").click()

    frame = page.frame_locator("iframe.social-post-frame")
    expect(frame.locator("#by-the-site")).to_have_text("Drawn by the site")
    assert widgets.requests == ["/widgets.js"]
