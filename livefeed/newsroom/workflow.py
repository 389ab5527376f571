"""Drafts, contributions and scheduled posts: a post's life before readers see it.

Contributors write drafts and submit them; editors publish, schedule or return them, and the
scheduler publishes what is due (scheduling.py). Nothing here tells readers anything until a
post goes out: a post that is not published has no event (its ``seq`` stays 0), so it cannot
reach the feed page, the stream, the API's public listings, syndication or the sitemaps, which
all read published posts or the event log. Publishing one logs ``post.published`` in the same
transaction, exactly as publishing a new post does.

The rules of who may make which move are in ``domain/workflow.py``; this module checks them
inside the transaction that makes the move, against the post as it is right then, and
``moves.py`` makes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection

from livefeed.access import permissions
from livefeed.distribution.reading import get_feed
from livefeed.domain.audio import check_recording
from livefeed.domain.errors import Checks, Conflict, Forbidden, Invalid, Message
from livefeed.domain.feeds import Feed
from livefeed.domain.idempotency import Once
from livefeed.domain.posts import Post, PostState, parse_post_input
from livefeed.domain.users import User
from livefeed.domain.verification import check_may_set, initial_state
from livefeed.domain.visibility import may_read, may_read_post
from livefeed.domain.workflow import (
    DELETED,
    PUBLISHED,
    SCHEDULED,
    SUBMITTED,
    UNPUBLISHED,
    Mover,
    check_move,
    check_start,
    clean_note,
    parse_publish_at,
)
from livefeed.newsroom import embeds, publishing, retries, revisions
from livefeed.newsroom.moves import changed_meanwhile, check_feed_open, make_move, record_start
from livefeed.newsroom.publishing import Preview
from livefeed.services import Services
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
    once: Once | None = None,
    published_at: datetime | None = None,
) -> Post:
    """Write a new post as a draft, a contribution, a scheduled post, or published at once.

    ``once``: a client's ``Idempotency-Key``, so that sending again makes no second post.
    ``published_at``: when a published post first went out, for an admin moving a feed in."""
    if state is PUBLISHED:
        _check_input(svc, slug, None, state, publish_at)  # a time given by mistake is refused
        return publishing.publish_post(
            svc, actor, slug, fields, once=once, published_at=published_at
        )
    if published_at is not None:
        raise Invalid.field("published_at", "only a post published now has a publish time")
    preview, moment = _check_input(svc, slug, fields, state, publish_at)
    assert preview is not None
    preview = replace(preview, data=embeds.attach(svc, actor, slug, preview.data))
    now = svc.clock()
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug, lock=True)
        mover = _mover(_viewer(conn, actor, feed))
        check_recording(preview.data.audio, feed.recording_url)
        check_start(state, mover)
        assert actor is not None  # a mover has rights, so someone signed in
        if (made := retries.made_before(svc, conn, actor.id, once, feed)) is not None:
            return made
        check_feed_open(feed, state)
        verification = initial_state(
            preview.data.verification, feed.default_verification, may_confirm=mover.is_editor
        )
        post_id = post_store.insert_post(
            conn,
            feed_id=feed.id,
            data=replace(preview.data, verification=verification),
            body_html=preview.body_html,
            author_id=actor.id,
            now=now,
            seq=0,
            state=state,
            publish_at=moment,
            submitted_at=now if state is SUBMITTED else None,
        )
        retries.remember(svc, conn, actor.id, once, post_id)
        post = post_store.require_post(conn, feed, post_id)
        record_start(svc, conn, actor, post, moment)
    if state is SCHEDULED:
        svc.committed(feed.id)  # the schedulers of every instance read when it is due
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
    if preview is not None:
        preview = replace(preview, data=embeds.attach(svc, actor, slug, preview.data, post_id))
    clean = clean_note(note) if note is not None else ""
    now = svc.clock()
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug, lock=True)
        viewer = _viewer(conn, actor, feed)
        if preview is not None:
            check_recording(preview.data.audio, feed.recording_url)
        # Someone signed out is told to sign in (just below), not that the post is missing.
        post = post_store.require_post(
            conn,
            feed,
            post_id,
            visible=lambda found: viewer is None or may_read_post(found, viewer),
        )
        mover = _mover(viewer)
        assert actor is not None
        if seen_version is not None and seen_version != post.version:
            raise Conflict(
                Message(
                    "this post was changed meanwhile (you saw version %(seen)s, it is now "
                    "at version %(version)s)",
                    seen=seen_version,
                    version=post.version,
                ),
                field="version",
            )
        target = wanted or post.state
        check_move(post, target, mover, note=clean)
        asked = preview.data.verification if preview is not None else None
        if asked is not None and asked is not post.verification:
            check_may_set(asked, may_confirm=mover.is_editor)
        if preview is not None and fields is not None and _new_words(post, fields, feed.language):
            edited = post.submitted_at is not None and not mover.wrote(post)
            extra = {"edited_in_review": True} if edited else {}
            if not lifecycle.change_words(
                conn, post, data=preview.data, body_html=preview.body_html, now=now, extra=extra
            ):
                raise changed_meanwhile()
            # The words as they were stay in the post's history (see revisions.py).
            revisions.keep_edit(conn, post, actor, correction_note=None, now=now)
            post = post_store.require_post(conn, feed, post.id)
        if target is not post.state or target is SCHEDULED:
            post = make_move(svc, conn, feed, post, target, mover, actor, now, moment, clean)
    # A post scheduled, or given a new time, logs no event: the commit is announced all the same
    # for the schedulers of every instance to read when it is due.
    if post.state in (PUBLISHED, SCHEDULED):
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


# Reading -----------------------------------------------------------------------------------------


def visible_post(svc: Services, actor: User | None, slug: str, post_id: int) -> tuple[Feed, Post]:
    """A post as ``actor`` may see it: one they may not see does not exist, for them."""
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        viewer = _viewer(conn, actor, feed)
        post = post_store.require_post(
            conn, feed, post_id, visible=lambda found: may_read_post(found, viewer)
        )
    return feed, post


def list_in_state(
    svc: Services, actor: User | None, slug: str, state: PostState, *, limit: int
) -> tuple[Feed, list[Post]]:
    """A feed's drafts, contributions or scheduled posts, as far as ``actor`` may read them.

    Whether that is everyone's or only their own is the reading rule's answer for a post of
    ``state`` written by someone else, so the database is asked for what the rule lets through
    and a page of the listing is not taken up by posts it would then leave out."""
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        mover = _viewer(conn, actor, feed)
        if mover is None or not (mover.is_contributor or mover.is_editor):
            raise Forbidden("only the feed’s team can see posts that are not published")
        everyone = may_read(state, author_id=None, reached_readers=False, reader=mover)
        author = None if everyone else mover.user_id
        posts = lifecycle.in_state(conn, feed.id, state, author_id=author, limit=limit)
        return feed, _readable_of(posts, mover)


def queue(svc: Services, actor: User | None, slug: str) -> Queue:
    """The Contributions page: what waits for the feed's editors."""
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        mover = _viewer(conn, actor, feed)
        if mover is None or not mover.is_editor:
            raise Forbidden("only the feed’s editors can see its contributions")
        submitted = lifecycle.in_state(conn, feed.id, SUBMITTED, author_id=None, limit=QUEUE_LIMIT)
        scheduled = lifecycle.in_state(conn, feed.id, SCHEDULED, author_id=None, limit=QUEUE_LIMIT)
        return Queue(feed, _readable_of(submitted, mover), _readable_of(scheduled, mover))


def waiting(svc: Services, feed_id: int) -> int:
    """How many contributions wait for the editors (for a link's count; no rights asked:
    call it only for someone who may see the queue)."""
    with svc.db.read() as conn:
        return lifecycle.count_in_state(conn, feed_id, SUBMITTED)


def my_posts(svc: Services, actor: User | None, slug: str) -> tuple[Feed, list[Post]]:
    """The "My posts" page: the actor's posts not yet out, and those that went through the
    editors, so they can see what became of each."""
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        mover = _viewer(conn, actor, feed)
        if mover is None or not mover.is_contributor:
            raise Forbidden("only the feed’s team can write posts for it")
        mine = lifecycle.of_author(conn, feed.id, mover.user_id, limit=QUEUE_LIMIT)
        return feed, _readable_of(mine, mover)


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
        language = publishing.feed_language(svc, slug)
        preview = checks.run(lambda: publishing.preview_post(svc, words, language=language), None)
    moment = None
    if state is SCHEDULED:
        zone = get_feed(svc, slug).zone if publish_at is not None and publish_at.local else None
        raw = publish_at.value if publish_at is not None else None
        moment = checks.run(lambda: parse_publish_at(raw, svc.clock(), zone=zone), None)
    elif publish_at is not None and publish_at.value not in (None, ""):
        checks.fail("publish_at", "give a time only to schedule a post (state scheduled)")
    checks.done()
    return preview, moment


def _new_words(post: Post, fields: Mapping[str, object], language: str) -> bool:
    """Whether ``fields`` say something else than the post does (a form sent back unchanged
    is no edit: the contributor's words went out as written)."""
    return parse_post_input(fields, language=language) != parse_post_input(
        post.as_fields(), language=language
    )


def _readable_of(posts: list[Post], viewer: Mover) -> list[Post]:
    """A listing keeps only what the reading rule lets ``viewer`` read, whatever the query
    that found it: the same rule as a post asked for by its id."""
    return [post for post in posts if may_read_post(post, viewer)]


def _mover(viewer: Mover | None) -> Mover:
    """Who acts: moving a post takes someone signed in (with whatever rights they hold)."""
    if viewer is None:
        raise Forbidden("sign in first")
    return viewer


def _viewer(conn: Connection, actor: User | None, feed: Feed) -> Mover | None:
    if actor is None:
        return None
    return Mover(actor.id, permissions.rights(conn, actor, feed.id))
