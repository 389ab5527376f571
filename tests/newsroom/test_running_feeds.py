"""Opening, changing, ending and reopening feeds, and who may, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from livefeed.distribution import reading
from livefeed.domain.access import FeedRole
from livefeed.domain.errors import Conflict, Forbidden, Invalid, NotFound
from livefeed.domain.events import EventType
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store import members
from tests.conftest import Clock
from tests.factories import make_admin, make_contributor, make_feed, make_post
from tests.newsroom.newsroom_tables import log_of, rows, snapshot

DEADLINE = 10.0


def test_create_feed(svc: Services, editor: User, clock: Clock) -> None:
    feed = make_feed(svc, editor, coverage_start="2026-11-25T08:00:00Z")
    assert (feed.slug, feed.title, feed.status, feed.tags) == (
        "summit",
        "Summit in Geneva: live",
        FeedStatus.LIVE,
        ("politics", "world"),
    )
    assert (feed.version, feed.last_seq, feed.coverage_end) == (1, 0, None)
    assert feed.created_at == feed.updated_at == clock.now
    page = reading.feed_page(svc, "summit")
    assert page.lead_html == "<p>Leaders meet for a <strong>second</strong> day.</p>\n"
    assert page.notes_html == "<p>Times are local.</p>\n"
    # Creating a feed tells no reader anything: nobody can be following it yet.
    assert log_of(svc, feed.id) == []


def test_a_feed_created_not_live_is_scheduled(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    feed = publishing.create_feed(svc, editor, {"slug": "budget", "title": "Budget"}, live=False)
    assert feed.status is FeedStatus.SCHEDULED
    assert feed in reading.home(svc).live


def test_a_taken_slug_is_a_conflict_and_nothing_is_written(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    before = snapshot(svc)
    with pytest.raises(Conflict) as caught:
        make_feed(svc, editor, title="Another summit", tags="other")
    assert caught.value.field == "slug"
    assert snapshot(svc) == before


def test_slugs_are_compared_after_lower_casing(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    with pytest.raises(Conflict):
        make_feed(svc, editor, slug="SUMMIT")


def test_invalid_feed_input_writes_nothing(svc: Services, editor: User) -> None:
    before = snapshot(svc)
    with pytest.raises(Invalid) as caught:
        make_feed(svc, editor, slug="No Good", timezone="Atlantis/Capital")
    assert set(caught.value.errors) == {"slug", "timezone"}
    with pytest.raises(Invalid) as caught:
        make_feed(svc, editor, lead="[x](javascript:alert(1))", notes="[y](data:text/html,x)")
    assert set(caught.value.errors) == {"lead", "notes"}
    assert snapshot(svc) == before


@pytest.mark.parametrize("who", ["contributor", "nobody"])
def test_only_editors_create_feeds(svc: Services, who: str) -> None:
    actor = make_contributor(svc) if who == "contributor" else None
    with pytest.raises(Forbidden):
        publishing.create_feed(svc, actor, {"slug": "summit", "title": "Summit"})
    assert rows(svc)["feeds"] == 0


def test_a_contributor_of_one_feed_cannot_open_another(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    carl = make_contributor(svc)
    with pytest.raises(Forbidden, match="only administrators and feed editors"):
        publishing.create_feed(svc, carl, {"slug": "budget", "title": "Budget"})
    assert rows(svc)["feeds"] == 1


def test_whoever_opens_a_feed_becomes_its_editor(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    ada = make_admin(svc)
    by_admin = publishing.create_feed(svc, ada, {"slug": "budget", "title": "Budget"})
    by_editor = publishing.create_feed(svc, editor, {"slug": "vote", "title": "Vote"})
    with svc.db.read() as conn:
        assert [(m.email, m.role) for m in members.team(conn, by_admin.id)] == [
            (ada.email, FeedRole.EDITOR)
        ]
        assert [(m.email, m.role) for m in members.team(conn, by_editor.id)] == [
            (editor.email, FeedRole.EDITOR)
        ]
    # Anna edits "vote", which she opened, but has no say over Ada's "budget".
    publishing.publish_post(svc, editor, "vote", {"headline": "Polls open"})
    with pytest.raises(Forbidden):
        publishing.publish_post(svc, editor, "budget", {"headline": "Cuts"})


def test_update_feed(svc: Services, editor: User, clock: Clock) -> None:
    feed = make_feed(svc, editor)
    clock.advance(300)
    changed = publishing.update_feed(
        svc, editor, "summit", feed.as_input() | {"title": "Summit: day two", "tags": "world"}
    )
    assert (changed.id, changed.title, changed.tags, changed.version) == (
        feed.id,
        "Summit: day two",
        ("world",),
        2,
    )
    assert changed.updated_at == clock.now
    assert changed.created_at == feed.created_at
    (event,) = log_of(svc, feed.id)
    assert (event.seq, event.type, event.post_id) == (1, EventType.FEED_UPDATED, None)
    assert event.data["title"] == "Summit: day two"
    assert event.data["version"] == 2
    assert [f.slug for f in reading.tag_page(svc, "world").feeds] == ["summit"]
    assert reading.tag_page(svc, "politics").feeds == []


def test_renaming_a_feed_moves_it(svc: Services, editor: User) -> None:
    feed = make_feed(svc, editor)
    publishing.update_feed(svc, editor, "summit", feed.as_input() | {"slug": "geneva-summit"})
    assert reading.get_feed(svc, "geneva-summit").id == feed.id
    with pytest.raises(NotFound):
        reading.get_feed(svc, "summit")


def test_renaming_onto_a_taken_slug_is_a_conflict(svc: Services, editor: User) -> None:
    feed = make_feed(svc, editor)
    make_feed(svc, editor, slug="storm", title="Storm")
    before = snapshot(svc)
    with pytest.raises(Conflict) as caught:
        publishing.update_feed(svc, editor, "summit", feed.as_input() | {"slug": "storm"})
    assert caught.value.field == "slug"
    assert snapshot(svc) == before


def test_update_of_an_unknown_feed_is_not_found(svc: Services, editor: User) -> None:
    with pytest.raises(NotFound):
        publishing.update_feed(svc, editor, "nowhere", {"slug": "nowhere", "title": "x"})


def test_end_and_reopen_a_feed(svc: Services, editor: User, clock: Clock) -> None:
    feed = make_feed(svc, editor)
    clock.advance(3600)
    ended = publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    assert ended.status is FeedStatus.ENDED
    assert ended.coverage_end == clock.now
    (event,) = log_of(svc, feed.id)
    assert event.type is EventType.FEED_ENDED
    assert event.data["status"] == "ended"
    assert event.data["coverage_end"] == "2026-11-25T19:00:00Z"

    before = snapshot(svc)
    with pytest.raises(Conflict, match="ended"):
        make_post(svc, editor)
    # Ending an ended feed changes nothing and tells nobody.
    assert publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED) == ended
    assert snapshot(svc) == before
    with pytest.raises(Invalid) as caught:
        publishing.set_feed_status(svc, editor, "summit", FeedStatus.SCHEDULED)
    assert list(caught.value.errors) == ["status"]

    clock.advance(60)
    reopened = publishing.set_feed_status(svc, editor, "summit", FeedStatus.LIVE)
    assert (reopened.status, reopened.coverage_end) == (FeedStatus.LIVE, None)
    assert log_of(svc, feed.id)[-1].type is EventType.FEED_UPDATED
    assert make_post(svc, editor).seq == 3


def test_a_contributor_cannot_end_a_feed(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    with pytest.raises(Forbidden):
        publishing.set_feed_status(svc, make_contributor(svc), "summit", FeedStatus.ENDED)
    assert reading.get_feed(svc, "summit").status is FeedStatus.LIVE
