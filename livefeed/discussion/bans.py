"""Banning readers from the discussion, and lifting bans.

A feed's moderators (and editors) ban the author of a comment from that feed's discussion;
administrators may ban them from every feed's. A ban also ends the reader's sessions, so a
page left open cannot go on posting. The staff of a feed are never banned from it: a team
member who misbehaves is taken off the team instead.

:func:`check_not_banned` is what the discussion's use cases call, inside their transaction,
before taking a comment or a report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from livefeed.access import audit
from livefeed.access.permissions import require_right, rights
from livefeed.discussion import guest_bans
from livefeed.discussion.moderation_queue import moderated_feeds
from livefeed.domain import bans as rules
from livefeed.domain.access import Right
from livefeed.domain.bans import Ban, BanScope, parse_ban, parse_comment_id, until_text
from livefeed.domain.comments import Comment
from livefeed.domain.errors import Checks, Conflict, Forbidden, Message, NotFound
from livefeed.domain.moderation_queue import FeedRef
from livefeed.domain.users import User, require_admin
from livefeed.services import Services
from livefeed.store import accounts as account_store
from livefeed.store import bans as store
from livefeed.store import comments as comment_store
from livefeed.store import feeds as feed_store
from livefeed.store import members


def check_not_banned(conn: Connection, author: User | None, feed_id: int, now: datetime) -> None:
    """Refuse (:class:`Forbidden`, saying until when) a reader banned from the feed's
    discussion. Guests have no account to ban: their comments always wait for a moderator."""
    if author is None:
        return
    rules.check_not_banned(store.against(conn, author.id, feed_id, now), now)


def ban_on(conn: Connection, reader: User, feed_id: int, now: datetime) -> Ban | None:
    """The ban keeping ``reader`` out of the feed's discussion, so a page can say so before
    they write anything."""
    return rules.longest_in_force(store.against(conn, reader.id, feed_id, now), now)


def ban_author(
    svc: Services,
    actor: User | None,
    comment_id: object,
    fields: Mapping[str, object],
    *,
    feed_slug: str | None = None,
) -> Ban:
    """Ban the author of ``comment_id`` from its feed's discussion (``scope`` "feed") or
    from every discussion (``scope`` "site", administrators only).

    ``feed_slug``, when given, is the feed the caller believes the comment is on (the API's
    path): a comment of another feed is not found there. Who is asking is checked before the
    input, so someone who may not ban is told so whatever they sent.
    """
    with svc.db.read() as conn:
        if feed_slug is not None:
            require_right(conn, actor, feed_store.require_feed(conn, feed_slug).id, Right.MODERATE)
        elif isinstance(comment_id, int):
            found = comment_store.require_comment(conn, comment_id)
            require_right(conn, actor, found.feed_id, Right.MODERATE)
    checks = Checks()
    target = checks.run(lambda: parse_comment_id(comment_id), 0)
    data = checks.run(lambda: parse_ban(fields), None)
    checks.done()
    assert data is not None
    now = svc.clock()
    with svc.db.write() as conn:
        comment = comment_store.get_comment(conn, target)
        feed = feed_store.require_feed(conn, feed_slug) if feed_slug is not None else None
        if comment is None or (feed is not None and feed.id != comment.feed_id):
            raise NotFound(
                Message("there is no comment %(comment)s in this feed's discussion", comment=target)
            )
        if data.scope is BanScope.SITE:
            banner = require_admin(actor)
        else:
            banner = require_right(conn, actor, comment.feed_id, Right.MODERATE)
        feed_id = None if data.scope is BanScope.SITE else comment.feed_id
        if comment.guest and comment.author_id is None:
            guest_ban = guest_bans.ban_guest(svc, conn, banner, comment, data, now)
            where = feed_store.require_feed_by_id(conn, comment.feed_id)
            return Ban(
                id=guest_ban, user_id=0, user_name=comment.author_name, feed_id=feed_id,
                feed_title=where.title if feed_id else "", reason=data.reason,
                banned_by=banner.display_name, created_at=now, expires_at=data.expires_at(now),
                feed_slug=where.slug if feed_id else "",
            )  # fmt: skip
        reader = _bannable(conn, banner, comment, data.scope)
        ban_id = store.insert_ban(
            conn, user_id=reader.id, feed_id=feed_id, reason=data.reason,
            banned_by=banner.id, now=now, expires_at=data.expires_at(now),
        )  # fmt: skip
        # Whatever page they have open stops working for them now.
        account_store.delete_sessions_of(conn, reader.id)
        ban = store.require_ban(conn, ban_id)
        audit.record(
            svc, conn, banner, "reader.banned", reader.email, feed_id=feed_id,
            comment_id=comment.id, scope=data.scope.value, length=data.length.value,
            until=until_text(ban.expires_at), reason=data.reason,
        )  # fmt: skip
    return ban


@dataclass(frozen=True)
class BanTarget:
    """A comment whose author a moderator is about to ban, as the ban form shows it."""

    comment: Comment
    feed: FeedRef
    can_ban_site_wide: bool


def ban_target(svc: Services, actor: User | None, comment_id: int) -> BanTarget:
    """The comment, if ``actor`` moderates its feed (the form is theirs only)."""
    with svc.db.read() as conn:
        comment = comment_store.require_comment(conn, comment_id)
        moderator = require_right(conn, actor, comment.feed_id, Right.MODERATE)
        feed = feed_store.require_feed_by_id(conn, comment.feed_id)
    return BanTarget(comment, FeedRef(feed.id, feed.slug, feed.title), moderator.is_admin)


def lift(svc: Services, actor: User | None, ban_id: int) -> Ban:
    """End a ban before its time: the moderators of its feed, or admins for a site-wide one."""
    now = svc.clock()
    with svc.db.write() as conn:
        ban = store.require_ban(conn, ban_id)
        if ban.feed_id is None:
            lifter = require_admin(actor)
        else:
            lifter = require_right(conn, actor, ban.feed_id, Right.MODERATE)
        if not store.lift(conn, ban.id, by=lifter.id, now=now):
            current = store.require_ban(conn, ban.id)
            if current.lifted_at is not None:
                if current.lifted_by:
                    raise Conflict(
                        Message("this ban was already lifted by %(name)s", name=current.lifted_by)
                    )
                raise Conflict("this ban was already lifted by someone")
            raise Conflict("this ban has already run out")
        lifted = store.require_ban(conn, ban.id)
        reader = account_store.get_user(conn, ban.user_id)
        audit.record(
            svc, conn, lifter, "reader.unbanned", reader.email if reader else ban.user_name,
            feed_id=ban.feed_id, ban_id=ban.id, reason=ban.reason,
        )  # fmt: skip
    return lifted


def bans_in_force(svc: Services, actor: User | None, *, feed_slug: str | None = None) -> list[Ban]:
    """The bans in force in the feeds the viewer moderates (and site-wide ones, for admins)."""
    now = svc.clock()
    with svc.db.read() as conn:
        feeds = moderated_feeds(conn, actor)
        if actor is None or not feeds:
            raise Forbidden("only the moderators and editors of a feed can see its bans")
        ids = [ref.id for ref in feeds]
        if feed_slug:
            ids = [ref.id for ref in feeds if ref.slug == feed_slug]
            if not ids:
                feed = feed_store.require_feed(conn, feed_slug)
                require_right(conn, actor, feed.id, Right.MODERATE)
        return store.in_force(conn, ids, site_wide=actor.is_admin and not feed_slug, now=now)


def _bannable(conn: Connection, banner: User, comment: Comment, scope: BanScope) -> User:
    """The comment's author, if they are a reader who can be banned there."""
    if comment.author_id is None:
        if comment.guest:
            raise Conflict("a guest has no account to ban: reject their comments instead")
        raise Conflict("the author of this comment has deleted their account")
    reader = account_store.get_user(conn, comment.author_id)
    if reader is None:
        raise Conflict("the author of this comment has deleted their account")
    if reader.id == banner.id:
        raise Forbidden("you cannot ban yourself")
    if reader.is_admin:
        raise Forbidden("an administrator cannot be banned")
    if scope is BanScope.SITE and members.roles_of_user(conn, reader.id):
        raise Forbidden(
            Message(
                "%(name)s is on the team of a feed: take them off it before banning",
                name=reader.display_name,
            )
        )
    if scope is BanScope.FEED and rights(conn, reader, comment.feed_id):
        raise Forbidden(
            Message(
                "%(name)s is on this feed’s team: take them off it before banning",
                name=reader.display_name,
            )
        )
    return reader
