"""Moderators' decisions on comments, on SQLite and PostgreSQL: who may, what readers are told,
and two moderators deciding the same comment at once."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import text

from livefeed.access import audit
from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation
from livefeed.discussion.comment_resources import comment_json
from livefeed.domain.access import FeedRole
from livefeed.domain.comments import Comment, CommentState, RejectReason
from livefeed.domain.errors import Conflict, Forbidden, NotFound
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store import comments as comment_store
from livefeed.store import events
from tests.factories import join, make_admin, make_editor, make_feed, make_moderator, make_user

ADDRESS = "198.51.100.7"
DEADLINE = 10.0


@pytest.fixture
def editor(svc: Services) -> User:
    editor = make_editor(svc)
    make_feed(svc, editor)
    make_feed(svc, editor, slug="storm", title="Storm")
    return editor


@pytest.fixture
def mo(svc: Services, editor: User) -> User:
    return make_moderator(svc, "summit")


@pytest.fixture
def rita(svc: Services) -> User:
    return make_user(svc, "rita@readers.test", name="Rita Reader")


def say(svc: Services, who: User, body: str, slug: str = "summit") -> Comment:
    fields = {"body": body, "accept_standards": "on"}  # as a first comment's form sends it
    return discussion.post_comment(svc, who, slug, fields, address=ADDRESS)


def comment_events(svc: Services, slug: str = "summit") -> list[tuple[str, dict[str, Any]]]:
    feed = discussion.discussion_page(svc, slug).feed
    with svc.db.read() as conn:
        logged = events.after(conn, feed.id, 0)
    return [(e.type.value, e.data) for e in logged if e.type.value.startswith("comment.")]


def post_moderated(svc: Services, editor: User) -> None:
    feed = discussion.discussion_page(svc, "summit").feed
    publishing.update_feed(svc, editor, "summit", feed.as_input() | {"moderation": "post"})


def test_approving_shows_the_comment_to_readers_live(svc: Services, mo: User, rita: User) -> None:
    pending = say(svc, rita, "First!")
    approved = moderation.approve(svc, mo, pending.id)
    assert approved.state is CommentState.APPROVED
    assert approved.decided_by == "Mo Moderator"
    assert comment_events(svc) == [("comment.approved", comment_json(approved, "summit", svc.urls))]
    [thread] = discussion.discussion_page(svc, "summit").threads
    assert thread.comment.id == pending.id
    [entry] = [e for e in audit.entries(svc, make_admin(svc)) if e.action.startswith("comment")]
    assert (entry.action, entry.subject) == (
        "comment.approved",
        f"comment {pending.id} by Rita Reader",
    )


def test_a_second_decision_is_refused_naming_the_first(
    svc: Services, mo: User, editor: User, rita: User
) -> None:
    pending = say(svc, rita, "First!")
    moderation.approve(svc, mo, pending.id)
    with pytest.raises(Conflict) as refused:
        moderation.reject(svc, editor, pending.id, RejectReason.SPAM)
    assert str(refused.value) == "this comment was already approved by Mo Moderator"
    with pytest.raises(Conflict, match="already approved by Mo Moderator"):
        moderation.approve(svc, editor, pending.id)
    assert len(comment_events(svc)) == 1


def test_rejecting_keeps_the_reason_and_tells_readers_only_if_they_saw_it(
    svc: Services, mo: User, editor: User, rita: User
) -> None:
    pending = say(svc, rita, "Buy pills")
    rejected = moderation.reject(svc, mo, pending.id, RejectReason.SPAM)
    assert (rejected.state, rejected.decision_reason) == (CommentState.REJECTED, "spam")
    assert comment_events(svc) == []
    post_moderated(svc, editor)
    shown = say(svc, rita, "My phone number is 555")
    moderation.reject(svc, mo, shown.id, RejectReason.PERSONAL_DATA)
    logged = comment_events(svc)
    assert [kind for kind, _ in logged] == ["comment.approved", "comment.removed"]
    assert all("555" not in str(data) for _, data in logged)


def test_confirming_a_post_moderated_comment_changes_nothing_readers_see(
    svc: Services, mo: User, editor: User, rita: User
) -> None:
    post_moderated(svc, editor)
    shown = say(svc, rita, "Shown at once")
    assert shown.is_open
    confirmed = moderation.approve(svc, mo, shown.id)
    assert not confirmed.is_open
    assert [kind for kind, _ in comment_events(svc)] == ["comment.approved"]


def test_hide_and_restore(svc: Services, mo: User, editor: User, rita: User) -> None:
    post_moderated(svc, editor)
    shown = say(svc, rita, "Hmm")
    hidden = moderation.hide(svc, mo, shown.id)
    assert hidden.state is CommentState.HIDDEN
    with pytest.raises(Conflict, match="hidden by Mo Moderator: there is nothing to change"):
        moderation.hide(svc, mo, shown.id)
    restored = moderation.restore(svc, editor, shown.id)
    assert restored.state is CommentState.APPROVED
    assert [kind for kind, _ in comment_events(svc)] == [
        "comment.approved",
        "comment.removed",
        "comment.approved",
    ]
    # A rejected comment can be restored too: the deliberate way back.
    pending = say(svc, rita, "Another")
    moderation.reject(svc, mo, pending.id, RejectReason.OFF_TOPIC)
    assert moderation.restore(svc, mo, pending.id).state is CommentState.APPROVED
    with pytest.raises(Conflict, match="nothing to change"):
        moderation.restore(svc, mo, pending.id)


def test_a_comment_hidden_by_reports_waits_for_a_decision(
    svc: Services, mo: User, editor: User, rita: User
) -> None:
    post_moderated(svc, editor)
    shown = say(svc, rita, "Contested")
    moderation.approve(svc, mo, shown.id)
    for number in range(3):
        reader = make_user(svc, f"r{number}@readers.test")
        discussion.report_comment(svc, reader, shown.id, {"reason": "abuse"}, address=ADDRESS)
    # Hidden by readers, it is open again: a moderator decides afresh.
    restored = moderation.approve(svc, editor, shown.id)
    assert (restored.state, restored.reports) == (CommentState.APPROVED, 0)


def test_who_may_moderate(svc: Services, editor: User, mo: User, rita: User) -> None:
    pending = say(svc, rita, "Waiting")
    elsewhere = make_user(svc, "max@newsroom.test", name="Max")
    join(svc, elsewhere, "storm", FeedRole.MODERATOR)
    contributor = make_user(svc, "carl@newsroom.test", name="Carl")
    join(svc, contributor, "summit", FeedRole.CONTRIBUTOR)
    for outsider in (rita, elsewhere, contributor):
        for decide in (
            lambda who: moderation.approve(svc, who, pending.id),
            lambda who: moderation.reject(svc, who, pending.id, RejectReason.SPAM),
            lambda who: moderation.hide(svc, who, pending.id),
            lambda who: moderation.restore(svc, who, pending.id),
        ):
            with pytest.raises(Forbidden, match="only the feed’s moderators and editors"):
                decide(outsider)
    with pytest.raises(Forbidden):
        moderation.approve(svc, None, pending.id)
    assert comment_store_state(svc, pending.id) is CommentState.PENDING
    assert moderation.approve(svc, make_admin(svc), pending.id).decided_by == "Ada Admin"
    with pytest.raises(NotFound):
        moderation.approve(svc, mo, 999)


def comment_store_state(svc: Services, comment_id: int) -> CommentState:
    with svc.db.read() as conn:
        found = comment_store.get_comment(conn, comment_id)
    assert found is not None
    return found.state


# Two moderators at once (on PostgreSQL; SQLite lets one writer in at a time anyway) -------------


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


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_two_moderators_deciding_at_once_one_wins_the_other_is_told(
    svc: Services, editor: User, mo: User, rita: User
) -> None:
    pending = say(svc, rita, "Decide me")
    max_ = make_user(svc, "max@newsroom.test", name="Max Moderator")
    join(svc, max_, "summit", FeedRole.MODERATOR)
    feed_id = pending.feed_id
    # Hold the feed's row so that both moderators arrive while it is taken.
    holder = svc.db.engine.connect()
    holding = holder.begin()
    holder.execute(text("SELECT id FROM feeds WHERE id = :id FOR UPDATE"), {"id": feed_id})
    results: dict[str, Comment | BaseException] = {}

    def decide(name: str) -> None:
        try:
            if name == "mo":
                results[name] = moderation.approve(svc, mo, pending.id)
            else:
                results[name] = moderation.reject(svc, max_, pending.id, RejectReason.SPAM)
        except BaseException as error:
            results[name] = error

    threads = [threading.Thread(target=decide, args=(n,), daemon=True) for n in ("mo", "max")]
    try:
        for thread in threads:
            thread.start()
        assert waiting_for_locks(svc, count=2)
    finally:
        holding.rollback()
        holder.close()
        for thread in threads:
            thread.join(DEADLINE)
    won = [name for name, result in results.items() if isinstance(result, Comment)]
    lost = [result for result in results.values() if isinstance(result, Conflict)]
    assert len(won) == 1
    assert len(lost) == 1
    winner = "Mo Moderator" if won == ["mo"] else "Max Moderator"
    verb = "approved" if won == ["mo"] else "rejected"
    assert str(lost[0]) == f"this comment was already {verb} by {winner}"
    assert len([k for k, _ in comment_events(svc)]) == (1 if won == ["mo"] else 0)


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_the_conditional_update_alone_lets_one_decision_through(
    svc: Services, editor: User, mo: User, rita: User
) -> None:
    """Without the feed's lock, the row's own lock and the WHERE clause still settle it."""
    pending = say(svc, rita, "Decide me")
    first = svc.db.engine.connect()
    first_tx = first.begin()
    now = svc.clock()
    assert comment_store.decide(
        first, pending.id, state=CommentState.APPROVED, by=mo.id, reason="", now=now
    )
    second_result: list[bool] = []

    def second() -> None:
        with svc.db.write() as conn:
            second_result.append(
                comment_store.decide(
                    conn,
                    pending.id,
                    state=CommentState.REJECTED,
                    by=editor.id,
                    reason="spam",
                    now=now,
                )
            )

    thread = threading.Thread(target=second, daemon=True)
    try:
        thread.start()
        assert waiting_for_locks(svc, count=1)
        first_tx.commit()
    finally:
        first.close()
        thread.join(DEADLINE)
    assert second_result == [False]
    assert comment_store_state(svc, pending.id) is CommentState.APPROVED
