"""Published posts as a reader chose to read them: a feed's in either order, key events only,
one tag; a tag's across every feed; from a position, so paging neither skips nor repeats a
post."""

from __future__ import annotations

from sqlalchemy import Connection, and_, func, or_, select

from livefeed.domain.cursors import Cursor
from livefeed.domain.feed_views import View
from livefeed.domain.posts import Post, PostState
from livefeed.store.posts import _newest_first as newest_first
from livefeed.store.posts import _post as post_of
from livefeed.store.posts import _published as published
from livefeed.store.posts import _select as select_posts
from livefeed.store.schema import post_tags, posts


def listing(
    conn: Connection, feed_id: int, view: View, *, after: Cursor | None, limit: int
) -> list[Post]:
    """One page of the view, from the position ``after`` (the last post of the page before).

    The pinned post is left out: it stands on top of the first page, in every view.
    """
    query = select_posts().where(
        posts.c.feed_id == feed_id,
        posts.c.state == PostState.PUBLISHED.value,
        posts.c.pinned.is_(False),
    )
    if view.key_events_only:
        query = query.where(posts.c.key_event.is_(True))
    if view.only is not None:
        query = query.where(posts.c.verification == view.only.value)
    if view.tag:
        query = query.join(post_tags, post_tags.c.post_id == posts.c.id).where(
            post_tags.c.tag == view.tag
        )
    if view.oldest_first:
        if after is not None:
            query = query.where(
                posts.c.published_at >= after.published_at,
                or_(
                    posts.c.published_at > after.published_at,
                    and_(posts.c.published_at == after.published_at, posts.c.id > after.post_id),
                ),
            )
        query = query.order_by(posts.c.published_at, posts.c.id)
    else:
        if after is not None:
            query = query.where(
                posts.c.published_at <= after.published_at,
                or_(
                    posts.c.published_at < after.published_at,
                    and_(posts.c.published_at == after.published_at, posts.c.id < after.post_id),
                ),
            )
        query = query.order_by(posts.c.published_at.desc(), posts.c.id.desc())
    return [post_of(row) for row in conn.execute(query.limit(limit)).mappings()]


def key_event_count(conn: Connection, feed_id: int) -> int:
    query = select(func.count()).where(
        posts.c.feed_id == feed_id,
        posts.c.state == PostState.PUBLISHED.value,
        posts.c.key_event.is_(True),
    )
    return int(conn.execute(query).scalar_one())


def tag_counts(conn: Connection, *, limit: int = 500) -> list[tuple[str, int]]:
    """Every tag on a published post, with how many carry it, the most used first."""
    count = func.count().label("count")
    query = (
        select(post_tags.c.tag, count)
        .join(posts, posts.c.id == post_tags.c.post_id)
        .where(posts.c.state == PostState.PUBLISHED.value)
        .group_by(post_tags.c.tag)
        .order_by(count.desc(), post_tags.c.tag)
        .limit(limit)
    )
    return [(str(row[0]), int(row[1])) for row in conn.execute(query)]


def with_tag(conn: Connection, tag: str, *, before: Cursor | None, limit: int) -> list[Post]:
    """Published posts carrying ``tag`` across every feed, newest first."""
    query = (
        select_posts()
        .join(post_tags, post_tags.c.post_id == posts.c.id)
        .where(post_tags.c.tag == tag, posts.c.state == PostState.PUBLISHED.value)
    )
    return [
        post_of(row) for row in conn.execute(newest_first(query, before).limit(limit)).mappings()
    ]


def feed_tagged(
    conn: Connection, feed_id: int, tag: str, *, limit: int, skip_pinned: bool
) -> list[Post]:
    """One feed's published posts carrying ``tag``, newest first (an embed that shows a tag)."""
    query = (
        published(feed_id)
        .join(post_tags, post_tags.c.post_id == posts.c.id)
        .where(post_tags.c.tag == tag)
    )
    if skip_pinned:
        query = query.where(posts.c.pinned.is_(False))
    return [post_of(row) for row in conn.execute(newest_first(query, None).limit(limit)).mappings()]
