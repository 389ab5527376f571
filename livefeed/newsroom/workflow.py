"""Drafts, contributions and scheduled posts: a post's life before readers see it.

Contributors write drafts and submit them; editors publish, schedule or return them, and the
scheduler publishes what is due (scheduling.py). Nothing here tells readers anything until a
post goes out: a post that is not published has no event (its ``seq`` stays 0), so it cannot
reach the feed page, the stream, the API's public listings, syndication or the sitemaps, which
all read published posts or the event log. Publishing one logs ``post.published`` in the same
transaction, exactly as publishing a new post does.

The rules of who may make which move are in ``domain/workflow.py``; this module checks them
inside the transaction that makes the move, against the post as it is right then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from livefeed.access import audit, permissions
from livefeed.distribution.reading import get_feed
from livefeed.domain.errors import Checks, Conflict, Forbidden, NotFound
from livefeed.domain.events import EventType
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.posts import Post, PostState, parse_post_input
from livefeed.domain.users import User
from livefeed.domain.workflow import (
    DELETED,
    DRAFT,
    PUBLISHED,
    SCHEDULED,
    SUBMITTED,
    UNPUBLISHED,
    Mover,
    can_see,
    check_move,
    check_start,
    clean_note,
    parse_publish_at,
)
from livefeed.newsroom import publishing, revisions
from livefeed.newsroom.publishing import Preview, _feed_by_slug, _log_post, _post_in, _unpin_others
from livefeed.services import Services
from livefeed.store import events as event_log
from livefeed.store import feeds as feed_store
from livefeed.store import lifecycle
from livefeed.store import posts as post_store

QUEUE_LIMIT = 200


@dataclass(frozen=True)
class When:
    """A ``publish_at`` as a face received it: ISO 8601 with its offset (the API, the CLI), or
    a form's local date and time, read in the feed's own time zone (``local``)."""

    value: object
    local: bool = False


@dataclass(frozen=True)
class Queue:
    """What waits for a feed's editors: contributions newest first, scheduled posts soonest."""

    feed: Feed
    submitted: list[Post]
    scheduled: list[Post]


# Writing -----------------------------------------------------------------------------------------


def start_post(
    svc: Services,
    actor: User | None,
    slug: str,
    fields: Mapping[str, object],
    *,
    state: PostState = PUBLISHED,
    publish_at: When | None = None,
) -> Post:
    """Write a new post as a draft, a contribution, a scheduled post, or published at once."""
    if state is PUBLISHED:
        _check_input(svc, slug, None, state, publish_at)  # a time given by mistake is refused
        return publishing.publish_post(svc, actor, slug, fields)
    preview, moment = _check_input(svc, slug, fields, state, publish_at)
    assert preview is not None
    now = svc.clock()
    with svc.db.write() as conn:
        feed = _feed_by_slug(conn, slug)
        mover = _mover(conn, actor, feed)
        check_start(state, mover)
        _check_feed_open(feed, state)
        assert actor is not None  # a mover has rights, so someone signed in
        post_id = post_store.insert_post(
            conn,
            feed_id=feed.id,
            data=preview.data,
            body_html=preview.body_html,
            author_id=actor.id,
            now=now,
            seq=0,
            state=state,
            publish_at=moment,
            submitted_at=now if state is SUBMITTED else None,
        )
        post = _reread(conn, post_id)
        if state is SCHEDULED:
            _audit(svc, conn, actor, "post.scheduled", post, publish_at=_iso(moment))
        elif state is SUBMITTED:
            _audit(svc, conn, actor, "post.submitted", post)
    return post


def update_post(
    svc: Services,
    actor: User | None,
    slug: str,
    post_id: int,
    *,
    fields: Mapping[str, object] | None = None,
    state: PostState | None = None,
    publish_at: When | None = None,
    note: object = None,
    seen_version: int | None = None,
) -> Post:
    """Change a post that is not out yet and/or move it along, in one transaction.

    ``fields`` are its new words; ``state`` where it goes next: ``submitted`` (to the editors,
    or a scheduled post back to their queue), ``draft`` (taken back by its author, returned by
    an editor with a ``note``, or a schedule cancelled), ``scheduled`` (with ``publish_at``),
    ``published`` or ``deleted``. ``seen_version`` refuses the change if someone was first.
    """
    wanted = state
    preview, moment = _check_input(svc, slug, fields, wanted, publish_at)
    clean = clean_note(note) if note is not None else ""
    now = svc.clock()
    with svc.db.write() as conn:
        feed = _feed_by_slug(conn, slug)
        post = _post_in(conn, feed, post_id)
        mover = _mover(conn, actor, feed, post)
        assert actor is not None
        if seen_version is not None and seen_version != post.version:
            raise Conflict(
                f"this post was changed meanwhile (you saw version {seen_version}, it is now "
                f"at version {post.version})",
                field="version",
            )
        target = wanted or post.state
        check_move(post, target, mover, note=clean)
        if preview is not None and fields is not None and _new_words(post, fields):
            edited = post.submitted_at is not None and not mover.wrote(post)
            extra = {"edited_in_review": True} if edited else {}
            if not lifecycle.change_words(
                conn, post, data=preview.data, body_html=preview.body_html, now=now, extra=extra
            ):
                raise _changed_meanwhile()
            # The words as they were stay in the post's history (see revisions.py).
            revisions.keep_edit(conn, post, actor, correction_note=None, now=now)
            post = _reread(conn, post.id)
        if target is not post.state or target is SCHEDULED:
            post = _move(svc, conn, feed, post, target, mover, actor, now, moment, clean)
    if post.state is PUBLISHED:
        svc.committed(feed.id)
    return post


def delete_post(
    svc: Services, actor: User | None, slug: str, post_id: int, *, seen_version: int | None = None
) -> Post:
    """Delete any post: one already out through ``publishing`` (readers are told), one not yet
    out here (nobody but the team ever knew of it)."""
    post = visible_post(svc, actor, slug, post_id)[1]
    if post.state in UNPUBLISHED:
        return update_post(svc, actor, slug, post_id, state=DELETED, seen_version=seen_version)
    return publishing.delete_post(svc, actor, slug, post_id, seen_version=seen_version)


def _move(
    svc: Services,
    conn: Connection,
    feed: Feed,
    post: Post,
    target: PostState,
    mover: Mover,
    actor: User,
    now: datetime,
    moment: datetime | None,
    note: str,
) -> Post:
    """Make one move the rules allowed (see domain/workflow.py), with its audit line."""
    current = post.state
    if target is PUBLISHED:
        _check_feed_open(feed, target)
        return _publish(svc, conn, feed, post, now, actor=actor)
    if target is SCHEDULED:
        _check_feed_open(feed, target)
        assert moment is not None
        moved = _moved(conn, post, SCHEDULED, now, publish_at=moment, reviewer_id=actor.id)
        _audit(svc, conn, actor, "post.scheduled", moved, publish_at=_iso(moment))
        return moved
    if target is SUBMITTED and current is DRAFT:
        # A fresh submission: whatever an editor said or did last time is behind it.
        moved = _moved(
            conn, post, SUBMITTED, now,
            submitted_at=now, reviewer_id=None, review_note=None, edited_in_review=None,
        )  # fmt: skip
        _audit(svc, conn, actor, "post.submitted", moved)
        return moved
    if target is DRAFT and not mover.wrote(post):
        moved = _moved(
            conn, post, DRAFT, now, publish_at=None, reviewer_id=actor.id, review_note=note
        )
        _audit(svc, conn, actor, "post.returned", moved, note=note)
        return moved
    if target is DELETED:
        who = {} if mover.wrote(post) else {"reviewer_id": actor.id}
        moved = _moved(
            conn, post, DELETED, now, publish_at=None, pinned=False, key_event=False, **who
        )
        if current is not DRAFT:
            _audit(svc, conn, actor, "post.deleted", moved, was=current.value)
        return moved
    # Taken back by its author, or a cancelled schedule (to draft, or back to the queue).
    moved = _moved(conn, post, target, now, publish_at=None)
    if current is SCHEDULED:
        _audit(svc, conn, actor, "post.unscheduled", moved, now=target.value)
    return moved


def _publish(
    svc: Services, conn: Connection, feed: Feed, post: Post, now: datetime, *, actor: User
) -> Post:
    if post.pinned:
        _unpin_others(svc, conn, feed, keep=post.id, now=now)
    seq = event_log.next_seq(conn, feed.id)
    values: dict[str, object] = {"published_at": now, "seq": seq, "publish_at": None}
    if post.submitted_at is not None and actor.id != post.author_id:
        values |= {"reviewer_id": actor.id, "edited_in_review": bool(post.edited_in_review)}
    if not lifecycle.move(conn, post, PUBLISHED, now=now, **values):
        raise _changed_meanwhile()
    published = _log_post(svc, conn, feed, seq, EventType.POST_PUBLISHED, post.id, now)
    detail: dict[str, object] = {"version": published.version, "was": post.state.value}
    if published.edited_in_review is not None:
        detail["as_written"] = not published.edited_in_review
    audit.record(
        svc, conn, actor, "post.published", published.headline,
        feed_id=feed.id, post_id=published.id, **detail,
    )  # fmt: skip
    return published


# Reading -----------------------------------------------------------------------------------------


def visible_post(svc: Services, actor: User | None, slug: str, post_id: int) -> tuple[Feed, Post]:
    """A post as ``actor`` may see it: one they may not see does not exist, for them."""
    with svc.db.read() as conn:
        feed = _feed(conn, slug)
        post = post_store.get_post(conn, post_id)
        if post is None or post.feed_id != feed.id:
            raise NotFound(f"there is no post {post_id} in “{slug}”")
        if not can_see(post, _viewer(conn, actor, feed)):
            raise NotFound(f"there is no post {post_id} in “{slug}”")
    return feed, post


def list_in_state(
    svc: Services, actor: User | None, slug: str, state: PostState, *, limit: int
) -> tuple[Feed, list[Post]]:
    """A feed's drafts, contributions or scheduled posts, as far as ``actor`` may see them:
    an editor sees every contribution and scheduled post, anyone their own drafts."""
    with svc.db.read() as conn:
        feed = _feed(conn, slug)
        mover = _viewer(conn, actor, feed)
        if mover is None or not (mover.is_contributor or mover.is_editor):
            raise Forbidden("only the feed’s team can see posts that are not published")
        everyone = state is not DRAFT and mover.is_editor
        author = None if everyone else mover.user_id
        return feed, lifecycle.in_state(conn, feed.id, state, author_id=author, limit=limit)


def queue(svc: Services, actor: User | None, slug: str) -> Queue:
    """The Contributions page: what waits for the feed's editors."""
    with svc.db.read() as conn:
        feed = _feed(conn, slug)
        mover = _viewer(conn, actor, feed)
        if mover is None or not mover.is_editor:
            raise Forbidden("only the feed’s editors can see its contributions")
        return Queue(
            feed,
            lifecycle.in_state(conn, feed.id, SUBMITTED, author_id=None, limit=QUEUE_LIMIT),
            lifecycle.in_state(conn, feed.id, SCHEDULED, author_id=None, limit=QUEUE_LIMIT),
        )


def waiting(svc: Services, feed_id: int) -> int:
    """How many contributions wait for the editors (for a link's count; no rights asked:
    call it only for someone who may see the queue)."""
    with svc.db.read() as conn:
        return lifecycle.count_in_state(conn, feed_id, SUBMITTED)


def my_posts(svc: Services, actor: User | None, slug: str) -> tuple[Feed, list[Post]]:
    """The "My posts" page: the actor's posts not yet out, and those that went through the
    editors, so they can see what became of each."""
    with svc.db.read() as conn:
        feed = _feed(conn, slug)
        mover = _viewer(conn, actor, feed)
        if mover is None or not mover.is_contributor:
            raise Forbidden("only the feed’s team can write posts for it")
        return feed, lifecycle.of_author(conn, feed.id, mover.user_id, limit=QUEUE_LIMIT)


# Helpers -----------------------------------------------------------------------------------------


def _check_input(
    svc: Services,
    slug: str,
    fields: Mapping[str, object] | None,
    state: PostState | None,
    publish_at: When | None,
) -> tuple[Preview | None, datetime | None]:
    """Every field at fault at once, before anything is written: the words, and the time."""
    checks = Checks()
    preview = None
    if fields:
        words = fields
        preview = checks.run(lambda: publishing.preview_post(svc, words), None)
    moment = None
    if state is SCHEDULED:
        zone = get_feed(svc, slug).zone if publish_at is not None and publish_at.local else None
        raw = publish_at.value if publish_at is not None else None
        moment = checks.run(lambda: parse_publish_at(raw, svc.clock(), zone=zone), None)
    elif publish_at is not None and publish_at.value not in (None, ""):
        checks.fail("publish_at", "give a time only to schedule a post (state scheduled)")
    checks.done()
    return preview, moment


def _new_words(post: Post, fields: Mapping[str, object]) -> bool:
    """Whether ``fields`` say something else than the post does (a form sent back unchanged
    is no edit: the contributor's words went out as written)."""
    return parse_post_input(fields) != parse_post_input(post.as_fields())


def _check_feed_open(feed: Feed, state: PostState) -> None:
    if state in (SCHEDULED, PUBLISHED) and feed.status is FeedStatus.ENDED:
        raise Conflict("this feed has ended: reopen it before posting to it")


def _mover(conn: Connection, actor: User | None, feed: Feed, post: Post | None = None) -> Mover:
    """Who acts, with their rights; a post they may not see is missing, not forbidden."""
    if actor is None:
        raise Forbidden("sign in first")
    mover = Mover(actor.id, permissions.rights(conn, actor, feed.id))
    if post is not None and not can_see(post, mover):
        raise NotFound(f"there is no post {post.id} in “{feed.slug}”")
    return mover


def _viewer(conn: Connection, actor: User | None, feed: Feed) -> Mover | None:
    if actor is None:
        return None
    return Mover(actor.id, permissions.rights(conn, actor, feed.id))


def _moved(conn: Connection, post: Post, to: PostState, now: datetime, **values: object) -> Post:
    if not lifecycle.move(conn, post, to, now=now, **values):
        raise _changed_meanwhile()
    return _reread(conn, post.id)


def _changed_meanwhile() -> Conflict:
    return Conflict("this post was changed by someone else meanwhile", field="version")


def _reread(conn: Connection, post_id: int) -> Post:
    post = post_store.get_post(conn, post_id)
    assert post is not None, "a post read back in its own transaction exists"
    return post


def _feed(conn: Connection, slug: str) -> Feed:
    feed = feed_store.get_by_slug(conn, slug)
    if feed is None:
        raise NotFound(f"there is no feed called “{slug}”")
    return feed


def _audit(
    svc: Services, conn: Connection, actor: User, action: str, post: Post, **detail: object
) -> None:
    audit.record(
        svc, conn, actor, action, post.headline, feed_id=post.feed_id, post_id=post.id,
        version=post.version, **detail,
    )  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
