"""Rights checked inside a use case's transaction, from the feed's team as it is right now.

Checking in the same transaction as the change means a role removed a moment ago cannot be
used for one more publish, and a disabled account (whose sessions and tokens stop resolving)
cannot act at all.
"""

from __future__ import annotations

from sqlalchemy import Connection

from livefeed.domain.access import FeedRole, Right, require, rights_on_feed
from livefeed.domain.errors import Forbidden
from livefeed.domain.feeds import Feed
from livefeed.domain.posts import Post
from livefeed.domain.users import Role, User
from livefeed.domain.visibility import Reader, may_read_post
from livefeed.services import Services
from livefeed.store import members
from livefeed.store import posts as post_store


def rights(conn: Connection, actor: User | None, feed_id: int) -> frozenset[Right]:
    if actor is None or actor.disabled:
        return frozenset()
    return rights_on_feed(
        is_admin=actor.role is Role.ADMIN,
        role=members.role_of(conn, feed_id, actor.id),
        scope=actor.scope,
        feed_id=feed_id,
    )


def readable_post(
    conn: Connection, actor: User | None, feed: Feed, post_id: int
) -> tuple[Post, Reader | None]:
    """The post, if ``actor`` may read it, with who they are on its feed; else ``NotFound``,
    as if there were no such post (being refused would say it is there)."""
    reader = Reader(actor.id, rights(conn, actor, feed.id)) if actor is not None else None
    post = post_store.require_post(
        conn, feed, post_id, visible=lambda found: may_read_post(found, reader)
    )
    return post, reader


def require_right(conn: Connection, actor: User | None, feed_id: int, right: Right) -> User:
    """The actor, if they hold ``right`` on the feed; :class:`Forbidden` otherwise."""
    if actor is None:
        raise Forbidden("sign in first")
    require(rights(conn, actor, feed_id), right)
    return actor


def require_feed_opener(conn: Connection, actor: User | None) -> User:
    """Opening a feed: admins, and anyone who already edits a feed (the night desk)."""
    if actor is not None and actor.is_admin:
        return actor
    scope = actor.scope if actor is not None else None
    narrowed = scope is not None and (
        scope.feed_ids is not None or scope.role not in (None, FeedRole.EDITOR)
    )
    if (
        actor is None
        or actor.disabled
        or narrowed
        or not members.holds_anywhere(conn, actor.id, frozenset({FeedRole.EDITOR}))
    ):
        raise Forbidden("only administrators and feed editors can open a new feed")
    return actor


def require_writer(conn: Connection, actor: User | None) -> User:
    """Work that belongs to no feed yet (uploading a picture): admins, and anyone who writes
    for some feed."""
    return _require_anywhere(
        conn,
        actor,
        frozenset({FeedRole.EDITOR, FeedRole.CONTRIBUTOR}),
        "only the editors and contributors of a feed can do this",
    )


def require_editor(conn: Connection, actor: User | None) -> User:
    """Work that belongs to no feed yet and that only editors do (making the server fetch
    another site's page for a card): admins, and anyone who edits some feed."""
    return _require_anywhere(
        conn, actor, frozenset({FeedRole.EDITOR}), "only the editors of a feed can do this"
    )


def _require_anywhere(
    conn: Connection, actor: User | None, roles: frozenset[FeedRole], refusal: str
) -> User:
    if actor is not None and actor.is_admin:
        return actor
    if (
        actor is None
        or actor.disabled
        or (actor.scope is not None and actor.scope.role not in (None, *roles))
        or not members.holds_anywhere(conn, actor.id, roles)
    ):
        raise Forbidden(refusal)
    return actor


def rights_for(svc: Services, actor: User | None, feed_id: int) -> frozenset[Right]:
    """For pages deciding which tools to show; every action checks again when it is taken."""
    if actor is None:
        return frozenset()
    with svc.db.read() as conn:
        return rights(conn, actor, feed_id)


def rights_by_feed(svc: Services, actor: User) -> dict[int, frozenset[Right]]:
    """Every feed the actor has any right on, for the desk's list; admins get an empty dict
    and hold every right everywhere (see :func:`rights`)."""
    with svc.db.read() as conn:
        roles = members.roles_of_user(conn, actor.id)
    return {
        feed_id: rights_on_feed(is_admin=False, role=role, scope=actor.scope, feed_id=feed_id)
        for feed_id, role in roles.items()
    }


def can_open_feeds(svc: Services, actor: User | None) -> bool:
    with svc.db.read() as conn:
        try:
            require_feed_opener(conn, actor)
        except Forbidden:
            return False
    return True
