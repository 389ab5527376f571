"""What a reader's account holds beyond its login, and how it is erased."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, func, or_, select, update

from livefeed.domain.access import FeedRole
from livefeed.store.discussion_schema import comment_reports, comments
from livefeed.store.schema import audit_log, feed_members, feeds, invitations, users


def standards_accepted_at(conn: Connection, user_id: int) -> datetime | None:
    found: datetime | None = conn.execute(
        select(users.c.standards_accepted_at).where(users.c.id == user_id)
    ).scalar_one_or_none()
    return found


def accept_standards(conn: Connection, user_id: int, now: datetime) -> None:
    """Keep the first acceptance: accepting again changes nothing."""
    conn.execute(
        update(users)
        .where(users.c.id == user_id, users.c.standards_accepted_at.is_(None))
        .values(standards_accepted_at=now)
    )


def set_display_name(conn: Connection, user_id: int, name: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(display_name=name))


def teams_of(conn: Connection, user_id: int) -> list[tuple[str, FeedRole]]:
    """(feed slug, role) for every feed team the account is on."""
    rows = conn.execute(
        select(feeds.c.slug, feed_members.c.role)
        .join(feeds, feeds.c.id == feed_members.c.feed_id)
        .where(feed_members.c.user_id == user_id)
        .order_by(feeds.c.slug)
    )
    return [(slug, FeedRole(role)) for slug, role in rows]


def feeds_only_edited_by(conn: Connection, user_id: int) -> list[str]:
    """The slugs of the feeds whose only editor is this account.

    The feeds it edits are locked first, as changing a team locks its feed, so an editor
    stepping down elsewhere at this moment cannot leave one of them with no editor at all.
    """
    edited = (
        select(feed_members.c.feed_id)
        .where(feed_members.c.user_id == user_id, feed_members.c.role == FeedRole.EDITOR.value)
        .scalar_subquery()
    )
    locked = conn.execute(
        select(feeds.c.id, feeds.c.slug)
        .where(feeds.c.id.in_(edited))
        .order_by(feeds.c.id)
        .with_for_update()
    ).all()
    alone: list[str] = []
    for feed_id, slug in locked:
        editors = conn.execute(
            select(func.count())
            .select_from(feed_members)
            .where(feed_members.c.feed_id == feed_id, feed_members.c.role == FeedRole.EDITOR.value)
        ).scalar_one()
        if editors <= 1:
            alone.append(slug)
    return alone


@dataclass(frozen=True)
class Report:
    """A report the account made on someone's comment."""

    comment_id: int
    feed_slug: str
    reason: str
    note: str
    created_at: datetime


def reports_by(conn: Connection, reporter_id: int) -> list[Report]:
    query = (
        select(
            comment_reports.c.comment_id,
            feeds.c.slug,
            comment_reports.c.reason,
            comment_reports.c.note,
            comment_reports.c.created_at,
        )
        .join(comments, comments.c.id == comment_reports.c.comment_id)
        .join(feeds, feeds.c.id == comments.c.feed_id)
        .where(comment_reports.c.reporter_id == reporter_id)
        .order_by(comment_reports.c.created_at, comment_reports.c.comment_id)
    )
    return [Report(*row) for row in conn.execute(query)]


def feed_slugs(conn: Connection, feed_ids: set[int]) -> dict[int, str]:
    query = select(feeds.c.id, feeds.c.slug).where(feeds.c.id.in_(sorted(feed_ids)))
    return {row.id: row.slug for row in conn.execute(query)}


def erase_comment_texts(conn: Connection, author_id: int) -> None:
    """Empty the words of every comment the account wrote (taken down already)."""
    conn.execute(
        update(comments).where(comments.c.author_id == author_id).values(body="", hold_reason="")
    )


def forget_in_audit(conn: Connection, user_id: int, email: str, stand_in: str) -> int:
    """Put ``stand_in`` where the audit log names the account by its address, and drop the
    client addresses it noted for the account's own actions; the lines themselves stay.

    Returns how many lines were changed.
    """
    rows = conn.execute(
        select(audit_log.c.id, audit_log.c.actor_id, audit_log.c.actor_email,
               audit_log.c.subject, audit_log.c.detail)
        .where(
            or_(
                audit_log.c.actor_id == user_id,
                audit_log.c.actor_email == email,
                audit_log.c.subject == email,
                audit_log.c.detail.contains(email, autoescape=True),
            )
        )
    ).all()  # fmt: skip
    for row in rows:
        detail = json.loads(row.detail)
        if row.actor_id == user_id:
            detail.pop("address", None)
        conn.execute(
            update(audit_log)
            .where(audit_log.c.id == row.id)
            .values(
                actor_email=stand_in if row.actor_email == email else row.actor_email,
                subject=stand_in if row.subject == email else row.subject,
                detail=json.dumps(
                    _replace(detail, email, stand_in), ensure_ascii=False, sort_keys=True
                ),
            )
        )
    return len(rows)


def _replace(value: object, email: str, stand_in: str) -> object:
    if isinstance(value, str):
        return value.replace(email, stand_in)
    if isinstance(value, dict):
        return {key: _replace(item, email, stand_in) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace(item, email, stand_in) for item in value]
    return value


def delete_user(conn: Connection, user_id: int, email: str) -> None:
    """The account row goes; its sessions, tokens and team places go with it (ON DELETE
    CASCADE), and what it made keeps going with its author cleared (ON DELETE SET NULL)."""
    conn.execute(delete(invitations).where(invitations.c.email == email))
    conn.execute(delete(users).where(users.c.id == user_id))
