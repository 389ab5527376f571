"""Scheduled posts go out at their time exactly once, or not at all once moved or cancelled,
even with two instances at it, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest

from livefeed.distribution import reading
from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.events import EventType
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.posts import Post
from livefeed.domain.users import User
from livefeed.domain.workflow import DRAFT, PUBLISHED, SCHEDULED, SUBMITTED
from livefeed.newsroom import publishing, scheduling, workflow
from livefeed.newsroom.workflow import When
from livefeed.services import Services
from livefeed.settings import Settings
from tests.conftest import Clock
from tests.factories import CHEAP_PASSWORDS, make_post
from tests.newsroom.newsroom_workflow import audit_lines, later, log_of, start, stored

pytestmark = pytest.mark.usefixtures("summit")


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
