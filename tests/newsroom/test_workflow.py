"""Drafts, contributions and scheduled posts, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from livefeed.distribution import reading, short_urls, sitemaps
from livefeed.domain.access import FeedRole
from livefeed.domain.errors import Conflict, Forbidden, Invalid, NotFound
from livefeed.domain.events import EventType
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.posts import Post, PostState
from livefeed.domain.users import User
from livefeed.newsroom import publishing, scheduling, workflow
from livefeed.newsroom.workflow import When
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import audit as audit_store
from livefeed.store import events
from livefeed.store.schema import audit_log, feeds, post_tags, posts
from livefeed.store.schema import events as events_table
from tests.conftest import Clock
from tests.factories import (
    CHEAP_PASSWORDS,
    join,
    make_contributor,
    make_editor,
    make_feed,
    make_post,
    make_user,
)

DRAFT, SUBMITTED, SCHEDULED = PostState.DRAFT, PostState.SUBMITTED, PostState.SCHEDULED
PUBLISHED, DELETED = PostState.PUBLISHED, PostState.DELETED
WORDS = {"headline": "Delegates walk out", "body": "Three delegations **left** the hall."}


@pytest.fixture
def editor(svc: Services) -> User:
    anna = make_editor(svc)
    make_feed(svc, anna)
    return anna


@pytest.fixture
def carl(svc: Services, editor: User) -> User:
    return make_contributor(svc)


def stored(svc: Services) -> dict[str, Any]:
    """Everything a refused change must leave as it was."""
    with svc.db.read() as conn:
        counts = {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (posts, post_tags, events_table, audit_log)
        }
        state = conn.execute(select(posts.c.id, posts.c.state, posts.c.version)).all()
        seqs = conn.execute(select(feeds.c.last_seq, feeds.c.updated_at)).all()
    return {"counts": counts, "posts": sorted(map(tuple, state)), "feeds": list(map(tuple, seqs))}


def audit_lines(svc: Services) -> list[tuple[str, str, dict[str, object]]]:
    with svc.db.read() as conn:
        found = audit_store.recent(conn, limit=100)
    return [(e.action, e.actor_email, e.detail) for e in reversed(found) if e.post_id]


def log_of(svc: Services) -> list[tuple[int, EventType, int | None]]:
    feed = reading.get_feed(svc, "summit")
    with svc.db.read() as conn:
        return [(e.seq, e.type, e.post_id) for e in events.after(conn, feed.id, 0)]


def start(svc: Services, actor: User, state: PostState, **extra: Any) -> Post:
    when = extra.pop("publish_at", None)
    return workflow.start_post(
        svc, actor, "summit", WORDS | extra, state=state,
        publish_at=When(when) if when is not None else None,
    )  # fmt: skip


def later(clock: Clock, minutes: int = 30) -> str:
    return (clock.now + timedelta(minutes=minutes)).isoformat()


# Drafts and contributions ------------------------------------------------------------------------


def test_a_draft_is_its_authors_alone_and_tells_readers_nothing(
    svc: Services, editor: User, carl: User
) -> None:
    before = reading.get_feed(svc, "summit")
    draft = start(svc, carl, DRAFT)

    assert (draft.state, draft.seq, draft.author_id) == (DRAFT, 0, carl.id)
    after = reading.get_feed(svc, "summit")
    assert (after.last_seq, after.updated_at) == (before.last_seq, before.updated_at)
    assert log_of(svc) == []
    assert workflow.visible_post(svc, carl, "summit", draft.id)[1] == draft
    with pytest.raises(NotFound):
        workflow.visible_post(svc, editor, "summit", draft.id)  # not even the editors
    assert workflow.my_posts(svc, carl, "summit")[1] == [draft]
    # Saving drafts is too frequent to audit.
    assert audit_lines(svc) == []


def test_a_contributor_submits_and_the_editors_see_it_waiting(
    svc: Services, editor: User, carl: User, clock: Clock
) -> None:
    draft = start(svc, carl, DRAFT)
    clock.advance(60)
    submitted = workflow.update_post(svc, carl, "summit", draft.id, state=SUBMITTED)

    assert submitted.state is SUBMITTED
    assert submitted.submitted_at == clock.now
    assert workflow.queue(svc, editor, "summit").submitted == [submitted]
    assert workflow.waiting(svc, submitted.feed_id) == 1
    assert log_of(svc) == []
    assert [(a, who) for a, who, _ in audit_lines(svc)] == [("post.submitted", carl.email)]


def test_a_contribution_can_be_submitted_straight_away(
    svc: Services, editor: User, carl: User
) -> None:
    post = start(svc, carl, SUBMITTED)
    assert post.state is SUBMITTED
    assert [p.id for p in workflow.queue(svc, editor, "summit").submitted] == [post.id]


def test_the_queue_is_newest_first(svc: Services, editor: User, carl: User, clock: Clock) -> None:
    first = start(svc, carl, SUBMITTED, headline="First")
    clock.advance(60)
    second = start(svc, carl, SUBMITTED, headline="Second")
    assert [p.id for p in workflow.queue(svc, editor, "summit").submitted] == [second.id, first.id]


def test_an_editor_publishes_a_contribution_as_written(
    svc: Services, editor: User, carl: User, clock: Clock
) -> None:
    editor_post = make_post(svc, editor)
    contribution = start(svc, carl, SUBMITTED)
    clock.advance(120)

    published = workflow.update_post(svc, editor, "summit", contribution.id, state=PUBLISHED)

    assert published.state is PUBLISHED
    assert published.published_at == clock.now
    assert published.seq == editor_post.seq + 1
    assert (published.reviewer_name, published.edited_in_review) == ("Anna Editor", False)
    assert log_of(svc) == [
        (editor_post.seq, EventType.POST_PUBLISHED, editor_post.id),
        (published.seq, EventType.POST_PUBLISHED, published.id),
    ]
    assert [p.id for p in reading.feed_page(svc, "summit").posts] == [published.id, editor_post.id]
    assert reading.get_feed(svc, "summit").updated_at == clock.now
    action, who, detail = audit_lines(svc)[-1]
    assert (action, who, detail["as_written"]) == ("post.published", editor.email, True)
    # Carl can tell what became of it.
    [mine] = workflow.my_posts(svc, carl, "summit")[1]
    assert (mine.state, mine.reviewer_name, mine.edited_in_review) == (
        PUBLISHED,
        "Anna Editor",
        False,
    )


def test_an_editor_edits_a_contribution_then_publishes_it(
    svc: Services, editor: User, carl: User
) -> None:
    contribution = start(svc, carl, SUBMITTED)
    fields = contribution.as_fields() | {"headline": "Three delegations walk out"}

    saved = workflow.update_post(svc, editor, "summit", contribution.id, fields=fields)
    assert (saved.state, saved.headline) == (SUBMITTED, fields["headline"])
    assert saved.edited_in_review is True
    assert log_of(svc) == []  # an edit in the queue tells readers nothing
    published = workflow.update_post(
        svc, editor, "summit", saved.id, state=PUBLISHED, seen_version=saved.version
    )

    assert (published.headline, published.author_name) == (fields["headline"], "Carl Contributor")
    assert published.edited_in_review is True
    assert audit_lines(svc)[-1][2]["as_written"] is False


def test_words_sent_back_unchanged_are_no_edit(svc: Services, editor: User, carl: User) -> None:
    contribution = start(svc, carl, SUBMITTED)
    published = workflow.update_post(
        svc, editor, "summit", contribution.id, fields=contribution.as_fields(), state=PUBLISHED
    )
    assert published.edited_in_review is False


def test_an_editor_returns_a_contribution_with_a_note(
    svc: Services, editor: User, carl: User, clock: Clock
) -> None:
    contribution = start(svc, carl, SUBMITTED)
    returned = workflow.update_post(
        svc, editor, "summit", contribution.id, state=DRAFT, note="Who counted the delegations?"
    )

    assert (returned.state, returned.review_note) == (DRAFT, "Who counted the delegations?")
    assert returned.reviewer_name == "Anna Editor"
    assert workflow.queue(svc, editor, "summit").submitted == []
    with pytest.raises(NotFound):  # a draft again: Carl's alone
        workflow.visible_post(svc, editor, "summit", returned.id)
    assert workflow.my_posts(svc, carl, "summit")[1] == [returned]
    assert audit_lines(svc)[-1][:2] == ("post.returned", editor.email)
    # Carl fixes it and submits again: the note has done its work.
    clock.advance(60)
    fixed = workflow.update_post(
        svc, carl, "summit", returned.id,
        fields=returned.as_fields() | {"body": "Three delegations left, by our count."},
        state=SUBMITTED,
    )  # fmt: skip
    assert (fixed.state, fixed.review_note, fixed.reviewer_id) == (SUBMITTED, "", None)
    assert fixed.submitted_at == clock.now


def test_returning_without_a_note_is_refused_and_stores_nothing(
    svc: Services, editor: User, carl: User
) -> None:
    contribution = start(svc, carl, SUBMITTED)
    before = stored(svc)
    with pytest.raises(Invalid) as caught:
        workflow.update_post(svc, editor, "summit", contribution.id, state=DRAFT, note="  ")
    assert set(caught.value.errors) == {"note"}
    assert stored(svc) == before


def test_a_contributor_takes_back_their_contribution(
    svc: Services, editor: User, carl: User
) -> None:
    contribution = start(svc, carl, SUBMITTED)
    back = workflow.update_post(svc, carl, "summit", contribution.id, state=DRAFT)
    assert (back.state, back.review_note) == (DRAFT, "")


def test_a_contributor_edits_their_draft_but_not_once_submitted(
    svc: Services, editor: User, carl: User
) -> None:
    draft = start(svc, carl, DRAFT)
    edited = workflow.update_post(
        svc, carl, "summit", draft.id, fields=draft.as_fields() | {"headline": "New"}
    )
    assert (edited.headline, edited.version, edited.edited_in_review) == ("New", 2, None)
    submitted = workflow.update_post(svc, carl, "summit", draft.id, state=SUBMITTED)
    before = stored(svc)
    with pytest.raises(Forbidden):
        workflow.update_post(
            svc, carl, "summit", submitted.id, fields=submitted.as_fields() | {"headline": "X"}
        )
    assert stored(svc) == before


# Refusals store nothing ------------------------------------------------------------------------


def test_a_contributor_cannot_publish_or_schedule(
    svc: Services, editor: User, carl: User, clock: Clock
) -> None:
    before = stored(svc)
    with pytest.raises(Forbidden):
        start(svc, carl, PUBLISHED)
    with pytest.raises(Forbidden):
        start(svc, carl, SCHEDULED, publish_at=later(clock))
    assert stored(svc) == before
    draft = start(svc, carl, DRAFT)
    before = stored(svc)
    for state in (PUBLISHED, SCHEDULED):
        with pytest.raises(Forbidden):
            workflow.update_post(
                svc, carl, "summit", draft.id, state=state,
                publish_at=When(later(clock)) if state is SCHEDULED else None,
            )  # fmt: skip
    assert stored(svc) == before


def test_a_contributor_cannot_see_or_touch_another_ones_draft(
    svc: Services, editor: User, carl: User
) -> None:
    dora = make_user(svc, "dora@newsroom.test", name="Dora")
    join(svc, dora, "summit", FeedRole.CONTRIBUTOR)
    draft = start(svc, carl, DRAFT)
    submitted = start(svc, carl, SUBMITTED)
    before = stored(svc)
    for post in (draft, submitted):
        with pytest.raises(NotFound):
            workflow.visible_post(svc, dora, "summit", post.id)
        with pytest.raises(NotFound):
            workflow.update_post(svc, dora, "summit", post.id, state=DELETED)
    assert workflow.list_in_state(svc, dora, "summit", SUBMITTED, limit=10)[1] == []
    assert workflow.list_in_state(svc, carl, "summit", SUBMITTED, limit=10)[1] == [submitted]
    assert stored(svc) == before


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (lambda c: (c.now - timedelta(minutes=1)).isoformat(), "must be in the future"),
        (lambda c: c.now.isoformat(), "must be in the future"),
        (lambda c: "", "is required"),
        (lambda c: "soon", "date and time"),
    ],
)
def test_a_schedule_not_in_the_future_is_refused_on_publish_at(
    svc: Services, editor: User, clock: Clock, when: Any, message: str
) -> None:
    before = stored(svc)
    with pytest.raises(Invalid) as caught:
        start(svc, editor, SCHEDULED, publish_at=when(clock))
    assert set(caught.value.errors) == {"publish_at"}
    assert message in caught.value.errors["publish_at"]
    assert stored(svc) == before


def test_bad_words_and_a_bad_time_are_reported_together(svc: Services, editor: User) -> None:
    with pytest.raises(Invalid) as caught:
        start(svc, editor, SCHEDULED, headline="Price \u202e$5", publish_at="yesterday")
    assert set(caught.value.errors) == {"headline", "publish_at"}


def test_a_time_without_a_schedule_is_refused(svc: Services, editor: User, clock: Clock) -> None:
    with pytest.raises(Invalid) as caught:
        start(svc, editor, DRAFT, publish_at=later(clock))
    assert set(caught.value.errors) == {"publish_at"}
    with pytest.raises(Invalid):
        start(svc, editor, PUBLISHED, publish_at=later(clock))
    assert stored(svc)["counts"]["posts"] == 0


def test_a_stale_version_is_a_conflict(svc: Services, editor: User, carl: User) -> None:
    contribution = start(svc, carl, SUBMITTED)
    workflow.update_post(
        svc, editor, "summit", contribution.id, fields=contribution.as_fields() | {"body": "B"}
    )
    before = stored(svc)
    with pytest.raises(Conflict) as caught:
        workflow.update_post(
            svc, editor, "summit", contribution.id, state=PUBLISHED, seen_version=1
        )
    assert caught.value.field == "version"
    assert stored(svc) == before


def test_a_published_post_does_not_go_back(svc: Services, editor: User) -> None:
    post = make_post(svc, editor)
    for state in (DRAFT, SUBMITTED):
        with pytest.raises(Conflict):
            workflow.update_post(svc, editor, "summit", post.id, state=state)
    # Nor is an unpublished post edited as a published one, which would log its words.
    draft = start(svc, editor, DRAFT)
    with pytest.raises(Conflict):
        publishing.edit_post(svc, editor, "summit", draft.id, WORDS, seen_version=None)
    assert log_of(svc) == [(post.seq, EventType.POST_PUBLISHED, post.id)]


def test_nobody_signed_in_writes_nothing(svc: Services, editor: User) -> None:
    with pytest.raises(Forbidden):
        workflow.start_post(svc, None, "summit", WORDS, state=DRAFT)


# Scheduling --------------------------------------------------------------------------------------


def test_a_scheduled_post_goes_out_at_its_time_once(
    svc: Services, editor: User, clock: Clock
) -> None:
    scheduled = start(svc, editor, SCHEDULED, publish_at=later(clock, 30))
    assert (scheduled.state, scheduled.publish_at) == (SCHEDULED, clock.now + timedelta(minutes=30))
    assert [a for a, _, _ in audit_lines(svc)] == ["post.scheduled"]

    clock.advance(29 * 60)
    assert scheduling.publish_due(svc) == []
    clock.advance(61)
    [published] = scheduling.publish_due(svc)
    assert scheduling.publish_due(svc) == []

    assert (published.id, published.state, published.published_at) == (
        scheduled.id,
        PUBLISHED,
        clock.now,
    )
    assert published.publish_at is None
    assert log_of(svc) == [(published.seq, EventType.POST_PUBLISHED, published.id)]
    feed = reading.get_feed(svc, "summit")
    assert (feed.last_seq, feed.updated_at) == (published.seq, clock.now)
    [event] = reading.events_after(svc, feed.id, 0)[1]
    assert event[0].data["published_at"] == clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert event[0].data["state"] == "published"
    assert event[0].data["publish_at"] is None
    action, who, detail = audit_lines(svc)[-1]
    assert (action, who, detail["by"], detail["scheduled_by"]) == (
        "post.published",
        "",
        "the scheduler",
        "Anna Editor",
    )


def test_an_editor_reschedules_then_cancels(svc: Services, editor: User, clock: Clock) -> None:
    scheduled = start(svc, editor, SCHEDULED, publish_at=later(clock, 30))
    moved = workflow.update_post(
        svc, editor, "summit", scheduled.id, state=SCHEDULED, publish_at=When(later(clock, 90))
    )
    assert moved.publish_at == clock.now + timedelta(minutes=90)
    clock.advance(31 * 60)
    assert scheduling.publish_due(svc) == []  # the old time means nothing now
    cancelled = workflow.update_post(svc, editor, "summit", scheduled.id, state=DRAFT)
    assert (cancelled.state, cancelled.publish_at) == (DRAFT, None)
    clock.advance(60 * 60)
    assert scheduling.publish_due(svc) == []
    assert log_of(svc) == []
    assert [a for a, _, _ in audit_lines(svc)] == [
        "post.scheduled",
        "post.scheduled",
        "post.unscheduled",
    ]


def test_a_scheduled_contribution_goes_back_to_the_queue_or_to_its_author(
    svc: Services, editor: User, carl: User, clock: Clock
) -> None:
    contribution = start(svc, carl, SUBMITTED)
    scheduled = workflow.update_post(
        svc, editor, "summit", contribution.id, state=SCHEDULED, publish_at=When(later(clock))
    )
    assert workflow.queue(svc, editor, "summit").scheduled == [scheduled]
    requeued = workflow.update_post(svc, editor, "summit", scheduled.id, state=SUBMITTED)
    assert (requeued.state, requeued.publish_at) == (SUBMITTED, None)
    again = workflow.update_post(
        svc, editor, "summit", scheduled.id, state=SCHEDULED, publish_at=When(later(clock))
    )
    with pytest.raises(Invalid):  # to its author only with a word why
        workflow.update_post(svc, editor, "summit", again.id, state=DRAFT)
    back = workflow.update_post(svc, editor, "summit", again.id, state=DRAFT, note="Hold it")
    assert (back.state, back.review_note) == (DRAFT, "Hold it")


def test_a_scheduled_contribution_tells_its_author_how_it_went(
    svc: Services, editor: User, carl: User, clock: Clock
) -> None:
    contribution = start(svc, carl, SUBMITTED)
    workflow.update_post(
        svc, editor, "summit", contribution.id, state=SCHEDULED, publish_at=When(later(clock))
    )
    clock.advance(31 * 60)
    [published] = scheduling.publish_due(svc)
    assert (published.author_name, published.reviewer_name) == ("Carl Contributor", "Anna Editor")
    assert published.edited_in_review is False


def test_publishing_now_beats_the_schedule(svc: Services, editor: User, clock: Clock) -> None:
    scheduled = start(svc, editor, SCHEDULED, publish_at=later(clock))
    now = workflow.update_post(svc, editor, "summit", scheduled.id, state=PUBLISHED)
    assert (now.state, now.published_at, now.publish_at) == (PUBLISHED, clock.now, None)
    clock.advance(3600)
    assert scheduling.publish_due(svc) == []
    assert len(log_of(svc)) == 1


def test_a_scheduled_pinned_post_unpins_the_one_before(
    svc: Services, editor: User, clock: Clock
) -> None:
    old = make_post(svc, editor, pinned=True)
    start(svc, editor, SCHEDULED, pinned=True, publish_at=later(clock))
    assert reading.feed_page(svc, "summit").pinned == old  # still, until it goes out
    clock.advance(31 * 60)
    [new] = scheduling.publish_due(svc)
    page = reading.feed_page(svc, "summit")
    assert page.pinned is not None
    assert page.pinned.id == new.id
    assert [(kind, post_id) for _, kind, post_id in log_of(svc)] == [
        (EventType.POST_PUBLISHED, old.id),
        (EventType.POST_UPDATED, old.id),
        (EventType.POST_PUBLISHED, new.id),
    ]


def test_an_ended_feed_publishes_nothing_until_it_reopens(
    svc: Services, editor: User, clock: Clock
) -> None:
    start(svc, editor, SCHEDULED, publish_at=later(clock))
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    seq = reading.get_feed(svc, "summit").last_seq
    clock.advance(31 * 60)
    assert scheduling.publish_due(svc) == []
    assert reading.get_feed(svc, "summit").last_seq == seq
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.LIVE)
    [published] = scheduling.publish_due(svc)
    assert published.published_at == clock.now


def test_scheduling_on_an_ended_feed_is_a_conflict(
    svc: Services, editor: User, clock: Clock
) -> None:
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    before = stored(svc)
    with pytest.raises(Conflict):
        start(svc, editor, SCHEDULED, publish_at=later(clock))
    assert stored(svc) == before


def test_two_instances_publish_each_post_exactly_once(
    settings: Settings, svc: Services, editor: User, clock: Clock
) -> None:
    """Two Services on one database (two instances) run the scheduler at the same moment."""
    rounds, per_round = 25, 2
    for n in range(rounds * per_round):
        start(svc, editor, SCHEDULED, headline=f"Update {n}", publish_at=later(clock, 1 + n // 2))
    other = Services.build(settings, clock=clock, passwords=CHEAP_PASSWORDS)
    published: list[list[Post]] = [[], []]
    try:
        for _ in range(rounds):
            clock.advance(60)
            barrier = threading.Barrier(2)
            errors: list[BaseException] = []

            def run(
                index: int,
                instance: Services,
                barrier: threading.Barrier = barrier,
                errors: list[BaseException] = errors,
            ) -> None:
                try:
                    barrier.wait()
                    published[index] += scheduling.publish_due(instance)
                except BaseException as error:  # reported below, not lost in the thread
                    errors.append(error)

            threads = [
                threading.Thread(target=run, args=(i, s)) for i, s in enumerate((svc, other))
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert errors == []
    finally:
        other.close()

    ids = [p.id for p in published[0] + published[1]]
    assert len(ids) == len(set(ids)) == rounds * per_round
    logged = log_of(svc)
    assert Counter(post_id for _, _, post_id in logged) == Counter(set(ids))
    assert [seq for seq, _, _ in logged] == list(range(1, rounds * per_round + 1))
    assert {kind for _, kind, _ in logged} == {EventType.POST_PUBLISHED}
    scheduler_lines = [a for a, who, d in audit_lines(svc) if a == "post.published"]
    assert len(scheduler_lines) == rounds * per_round


# Deleting ----------------------------------------------------------------------------------------


def test_a_deleted_draft_never_reaches_readers(svc: Services, editor: User, carl: User) -> None:
    draft = start(svc, carl, DRAFT)
    deleted = workflow.delete_post(svc, carl, "summit", draft.id)
    assert (deleted.state, deleted.seq) == (DELETED, 0)
    assert log_of(svc) == []
    with pytest.raises(NotFound):
        reading.get_post(svc, "summit", draft.id)  # no tombstone for what was never out
    assert reading.changes_since(svc, "summit", 0, limit=10)[1] == []


def test_an_editor_deletes_a_contribution_and_its_author_sees_it(
    svc: Services, editor: User, carl: User
) -> None:
    contribution = start(svc, carl, SUBMITTED)
    workflow.delete_post(svc, editor, "summit", contribution.id)
    [mine] = workflow.my_posts(svc, carl, "summit")[1]
    assert (mine.state, mine.reviewer_name) == (DELETED, "Anna Editor")
    assert log_of(svc) == []
    assert audit_lines(svc)[-1][0] == "post.deleted"


def test_a_published_post_is_deleted_as_before(svc: Services, editor: User) -> None:
    post = make_post(svc, editor)
    workflow.delete_post(svc, editor, "summit", post.id)
    assert [kind for _, kind, _ in log_of(svc)] == [
        EventType.POST_PUBLISHED,
        EventType.POST_DELETED,
    ]


# Who lists what ----------------------------------------------------------------------------------


def test_who_lists_what(svc: Services, editor: User, carl: User, clock: Clock) -> None:
    carls_draft = start(svc, carl, DRAFT)
    annas_draft = start(svc, editor, DRAFT)
    contribution = start(svc, carl, SUBMITTED)
    scheduled = start(svc, editor, SCHEDULED, publish_at=later(clock))

    def listed(who: User, state: PostState) -> list[int]:
        return [p.id for p in workflow.list_in_state(svc, who, "summit", state, limit=50)[1]]

    assert listed(carl, DRAFT) == [carls_draft.id]
    assert listed(editor, DRAFT) == [annas_draft.id]
    assert listed(carl, SUBMITTED) == [contribution.id]
    assert listed(editor, SUBMITTED) == [contribution.id]
    assert listed(carl, SCHEDULED) == []
    assert listed(editor, SCHEDULED) == [scheduled.id]
    outsider = make_user(svc, "olga@newsroom.test", name="Olga")
    with pytest.raises(Forbidden):
        workflow.list_in_state(svc, outsider, "summit", SUBMITTED, limit=50)
    with pytest.raises(Forbidden):
        workflow.queue(svc, carl, "summit")
    with pytest.raises(Forbidden):
        workflow.my_posts(svc, outsider, "summit")


# Nothing unpublished on any reader's path ---------------------------------------------------------


def test_nothing_unpublished_reaches_any_read_path(
    svc: Services, editor: User, carl: User, clock: Clock
) -> None:
    """Every way readers, scripts and robots read posts shows the one published post only."""
    tagged = {"tags": "secret", "key_event": True}
    out = make_post(svc, editor, headline="Out", tags="secret", key_event=True)
    hidden = [
        start(svc, carl, DRAFT, **tagged),
        start(svc, carl, SUBMITTED, **tagged),
        start(svc, editor, SCHEDULED, pinned=True, publish_at=later(clock), **tagged),
    ]
    gone = start(svc, carl, DRAFT, **tagged)
    workflow.delete_post(svc, carl, "summit", gone.id)
    hidden_ids = {p.id for p in [*hidden, gone]}
    feed = reading.get_feed(svc, "summit")

    def ids(found: list[Post]) -> set[int]:
        return {p.id for p in found}

    page = reading.feed_page(svc, "summit")
    assert ids(page.posts) == {out.id}
    assert page.pinned is None
    assert ids(page.key_events) == {out.id}
    assert ids(reading.list_posts(svc, "summit", limit=50, cursor=None)[1]) == {out.id}
    assert ids(reading.changes_since(svc, "summit", 0, limit=50)[1]) == {out.id}
    logged = reading.events_after(svc, feed.id, 0)[1]
    assert {event.post_id for event, _ in logged} == {out.id}
    assert ids([p for p, _ in reading.tag_page(svc, "secret").posts]) == {out.id}
    assert ids([p for p, _ in reading.tag_newest(svc, "secret", limit=50)[1].posts]) == {out.id}
    assert ids([p for p, _ in reading.live_newest(svc, limit=50).posts]) == {out.id}
    for key_events in (False, True):
        found = reading.feed_newest(svc, "summit", key_events=key_events, limit=50)[2]
        assert ids(found) == {out.id}
    assert ids(reading.embed(svc, "summit").posts) == {out.id}
    assert ids(reading.embed(svc, "summit", tag="secret").posts) == {out.id}
    assert sitemaps.sitemap_size(svc) == 2  # the feed and the one post
    links = [link.url for batch in sitemaps.sitemap_links(svc, "posts") for link in batch]
    assert links == [svc.urls.post("summit", out.id)]
    assert [item.url for item in sitemaps.recent_news(svc)] == [svc.urls.post("summit", out.id)]
    for post_id in hidden_ids:
        with pytest.raises(NotFound):
            reading.post_page(svc, "summit", post_id)
        with pytest.raises(NotFound):
            reading.get_post(svc, "summit", post_id)
        with pytest.raises(NotFound):
            workflow.visible_post(svc, None, "summit", post_id)
    for post in hidden:
        with pytest.raises(NotFound):
            short_urls.resolve(svc, post.short_code)
