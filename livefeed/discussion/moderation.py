"""Moderators' decisions on comments: approve, reject with a reason, hide, restore.

Each is one transaction: the moderator's right on the comment's feed is checked in it, the
feed's row is locked (every writer that may log an event for the feed takes that lock first),
and the change is a conditional update. Of two moderators deciding the same comment at once,
the second finds it decided and is told by whom (409); nothing is decided twice.

A decision that shows a comment to readers logs ``comment.approved``; one that takes a shown
comment down logs ``comment.removed`` (see :mod:`livefeed.discussion.comments`). Every decision goes
in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection

from livefeed.access import audit
from livefeed.access.permissions import require_right
from livefeed.discussion.comments import NOT_REMOVED, show, take_down
from livefeed.domain.access import Right
from livefeed.domain.comments import Comment, CommentState, Reason, already_decided
from livefeed.domain.errors import Conflict, Message
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.store import comments as comment_store
from livefeed.store import feeds as feed_store

# Moves a comment (conn, comment id, moderator) and says whether it did.
Change = Callable[[Connection, int, User], bool]


def approve(svc: Services, actor: User | None, comment_id: int) -> Comment:
    """Show a pending or hidden comment, or confirm one post-moderation already shows."""

    def change(conn: Connection, cid: int, moderator: User) -> bool:
        return comment_store.decide(
            conn, cid, state=CommentState.APPROVED, by=moderator.id, reason="", now=svc.clock()
        )

    return _decide(svc, actor, comment_id, "comment.approved", change, deciding=True)


def reject(svc: Services, actor: User | None, comment_id: int, reason: Reason) -> Comment:
    def change(conn: Connection, cid: int, moderator: User) -> bool:
        return comment_store.decide(
            conn,
            cid,
            state=CommentState.REJECTED,
            by=moderator.id,
            reason=reason.value,
            now=svc.clock(),
        )

    return _decide(svc, actor, comment_id, "comment.rejected", change, deciding=True)


def hide(svc: Services, actor: User | None, comment_id: int) -> Comment:
    """Take a shown comment down until a moderator decides on it."""

    def change(conn: Connection, cid: int, moderator: User) -> bool:
        return comment_store.move(
            conn, cid, from_states=[CommentState.APPROVED], to=CommentState.HIDDEN,
            by=moderator.id, now=svc.clock(),
        )  # fmt: skip

    return _decide(svc, actor, comment_id, "comment.hidden", change, deciding=False)


def restore(svc: Services, actor: User | None, comment_id: int) -> Comment:
    """Show again a hidden or rejected comment: the deliberate way back from a decision."""

    def change(conn: Connection, cid: int, moderator: User) -> bool:
        return comment_store.move(
            conn, cid, from_states=[CommentState.HIDDEN, CommentState.REJECTED],
            to=CommentState.APPROVED, by=moderator.id, now=svc.clock(),
        )  # fmt: skip

    return _decide(svc, actor, comment_id, "comment.restored", change, deciding=False)


def _decide(
    svc: Services,
    actor: User | None,
    comment_id: int,
    action: str,
    change: Change,
    *,
    deciding: bool,
) -> Comment:
    with svc.db.write() as conn:
        found = comment_store.require_comment(conn, comment_id, states=NOT_REMOVED)
        moderator = require_right(conn, actor, found.feed_id, Right.MODERATE)
        comment_store.lock_feed(conn, found.feed_id)
        before = comment_store.require_comment(conn, comment_id)
        if not change(conn, comment_id, moderator):
            current = comment_store.require_comment(conn, comment_id)
            raise already_decided(current) if deciding else _cannot(current)
        after = comment_store.require_comment(conn, comment_id)
        feed = feed_store.require_feed_by_id(conn, after.feed_id)
        if after.is_visible and not before.is_visible:
            show(svc, conn, feed, after)
        elif before.is_visible and not after.is_visible:
            take_down(svc, conn, feed, before)
        audit.record(
            svc, conn, moderator, action, f"comment {after.id} by {after.author_name}",
            feed_id=feed.id, comment_id=after.id, reason=after.decision_reason,
        )  # fmt: skip
    if after.is_visible != before.is_visible:
        svc.committed(feed.id)
    return after


def _cannot(comment: Comment) -> Conflict:
    """Hide and restore refused: the comment is not in a state they apply to (any more)."""
    if comment.state is CommentState.REMOVED:
        return Conflict("this comment has been removed by its author")
    if comment.decided_by:
        return Conflict(
            Message(
                "this comment is %(state)s by %(name)s: there is nothing to change",
                state=comment.state.value,
                name=comment.decided_by,
            )
        )
    return Conflict(
        Message("this comment is %(state)s: there is nothing to change", state=comment.state.value)
    )
