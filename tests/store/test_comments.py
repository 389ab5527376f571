"""Comments in the database, on SQLite and PostgreSQL: pages of threads, replies, decisions."""

from __future__ import annotations

from datetime import timedelta

from livefeed.domain.comments import CommentState, Sort
from livefeed.domain.cursors import Cursor
from livefeed.services import Services
from livefeed.store import comments as store
from tests.conftest import Clock
from tests.factories import make_editor, make_feed, make_user


def add(
    svc: Services,
    feed_id: int,
    author_id: int | None,
    body: str,
    *,
    state: CommentState = CommentState.APPROVED,
    parent_id: int | None = None,
    guest_name: str | None = None,
) -> int:
    with svc.db.write() as conn:
        return store.insert_comment(
            conn,
            feed_id=feed_id,
            parent_id=parent_id,
            author_id=author_id,
            guest_name=guest_name,
            body=body,
            state=state,
            hold_reason="",
            now=svc.clock(),
        )


def test_threads_page_newest_and_oldest_first_with_replies_under_them(
    svc: Services, clock: Clock
) -> None:
    feed = make_feed(svc, make_editor(svc))
    rita = make_user(svc, "rita@readers.test", name="Rita")
    ids = []
    for number in range(5):
        ids.append(add(svc, feed.id, rita.id, f"Thread {number}"))
        if number == 2:  # two in the same second: the id settles their order
            continue
        clock.advance(30)
    reply = add(svc, feed.id, None, "A reply", parent_id=ids[1], guest_name="Guest Gus")
    add(svc, feed.id, rita.id, "Not yet", state=CommentState.PENDING, parent_id=ids[1])

    with svc.db.read() as conn:
        first = store.threads(conn, feed.id, sort=Sort.NEWEST, after=None, limit=2)
        last = first[-1]
        rest = store.threads(
            conn, feed.id, sort=Sort.NEWEST, after=Cursor(last.created_at, last.id), limit=10
        )
        oldest = store.threads(conn, feed.id, sort=Sort.OLDEST, after=None, limit=10)
        answers = store.replies(conn, [ids[1], ids[4]], limit_each=10)
        as_rita = store.replies(conn, [ids[1]], limit_each=10, viewer_id=rita.id)
    assert [c.id for c in first + rest] == ids[::-1]
    assert [c.id for c in oldest] == ids
    assert [c.id for c in answers[ids[1]]] == [reply]
    assert answers[ids[4]] == []
    assert answers[ids[1]][0].author_name == "Guest Gus"
    assert answers[ids[1]][0].guest
    assert [c.body for c in as_rita[ids[1]]] == ["A reply", "Not yet"]
    assert first[0].author_name == "Rita"
    assert not first[0].guest


def test_a_decision_goes_through_once(svc: Services) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor)
    comment_id = add(svc, feed.id, None, "Hi", state=CommentState.PENDING, guest_name="Gus")
    now = svc.clock()
    with svc.db.write() as conn:
        assert store.decide(
            conn, comment_id, state=CommentState.APPROVED, by=editor.id, reason="", now=now
        )
        assert not store.decide(
            conn, comment_id, state=CommentState.REJECTED, by=editor.id, reason="spam", now=now
        )
        decided = store.get_comment(conn, comment_id)
    assert decided is not None
    assert decided.state is CommentState.APPROVED
    assert decided.decided_by == "Anna Editor"
    assert not decided.is_open


def test_the_authors_recent_comments_in_any_feed(svc: Services, clock: Clock) -> None:
    editor = make_editor(svc)
    one, two = make_feed(svc, editor), make_feed(svc, editor, slug="storm", title="Storm")
    rita = make_user(svc, "rita@readers.test", name="Rita")
    add(svc, one.id, rita.id, "Long ago")
    clock.advance(3600)
    add(svc, one.id, rita.id, "First")
    clock.advance(10)
    add(svc, two.id, rita.id, "Second", state=CommentState.REJECTED)
    with svc.db.read() as conn:
        recent = store.recent_by_author(
            conn, rita.id, since=clock.now - timedelta(minutes=5), limit=10
        )
    assert [r.body for r in recent] == ["Second", "First"]
