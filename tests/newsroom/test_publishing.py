"""Publishing, editing, pinning and deleting posts, and who may, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, text, update

from livefeed.distribution import reading
from livefeed.domain.errors import Conflict, Forbidden, Invalid, NotFound
from livefeed.domain.events import EventType
from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store import events
from livefeed.store.accounts import get_user
from livefeed.store.schema import posts, users
from tests.conftest import Clock
from tests.factories import make_contributor, make_feed, make_post
from tests.newsroom.newsroom_tables import log_of, snapshot

DEADLINE = 10.0


# Posts


def test_publish_a_post(svc: Services, editor: User, clock: Clock) -> None:
    feed = make_feed(svc, editor)
    clock.advance(90)
    post = make_post(
        svc,
        editor,
        headline="Talks resume",
        body="Delegates are **back**.",
        tags="talks",
        key_event=True,
        **{"quote.text": "We are close.", "quote.attribution": "The chair"},
    )
    assert (post.feed_id, post.state, post.version, post.seq) == (
        feed.id,
        PostState.PUBLISHED,
        1,
        1,
    )
    assert post.published_at == post.updated_at == clock.now
    assert (post.author_id, post.author_name) == (editor.id, "Anna Editor")
    (event,) = log_of(svc, feed.id)
    assert (event.type, event.post_id, event.created_at) == (
        EventType.POST_PUBLISHED,
        post.id,
        clock.now,
    )
    assert event.data == {
        "id": post.id,
        "version": 1,
        "seq": 1,
        "url": f"http://livefeed.test/feeds/summit/posts/{post.id}",
        "state": "published",
        "short_url": f"http://livefeed.test/s/{post.short_code}",
        "published_at": "2026-11-25T18:01:30Z",
        "updated_at": "2026-11-25T18:01:30Z",
        "headline": "Talks resume",
        "title": "Talks resume",
        "body": "Delegates are **back**.",
        "body_html": "<p>Delegates are <strong>back</strong>.</p>\n",
        "quote": {"text": "We are close.", "attribution": "The chair"},
        "image": None,
        "video": None,
        "read_more": None,
        "tags": ["talks"],
        "key_event": True,
        "pinned": False,
        "author": {"name": "Anna Editor"},
        "publish_at": None,
        "review_note": None,
        "corrections": [],
        "verification": "confirmed",
        "source_type": None,
        "sourcing": "",
        "retracted": False,
        "retraction_reason": None,
        "retracted_at": None,
    }
    # The feed's "Last updated" moves with its posts.
    assert reading.get_feed(svc, "summit").updated_at == clock.now


def test_publishing_to_an_unknown_feed_is_not_found(svc: Services, editor: User) -> None:
    with pytest.raises(NotFound):
        make_post(svc, editor, "nowhere")


@pytest.mark.parametrize("who", ["contributor", "nobody"])
def test_only_editors_publish(svc: Services, editor: User, who: str) -> None:
    make_feed(svc, editor)
    before = snapshot(svc)
    actor = make_contributor(svc) if who == "contributor" else None
    with pytest.raises(Forbidden):
        publishing.publish_post(svc, actor, "summit", {"headline": "Scoop"})
    assert snapshot(svc) == before


def test_invalid_input_reports_every_field_and_writes_nothing(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)
    before = snapshot(svc)
    with pytest.raises(Invalid) as caught:
        make_post(
            svc,
            editor,
            headline="Price \u202e$5",
            body="[click](javascript:alert(1))",
            tags="ok, not_ok",
            pinned=True,
        )
    # Field rules and the link check in the Markdown are both reported.
    assert set(caught.value.errors) == {"headline", "body", "tags"}
    assert snapshot(svc) == before


def test_preview_renders_without_writing(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    before = snapshot(svc)
    preview = publishing.preview_post(svc, {"headline": "Draft", "body": "*soon*"})
    assert preview.body_html == "<p><em>soon</em></p>\n"
    assert preview.data.headline == "Draft"
    assert snapshot(svc) == before


def test_pinning_a_post_unpins_the_one_before(svc: Services, editor: User) -> None:
    feed = make_feed(svc, editor)
    first = make_post(svc, editor, headline="Pinned first", pinned=True)
    second = make_post(svc, editor, headline="Pinned next", pinned=True)
    _, first_now = reading.get_post(svc, "summit", first.id)
    assert (first_now.pinned, first_now.version) == (False, 2)
    assert second.pinned
    log = log_of(svc, feed.id)
    assert [(e.seq, e.type, e.post_id) for e in log] == [
        (1, EventType.POST_PUBLISHED, first.id),
        (2, EventType.POST_UPDATED, first.id),
        (3, EventType.POST_PUBLISHED, second.id),
    ]
    assert log[1].data["pinned"] is False
    assert reading.feed_page(svc, "summit").pinned == second


def test_pinning_by_an_edit_unpins_the_one_before(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    first = make_post(svc, editor, pinned=True)
    second = make_post(svc, editor)
    publishing.edit_post(
        svc, editor, "summit", second.id, second.as_fields() | {"pinned": True}, seen_version=1
    )
    # Saving the pinned post again does not unpin it.
    again = publishing.edit_post(
        svc, editor, "summit", second.id, {"headline": "Still pinned", "pinned": True},
        seen_version=2,
    )  # fmt: skip
    assert again.pinned
    with svc.db.read() as conn:
        pinned = conn.execute(select(posts.c.id).where(posts.c.pinned.is_(True))).scalars().all()
    assert pinned == [second.id]
    assert reading.get_post(svc, "summit", first.id)[1].pinned is False


def test_edit_changes_the_post_in_place(svc: Services, editor: User, clock: Clock) -> None:
    feed = make_feed(svc, editor)
    post = make_post(svc, editor, tags="talks")
    clock.advance(120)
    edited = publishing.edit_post(
        svc,
        editor,
        "summit",
        post.id,
        post.as_fields() | {"headline": "Talks resume after a break", "tags": "talks, geneva"},
        seen_version=1,
    )
    assert edited.id == post.id
    assert (edited.version, edited.seq) == (2, 2)
    assert edited.headline == "Talks resume after a break"
    assert edited.tags == ("talks", "geneva")
    assert edited.published_at == post.published_at
    assert edited.updated_at == clock.now
    event = log_of(svc, feed.id)[-1]
    assert (event.type, event.post_id) == (EventType.POST_UPDATED, post.id)
    assert event.data["headline"] == "Talks resume after a break"
    assert event.data["updated_at"] == "2026-11-25T18:02:00Z"
    assert [p.id for p, _ in reading.tag_page(svc, "geneva").posts] == [post.id]


def test_an_edit_without_a_seen_version_still_applies(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    edited = publishing.edit_post(
        svc, editor, "summit", post.id, {"headline": "New"}, seen_version=None
    )
    assert (edited.headline, edited.version) == ("New", 2)


def test_an_edit_of_a_stale_version_is_a_conflict(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    publishing.edit_post(svc, editor, "summit", post.id, {"headline": "First"}, seen_version=1)
    before = snapshot(svc)
    with pytest.raises(Conflict) as caught:
        publishing.edit_post(svc, editor, "summit", post.id, {"headline": "Second"}, seen_version=1)
    assert caught.value.field == "version"
    assert snapshot(svc) == before
    assert reading.get_post(svc, "summit", post.id)[1].headline == "First"


def test_an_invalid_edit_changes_nothing(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    before = snapshot(svc)
    with pytest.raises(Invalid):
        publishing.edit_post(svc, editor, "summit", post.id, {"headline": ""}, seen_version=1)
    assert snapshot(svc) == before
    assert reading.get_post(svc, "summit", post.id)[1] == post


def test_posts_are_only_reached_through_their_own_feed(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    make_feed(svc, editor, slug="storm", title="Storm")
    post = make_post(svc, editor, "storm")
    with pytest.raises(NotFound):
        publishing.edit_post(svc, editor, "summit", post.id, {"headline": "x"}, seen_version=1)
    with pytest.raises(NotFound):
        publishing.delete_post(svc, editor, "summit", post.id)
    with pytest.raises(NotFound):
        publishing.edit_post(svc, editor, "storm", 999, {"headline": "x"}, seen_version=None)


def test_delete_leaves_a_tombstone(svc: Services, editor: User, clock: Clock) -> None:
    feed = make_feed(svc, editor)
    kept = make_post(svc, editor, headline="Kept")
    gone = make_post(svc, editor, headline="Gone", tags="talks", key_event=True, pinned=True)
    clock.advance()
    deleted = publishing.delete_post(svc, editor, "summit", gone.id, seen_version=1)
    assert (deleted.id, deleted.state, deleted.version, deleted.seq) == (
        gone.id,
        PostState.DELETED,
        2,
        3,
    )
    assert (deleted.pinned, deleted.key_event) == (False, False)
    event = log_of(svc, feed.id)[-1]
    assert (event.type, event.post_id, event.data["state"]) == (
        EventType.POST_DELETED,
        gone.id,
        "deleted",
    )
    assert "headline" not in event.data

    page = reading.feed_page(svc, "summit")
    assert [p.id for p in page.posts] == [kept.id]
    assert (page.pinned, page.key_events) == (None, [])
    assert reading.tag_page(svc, "talks").posts == []
    with pytest.raises(NotFound):
        reading.post_page(svc, "summit", gone.id)
    _, tombstone = reading.get_post(svc, "summit", gone.id)
    assert tombstone.state is PostState.DELETED
    _, changed = reading.changes_since(svc, "summit", 1, limit=50)
    assert [(p.id, p.state) for p in changed] == [(gone.id, PostState.DELETED)]


def test_a_deleted_post_can_be_neither_edited_nor_deleted_again(
    svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    publishing.delete_post(svc, editor, "summit", post.id)
    before = snapshot(svc)
    with pytest.raises(Conflict, match="deleted"):
        publishing.edit_post(
            svc, editor, "summit", post.id, {"headline": "Back"}, seen_version=None
        )
    with pytest.raises(Conflict, match="deleted"):
        publishing.delete_post(svc, editor, "summit", post.id)
    assert snapshot(svc) == before


def test_a_delete_of_a_stale_version_is_a_conflict(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    publishing.edit_post(svc, editor, "summit", post.id, {"headline": "New"}, seen_version=1)
    with pytest.raises(Conflict) as caught:
        publishing.delete_post(svc, editor, "summit", post.id, seen_version=1)
    assert caught.value.field == "version"
    assert reading.get_post(svc, "summit", post.id)[1].state is PostState.PUBLISHED


def test_a_contributor_cannot_edit_or_delete(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)
    contributor = make_contributor(svc)
    with pytest.raises(Forbidden):
        publishing.edit_post(svc, contributor, "summit", post.id, {"headline": "x"}, seen_version=1)
    with pytest.raises(Forbidden):
        publishing.delete_post(svc, contributor, "summit", post.id)
    assert reading.get_post(svc, "summit", post.id)[1] == post


def test_a_disabled_editor_cannot_publish(svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    with svc.db.write() as conn:
        conn.execute(update(users).where(users.c.id == editor.id).values(disabled=True))
    with svc.db.read() as conn:
        disabled = get_user(conn, editor.id)
    assert disabled is not None
    with pytest.raises(Forbidden):
        make_post(svc, disabled)


# Two editors at once (PostgreSQL: SQLite lets one writer in at a time anyway)


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_two_editors_pinning_at_once_leave_one_pinned_post(
    svc: Services, editor: User, clock: Clock
) -> None:
    feed = make_feed(svc, editor)
    # Hold the feed's event counter so that both editors arrive while it is taken.
    holder = svc.db.engine.connect()
    holding = holder.begin()
    events.next_seq(holder, feed.id)
    failures: list[BaseException] = []

    def pin(headline: str) -> None:
        try:
            make_post(svc, editor, headline=headline, pinned=True)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=pin, args=(name,), daemon=True) for name in ("A", "B")]
    try:
        for thread in threads:
            thread.start()
        assert waiting_for_locks(svc, count=2)
    finally:
        holding.rollback()
        holder.close()
        for thread in threads:
            thread.join(DEADLINE)
    assert failures == []
    with svc.db.read() as conn:
        pinned = conn.execute(select(posts.c.headline).where(posts.c.pinned.is_(True))).all()
    assert len(pinned) == 1
    assert [e.seq for e in log_of(svc, feed.id)] == [1, 2, 3]


def waiting_for_locks(svc: Services, *, count: int) -> bool:
    """Wait until ``count`` backends of this database wait on a lock; ``False`` if they never do."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        with svc.db.engine.connect() as conn:
            blocked = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        if blocked >= count:
            return True
        time.sleep(0.01)
    return False
