"""Checking, later, that the social posts shown in posts are still where they were.

Each site is asked again for the post's oEmbed description: a 404 or 410 marks the original as
gone (its snapshot stays, with a note for readers, who are told of the change like any edit);
a site that does not answer, or answers otherwise, marks nothing, since a network failure
says nothing of the post.
"""

from __future__ import annotations

from dataclasses import dataclass

from livefeed.domain.events import EventType
from livefeed.newsroom.embeds import JSON_ACCEPT
from livefeed.newsroom.publishing import _log_post
from livefeed.outside.fetch_policy import Refused
from livefeed.outside.fetching import JSON_TYPES, Unsuccessful, fetch
from livefeed.services import Services
from livefeed.store import embeds as embed_store
from livefeed.store import events as event_log
from livefeed.store import feeds as feed_store
from livefeed.store import posts as post_store

GONE = frozenset({404, 410})


@dataclass(frozen=True)
class Checked:
    checked: int
    gone: int
    unreachable: int


def check(svc: Services, limit: int = 200) -> Checked:
    """Ask each site again about the posts least recently checked; mark the deleted ones."""
    with svc.db.read() as conn:
        due = embed_store.to_check(conn, limit)
    checked = gone = unreachable = 0
    for embed_id, endpoint in due:
        try:
            fetch(endpoint, svc.fetch_policy, JSON_TYPES, JSON_ACCEPT)
            found_gone = False
        except Unsuccessful as error:
            if error.status not in GONE:
                unreachable += 1
                continue
            found_gone = True
        except Refused:
            unreachable += 1
            continue
        checked += 1
        gone += _record(svc, embed_id, gone=found_gone)
    return Checked(checked, gone, unreachable)


def _record(svc: Services, embed_id: int, *, gone: bool) -> int:
    """Write one check; a card newly marked gone is sent to its post's readers as an update."""
    now = svc.clock()
    with svc.db.write() as conn:
        changed = embed_store.checked(conn, embed_id, now, gone=gone)
        if changed is None:
            return 0
        feed = feed_store.require_feed_by_id(conn, changed[0])
        post = post_store.require_post(conn, feed, changed[1])
        if post.is_published:
            seq = event_log.next_seq(conn, feed.id)
            embed_store.touch_post(conn, post.id, now=now, seq=seq)
            _log_post(svc, conn, feed, seq, EventType.POST_UPDATED, post.id, now)
    if post.is_published:
        svc.committed(feed.id)
    return 1
