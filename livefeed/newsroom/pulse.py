"""The newsroom's pulse of a feed, as its editors' pages show it live: the contributions
waiting, the comments readers reported, and who is writing a post ("Anna is composing").

The reader count and the latencies are each instance's memory, not the database's: the web
face adds them (see ``web/desk/pulse.py``). The counts are the same for each of a feed's
editors, so a stream reads them once per feed for all of its editors' open pages, their right
checked once, when each page opened it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from livefeed.access.permissions import require_right, rights_by_feed
from livefeed.domain.access import Right
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.moderation_queue import Tab
from livefeed.domain.posts import PostState
from livefeed.domain.presence import fresh_since
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store import lifecycle, moderation_queue
from livefeed.store import presence as store

# A desk page follows at most this many feeds live, the most recently updated first.
DESK_FEEDS = 50


@dataclass(frozen=True)
class Watcher:
    """One of a feed's editors, whose page follows its pulse."""

    feed: Feed
    editor_id: int


@dataclass(frozen=True)
class Counts:
    waiting: int
    reported: int
    composers: tuple[tuple[int, str], ...]  # (user id, name), longest writing first

    def composing(self, editor_id: int) -> list[str]:
        """Who is composing, as an editor is told: the others only."""
        return [name for user_id, name in self.composers if user_id != editor_id]


def watch(svc: Services, actor: User | None, slug: str) -> Watcher:
    """The actor as one of the feed's editors; Forbidden for anyone else."""
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        editor = require_right(conn, actor, feed.id, Right.PUBLISH)
        return Watcher(feed, editor.id)


def on_desk(feed: Feed, rights: Collection[Right]) -> bool:
    """Whether the desk's list shows the feed's pulse to someone holding ``rights`` on it."""
    return feed.status is not FeedStatus.ENDED and Right.PUBLISH in rights


def watch_desk(svc: Services, actor: User) -> list[Watcher]:
    """The feeds whose pulse the actor's desk follows, the most recently updated first."""
    with svc.db.read() as conn:
        feeds = feed_store.list_feeds(conn, [FeedStatus.LIVE, FeedStatus.SCHEDULED], limit=500)
    if actor.is_admin:
        followed = [feed for feed in feeds if on_desk(feed, frozenset(Right))]
    else:
        rights = rights_by_feed(svc, actor)
        followed = [feed for feed in feeds if on_desk(feed, rights.get(feed.id, ()))]
    return [Watcher(feed, actor.id) for feed in followed[:DESK_FEEDS]]


def counts(svc: Services, feed_id: int) -> Counts:
    now = svc.clock()
    with svc.db.read() as conn:
        return Counts(
            waiting=lifecycle.count_in_state(conn, feed_id, PostState.SUBMITTED),
            reported=moderation_queue.count(conn, [feed_id], Tab.REPORTED, since=now),
            composers=tuple(store.composers_of_feed(conn, feed_id, since=fresh_since(now))),
        )


def composing(svc: Services, actor: User | None, slug: str, *, stopped: bool = False) -> int:
    """The actor is writing a post for the feed (its compose form holds words), or ``stopped``;
    the feed's id, whose editors' pages are to hear of it."""
    now = svc.clock()
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug)
        writer = require_right(conn, actor, feed.id, Right.CONTRIBUTE)
        if stopped:
            store.stopped_composing(conn, feed_id=feed.id, user_id=writer.id)
        else:
            store.seen_composing(conn, feed_id=feed.id, user_id=writer.id, now=now)
        return feed.id
