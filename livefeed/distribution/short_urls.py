"""Short URLs: where a code leads, counting its clicks, and the counts for editors.

A code leads only to a page of this site, built from our own addresses: there is no stored
target URL that could be pointed elsewhere. Clicks are counted per code and UTC day, and
nothing else about a click is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date

from livefeed.access.permissions import readable_post, require_right
from livefeed.domain.access import Right
from livefeed.domain.errors import NotFound
from livefeed.domain.posts import PostState
from livefeed.domain.shortcodes import Gone, ShortKind, is_code
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store import short_urls as short_store


@dataclass(frozen=True)
class ShortUrlClicks:
    short_url: str | None
    clicks: list[tuple[date, int]]


def resolve(svc: Services, code: str) -> str:
    """The canonical address ``code`` stands for.

    Raises NotFound for a code never given (a malformed one without asking the database) and
    Gone for one whose feed or post has been deleted.
    """
    if not is_code(code):
        raise NotFound("there is no such short URL")
    with svc.db.read() as conn:
        found = short_store.target(conn, code)
    if found is None:
        raise NotFound("there is no such short URL")
    if found.kind is ShortKind.FEED:
        if found.slug is None:
            raise Gone("the feed this short URL led to has been deleted")
        return svc.urls.feed(found.slug)
    if found.slug is None or found.post_id is None or found.post_state is PostState.DELETED:
        raise Gone("the update this short URL led to has been deleted")
    if found.post_state is not PostState.PUBLISHED:
        # Not out yet (a draft, a scheduled post): as far as readers know, there is nothing.
        raise NotFound("there is no such short URL")
    return svc.urls.post(found.slug, found.post_id)


def count_click(svc: Services, code: str) -> None:
    """One more click on ``code`` today (UTC); call it only for a code that resolved."""
    with svc.db.write() as conn:
        short_store.count_click(conn, code, svc.clock().astimezone(UTC).date())


def feed_clicks(svc: Services, actor: User | None, slug: str) -> ShortUrlClicks:
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        require_right(conn, actor, feed.id, Right.PUBLISH)
        return _clicks(svc, short_store.clicks(conn, feed.short_code), feed.short_code)


def post_clicks(svc: Services, actor: User | None, slug: str, post_id: int) -> ShortUrlClicks:
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        # The short URL is the post's own: one the actor may not read is missing here too.
        post, _ = readable_post(conn, actor, feed, post_id)
        require_right(conn, actor, feed.id, Right.PUBLISH)
        return _clicks(svc, short_store.clicks(conn, post.short_code), post.short_code)


def _clicks(svc: Services, days: list[tuple[date, int]], code: str) -> ShortUrlClicks:
    return ShortUrlClicks(svc.urls.short(code) if code else None, days)
