"""Posts before they go out: the editors' queue, an author's own posts, and the moves between
states, each a conditional ``UPDATE`` whose row count says whether it happened.

A move names the state (and version) it starts from, so two people acting on the same post at
once — two editors, or an editor and the scheduler of another instance — cannot both succeed:
the database lets one ``UPDATE`` match and the other finds nothing to change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from livefeed.domain.feeds import FeedStatus
from livefeed.domain.posts import Post, PostInput, PostState
from livefeed.store import embeds
from livefeed.store.posts import _content, _post, _select, _set_tags
from livefeed.store.schema import feeds, posts


def change_words(
    conn: Connection,
    post: Post,
    *,
    data: PostInput,
    body_html: str,
    now: datetime,
    extra: dict[str, Any] | None = None,
) -> bool:
    """Write new words for a post not yet out, if it is still as ``post`` was read."""
    written = _conditional(conn, post, _content(data, body_html) | (extra or {}), now=now)
    if written:
        _set_tags(conn, post.id, data.tags)
        embeds.keep(conn, post.id, data)
    return written


def move(conn: Connection, post: Post, to: PostState, *, now: datetime, **values: Any) -> bool:
    """Put ``post`` in state ``to`` (with ``values``) if it is still as it was read."""
    return _conditional(conn, post, {"state": to.value, **values}, now=now)


def _conditional(conn: Connection, post: Post, values: dict[str, Any], *, now: datetime) -> bool:
    result = conn.execute(
        update(posts)
        .where(
            posts.c.id == post.id,
            posts.c.state == post.state.value,
            posts.c.version == post.version,
        )
        .values(values | {"version": posts.c.version + 1, "updated_at": now})
    )
    return result.rowcount == 1


def publish_due_post(conn: Connection, post_id: int, *, now: datetime) -> bool:
    """Publish a scheduled post whose time has come; ``False`` if it is not (or no longer)
    scheduled and due — another instance published it first, or an editor changed it.

    Its ``seq`` is set by the caller once it knows it won: a loser takes no number.
    """
    result = conn.execute(
        update(posts)
        .where(
            posts.c.id == post_id,
            posts.c.state == PostState.SCHEDULED.value,
            posts.c.publish_at <= now,
        )
        .values(
            state=PostState.PUBLISHED.value,
            published_at=now,
            publish_at=None,
            version=posts.c.version + 1,
            updated_at=now,
        )
    )
    return result.rowcount == 1


def set_out(conn: Connection, post_id: int, *, seq: int, edited_in_review: bool | None) -> None:
    """What a post gone out by itself keeps: its event, and how a contribution went."""
    conn.execute(
        update(posts)
        .where(posts.c.id == post_id)
        .values(seq=seq, edited_in_review=edited_in_review)
    )


def due(conn: Connection, now: datetime, *, limit: int) -> list[tuple[int, str]]:
    """(post id, feed slug) of scheduled posts whose time has come, the longest overdue first.

    A feed that has ended publishes nothing: its scheduled posts wait for it to reopen.
    """
    query = (
        select(posts.c.id, feeds.c.slug)
        .join(feeds, feeds.c.id == posts.c.feed_id)
        .where(
            posts.c.state == PostState.SCHEDULED.value,
            posts.c.publish_at <= now,
            feeds.c.status != FeedStatus.ENDED.value,
        )
        .order_by(posts.c.publish_at, posts.c.id)
        .limit(limit)
    )
    return [(row.id, row.slug) for row in conn.execute(query)]


def next_due(conn: Connection) -> datetime | None:
    """When the soonest scheduled post is due (perhaps already past), among the feeds that may
    publish it: those of a feed that has ended wait for it to reopen, as in ``due``."""
    query = (
        select(func.min(posts.c.publish_at))
        .join(feeds, feeds.c.id == posts.c.feed_id)
        .where(
            posts.c.state == PostState.SCHEDULED.value,
            feeds.c.status != FeedStatus.ENDED.value,
        )
    )
    moment: datetime | None = conn.execute(query).scalar_one()
    return moment


def in_state(
    conn: Connection, feed_id: int, state: PostState, *, author_id: int | None, limit: int
) -> list[Post]:
    """A feed's posts in ``state`` (of one author, if given): contributions newest first,
    scheduled posts soonest first, drafts last changed first."""
    query = _select().where(posts.c.feed_id == feed_id, posts.c.state == state.value)
    if author_id is not None:
        query = query.where(posts.c.author_id == author_id)
    if state is PostState.SUBMITTED:
        query = query.order_by(posts.c.submitted_at.desc(), posts.c.id.desc())
    elif state is PostState.SCHEDULED:
        query = query.order_by(posts.c.publish_at, posts.c.id)
    else:
        query = query.order_by(posts.c.updated_at.desc(), posts.c.id.desc())
    return [_post(row) for row in conn.execute(query.limit(limit)).mappings()]


def count_in_state(conn: Connection, feed_id: int, state: PostState) -> int:
    query = select(func.count()).where(posts.c.feed_id == feed_id, posts.c.state == state.value)
    return int(conn.execute(query).scalar_one())


def of_author(conn: Connection, feed_id: int, author_id: int, *, limit: int) -> list[Post]:
    """An author's posts in a feed that are not out yet, or that went through the editors
    (so they can see what became of each), last changed first."""
    query = (
        _select()
        .where(
            posts.c.feed_id == feed_id,
            posts.c.author_id == author_id,
            (posts.c.state.in_([s.value for s in _NOT_OUT]) | posts.c.submitted_at.is_not(None)),
        )
        .order_by(posts.c.updated_at.desc(), posts.c.id.desc())
        .limit(limit)
    )
    return [_post(row) for row in conn.execute(query).mappings()]


_NOT_OUT = (PostState.DRAFT, PostState.SUBMITTED, PostState.SCHEDULED)
