"""Invitations: written with a hashed secret, found by it, and used up once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, RowMapping, insert, select, update

from livefeed.domain.access import FeedRole
from livefeed.domain.invitations import Invitation
from livefeed.domain.users import Role
from livefeed.store.schema import invitations


def _invitation(row: RowMapping) -> Invitation:
    return Invitation(
        id=row["id"],
        email=row["email"],
        feed_id=row["feed_id"],
        feed_role=FeedRole(row["feed_role"]) if row["feed_role"] else None,
        site_role=Role(row["site_role"]) if row["site_role"] else Role.MEMBER,
        invited_by=row["invited_by"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        accepted_at=row["accepted_at"],
        withdrawn_at=row["withdrawn_at"],
    )


def insert_invitation(
    conn: Connection,
    *,
    token_hash: str,
    email: str,
    feed_id: int | None,
    feed_role: FeedRole | None,
    site_role: Role,
    invited_by: int,
    now: datetime,
    expires_at: datetime,
) -> Invitation:
    invitation_id = conn.execute(
        insert(invitations)
        .values(
            token_hash=token_hash,
            email=email,
            feed_id=feed_id,
            feed_role=feed_role.value if feed_role else None,
            site_role=Role.ADMIN.value if site_role is Role.ADMIN else None,
            invited_by=invited_by,
            created_at=now,
            expires_at=expires_at,
        )
        .returning(invitations.c.id)
    ).scalar_one()
    row = conn.execute(select(invitations).where(invitations.c.id == invitation_id)).mappings()
    return _invitation(row.one())


def by_hash(conn: Connection, token_hash: str) -> Invitation | None:
    row = (
        conn.execute(select(invitations).where(invitations.c.token_hash == token_hash))
        .mappings()
        .first()
    )
    return _invitation(row) if row else None


def use(conn: Connection, invitation_id: int, now: datetime) -> bool:
    """Mark it accepted; ``False`` if it was used or expired meanwhile (a second click, a race)."""
    changed = conn.execute(
        update(invitations)
        .where(
            invitations.c.id == invitation_id,
            invitations.c.accepted_at.is_(None),
            invitations.c.withdrawn_at.is_(None),
            invitations.c.expires_at > now,
        )
        .values(accepted_at=now)
    ).rowcount
    return bool(changed)


def get_invitation(conn: Connection, invitation_id: int) -> Invitation | None:
    row = conn.execute(select(invitations).where(invitations.c.id == invitation_id)).mappings()
    found = row.first()
    return _invitation(found) if found else None


def withdraw(conn: Connection, invitation_id: int, now: datetime) -> bool:
    """Take it back unless it was used first: the database settles a click against an accept."""
    changed = conn.execute(
        update(invitations)
        .where(
            invitations.c.id == invitation_id,
            invitations.c.accepted_at.is_(None),
            invitations.c.withdrawn_at.is_(None),
        )
        .values(withdrawn_at=now)
    ).rowcount
    return bool(changed)


def pending_for_feed(conn: Connection, feed_id: int, now: datetime) -> list[Invitation]:
    """Newest first."""
    rows = conn.execute(
        select(invitations)
        .where(
            invitations.c.feed_id == feed_id,
            invitations.c.accepted_at.is_(None),
            invitations.c.withdrawn_at.is_(None),
            invitations.c.expires_at > now,
        )
        .order_by(invitations.c.id.desc())
    ).mappings()
    return [_invitation(row) for row in rows]
