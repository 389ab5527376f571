"""The demo feed seeded into an empty site: complete, spread over hours, and seeded only once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from livefeed.demo.seeding import DESK_EMAIL, seed_demo
from livefeed.distribution import reading
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.posts import Post
from livefeed.services import Services
from livefeed.store import accounts as account_store
from livefeed.store import events as event_log
from livefeed.store import feeds as feed_store
from livefeed.store import posts as post_store
from tests.conftest import Clock
from tests.factories import make_editor, make_feed, make_user


def published(svc: Services, feed: Feed) -> list[Post]:
    """Every published post of the feed, oldest first."""
    with svc.db.read() as conn:
        posts = post_store.timeline(conn, feed.id, before=None, limit=1000, skip_pinned=False)
    return posts[::-1]


def test_it_seeds_an_empty_site_with_one_live_feed(svc: Services) -> None:
    feed = seed_demo(svc)

    assert feed is not None
    page = reading.feed_page(svc, feed.slug)
    assert page.feed.status is FeedStatus.LIVE
    assert page.feed.title
    assert page.feed.tags
    assert page.feed.timezone != "UTC"
    assert page.lead_html.count("<p>") >= 2
    assert page.notes_html
    with svc.db.read() as conn:
        assert feed_store.count(conn) == 1
    assert len(published(svc, feed)) >= 25


def test_posts_are_spread_over_hours_and_end_just_before_now(svc: Services, clock: Clock) -> None:
    feed = seed_demo(svc)

    assert feed is not None
    posts = published(svc, feed)
    times = [post.published_at for post in posts]
    assert times == sorted(set(times)), "published in story order, one moment each"
    assert [post.seq for post in posts] == sorted(post.seq for post in posts)
    assert timedelta(minutes=5) <= clock.now - times[-1] <= timedelta(minutes=15)
    assert times[-1] - times[0] >= timedelta(hours=4)
    assert feed.coverage_start == times[0]
    assert feed.last_seq == len(posts)
    with svc.db.read() as conn:
        events = event_log.after(conn, feed.id, 0)
    assert [event.seq for event in events] == list(range(1, len(posts) + 1))
    assert all(event.created_at <= clock.now for event in events)


def test_every_part_of_a_post_appears(svc: Services) -> None:
    feed = seed_demo(svc)

    assert feed is not None
    posts = published(svc, feed)
    assert all(post.headline for post in posts)
    assert any(post.quote and post.quote.attribution for post in posts)
    images = [post.image for post in posts if post.image]
    assert images
    assert all(image.alt and image.caption and image.credit for image in images)
    # Drawn and uploaded at seeding, served by the site itself: nothing from outside.
    media = f"{svc.urls.origin}/media/"
    assert all(image.url.startswith(media) for image in images)
    assert all(
        (svc.settings.media_path / image.url.removeprefix(media)).is_file() for image in images
    )
    cards = [post.read_more for post in posts if post.read_more]
    assert cards
    assert all(card.title and card.summary and card.image_url for card in cards)
    assert all(card.image_url.startswith(media) for card in cards)
    assert all(post.tags for post in posts)
    assert sum(post.key_event for post in posts) >= 3
    assert sum(post.pinned for post in posts) == 1
    html = "".join(post.body_html for post in posts)
    for tag in ("<strong>", "<em>", "<ul>", "<ol>", '<a href="https://'):
        assert tag in html
    assert {post.author_name for post in posts} == {"Newsdesk"}


def test_the_feed_page_shows_the_pinned_post_and_key_events(svc: Services) -> None:
    feed = seed_demo(svc)

    assert feed is not None
    page = reading.feed_page(svc, feed.slug)
    assert page.pinned is not None
    assert page.pinned not in page.posts
    assert len(page.key_events) >= 3
    assert page.next_cursor is not None, "the demo is long enough to show Load older"


def test_seeding_twice_adds_nothing(svc: Services, clock: Clock) -> None:
    first = seed_demo(svc)
    assert first is not None
    clock.advance(3600)

    assert seed_demo(svc) is None

    with svc.db.read() as conn:
        assert feed_store.count(conn) == 1
        again = feed_store.get_by_id(conn, first.id)
    assert again == first
    assert len(published(svc, first)) == first.last_seq


def test_a_site_with_a_feed_is_left_alone(svc: Services) -> None:
    make_feed(svc, make_editor(svc))

    assert seed_demo(svc) is None

    with svc.db.read() as conn:
        assert feed_store.count(conn) == 1
        assert not account_store.email_taken(conn, DESK_EMAIL)


def test_an_existing_desk_account_signs_the_posts(svc: Services) -> None:
    desk = make_user(svc, DESK_EMAIL, name="Desk")

    feed = seed_demo(svc)

    assert feed is not None
    assert {post.author_id for post in published(svc, feed)} == {desk.id}


def test_the_desk_password_is_never_shown(
    svc: Services, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_demo(svc)

    captured = capsys.readouterr()
    assert captured.out == captured.err == ""
