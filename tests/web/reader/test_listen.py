"""Listen Live on the feed page: the player's markup, a link without JavaScript, the policy."""

from __future__ import annotations

from starlette.testclient import TestClient

from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.factories import make_feed
from tests.web.conftest import Page, static_url

STREAM = "https://radio.example.org/live.aac"


def test_a_feed_with_a_stream_offers_listen_live(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, audio_stream_url=STREAM)

    page = Page(client.get("/feeds/summit").text)

    (box,) = [d for d in page.tags("div") if "data-listen-src" in d]
    assert box["data-listen-src"] == STREAM
    (link,) = [a for a in page.tags("a") if "listen-link" in a.get("class", "")]
    assert link["href"] == STREAM  # without JavaScript, the browser's own player
    (opener,) = [b for b in page.tags("button") if b.get("class") == "listen-open"]
    assert opener["aria-controls"] == "listen-player"
    assert opener["aria-expanded"] == "false"
    assert "hidden" in opener
    (player,) = [s for s in page.tags("section") if s.get("id") == "listen-player"]
    assert player["aria-label"] == "Live audio"
    assert "hidden" in player
    (audio,) = page.tags("audio")
    assert "src" not in audio  # nothing is fetched before the reader asks for it
    assert audio["preload"] == "none"
    (volume,) = [i for i in page.tags("input") if i.get("type") == "range"]
    assert (volume["min"], volume["max"]) == ("0", "100")
    (status,) = [p for p in page.tags("p") if "listen-status" in p.get("class", "")]
    assert status["role"] == "status"
    assert {"src": static_url("listen.js"), "defer": ""} in page.tags("script")


def test_a_feed_without_a_stream_or_ended_has_no_player(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_feed(svc, editor, slug="vote", audio_stream_url=STREAM)
    publishing.set_feed_status(svc, editor, "vote", FeedStatus.ENDED)

    for url in ("/feeds/summit", "/feeds/vote"):
        html = client.get(url).text
        assert "data-listen-src" not in html
        assert static_url("listen.js") not in html


def test_a_stream_address_is_written_as_text(
    client: TestClient, svc: Services, editor: User
) -> None:
    sly = 'https://radio.example.org/live"><script>alert(1)</script>'
    make_feed(svc, editor, audio_stream_url=sly)

    html = client.get("/feeds/summit").text

    assert "<script>alert(1)" not in html
    (box,) = [d for d in Page(html).tags("div") if "data-listen-src" in d]
    assert box["data-listen-src"] == sly


def test_the_policy_lets_the_page_play_streams_over_http_and_https(client: TestClient) -> None:
    policy = client.get("/").headers["content-security-policy"]

    (media,) = [part.split() for part in policy.split(";") if part.split()[0] == "media-src"]
    assert media == ["media-src", "'self'", "https:", "http:"]
