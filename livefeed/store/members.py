"""The teams of feeds: who holds which role where."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, RowMapping, case, delete, func, insert, or_, select, update

from livefeed.domain.access import FeedRole, Membership
from livefeed.domain.users import Role
from livefeed.store.schema import feed_members, feeds, users

# Editors first, then contributors, then moderators.
_RANK = case({role.value: rank for rank, role in enumerate(FeedRole)}, value=feed_members.c.role)


def _membership(row: RowMapping) -> Membership:
    return Membership(
        feed_id=row["feed_id"],
        user_id=row["user_id"],
        email=row["email"],
        display_name=row["display_name"],
        role=FeedRole(row["role"]),
        added_at=row["added_at"],
    )


def role_of(conn: Connection, feed_id: int, user_id: int) -> FeedRole | None:
    role = conn.execute(
        select(feed_members.c.role).where(
            feed_members.c.feed_id == feed_id, feed_members.c.user_id == user_id
        )
    ).scalar_one_or_none()
    return FeedRole(role) if role else None


def team(conn: Connection, feed_id: int) -> list[Membership]:
    rows = conn.execute(
        select(feed_members, users.c.email, users.c.display_name)
        .join(users, users.c.id == feed_members.c.user_id)
        .where(feed_members.c.feed_id == feed_id)
        .order_by(_RANK, users.c.display_name, users.c.id)
    ).mappings()
    return [_membership(row) for row in rows]


def roles_of_user(conn: Connection, user_id: int) -> dict[int, FeedRole]:
    """Every feed the user is on, by feed id."""
    rows = conn.execute(
        select(feed_members.c.feed_id, feed_members.c.role).where(feed_members.c.user_id == user_id)
    )
    return {feed_id: FeedRole(role) for feed_id, role in rows}


def teams_by_user(conn: Connection) -> dict[int, list[tuple[str, FeedRole]]]:
    """For the list of users: each one's feeds (by slug) and role on each."""
    rows = conn.execute(
        select(feed_members.c.user_id, feeds.c.slug, feed_members.c.role)
        .join(feeds, feeds.c.id == feed_members.c.feed_id)
        .order_by(feeds.c.slug)
    )
    found: dict[int, list[tuple[str, FeedRole]]] = {}
    for user_id, slug, role in rows:
        found.setdefault(user_id, []).append((slug, FeedRole(role)))
    return found


def holds_anywhere(conn: Connection, user_id: int, roles: frozenset[FeedRole]) -> bool:
    found = conn.execute(
        select(feed_members.c.feed_id)
        .where(
            feed_members.c.user_id == user_id,
            feed_members.c.role.in_(sorted(role.value for role in roles)),
        )
        .limit(1)
    ).first()
    return found is not None


def count_editors(conn: Connection, feed_id: int) -> int:
    found = conn.execute(
        select(func.count())
        .select_from(feed_members)
        .where(feed_members.c.feed_id == feed_id, feed_members.c.role == FeedRole.EDITOR.value)
    ).scalar_one()
    return int(found)


def put(conn: Connection, feed_id: int, user_id: int, role: FeedRole, now: datetime) -> bool:
    """Give the user this role on the feed; ``True`` when they were not on its team before."""
    changed = conn.execute(
        update(feed_members)
        .where(feed_members.c.feed_id == feed_id, feed_members.c.user_id == user_id)
        .values(role=role.value)
    ).rowcount
    if changed:
        return False
    conn.execute(
        insert(feed_members).values(feed_id=feed_id, user_id=user_id, role=role.value, added_at=now)
    )
    return True


def remove(conn: Connection, feed_id: int, user_id: int) -> bool:
    removed = conn.execute(
        delete(feed_members).where(
            feed_members.c.feed_id == feed_id, feed_members.c.user_id == user_id
        )
    ).rowcount
    return bool(removed)


def asking_for_mail(
    conn: Connection, feed_id: int, roles: frozenset[FeedRole], wants: str
) -> list[tuple[str, str]]:
    """(email, display name) of the enabled accounts on the feed's team in ``roles``, and of the
    site's admins, whose ``wants`` preference (``notify_contributions`` or ``notify_reports``)
    is on; each once."""
    flag = users.c[wants]
    on_team = select(feed_members.c.user_id).where(
        feed_members.c.feed_id == feed_id, feed_members.c.role.in_([r.value for r in roles])
    )
    query = (
        select(users.c.email, users.c.display_name)
        .where(
            flag.is_(True),
            users.c.disabled.is_(False),
            or_(users.c.id.in_(on_team), users.c.role == Role.ADMIN.value),
        )
        .order_by(users.c.id)
    )
    return [(row.email, row.display_name) for row in conn.execute(query)]
