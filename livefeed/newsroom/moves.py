"""Making the moves of a post before it is out, each with its audit line.

``workflow.py`` checks, inside the transaction, that a move is one the rules allow (they are in
``domain/workflow.py``); this module makes it: the post's new state and what goes with it, the
event when it goes out, and the line in the audit log. Each is a conditional update, so a post
changed by someone else meanwhile is refused, never moved twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from livefeed.access import audit
from livefeed.distribution import notices
from livefeed.domain.errors import Conflict
from livefeed.domain.events import EventType
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.posts import Post, PostState
from livefeed.domain.users import User
from livefeed.domain.workflow import DELETED, DRAFT, PUBLISHED, SCHEDULED, SUBMITTED, Mover
from livefeed.newsroom.publishing import _log_post, _unpin_others
from livefeed.services import Services
from livefeed.store import events as event_log
from livefeed.store import feeds as feed_store
from livefeed.store import lifecycle
from livefeed.store import posts as post_store


def make_move(
    svc: Services,
    conn: Connection,
    feed: Feed,
    post: Post,
    target: PostState,
    mover: Mover,
    actor: User,
    now: datetime,
    moment: datetime | None,
    note: str,
) -> Post:
    """Make one move the rules allowed (see domain/workflow.py), with its audit line."""
    current = post.state
    if target is PUBLISHED:
        check_feed_open(feed, target)
        return _publish(svc, conn, feed, post, now, actor=actor)
    if target is SCHEDULED:
        check_feed_open(feed, target)
        assert moment is not None
        moved = _moved(conn, feed, post, SCHEDULED, now, publish_at=moment, reviewer_id=actor.id)
        audit.record_post(svc, conn, actor, "post.scheduled", moved, publish_at=_iso(moment))
        return moved
    if target is SUBMITTED and current is DRAFT:
        # A fresh submission: whatever an editor said or did last time is behind it.
        moved = _moved(
            conn, feed, post, SUBMITTED, now,
            submitted_at=now, reviewer_id=None, review_note=None, edited_in_review=None,
        )  # fmt: skip
        audit.record_post(svc, conn, actor, "post.submitted", moved)
        notices.contribution_waiting(svc, conn, feed, moved, actor)
        return moved
    if target is DRAFT and not mover.wrote(post):
        moved = _moved(
            conn, feed, post, DRAFT, now, publish_at=None, reviewer_id=actor.id, review_note=note
        )
        audit.record_post(svc, conn, actor, "post.returned", moved, note=note)
        return moved
    if target is DELETED:
        who = {} if mover.wrote(post) else {"reviewer_id": actor.id}
        moved = _moved(
            conn, feed, post, DELETED, now, publish_at=None, pinned=False, key_event=False, **who
        )
        if current is not DRAFT:
            audit.record_post(svc, conn, actor, "post.deleted", moved, was=current.value)
        return moved
    # Taken back by its author, or a cancelled schedule (to draft, or back to the queue).
    moved = _moved(conn, feed, post, target, now, publish_at=None)
    if current is SCHEDULED:
        audit.record_post(svc, conn, actor, "post.unscheduled", moved, now=target.value)
    return moved


def record_start(
    svc: Services, conn: Connection, actor: User, post: Post, moment: datetime | None
) -> None:
    """A post written straight into a state is logged as the move into it would be."""
    if post.state is SCHEDULED:
        audit.record_post(svc, conn, actor, "post.scheduled", post, publish_at=_iso(moment))
    elif post.state is SUBMITTED:
        audit.record_post(svc, conn, actor, "post.submitted", post)
        feed = feed_store.require_feed_by_id(conn, post.feed_id)
        notices.contribution_waiting(svc, conn, feed, post, actor)


def check_feed_open(feed: Feed, state: PostState) -> None:
    if state in (SCHEDULED, PUBLISHED) and feed.status is FeedStatus.ENDED:
        raise Conflict("this feed has ended: reopen it before posting to it")


def changed_meanwhile() -> Conflict:
    return Conflict("this post was changed by someone else meanwhile", field="version")


def _publish(
    svc: Services, conn: Connection, feed: Feed, post: Post, now: datetime, *, actor: User
) -> Post:
    if post.pinned:
        _unpin_others(svc, conn, feed, keep=post.id, now=now)
    seq = event_log.next_seq(conn, feed.id)
    values: dict[str, object] = {"published_at": now, "seq": seq, "publish_at": None}
    if post.submitted_at is not None and actor.id != post.author_id:
        values |= {"reviewer_id": actor.id, "edited_in_review": bool(post.edited_in_review)}
    if not lifecycle.move(conn, post, PUBLISHED, now=now, **values):
        raise changed_meanwhile()
    published = _log_post(svc, conn, feed, seq, EventType.POST_PUBLISHED, post.id, now)
    detail: dict[str, object] = {"version": published.version, "was": post.state.value}
    if published.edited_in_review is not None:
        detail["as_written"] = not published.edited_in_review
    audit.record(
        svc, conn, actor, "post.published", published.headline,
        feed_id=feed.id, post_id=published.id, **detail,
    )  # fmt: skip
    return published


def _moved(
    conn: Connection, feed: Feed, post: Post, to: PostState, now: datetime, **values: object
) -> Post:
    if not lifecycle.move(conn, post, to, now=now, **values):
        raise changed_meanwhile()
    return post_store.require_post(conn, feed, post.id)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
