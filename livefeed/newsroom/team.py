"""Each feed's team: its editors bring people in, change their role, and let them go.

A feed always keeps at least one editor, so that nobody can lock a feed's team out of its own
feed; an admin can still step in on any feed.
"""

from __future__ import annotations

from sqlalchemy import Connection

from livefeed.access import audit
from livefeed.access.permissions import require_right
from livefeed.domain.access import FeedRole, Membership, Right, parse_feed_role
from livefeed.domain.errors import Conflict, Message, NotFound
from livefeed.domain.feeds import Feed
from livefeed.domain.users import User, clean_email
from livefeed.services import Services
from livefeed.store import accounts as account_store
from livefeed.store import feeds as feed_store
from livefeed.store import members


def list_members(svc: Services, actor: User | None, slug: str) -> list[Membership]:
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        require_right(conn, actor, feed.id, Right.MANAGE_TEAM)
        return members.team(conn, feed.id)


def set_member(
    svc: Services, actor: User | None, slug: str, email: object, role: object
) -> Membership:
    """Put someone with an account on the feed's team, or change their role there."""
    address = clean_email(email)
    wanted = parse_feed_role(role)
    now = svc.clock()
    with svc.db.write() as conn:
        # Locked, so two editors stepping down at once cannot leave the feed with none.
        feed = feed_store.require_feed(conn, slug, lock=True)
        acting = require_right(conn, actor, feed.id, Right.MANAGE_TEAM)
        user = _account(conn, address)
        before = members.role_of(conn, feed.id, user.id)
        if before is FeedRole.EDITOR and wanted is not FeedRole.EDITOR:
            _keep_an_editor(conn, feed)
        members.put(conn, feed.id, user.id, wanted, now)
        if before is not wanted:
            audit.record(
                svc, conn, acting, "member.added" if before is None else "member.changed",
                user.email, feed_id=feed.id, role=wanted.value,
                previous=before.value if before else None,
            )  # fmt: skip
        return next(m for m in members.team(conn, feed.id) if m.user_id == user.id)


def remove_member(svc: Services, actor: User | None, slug: str, email: object) -> None:
    address = clean_email(email)
    with svc.db.write() as conn:
        # Locked, so two editors stepping down at once cannot leave the feed with none.
        feed = feed_store.require_feed(conn, slug, lock=True)
        acting = require_right(conn, actor, feed.id, Right.MANAGE_TEAM)
        user = _account(conn, address)
        before = members.role_of(conn, feed.id, user.id)
        if before is None:
            raise NotFound(
                Message("%(email)s is not on the team of “%(feed)s”", email=address, feed=feed.slug)
            )
        if before is FeedRole.EDITOR:
            _keep_an_editor(conn, feed)
        members.remove(conn, feed.id, user.id)
        audit.record(
            svc, conn, acting, "member.removed", user.email, feed_id=feed.id, previous=before.value
        )


def _keep_an_editor(conn: Connection, feed: Feed) -> None:
    if members.count_editors(conn, feed.id) <= 1:
        raise Conflict(
            Message(
                "“%(feed)s” needs at least one editor: make someone else its editor first",
                feed=feed.slug,
            ),
            field="role",
        )


def _account(conn: Connection, email: str) -> User:
    try:
        return account_store.require_account(conn, email)
    except NotFound:
        # Only an account can join a team; someone without one comes in by invitation.
        raise NotFound(
            Message("there is no account for %(email)s: invite them first", email=email)
        ) from None
