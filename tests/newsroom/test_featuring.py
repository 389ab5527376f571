"""Featuring a reader's comment in the feed as a quote post, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from livefeed.access import audit
from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation, moderation_queue
from livefeed.distribution import reading
from livefeed.domain.comments import Comment
from livefeed.domain.errors import Conflict, Forbidden, Invalid, NotFound
from livefeed.domain.events import EventType
from livefeed.domain.moderation_queue import Tab
from livefeed.domain.users import User
from livefeed.newsroom import featuring
from livefeed.services import Services
from livefeed.store import events
from livefeed.store.discussion_schema import comment_features
from livefeed.store.schema import posts
from tests.conftest import Clock
from tests.factories import make_admin, make_editor, make_feed, make_moderator, make_user

ADDRESS = "198.51.100.7"


@pytest.fixture
def editor(svc: Services) -> User:
    anna = make_editor(svc)
    make_feed(svc, anna)
    return anna


@pytest.fixture
def mo(svc: Services, editor: User) -> User:
    return make_moderator(svc, "summit")


@pytest.fixture
def sam(svc: Services) -> User:
    return make_user(svc, "sam@readers.test", name="Sam")


def approved(svc: Services, clock: Clock, mo: User, who: User, body: str) -> Comment:
    clock.advance(180)
    pending = discussion.post_comment(
        svc, who, "summit", {"body": body, "accept_standards": "on"}, address=ADDRESS
    )
    return moderation.approve(svc, mo, pending.id)


def counts(svc: Services) -> tuple[int, int]:
    with svc.db.read() as conn:
        return (
            int(conn.execute(select(func.count()).select_from(posts)).scalar_one()),
            int(conn.execute(select(func.count()).select_from(comment_features)).scalar_one()),
        )


def test_an_editor_features_a_comment_as_a_quote_post(
    svc: Services, clock: Clock, editor: User, mo: User, sam: User
) -> None:
    comment = approved(svc, clock, mo, sam, "The delegates looked tired.\n\nAnd hungry.")
    post = featuring.feature_comment(svc, editor, comment.id, {"body": "A reader writes:"})
    assert post.headline == featuring.DEFAULT_HEADLINE
    assert post.quote is not None
    assert (post.quote.text, post.quote.attribution) == (
        "The delegates looked tired.\n\nAnd hungry.",
        "Sam, in the discussion",
    )
    # Live for readers, logged like any post.
    page = reading.feed_page(svc, "summit")
    assert [p.id for p in page.posts] == [post.id]
    with svc.db.read() as conn:
        logged = events.after(conn, post.feed_id, 0)
    assert [e.type for e in logged if e.post_id == post.id] == [EventType.POST_PUBLISHED]
    actions = [(e.action, e.post_id) for e in audit.entries(svc, make_admin(svc))]
    assert ("comment.featured", post.id) in actions
    assert ("post.published", post.id) in actions
    # The comment records it, for the queue.
    [item] = moderation_queue.queue(svc, editor, tab=Tab.DECIDED).items
    assert item.featured_post_id == post.id


def test_a_comment_is_featured_once(
    svc: Services, clock: Clock, editor: User, mo: User, sam: User
) -> None:
    comment = approved(svc, clock, mo, sam, "Worth quoting")
    featuring.feature_comment(svc, editor, comment.id, {"headline": "Readers react"})
    with pytest.raises(Conflict, match="already been featured by Anna Editor"):
        featuring.feature_comment(svc, make_admin(svc), comment.id, {})
    assert counts(svc) == (1, 1)


def test_only_editors_feature_and_only_shown_comments(
    svc: Services, clock: Clock, editor: User, mo: User, sam: User
) -> None:
    comment = approved(svc, clock, mo, sam, "Worth quoting")
    for who in (mo, sam, None):
        with pytest.raises(Forbidden):
            featuring.feature_comment(svc, who, comment.id, {})
    clock.advance(180)
    pending = discussion.post_comment(svc, sam, "summit", {"body": "Not yet seen"}, address=ADDRESS)
    with pytest.raises(Conflict, match="approve it first"):
        featuring.feature_comment(svc, editor, pending.id, {})
    with pytest.raises(NotFound):
        featuring.feature_comment(svc, editor, pending.id + 100, {})
    assert counts(svc) == (0, 0)


def test_a_refused_post_claims_nothing(
    svc: Services, clock: Clock, editor: User, mo: User, sam: User
) -> None:
    comment = approved(svc, clock, mo, sam, "Worth quoting")
    with pytest.raises(Invalid) as refused:
        featuring.feature_comment(svc, editor, comment.id, {"headline": "x" * 500})
    assert "headline" in refused.value.errors
    assert counts(svc) == (0, 0)
    post = featuring.feature_comment(svc, editor, comment.id, {"headline": "Readers react"})
    assert post.headline == "Readers react"
