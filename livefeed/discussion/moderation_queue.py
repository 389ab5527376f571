"""The moderation queue: what waits for a decision in the feeds a moderator looks after.

A moderator sees the feeds where they hold :attr:`Right.MODERATE`: as a feed's moderator or
editor, or everywhere as an administrator. The queue is a read; deciding on an item goes
through :mod:`livefeed.discussion.moderation`, which settles two moderators acting at once.

Pending comments and reports never reach the feeds' public event log, so the queue page learns
of them by polling :func:`queue` cheaply: its :attr:`Queue.etag` changes exactly when what the
tab shows does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from livefeed.domain.access import FeedRole, Right, require, rights_on_feed
from livefeed.domain.comments import Comment
from livefeed.domain.errors import Forbidden
from livefeed.domain.moderation_queue import (
    DECIDED_WINDOW,
    TAB_SIZE,
    FeedRef,
    QueueItem,
    Tab,
    fingerprint,
    parse_tab,
)
from livefeed.domain.users import Role, User
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store import members
from livefeed.store import moderation_queue as store

NO_QUEUE = "only the moderators and editors of a feed can see the moderation queue"


@dataclass(frozen=True)
class Queue:
    tab: Tab
    # Every feed the viewer moderates, for the choice of feed.
    feeds: list[FeedRef]
    # The one feed asked for; ``None`` for all of them.
    feed: FeedRef | None
    items: list[QueueItem]
    counts: dict[Tab, int]
    etag: str
    # The feeds whose comments the viewer may feature in the feed (editors, admins).
    can_feature: frozenset[int] = field(default_factory=frozenset)
    # Site-wide bans are for administrators.
    can_ban_site_wide: bool = False


def feed_rights(conn: Connection, actor: User | None) -> dict[int, frozenset[Right]]:
    """The viewer's rights on each feed where they hold any, as :func:`permissions.rights`
    works them out (an admin's on every feed; a token's scope narrowing either)."""
    if actor is None or actor.disabled:
        return {}
    roles: dict[int, FeedRole | None] = dict(members.roles_of_user(conn, actor.id))
    if actor.role is Role.ADMIN:
        everywhere: dict[int, FeedRole | None] = {
            ref.id: None for ref in store.feed_refs(conn, None)
        }
        roles = everywhere | roles
    found = {
        feed_id: rights_on_feed(
            is_admin=actor.role is Role.ADMIN, role=role, scope=actor.scope, feed_id=feed_id
        )
        for feed_id, role in roles.items()
    }
    return {feed_id: held for feed_id, held in found.items() if held}


def moderated_feeds(conn: Connection, actor: User | None) -> list[FeedRef]:
    """The feeds whose discussion ``actor`` moderates, by title."""
    held = feed_rights(conn, actor)
    ids = [feed_id for feed_id, rights in held.items() if Right.MODERATE in rights]
    return store.feed_refs(conn, ids) if ids else []


def queue(
    svc: Services,
    actor: User | None,
    *,
    feed_slug: str | None = None,
    tab: object = None,
    limit: int = TAB_SIZE,
) -> Queue:
    """One tab of the queue, for one feed (``feed_slug``) or every feed the viewer moderates.

    Refuses a viewer who moderates no feed at all, and a feed they do not moderate.
    """
    which = parse_tab(tab)
    now = svc.clock()
    since = now - DECIDED_WINDOW
    with svc.db.read() as conn:
        if actor is None:
            raise Forbidden("sign in first")
        held = feed_rights(conn, actor)
        feeds = moderated_feeds(conn, actor)
        if not feeds:
            raise Forbidden(NO_QUEUE)
        chosen = None
        if feed_slug:
            chosen = next((ref for ref in feeds if ref.slug == feed_slug), None)
            if chosen is None:
                feed = feed_store.require_feed(conn, feed_slug)
                require(held.get(feed.id, frozenset()), Right.MODERATE)
        in_view = [chosen] if chosen else feeds
        ids = [ref.id for ref in in_view]
        comments = store.tab(conn, ids, which, since=since, limit=limit)
        counts = {t: store.count(conn, ids, t, since=since) for t in Tab}
        items = _items(conn, actor, comments, {ref.id: ref for ref in in_view})
    return Queue(
        tab=which,
        feeds=feeds,
        feed=chosen,
        items=items,
        counts=counts,
        etag=fingerprint(which, items, counts),
        can_feature=frozenset(f for f, rights in held.items() if Right.PUBLISH in rights),
        can_ban_site_wide=actor.is_admin,
    )


def _items(
    conn: Connection, actor: User, comments: list[Comment], refs: dict[int, FeedRef]
) -> list[QueueItem]:
    ids = [c.id for c in comments]
    parents = store.by_ids(conn, [c.parent_id for c in comments if c.parent_id is not None])
    reports = store.reports_since_decision(conn, ids)
    featured = store.featured_posts(conn, ids)
    # Readers' addresses are shown to administrators only.
    emails = (
        store.emails(conn, [c.author_id for c in comments if c.author_id is not None])
        if actor.is_admin
        else {}
    )
    return [
        QueueItem(
            comment=c,
            feed=refs[c.feed_id],
            parent=parents.get(c.parent_id) if c.parent_id is not None else None,
            reports=tuple(reports.get(c.id, [])),
            author_email=emails.get(c.author_id, "") if c.author_id is not None else "",
            featured_post_id=featured.get(c.id),
        )
        for c in comments
    ]
