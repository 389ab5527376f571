"""A new post sent again with the same ``Idempotency-Key``: the post it already made, not two.

Both checks run inside the transaction that writes the post, under the feed's lock, so two
copies of one request arriving together still make one post.
"""

from __future__ import annotations

from sqlalchemy import Connection

from livefeed.domain.feeds import Feed
from livefeed.domain.idempotency import REMEMBERED, Once, check_same_request
from livefeed.domain.posts import Post
from livefeed.services import Services
from livefeed.store import idempotency as store
from livefeed.store import posts as post_store


def made_before(
    svc: Services, conn: Connection, user_id: int, once: Once | None, feed: Feed
) -> Post | None:
    """The post this key already made for this account, if it did."""
    if once is None:
        return None
    found = store.made_by(conn, user_id, once.key, since=svc.clock() - REMEMBERED)
    if found is None:
        return None
    fingerprint, post_id = found
    check_same_request(fingerprint, once)
    return post_store.require_post(conn, feed, post_id)


def remember(
    svc: Services, conn: Connection, user_id: int, once: Once | None, post_id: int
) -> None:
    if once is None:
        return
    now = svc.clock()
    store.remember(
        conn,
        user_id,
        once.key,
        fingerprint=once.fingerprint,
        post_id=post_id,
        now=now,
        since=now - REMEMBERED,
    )
