"""Posts in the database: written in place, never renumbered, deleted as tombstones."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    RowMapping,
    Select,
    and_,
    delete,
    insert,
    or_,
    select,
    update,
)

from livefeed.domain.credentials import Credentials
from livefeed.domain.cursors import Cursor
from livefeed.domain.errors import Message, NotFound
from livefeed.domain.feeds import Feed
from livefeed.domain.posts import Image, Post, PostInput, PostState, Quote, ReadMore
from livefeed.domain.verification import SourceType, Verification
from livefeed.store import embeds, revisions, short_urls
from livefeed.store.embed_schema import post_embeds
from livefeed.store.post_media import audio_of_row, renditions_of, video_of_row
from livefeed.store.schema import post_tags, posts, short_codes, users


def _post(row: RowMapping) -> Post:
    quote = Quote(row["quote_text"], row["quote_attribution"]) if row["quote_text"] else None
    image = (
        Image(
            row["image_url"],
            row["image_caption"],
            row["image_credit"],
            row["image_alt"],
            row["image_width"] or 0,
            row["image_height"] or 0,
            renditions_of(row["image_renditions"]),
            Credentials.from_json(row["image_credentials"]),
            row["image_source_type"] or "",
        )
        if row["image_url"]
        else None
    )
    card = (
        ReadMore(
            row["read_more_url"],
            row["read_more_title"],
            row["read_more_summary"],
            row["read_more_image_url"],
        )
        if row["read_more_url"]
        else None
    )
    return Post(
        id=row["id"],
        feed_id=row["feed_id"],
        state=PostState(row["state"]),
        headline=row["headline"],
        body=row["body"],
        body_html=row["body_html"],
        quote=quote,
        image=image,
        read_more=card,
        tags=tuple(json.loads(row["tags"])),
        key_event=row["key_event"],
        pinned=row["pinned"],
        author_id=row["author_id"],
        author_name=row["author_name"] or "",
        published_at=row["published_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        version=row["version"],
        seq=row["seq"],
        short_code=row["short_code"] or "",
        video=video_of_row(row),
        audio=audio_of_row(row),
        corrections=revisions.corrections_of(row["corrections"]),
        retraction=revisions.retraction_of(row["retracted_at"], row["retraction_reason"]),
        verification=Verification(row["verification"]),
        source_type=SourceType(row["source_type"]) if row["source_type"] else None,
        sourcing=row["sourcing"] or "",
        embed=embeds.embed_of(row),
        **_lifecycle(row),
    )


# The editor who last dealt with a post before it went out (see domain/workflow.py).
_reviewers = users.alias("reviewers")


def _lifecycle(row: RowMapping) -> dict[str, Any]:
    return {
        "publish_at": row["publish_at"],
        "submitted_at": row["submitted_at"],
        "reviewer_id": row["reviewer_id"],
        "reviewer_name": row["reviewer_name"] or "",
        "review_note": row["review_note"] or "",
        "edited_in_review": row["edited_in_review"],
    }


def _select() -> Select[tuple[object, ...]]:
    return (
        select(
            posts,
            users.c.display_name.label("author_name"),
            short_codes.c.code.label("short_code"),
            _reviewers.c.display_name.label("reviewer_name"),
            *embeds.columns(),
        )
        .outerjoin(users, users.c.id == posts.c.author_id)
        .outerjoin(post_embeds, embeds.join_on())
        .outerjoin(_reviewers, _reviewers.c.id == posts.c.reviewer_id)
        .outerjoin(short_codes, short_codes.c.post_id == posts.c.id)
    )


def _content(data: PostInput, body_html: str) -> dict[str, object]:
    quote = data.quote or Quote("", "")
    image = data.image or Image("", "", "", "")
    card = data.read_more or ReadMore("", "", "", "")
    values: dict[str, object] = {
        "headline": data.headline,
        "body": data.body,
        "body_html": body_html,
        "quote_text": quote.text,
        "quote_attribution": quote.attribution,
        "image_url": image.url,
        "image_caption": image.caption,
        "image_credit": image.credit,
        "image_alt": image.alt,
        "image_width": image.width or None,
        "image_height": image.height or None,
        "image_renditions": (
            json.dumps([{"width": r.width, "height": r.height, "url": r.url} for r in renditions])
            if (renditions := image.renditions)
            else None
        ),
        "video_url": data.video.url if data.video else None,
        "video_duration_ms": data.video.duration_ms if data.video else None,
        "video_alt": (data.video.alt or None) if data.video else None,
        "audio_url": (audio.url or None) if (audio := data.audio) else None,
        "audio_duration_ms": audio.duration_ms if audio else None,
        "audio_byte_size": audio.byte_size if audio else None,
        "audio_start": audio.start if audio else None,
        "audio_transcript": (audio.transcript or None) if audio else None,
        "read_more_url": card.url,
        "read_more_title": card.title,
        "read_more_summary": card.summary,
        "read_more_image_url": card.image_url,
        "image_credentials": image.credentials.as_json() if image.credentials else None,
        "image_source_type": image.source_type or None,
        "tags": json.dumps(list(data.tags)),
        "key_event": data.key_event,
        "pinned": data.pinned,
        "source_type": data.source_type.value if data.source_type else None,
        "sourcing": data.sourcing,
    }
    if data.verification is not None:
        values["verification"] = data.verification.value
    return values


def insert_post(
    conn: Connection,
    *,
    feed_id: int,
    data: PostInput,
    body_html: str,
    author_id: int | None,
    now: datetime,
    seq: int,
    state: PostState = PostState.PUBLISHED,
    publish_at: datetime | None = None,
    submitted_at: datetime | None = None,
    published_at: datetime | None = None,
) -> int:
    """A new post; one not published yet has no event, so its ``seq`` is 0 (and its
    ``published_at`` a placeholder until it goes out). ``published_at`` backdates one moved
    in from elsewhere."""
    values = _content(data, body_html) | {
        "feed_id": feed_id,
        "state": state.value,
        "author_id": author_id,
        "published_at": published_at or now,
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "seq": seq,
        "publish_at": publish_at,
        "submitted_at": submitted_at,
    }
    post_id: int = conn.execute(insert(posts).values(values).returning(posts.c.id)).scalar_one()
    # A new post has no tags or snapshot to replace: nothing to look up or delete first.
    _add_tags(conn, post_id, data.tags)
    if data.embed_url and data.embed is not None:
        embeds.add(conn, post_id, data.embed)
    short_urls.assign(conn, post_id=post_id, now=now)
    return post_id


def update_post(
    conn: Connection,
    post_id: int,
    *,
    data: PostInput,
    body_html: str,
    seen_version: int,
    now: datetime,
    seq: int,
) -> bool:
    """Write an edit if the post is still at ``seen_version``; ``False`` if someone was first."""
    result = conn.execute(
        update(posts)
        .where(
            posts.c.id == post_id,
            posts.c.version == seen_version,
            posts.c.state != PostState.DELETED.value,
        )
        .values(
            _content(data, body_html)
            | {"version": posts.c.version + 1, "updated_at": now, "seq": seq}
        )
    )
    if result.rowcount != 1:
        return False
    _set_tags(conn, post_id, data.tags)
    embeds.keep(conn, post_id, data)
    return True


def set_pinned(conn: Connection, post_id: int, *, pinned: bool, now: datetime, seq: int) -> None:
    conn.execute(
        update(posts)
        .where(posts.c.id == post_id)
        .values(pinned=pinned, version=posts.c.version + 1, updated_at=now, seq=seq)
    )


def mark_deleted(
    conn: Connection, post_id: int, *, seen_version: int, now: datetime, seq: int
) -> bool:
    """Leave a tombstone: the id stays taken and readers are told it is gone."""
    result = conn.execute(
        update(posts)
        .where(
            posts.c.id == post_id,
            posts.c.version == seen_version,
            posts.c.state != PostState.DELETED.value,
        )
        .values(
            state=PostState.DELETED.value,
            pinned=False,
            key_event=False,
            version=posts.c.version + 1,
            updated_at=now,
            seq=seq,
        )
    )
    if result.rowcount != 1:
        return False
    conn.execute(delete(post_tags).where(post_tags.c.post_id == post_id))
    return True


def _set_tags(conn: Connection, post_id: int, tags: tuple[str, ...]) -> None:
    conn.execute(delete(post_tags).where(post_tags.c.post_id == post_id))
    _add_tags(conn, post_id, tags)


def _add_tags(conn: Connection, post_id: int, tags: tuple[str, ...]) -> None:
    if tags:
        conn.execute(insert(post_tags), [{"post_id": post_id, "tag": tag} for tag in tags])


def get_post(conn: Connection, post_id: int) -> Post | None:
    row = conn.execute(_select().where(posts.c.id == post_id)).mappings().first()
    return _post(row) if row else None


def require_post(
    conn: Connection,
    feed: Feed,
    post_id: int,
    *,
    visible: Callable[[Post], bool] = lambda post: True,
) -> Post:
    """The post ``post_id`` of ``feed``. One of another feed, or one the asker may not see
    (``visible`` says), is not found either: nobody learns a post exists by asking for it."""
    post = get_post(conn, post_id)
    if post is None or post.feed_id != feed.id or not visible(post):
        raise NotFound(
            Message("there is no post %(post)s in “%(feed)s”", post=post_id, feed=feed.slug)
        )
    return post


def _published(feed_id: int) -> Select[tuple[object, ...]]:
    return _select().where(posts.c.feed_id == feed_id, posts.c.state == PostState.PUBLISHED.value)


def _newest_first(
    query: Select[tuple[object, ...]], before: Cursor | None
) -> Select[tuple[object, ...]]:
    if before is not None:
        query = query.where(
            # Implied by the condition below, but SQLite plans an index range only from a plain
            # bound like this one: without it, a page deep in a feed walks every newer post.
            posts.c.published_at <= before.published_at,
            or_(
                posts.c.published_at < before.published_at,
                and_(posts.c.published_at == before.published_at, posts.c.id < before.post_id),
            ),
        )
    return query.order_by(posts.c.published_at.desc(), posts.c.id.desc())


def timeline(
    conn: Connection,
    feed_id: int,
    *,
    before: Cursor | None,
    limit: int,
    skip_pinned: bool,
) -> list[Post]:
    """Published posts newest first, from a position; the pinned one may be left to the top."""
    query = _published(feed_id)
    if skip_pinned:
        query = query.where(posts.c.pinned.is_(False))
    query = _newest_first(query, before).limit(limit)
    return [_post(row) for row in conn.execute(query).mappings()]


def pinned(conn: Connection, feed_id: int) -> list[Post]:
    query = _published(feed_id).where(posts.c.pinned.is_(True)).order_by(posts.c.id.desc())
    return [_post(row) for row in conn.execute(query).mappings()]


def key_events(conn: Connection, feed_id: int, *, limit: int = 50) -> list[Post]:
    query = _newest_first(_published(feed_id).where(posts.c.key_event.is_(True)), None)
    return [_post(row) for row in conn.execute(query.limit(limit)).mappings()]


def changed_since(conn: Connection, feed_id: int, seq: int, *, limit: int) -> list[Post]:
    """Posts whose last change is after ``seq``, in ``seq`` order; deletions included."""
    query = (
        _select()
        .where(
            posts.c.feed_id == feed_id,
            posts.c.seq > seq,
            posts.c.state.in_([PostState.PUBLISHED.value, PostState.DELETED.value]),
        )
        .order_by(posts.c.seq)
        .limit(limit)
    )
    return [_post(row) for row in conn.execute(query).mappings()]


def newest_in(conn: Connection, feed_ids: Sequence[int], *, limit: int) -> list[Post]:
    """The newest published posts of any of these feeds (for a document gathering them)."""
    if not feed_ids:
        return []
    query = _select().where(
        posts.c.feed_id.in_(feed_ids), posts.c.state == PostState.PUBLISHED.value
    )
    return [_post(row) for row in conn.execute(_newest_first(query, None).limit(limit)).mappings()]


def mark_changed(conn: Connection, post_id: int, *, now: datetime, seq: int) -> None:
    """A change made outside the post's own fields (its author's name gone): a new version."""
    conn.execute(
        update(posts)
        .where(posts.c.id == post_id)
        .values(version=posts.c.version + 1, updated_at=now, seq=seq)
    )
