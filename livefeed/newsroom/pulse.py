"""The newsroom's pulse of a feed, as its editors' pages show it live: the contributions
waiting, the comments readers reported, and who is writing a post ("Anna is composing").

The reader count and the latencies are each instance's memory, not the database's: the web
face adds them (see ``web/desk/pulse.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from livefeed.access.permissions import require_right
from livefeed.domain.access import Right
from livefeed.domain.moderation_queue import Tab
from livefeed.domain.posts import PostState
from livefeed.domain.presence import fresh_since
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store import lifecycle, moderation_queue
from livefeed.store import presence as store


@dataclass(frozen=True)
class Pulse:
    feed_id: int
    language: str
    waiting: int
    reported: int
    composing: list[str]


def pulse(svc: Services, actor: User | None, slug: str) -> Pulse:
    """The feed's counts for one of its editors; who is composing names the others only."""
    now = svc.clock()
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        editor = require_right(conn, actor, feed.id, Right.PUBLISH)
        return Pulse(
            feed_id=feed.id,
            language=feed.language,
            waiting=lifecycle.count_in_state(conn, feed.id, PostState.SUBMITTED),
            reported=moderation_queue.count(conn, [feed.id], Tab.REPORTED, since=now),
            composing=store.composers_of_feed(
                conn, feed.id, since=fresh_since(now), other_than=editor.id
            ),
        )


def composing(svc: Services, actor: User | None, slug: str, *, stopped: bool = False) -> None:
    """The actor is writing a post for the feed (its compose form holds words), or ``stopped``."""
    now = svc.clock()
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug)
        writer = require_right(conn, actor, feed.id, Right.CONTRIBUTE)
        if stopped:
            store.stopped_composing(conn, feed_id=feed.id, user_id=writer.id)
        else:
            store.seen_composing(conn, feed_id=feed.id, user_id=writer.id, now=now)
