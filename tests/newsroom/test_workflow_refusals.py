"""Changes the workflow refuses, each leaving what is stored as it was, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from livefeed.domain.access import FeedRole
from livefeed.domain.errors import Conflict, Forbidden, Invalid, NotFound
from livefeed.domain.events import EventType
from livefeed.domain.users import User
from livefeed.domain.workflow import DELETED, DRAFT, PUBLISHED, SCHEDULED, SUBMITTED
from livefeed.newsroom import publishing, workflow
from livefeed.newsroom.workflow import When
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import join, make_post, make_user
from tests.newsroom.newsroom_workflow import WORDS, later, log_of, start, stored

pytestmark = pytest.mark.usefixtures("summit")


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
