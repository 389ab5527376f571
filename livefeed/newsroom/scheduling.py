"""The scheduler's use case: publish the scheduled posts whose time has come.

``web/scheduler.py`` runs on every instance and calls ``publish_due`` once ``next_due`` has
come. The instances need not agree on anything: the database decides which one publishes each
post.
"""

from __future__ import annotations

import logging
from datetime import datetime

from livefeed.access import audit
from livefeed.domain.events import EventType
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.posts import Post
from livefeed.newsroom.publishing import _log_post, _unpin_others
from livefeed.services import Services
from livefeed.store import events as event_log
from livefeed.store import feeds as feed_store
from livefeed.store import lifecycle
from livefeed.store import posts as post_store

DUE_BATCH = 100

log = logging.getLogger(__name__)


def publish_due(svc: Services, *, limit: int = DUE_BATCH) -> list[Post]:
    """Publish every scheduled post whose time has come; what this call published.

    Safe to run on every instance at once: each post is published by whichever transaction's
    conditional ``UPDATE … WHERE state = 'scheduled'`` matches it, and only that one takes a
    ``seq`` and logs the event. The others find nothing to change and write nothing.
    """
    with svc.db.read() as conn:
        found = lifecycle.due(conn, svc.clock(), limit=limit)
    published: list[Post] = []
    for post_id, slug in found:
        post = _publish_due_one(svc, post_id, slug)
        if post is not None:
            published.append(post)
            svc.committed(post.feed_id)
    return published


def next_due(svc: Services) -> datetime | None:
    """When the next scheduled post is due, or ``None`` if no post waits to go out.

    Every write that may bring that moment nearer (a post scheduled or rescheduled, a feed
    reopened, an import) announces its commit, which is how a scheduler knows to ask again."""
    with svc.db.read() as conn:
        return lifecycle.next_due(conn)


def _publish_due_one(svc: Services, post_id: int, slug: str) -> Post | None:
    with svc.db.write() as conn:
        # The feed's row first, as every writer of the feed takes it: no deadlock, and the
        # pinned post and the seq counter are read under the same lock.
        feed = feed_store.get_by_slug(conn, slug, lock=True)
        if feed is None or feed.status is FeedStatus.ENDED:
            return None  # renamed meanwhile (found again next time) or ended (waits)
        now = svc.clock()
        if not lifecycle.publish_due_post(conn, post_id, now=now):
            return None  # another instance was first, or an editor changed it meanwhile
        post = post_store.require_post(conn, feed, post_id)
        if post.pinned:
            _unpin_others(svc, conn, feed, keep=post.id, now=now)
        seq = event_log.next_seq(conn, feed.id)
        edited = bool(post.edited_in_review) if post.submitted_at is not None else None
        lifecycle.set_out(conn, post.id, seq=seq, edited_in_review=edited)
        published = _log_post(svc, conn, feed, seq, EventType.POST_PUBLISHED, post.id, now)
        audit.record(
            svc, conn, None, "post.published", published.headline,
            feed_id=feed.id, post_id=published.id, version=published.version,
            by="the scheduler", scheduled_by=published.reviewer_name or published.author_name,
        )  # fmt: skip
    log.info("published scheduled post %s in %s", post_id, slug)
    return published
