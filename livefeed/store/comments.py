"""Comments and reports in the database.

A moderator's decision is one conditional ``UPDATE … WHERE state …``: of two moderators
deciding at once, the database lets one through and the other's update matches no row.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    Select,
    and_,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from livefeed.domain.comments import UNDECIDED, Comment, CommentState, Sort
from livefeed.domain.cursors import Cursor
from livefeed.domain.errors import Conflict, Message, NotFound
from livefeed.domain.holding import Recent
from livefeed.store import events as event_log
from livefeed.store.discussion_schema import comment_reports, comments
from livefeed.store.schema import events, feeds, users

_author = users.alias("author")
_decider = users.alias("decider")

# The name shown for a comment whose author's account is gone.
FORMER_READER = "Former reader"


def _comment(row: RowMapping) -> Comment:
    guest = row["guest_name"] is not None
    return Comment(
        id=row["id"],
        feed_id=row["feed_id"],
        parent_id=row["parent_id"],
        author_id=row["author_id"],
        author_name=row["guest_name"] if guest else (row["author_name"] or FORMER_READER),
        guest=guest,
        body=row["body"],
        state=CommentState(row["state"]),
        hold_reason=row["hold_reason"],
        reports=row["reports"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        decided_by=row["decider_name"] or "",
        decided_at=row["decided_at"],
        decision_reason=row["decision_reason"],
    )


def _select() -> Select[Any]:
    return (
        select(
            comments,
            _author.c.display_name.label("author_name"),
            _decider.c.display_name.label("decider_name"),
        )
        .outerjoin(_author, _author.c.id == comments.c.author_id)
        .outerjoin(_decider, _decider.c.id == comments.c.decided_by)
    )


def insert_comment(
    conn: Connection,
    *,
    feed_id: int,
    parent_id: int | None,
    author_id: int | None,
    guest_name: str | None,
    body: str,
    state: CommentState,
    hold_reason: str,
    now: datetime,
) -> int:
    comment_id: int = conn.execute(
        insert(comments)
        .values(
            feed_id=feed_id,
            parent_id=parent_id,
            author_id=author_id,
            guest_name=guest_name,
            body=body,
            state=state.value,
            hold_reason=hold_reason,
            reports=0,
            decision_reason="",
            created_at=now,
            updated_at=now,
        )
        .returning(comments.c.id)
    ).scalar_one()
    return comment_id


def get_comment(conn: Connection, comment_id: int) -> Comment | None:
    row = conn.execute(_select().where(comments.c.id == comment_id)).mappings().first()
    return _comment(row) if row else None


def require_comment(
    conn: Connection, comment_id: int, *, states: Collection[CommentState] = frozenset(CommentState)
) -> Comment:
    """The comment ``comment_id``, if it is in one of ``states``: one in another state (taken
    back by its author, say) is not there for the use case asking."""
    comment = get_comment(conn, comment_id)
    if comment is None or comment.state not in states:
        raise NotFound(Message("there is no comment %(comment)s", comment=comment_id))
    return comment


def lock_feed(conn: Connection, feed_id: int) -> None:
    """Hold the feed's row until the transaction ends, before deciding on one of its comments.

    Every writer that may log an event for the feed takes this lock first (taking the next
    ``seq`` needs it anyway), so the comment's row is always locked after the feed's and two
    such writers cannot wait on each other.
    """
    conn.execute(select(feeds.c.id).where(feeds.c.id == feed_id).with_for_update())


def _shown_to(viewer_id: int | None, moderator: bool) -> ColumnElement[bool]:
    """Approved comments; a viewer's own pending ones; for moderators, also every comment
    that waits for their decision (pending or hidden)."""
    if moderator:
        return comments.c.state.in_([CommentState.APPROVED.value, *(s.value for s in UNDECIDED)])
    shown = comments.c.state == CommentState.APPROVED.value
    if viewer_id is None:
        return shown
    own = and_(comments.c.author_id == viewer_id, comments.c.state == CommentState.PENDING.value)
    return or_(shown, own)


def threads(
    conn: Connection,
    feed_id: int,
    *,
    sort: Sort,
    after: Cursor | None,
    limit: int,
    viewer_id: int | None = None,
    moderator: bool = False,
) -> list[Comment]:
    """A page of the comments that start a thread, from the position ``after`` on."""
    query = _select().where(
        comments.c.feed_id == feed_id,
        comments.c.parent_id.is_(None),
        _shown_to(viewer_id, moderator),
    )
    moment, key = comments.c.created_at, comments.c.id
    if sort is Sort.NEWEST:
        if after is not None:
            query = query.where(
                or_(
                    moment < after.published_at,
                    and_(moment == after.published_at, key < after.post_id),
                )
            )
        query = query.order_by(moment.desc(), key.desc())
    else:
        if after is not None:
            query = query.where(
                or_(
                    moment > after.published_at,
                    and_(moment == after.published_at, key > after.post_id),
                )
            )
        query = query.order_by(moment, key)
    return [_comment(row) for row in conn.execute(query.limit(limit)).mappings()]


def replies(
    conn: Connection,
    parent_ids: Sequence[int],
    *,
    limit_each: int,
    viewer_id: int | None = None,
    moderator: bool = False,
) -> dict[int, list[Comment]]:
    """The replies to each of ``parent_ids``, oldest first, at most ``limit_each`` each."""
    if not parent_ids:
        return {}
    ranked = (
        select(
            comments.c.id,
            func.row_number()
            .over(
                partition_by=comments.c.parent_id, order_by=(comments.c.created_at, comments.c.id)
            )
            .label("place"),
        )
        .where(comments.c.parent_id.in_(parent_ids), _shown_to(viewer_id, moderator))
        .subquery()
    )
    query = (
        _select()
        .join(ranked, ranked.c.id == comments.c.id)
        .where(ranked.c.place <= limit_each)
        .order_by(comments.c.created_at, comments.c.id)
    )
    found: dict[int, list[Comment]] = {parent_id: [] for parent_id in parent_ids}
    for row in conn.execute(query).mappings():
        comment = _comment(row)
        assert comment.parent_id is not None
        found[comment.parent_id].append(comment)
    return found


def count_shown(conn: Connection, feed_id: int) -> int:
    """How many comments readers see in the feed's discussion, replies included."""
    query = select(func.count()).where(
        comments.c.feed_id == feed_id, comments.c.state == CommentState.APPROVED.value
    )
    return int(conn.execute(query).scalar_one())


def in_state(
    conn: Connection, feed_id: int, states: Sequence[CommentState], *, limit: int
) -> list[Comment]:
    """The feed's comments in any of ``states``, oldest first (a moderator's to-do list)."""
    query = (
        _select()
        .where(comments.c.feed_id == feed_id, comments.c.state.in_([s.value for s in states]))
        .order_by(comments.c.created_at, comments.c.id)
        .limit(limit)
    )
    return [_comment(row) for row in conn.execute(query).mappings()]


def recent_by_author(
    conn: Connection, author_id: int, *, since: datetime, limit: int
) -> list[Recent]:
    """The author's comments since ``since`` in any feed and any state, newest first."""
    query = (
        select(comments.c.body, comments.c.created_at)
        .where(comments.c.author_id == author_id, comments.c.created_at >= since)
        .order_by(comments.c.created_at.desc(), comments.c.id.desc())
        .limit(limit)
    )
    return [Recent(row.body, row.created_at) for row in conn.execute(query)]


def by_author(conn: Connection, author_id: int) -> list[Comment]:
    """Every comment of an account, oldest first (its data download, its deletion)."""
    query = (
        _select()
        .where(comments.c.author_id == author_id)
        .order_by(comments.c.created_at, comments.c.id)
    )
    return [_comment(row) for row in conn.execute(query).mappings()]


def decide(
    conn: Connection,
    comment_id: int,
    *,
    state: CommentState,
    by: int,
    reason: str,
    now: datetime,
) -> bool:
    """Approve or reject, only while no moderator has decided; ``False`` if one already has."""
    still_open = or_(
        comments.c.state.in_([s.value for s in UNDECIDED]),
        and_(comments.c.state == CommentState.APPROVED.value, comments.c.decided_at.is_(None)),
    )
    values: dict[str, object] = {
        "state": state.value,
        "decided_by": by,
        "decided_at": now,
        "decision_reason": reason,
        "updated_at": now,
    }
    if state is CommentState.APPROVED:
        values["reports"] = 0  # reports before the decision have been weighed in it
    result = conn.execute(
        update(comments).where(comments.c.id == comment_id, still_open).values(values)
    )
    return result.rowcount == 1


def move(
    conn: Connection,
    comment_id: int,
    *,
    from_states: Sequence[CommentState],
    to: CommentState,
    by: int | None,
    now: datetime,
    reason: str = "",
    open_again: bool = False,
) -> bool:
    """Move a comment from one of ``from_states`` to ``to``; ``False`` if it was elsewhere.

    ``open_again`` clears the last decision, so a moderator must decide afresh (a comment
    hidden by readers' reports); otherwise ``by`` is recorded as the one who moved it.
    """
    values: dict[str, object] = {"state": to.value, "updated_at": now}
    if open_again:
        values |= {"decided_by": None, "decided_at": None, "decision_reason": ""}
    elif by is not None:
        values |= {"decided_by": by, "decided_at": now, "decision_reason": reason}
    if to is CommentState.APPROVED:
        values["reports"] = 0
    result = conn.execute(
        update(comments)
        .where(comments.c.id == comment_id, comments.c.state.in_([s.value for s in from_states]))
        .values(values)
    )
    return result.rowcount == 1


def set_hold_reason(conn: Connection, comment_id: int, reason: str) -> None:
    conn.execute(update(comments).where(comments.c.id == comment_id).values(hold_reason=reason))


def set_shown_seq(conn: Connection, comment_id: int, seq: int | None) -> None:
    conn.execute(update(comments).where(comments.c.id == comment_id).values(shown_seq=seq))


def blank_shown_event(conn: Connection, comment: Comment, data: dict[str, Any]) -> None:
    """Replace the copy of the comment in the event that last showed it with ``data``."""
    seq = conn.execute(select(comments.c.shown_seq).where(comments.c.id == comment.id)).scalar()
    if seq is None:
        return
    conn.execute(
        update(events)
        .where(events.c.feed_id == comment.feed_id, events.c.seq == seq)
        .values(data=json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    )
    event_log.rewritten(conn, {comment.feed_id})
    set_shown_seq(conn, comment.id, None)


def has_reported(conn: Connection, comment_id: int, reporter_id: int) -> bool:
    query = select(comment_reports.c.comment_id).where(
        comment_reports.c.comment_id == comment_id, comment_reports.c.reporter_id == reporter_id
    )
    return conn.execute(query).first() is not None


def add_report(
    conn: Connection,
    comment_id: int,
    *,
    reporter_id: int,
    reason: str,
    note: str,
    now: datetime,
) -> int:
    """Record one reader's report; the comment's count of reports since its last decision.

    A reader's second report sent at the same moment as their first passes the use case's
    look; the database lets one of them through, and the other is refused as if seen.
    """
    report = insert(comment_reports).values(
        comment_id=comment_id, reporter_id=reporter_id, reason=reason, note=note, created_at=now
    )
    try:
        conn.execute(report)
    except IntegrityError:
        raise Conflict("you have already reported this comment") from None
    count: int = conn.execute(
        update(comments)
        .where(comments.c.id == comment_id)
        .values(reports=comments.c.reports + 1)
        .returning(comments.c.reports)
    ).scalar_one()
    return count


def reports_on(conn: Connection, comment_id: int) -> list[tuple[str, str, datetime]]:
    """(reason, note, when) of every report on a comment, oldest first, for moderators."""
    query = (
        select(comment_reports.c.reason, comment_reports.c.note, comment_reports.c.created_at)
        .where(comment_reports.c.comment_id == comment_id)
        .order_by(comment_reports.c.created_at)
    )
    return [(row.reason, row.note, row.created_at) for row in conn.execute(query)]
