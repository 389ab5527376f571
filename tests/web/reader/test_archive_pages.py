"""An ended feed says so: a banner on its page and on each of its posts' pages."""

from __future__ import annotations

from starlette.testclient import TestClient

from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_feed, make_post
from tests.web.conftest import squeeze

BANNER = "This live feed has ended"


def end_in_new_york(svc: Services, editor: User, clock: Clock) -> int:
    """A feed shown in New York time, ended at 18:30 UTC (13:30 there); its post's id."""
    make_feed(svc, editor, timezone="America/New_York")
    post = make_post(svc, editor, key_event=True)
    clock.advance(30 * 60)
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    return post.id


def test_an_ended_feed_shows_when_it_ended_in_its_own_zone(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    end_in_new_york(svc, editor, clock)
    html = client.get("/feeds/summit").text
    assert (
        f'<p><strong class="feed-banner-title">{BANNER}</strong> '
        '<span class="feed-banner-when">Coverage ended at '
        '<time datetime="2026-11-25T18:30:00Z">13:30 EST, 25 November 2026</time>.</span> '
        '<a href="#key-events-title">Read the key events</a></p>'
    ) in html
    # The banner sits under the header, above the lead.
    assert html.index('id="feed-title"') < html.index(BANNER) < html.index('class="lead')


def test_the_banner_leaves_out_the_key_events_link_when_there_are_none(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    html = client.get("/feeds/summit").text
    assert BANNER in html
    assert "Read the key events" not in html


def test_each_post_of_an_ended_feed_says_so_too(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    post_id = end_in_new_york(svc, editor, clock)
    html = squeeze(client.get(f"/feeds/summit/posts/{post_id}").text)
    assert BANNER in html
    assert "13:30 EST, 25 November 2026" in html
    assert "Read the key events" not in html  # they are on the feed's page, not this one
    assert (
        html.index('class="breadcrumb"') < html.index(BANNER) < html.index(f'id="post-{post_id}"')
    )


def test_a_live_or_reopened_feed_has_no_banner(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    assert "feed-banner" not in client.get("/feeds/summit").text
    assert "feed-banner" not in client.get(f"/feeds/summit/posts/{post.id}").text
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    assert BANNER in client.get("/feeds/summit").text
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.LIVE)
    assert "feed-banner" not in client.get("/feeds/summit").text
    assert "feed-banner" not in client.get(f"/feeds/summit/posts/{post.id}").text
