"""What readers and scripts read: feed pages, key events, tags, the home page, changes."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from livefeed.distribution import reading
from livefeed.domain.errors import Invalid, NotFound
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.posts import Post, PostState
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_feed, make_post


def publish_many(
    svc: Services, editor: User, clock: Clock, count: int, **fields: Any
) -> list[Post]:
    """``count`` posts, oldest first; every three share a publish time, as on a busy night."""
    posts = []
    for n in range(1, count + 1):
        if n % 3 == 1:
            clock.advance(60)
        posts.append(make_post(svc, editor, headline=f"Update {n}", **fields))
    return posts


def all_pages(svc: Services, slug: str) -> list[reading.FeedPage]:
    pages = [reading.feed_page(svc, slug)]
    while pages[-1].next_cursor:
        pages.append(reading.feed_page(svc, slug, pages[-1].next_cursor))
        assert len(pages) < 10, "the cursors never ran out"
    return pages


def test_a_feed_pages_back_twenty_at_a_time(svc: Services, editor: User, clock: Clock) -> None:
    make_feed(svc, editor)
    posts = publish_many(svc, editor, clock, 45)
    newest_first = [p.id for p in reversed(posts)]
    pages = all_pages(svc, "summit")
    assert [len(page.posts) for page in pages] == [20, 20, 5]
    assert [page.is_first_page for page in pages] == [True, False, False]
    assert [page.next_cursor is None for page in pages] == [False, False, True]
    assert [p.id for page in pages for p in page.posts] == newest_first
    assert all(page.pinned is None for page in pages)


def test_posts_added_while_paging_neither_shift_nor_repeat(
    svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    posts = publish_many(svc, editor, clock, 30)
    first = reading.feed_page(svc, "summit")
    publish_many(svc, editor, clock, 5)  # the story moves on while the reader scrolls
    second = reading.feed_page(svc, "summit", first.next_cursor)
    assert [p.id for p in first.posts + second.posts] == [p.id for p in reversed(posts)]


@pytest.mark.parametrize("pinned_index", [2, 40])  # an old post, then one of the newest
def test_the_pinned_post_is_on_top_of_the_first_page_only(
    svc: Services, editor: User, clock: Clock, pinned_index: int
) -> None:
    make_feed(svc, editor)
    posts = publish_many(svc, editor, clock, 45)
    chosen = posts[pinned_index]
    pinned = publishing.edit_post(
        svc, editor, "summit", chosen.id, chosen.as_fields() | {"pinned": True}, seen_version=1
    )
    pages = all_pages(svc, "summit")
    assert pages[0].pinned == pinned
    assert [page.pinned for page in pages[1:]] == [None] * (len(pages) - 1)
    shown = [pages[0].pinned.id] + [p.id for page in pages for p in page.posts]
    # Every post exactly once: the pinned one at the top, not again further down.
    assert sorted(shown) == sorted(p.id for p in posts)
    assert len(shown) == len(set(shown)) == 45
    assert [p.id for p in pages[0].posts] == [p.id for p in reversed(posts) if p.id != pinned.id][
        :20
    ]


def test_key_events_box(svc: Services, editor: User, clock: Clock) -> None:
    make_feed(svc, editor)
    opening = make_post(svc, editor, headline="Summit opens", key_event=True)
    clock.advance()
    make_post(svc, editor, headline="Coffee break")
    clock.advance()
    deal = make_post(svc, editor, headline="Deal agreed", key_event=True)
    clock.advance()
    walkout = make_post(svc, editor, headline="Walkout", key_event=True)
    publishing.delete_post(svc, editor, "summit", walkout.id)
    page = reading.feed_page(svc, "summit")
    assert [p.id for p in page.key_events] == [deal.id, opening.id]
    # The box stands on top of the first page, like the pinned post, and nowhere else.
    publish_many(svc, editor, clock, 25)
    older = reading.feed_page(svc, "summit", reading.feed_page(svc, "summit").next_cursor)
    assert older.posts
    assert older.key_events == []


def test_a_tag_page_gathers_posts_across_feeds(svc: Services, editor: User, clock: Clock) -> None:
    summit = make_feed(svc, editor, tags="politics")
    storm = make_feed(svc, editor, slug="storm", title="Storm", tags="weather, economy")
    make_feed(svc, editor, slug="budget", title="Budget", tags="economy")
    a = make_post(svc, editor, "summit", headline="Trade deal", tags="economy")
    clock.advance()
    make_post(svc, editor, "summit", headline="Lunch", tags="food")
    clock.advance()
    b = make_post(svc, editor, "storm", headline="Ports shut", tags="economy, weather")
    clock.advance()
    c = make_post(svc, editor, "summit", headline="Markets react", tags="Economy")

    page = reading.tag_page(svc, "Economy")
    assert page.tag == "economy"
    # Feeds carrying the tag themselves, most recently updated first (a post touches its feed).
    assert [f.slug for f in page.feeds] == ["storm", "budget"]
    assert [(p.id, f.id) for p, f in page.posts] == [
        (c.id, summit.id),
        (b.id, storm.id),
        (a.id, summit.id),
    ]
    assert page.next_cursor is None


def test_a_tag_page_pages_back(svc: Services, editor: User, clock: Clock) -> None:
    make_feed(svc, editor)
    posts = publish_many(svc, editor, clock, 23, tags="talks")
    first = reading.tag_page(svc, "talks")
    assert first.next_cursor is not None
    second = reading.tag_page(svc, "talks", first.next_cursor)
    assert second.feeds == []
    assert second.next_cursor is None
    shown = [p.id for p, _ in first.posts + second.posts]
    assert shown == [p.id for p in reversed(posts)]


@pytest.mark.parametrize("tag", ["", "not a tag!", "a,b", "x" * 41, "../etc"])
def test_a_tag_that_cannot_exist_is_not_found(svc: Services, tag: str) -> None:
    with pytest.raises(NotFound):
        reading.tag_page(svc, tag)


def test_home_lists_live_feeds_apart_from_ended_ones(
    svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor, slug="summit")
    clock.advance()
    make_feed(svc, editor, slug="storm", title="Storm")
    clock.advance()
    publishing.create_feed(svc, editor, {"slug": "budget", "title": "Budget"}, live=False)
    clock.advance()
    make_feed(svc, editor, slug="election", title="Election")
    clock.advance()
    publishing.set_feed_status(svc, editor, "election", FeedStatus.ENDED)
    clock.advance()
    make_post(svc, editor, "summit")  # the most recently updated live feed comes first

    home = reading.home(svc)
    assert [f.slug for f in home.live] == ["summit", "budget", "storm"]
    assert [f.slug for f in home.ended] == ["election"]


def test_list_posts_is_newest_first_with_the_pinned_post_in_its_place(
    svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    posts = publish_many(svc, editor, clock, 7)
    pinned = publishing.edit_post(
        svc, editor, "summit", posts[1].id, {"headline": "Pinned", "pinned": True}, seen_version=1
    )
    feed, page, cursor = reading.list_posts(svc, "summit", limit=5, cursor=None)
    assert feed.slug == "summit"
    assert [p.id for p in page] == [p.id for p in reversed(posts)][:5]
    assert cursor is not None
    _, rest, end = reading.list_posts(svc, "summit", limit=5, cursor=cursor)
    assert [p.id for p in rest] == [pinned.id, posts[0].id]
    assert end is None


def test_changes_since_lists_each_changed_post_once_in_seq_order(
    svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    one, two, three = (make_post(svc, editor, headline=h) for h in ("One", "Two", "Three"))
    publishing.edit_post(svc, editor, "summit", one.id, {"headline": "One, edited"}, seen_version=1)
    publishing.delete_post(svc, editor, "summit", two.id)

    _, changed = reading.changes_since(svc, "summit", 0, limit=50)
    assert [(p.id, p.seq, p.state) for p in changed] == [
        (three.id, 3, PostState.PUBLISHED),
        (one.id, 4, PostState.PUBLISHED),
        (two.id, 5, PostState.DELETED),
    ]
    _, since_four = reading.changes_since(svc, "summit", 4, limit=50)
    assert [p.id for p in since_four] == [two.id]
    _, limited = reading.changes_since(svc, "summit", 0, limit=2)
    assert [p.id for p in limited] == [three.id, one.id]
    assert reading.changes_since(svc, "summit", 5, limit=50)[1] == []


def test_post_page_and_get_post(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    page = reading.post_page(svc, "summit", post.id)
    assert (page.feed.slug, page.post) == ("summit", post)
    assert page.lead_html.startswith("<p>Leaders meet")
    assert reading.get_post(svc, "summit", post.id)[1] == post


def test_unknown_feeds_and_posts_of_other_feeds_are_not_found(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    make_feed(svc, editor, slug="storm", title="Storm")
    elsewhere = make_post(svc, editor, "storm")
    for read in (
        lambda: reading.feed_page(svc, "nowhere"),
        lambda: reading.get_feed(svc, "nowhere"),
        lambda: reading.list_posts(svc, "nowhere", limit=20, cursor=None),
        lambda: reading.changes_since(svc, "nowhere", 0, limit=20),
        lambda: reading.post_page(svc, "nowhere", elsewhere.id),
        lambda: reading.post_page(svc, "summit", elsewhere.id),
        lambda: reading.post_page(svc, "summit", 12345),
        lambda: reading.get_post(svc, "summit", elsewhere.id),
        lambda: reading.get_post(svc, "summit", 12345),
    ):
        with pytest.raises(NotFound):
            read()


def forged(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    ["abc", "-1", "%00", "x" * 300, forged("1.9223372036854775808"), forged("1.2147483648")],
)
def test_a_forged_cursor_is_invalid_not_a_server_error(
    svc: Services, editor: User, cursor: str
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    for read in (
        lambda: reading.feed_page(svc, "summit", cursor),
        lambda: reading.list_posts(svc, "summit", limit=20, cursor=cursor),
        lambda: reading.tag_page(svc, "politics", cursor),
    ):
        with pytest.raises(Invalid) as caught:
            read()
        assert list(caught.value.errors) == ["cursor"]


def test_a_cursor_at_the_largest_post_id_reads_fine(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    far = forged(f"{int(post.published_at.timestamp() * 1_000_000)}.2147483647")
    assert [p.id for p in reading.feed_page(svc, "summit", far).posts] == [post.id]


@pytest.mark.parametrize(("text", "limit"), [(None, 20), ("", 20), ("1", 1), ("100", 100)])
def test_parse_limit(text: str | None, limit: int) -> None:
    assert reading.parse_limit(text) == limit


@pytest.mark.parametrize("text", ["0", "101", "-5", "ten", "1.5", " 5", "٣", "²"])
def test_a_bad_limit_is_invalid(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        reading.parse_limit(text)
    assert list(caught.value.errors) == ["limit"]


@pytest.mark.parametrize(("text", "seq"), [("0", 0), ("42", 42), ("9" * 18, int("9" * 18))])
def test_parse_seq(text: str, seq: int) -> None:
    assert reading.parse_seq(text) == seq


@pytest.mark.parametrize("text", ["", "-1", "abc", "1e3", "9" * 19, "٣", "²"])
def test_a_bad_seq_is_invalid(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        reading.parse_seq(text)
    assert list(caught.value.errors) == ["since"]
