"""The moderation queue's reads: the comments of a set of feeds in each tab, and what goes with
them (the comment replied to, the reports, the post a comment became)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, case, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from livefeed.domain.comments import Comment, CommentState
from livefeed.domain.errors import Conflict, Message
from livefeed.domain.moderation_queue import FeedRef, Report, Tab

# The core's own mapping of a comment row, so the queue never shows a comment otherwise than
# the discussion does.
from livefeed.store.comments import _comment, _select
from livefeed.store.discussion_schema import comment_features, comment_reports, comments
from livefeed.store.schema import feeds, users

_SHOWN_OR_HIDDEN = [CommentState.APPROVED.value, CommentState.HIDDEN.value]
_DECIDED = [CommentState.APPROVED.value, CommentState.REJECTED.value, CommentState.HIDDEN.value]


def feed_refs(conn: Connection, feed_ids: Sequence[int] | None) -> list[FeedRef]:
    """The feeds named by ``feed_ids`` (every feed for ``None``), by title."""
    query = select(feeds.c.id, feeds.c.slug, feeds.c.title, feeds.c.timezone).order_by(
        feeds.c.title, feeds.c.id
    )
    if feed_ids is not None:
        query = query.where(feeds.c.id.in_(list(feed_ids)))
    return [FeedRef(row.id, row.slug, row.title, row.timezone) for row in conn.execute(query)]


def _where(tab: Tab, since: datetime) -> list[ColumnElement[bool]]:
    if tab is Tab.PENDING:
        return [comments.c.state == CommentState.PENDING.value]
    if tab is Tab.REPORTED:
        return [comments.c.reports > 0, comments.c.state.in_(_SHOWN_OR_HIDDEN)]
    return [
        comments.c.decided_at.is_not(None),
        comments.c.decided_at >= since,
        comments.c.state.in_(_DECIDED),
    ]


def tab(
    conn: Connection, feed_ids: Sequence[int], which: Tab, *, since: datetime, limit: int
) -> list[Comment]:
    """The comments of ``feed_ids`` in one tab.

    Pending: oldest first, as they came. Reported: those readers' reports took down first,
    then the most reported. Decided: the latest decision first.
    """
    if not feed_ids:
        return []
    query = _select().where(comments.c.feed_id.in_(list(feed_ids)), *_where(which, since))
    if which is Tab.PENDING:
        query = query.order_by(comments.c.created_at, comments.c.id)
    elif which is Tab.REPORTED:
        hidden_first = case((comments.c.state == CommentState.HIDDEN.value, 0), else_=1)
        query = query.order_by(hidden_first, comments.c.reports.desc(), comments.c.id)
    else:
        query = query.order_by(comments.c.decided_at.desc(), comments.c.id.desc())
    return [_comment(row) for row in conn.execute(query.limit(limit)).mappings()]


def count(conn: Connection, feed_ids: Sequence[int], which: Tab, *, since: datetime) -> int:
    if not feed_ids:
        return 0
    query = (
        select(func.count())
        .select_from(comments)
        .where(comments.c.feed_id.in_(list(feed_ids)), *_where(which, since))
    )
    return int(conn.execute(query).scalar_one())


def by_ids(conn: Connection, comment_ids: Sequence[int]) -> dict[int, Comment]:
    if not comment_ids:
        return {}
    query = _select().where(comments.c.id.in_(list(comment_ids)))
    return {row["id"]: _comment(row) for row in conn.execute(query).mappings()}


def reports_since_decision(conn: Connection, comment_ids: Sequence[int]) -> dict[int, list[Report]]:
    """Each comment's reports made since a moderator last decided on it, oldest first."""
    if not comment_ids:
        return {}
    query = (
        select(
            comment_reports.c.comment_id,
            comment_reports.c.reason,
            comment_reports.c.note,
            comment_reports.c.created_at,
        )
        .join(comments, comments.c.id == comment_reports.c.comment_id)
        .where(
            comment_reports.c.comment_id.in_(list(comment_ids)),
            or_(
                comments.c.decided_at.is_(None),
                comment_reports.c.created_at >= comments.c.decided_at,
            ),
        )
        .order_by(comment_reports.c.created_at, comment_reports.c.reporter_id)
    )
    found: dict[int, list[Report]] = {}
    for row in conn.execute(query):
        found.setdefault(row.comment_id, []).append(Report(row.reason, row.note, row.created_at))
    return found


def emails(conn: Connection, user_ids: Sequence[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    query = select(users.c.id, users.c.email).where(users.c.id.in_(list(user_ids)))
    return {row.id: row.email for row in conn.execute(query)}


def featured_posts(conn: Connection, comment_ids: Sequence[int]) -> dict[int, int]:
    """The post each of ``comment_ids`` became, for those an editor featured."""
    if not comment_ids:
        return {}
    query = select(comment_features.c.comment_id, comment_features.c.post_id).where(
        comment_features.c.comment_id.in_(list(comment_ids)),
        comment_features.c.post_id.is_not(None),
    )
    return {row.comment_id: row.post_id for row in conn.execute(query)}


def claim_feature(conn: Connection, comment_id: int, *, by: int, now: datetime) -> None:
    """Claim the comment for a post, or refuse naming the editor who has.

    The claim's row is what settles two editors featuring the comment at once; the refused
    one's insert is undone alone (a savepoint), so the same transaction can still say who won.
    """
    claim = insert(comment_features).values(
        comment_id=comment_id, post_id=None, featured_by=by, featured_at=now
    )
    try:
        with conn.begin_nested():
            conn.execute(claim)
    except IntegrityError:
        by_name = featured_by(conn, comment_id)
        raise Conflict(
            Message("this comment has already been featured by %(name)s", name=by_name)
        ) from None


def complete_feature(conn: Connection, comment_id: int, post_id: int) -> None:
    conn.execute(
        update(comment_features)
        .where(comment_features.c.comment_id == comment_id)
        .values(post_id=post_id)
    )


def drop_claim(conn: Connection, comment_id: int) -> None:
    """Let go of a claim whose post could not be published."""
    conn.execute(
        delete(comment_features).where(
            comment_features.c.comment_id == comment_id, comment_features.c.post_id.is_(None)
        )
    )


def featured_by(conn: Connection, comment_id: int) -> str | None:
    """Who featured the comment (or is featuring it now); ``None`` if no one has."""
    query = (
        select(users.c.display_name)
        .select_from(comment_features)
        .outerjoin(users, users.c.id == comment_features.c.featured_by)
        .where(comment_features.c.comment_id == comment_id)
    )
    row = conn.execute(query).first()
    return None if row is None else (row.display_name or "an editor")
