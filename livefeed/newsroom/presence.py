"""Who has a post open on the desk's edit page ("Anna is editing"), across every instance.

The edit page reports every few seconds while it is open and once more when it closes; the
database holds the last report of each editor on each post, so any instance can answer. Only
those who may edit the feed's posts are ever told, and only they are counted.
"""

from __future__ import annotations

from livefeed.access.permissions import require_right, rights
from livefeed.domain.access import Right
from livefeed.domain.presence import fresh_since
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store import posts as post_store
from livefeed.store import presence as store


def editing(svc: Services, actor: User | None, slug: str, post_id: int) -> list[str]:
    """The actor has the post open for editing: say so, and name the others who have it open."""
    now = svc.clock()
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug)
        editor = require_right(conn, actor, feed.id, Right.PUBLISH)
        post_store.require_post(conn, feed, post_id)
        store.forget_older_than(conn, fresh_since(now))
        store.seen(conn, post_id=post_id, feed_id=feed.id, user_id=editor.id, now=now)
        others = store.editors_of_feed(
            conn, feed.id, since=fresh_since(now), other_than=editor.id, post_id=post_id
        )
    return others.get(post_id, [])


def stopped_editing(svc: Services, actor: User | None, slug: str, post_id: int) -> None:
    """The actor closed the edit page (or saved): they no longer count as editing."""
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug)
        editor = require_right(conn, actor, feed.id, Right.PUBLISH)
        store.left(conn, post_id=post_id, user_id=editor.id)


def others_on_feed(svc: Services, actor: User | None, feed_id: int) -> dict[int, list[str]]:
    """Who else is editing which post of the feed, by post id; nothing for anyone who may not
    edit its posts (a reader's page must never name an editor)."""
    if actor is None:
        return {}
    with svc.db.read() as conn:
        if Right.PUBLISH not in rights(conn, actor, feed_id):
            return {}
        return store.editors_of_feed(
            conn, feed_id, since=fresh_since(svc.clock()), other_than=actor.id
        )
