"""Which posts each Atom, RSS and JSON Feed document holds (a feed's, its key events', a tag's,
the live one), and how an edit, a deletion, a renamed feed and an ended one show in them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from livefeed.distribution import reading, syndication
from livefeed.distribution.syndication import ENTRIES, Format
from livefeed.domain.errors import NotFound
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.distribution.feed_documents import FORMATS, feed_doc, live_doc, tag_doc
from tests.factories import make_feed, make_post


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_edit_moves_updated_and_keeps_published_and_id(
    svc: Services, editor: User, clock: Clock, fmt: Format
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="First words")
    (before,) = feed_doc(svc, fmt).items
    clock.advance(600)
    publishing.edit_post(
        svc, editor, "summit", post.id, {"headline": "Better words"}, seen_version=1
    )
    (after,) = feed_doc(svc, fmt).items
    assert (before.title, after.title) == ("First words", "Better words")
    assert after.id == before.id
    assert after.published == before.published == post.published_at
    if fmt is not Format.RSS:
        assert before.updated == post.published_at
        assert after.updated == clock.now


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_deleted_post_leaves_every_document(
    svc: Services, editor: User, clock: Clock, fmt: Format
) -> None:
    make_feed(svc, editor, tags="politics")
    kept = make_post(svc, editor, headline="Kept", key_event=True, tags="politics")
    gone = make_post(svc, editor, headline="Gone", key_event=True, tags="politics")
    assert len(feed_doc(svc, fmt).items) == 2
    publishing.delete_post(svc, editor, "summit", gone.id)
    for doc in (
        feed_doc(svc, fmt),
        feed_doc(svc, fmt, key_events=True),
        tag_doc(svc, "politics", fmt),
        live_doc(svc, fmt),
    ):
        assert [item.title for item in doc.items] == ["Kept"]
        assert doc.items[0].link.endswith(f"/posts/{kept.id}")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_key_events_document_has_only_key_events(
    svc: Services, editor: User, clock: Clock, fmt: Format
) -> None:
    make_feed(svc, editor)
    for n in range(1, 7):
        clock.advance(60)
        make_post(svc, editor, headline=f"Update {n}", key_event=n % 3 == 0)
    doc = feed_doc(svc, fmt, key_events=True)
    assert doc.title == "Summit in Geneva: live: key events"
    assert doc.self_link == f"http://livefeed.test/feeds/summit/key-events.{fmt}"
    assert [item.title for item in doc.items] == ["Update 6", "Update 3"]
    assert [item.title for item in feed_doc(svc, fmt).items][:2] == ["Update 6", "Update 5"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_tag_document_gathers_posts_from_every_feed_and_names_each(
    svc: Services, editor: User, clock: Clock, fmt: Format
) -> None:
    make_feed(svc, editor, title="Summit", tags="")
    make_feed(svc, editor, slug="election", title="Election night", tags="")
    make_post(svc, editor, headline="Summit climate deal", tags="climate")
    clock.advance(60)
    make_post(svc, editor, "election", headline="Untagged result")
    clock.advance(60)
    make_post(svc, editor, "election", headline="Green party gains", tags="politics, climate")
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    doc = tag_doc(svc, "climate", fmt)
    assert doc.link == "http://livefeed.test/tags/climate"
    assert doc.self_link == f"http://livefeed.test/tags/climate/feed.{fmt}"
    assert [(item.title, item.source) for item in doc.items] == [
        ("Green party gains", "Election night"),
        ("Summit climate deal", "Summit"),  # an ended feed's posts keep their tags
    ]


def test_a_tag_nobody_uses_or_that_is_no_tag_is_not_found(svc: Services, editor: User) -> None:
    make_feed(svc, editor, tags="politics")
    make_post(svc, editor, tags="climate")
    for tag in ("politics", "climate"):
        assert reading.tag_newest(svc, tag, limit=ENTRIES)[0] == tag
    for tag in ("sport", "Not A Tag!", ""):
        with pytest.raises(NotFound):
            reading.tag_newest(svc, tag, limit=ENTRIES)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_live_document_leaves_out_ended_and_scheduled_feeds(
    svc: Services, editor: User, clock: Clock, fmt: Format
) -> None:
    make_feed(svc, editor)
    make_feed(svc, editor, slug="election", title="Election night")
    make_feed(svc, editor, slug="finished", title="Finished story")
    make_post(svc, editor, headline="From the summit")
    clock.advance(60)
    make_post(svc, editor, "finished", headline="From a story that ended")
    clock.advance(60)
    make_post(svc, editor, "election", headline="From the election")
    publishing.set_feed_status(svc, editor, "finished", FeedStatus.ENDED)
    publishing.create_feed(
        svc, editor, {"slug": "tomorrow", "title": "Tomorrow", "timezone": "UTC"}, live=False
    )
    doc = live_doc(svc, fmt)
    assert doc.link == "http://livefeed.test/"
    assert doc.self_link == f"http://livefeed.test/feeds.{fmt}"
    assert [(item.title, item.source) for item in doc.items] == [
        ("From the election", "Election night"),
        ("From the summit", "Summit in Geneva: live"),
    ]


def test_a_document_holds_the_newest_posts_only(svc: Services, editor: User, clock: Clock) -> None:
    make_feed(svc, editor)
    for n in range(1, ENTRIES + 3):
        clock.advance(60)
        make_post(svc, editor, headline=f"Update {n}")
    titles = [item.title for item in feed_doc(svc, Format.ATOM).items]
    assert len(titles) == ENTRIES
    assert titles[0] == f"Update {ENTRIES + 2}"
    assert titles[-1] == "Update 3"


def test_an_entry_keeps_its_id_when_the_feed_is_renamed(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    (before,) = feed_doc(svc, Format.ATOM).items
    fields = reading.get_feed(svc, "summit").as_input() | {"slug": "geneva-summit"}
    publishing.update_feed(svc, editor, "summit", fields)
    (after,) = feed_doc(svc, Format.ATOM, "geneva-summit").items
    assert after.id == before.id
    assert after.link != before.link


def test_an_ended_feeds_json_feed_says_it_has_expired(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    feed, lead_html, posts = reading.feed_newest(svc, "summit", key_events=False, limit=ENTRIES)

    def as_json(feed: Feed) -> dict[str, Any]:
        channel = syndication.feed_channel(feed, lead_html, posts, svc.urls)
        data: dict[str, Any] = json.loads(syndication.render(channel, Format.JSON))
        return data

    assert "expired" not in as_json(feed)
    ended = as_json(publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED))
    assert ended["expired"] is True
    assert ended["description"] == "Leaders meet for a second day."
