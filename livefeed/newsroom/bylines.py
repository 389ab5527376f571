"""Bylines erased: when an account is deleted, its name leaves every post it wrote.

The posts stay (they are the feed's record) without an author. The name is taken out of every
event already logged for them, each published one is logged again as updated (so open pages,
cached pages and polling clients drop the byline, and replays from the log no longer hold it),
and the hub is told to forget its copies of the old frames.
"""

from __future__ import annotations

from sqlalchemy import Connection

from livefeed.domain.events import EventType
from livefeed.newsroom.publishing import _log_post
from livefeed.services import Services
from livefeed.store import events as event_log
from livefeed.store import feeds as feed_store
from livefeed.store import posts as post_store


def forget_author(svc: Services, conn: Connection, author_id: int) -> list[tuple[int, int]]:
    """Erase the name from the log, before the account row goes; what to log again after."""
    return event_log.forget_author(conn, author_id)


def log_without_author(
    svc: Services, conn: Connection, published: list[tuple[int, int]]
) -> set[int]:
    """Once the account is gone (its posts' author cleared), log each published post again as
    updated; the feeds touched, to tell the hub once committed."""
    now = svc.clock()
    for feed_id, post_id in published:
        feed = feed_store.require_feed_by_id(conn, feed_id)
        seq = event_log.next_seq(conn, feed_id)
        post_store.mark_changed(conn, post_id, now=now, seq=seq)
        _log_post(svc, conn, feed, seq, EventType.POST_UPDATED, post_id, now)
    return {feed_id for feed_id, _ in published}
