"""Running feeds and publishing posts: one transaction per change, logged as an event.

Every function here checks who is asking, validates the whole input before writing anything,
and writes the change and its event log entry in the same transaction, so that nothing a reader
is told about is ever missing from the database, and nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection

from livefeed.access import audit
from livefeed.access.permissions import require_feed_opener, require_right
from livefeed.distribution.resources import feed_json, post_json
from livefeed.domain.access import FeedRole, Right
from livefeed.domain.audio import check_recording
from livefeed.domain.errors import Checks, Conflict, Forbidden, Invalid
from livefeed.domain.events import Event, EventType
from livefeed.domain.feeds import Feed, FeedInput, FeedStatus, check_transition, parse_feed_input
from livefeed.domain.idempotency import Once
from livefeed.domain.posts import Post, PostInput, check_editable, parse_post_input
from livefeed.domain.revisions import (
    RevisionKind,
    check_correction,
    check_retractable,
    check_revisable,
    edit_kind,
    parse_correction,
    parse_retraction_reason,
)
from livefeed.domain.users import User
from livefeed.domain.verification import check_may_set, initial_state
from livefeed.newsroom import embeds, media, retries, revisions
from livefeed.services import Services
from livefeed.store import alerts as alert_store
from livefeed.store import events as event_log
from livefeed.store import feeds as feed_store
from livefeed.store import members
from livefeed.store import posts as post_store
from livefeed.store import revisions as revision_store
from livefeed.store import webhooks as webhook_store


@dataclass(frozen=True)
class Preview:
    """A post as it would look, rendered but not saved."""

    data: PostInput
    body_html: str


def create_feed(
    svc: Services, actor: User | None, fields: Mapping[str, object], *, live: bool = True
) -> Feed:
    """Open a feed; whoever opens it becomes its editor and can then bring in the team."""
    return _open_feed(svc, actor, fields, live=live, checked=False)


def seed_feed(svc: Services, editor: User, fields: Mapping[str, object]) -> Feed:
    """Open a feed for ``editor`` without asking whether they may: for the demo seed, which is
    the site setting itself up, never for a request."""
    return _open_feed(svc, editor, fields, live=True, checked=True)


def _open_feed(
    svc: Services, actor: User | None, fields: Mapping[str, object], *, live: bool, checked: bool
) -> Feed:
    data = parse_feed_input(fields, default_language=svc.settings.language)
    lead_html, notes_html = _render_feed_texts(svc, data)
    now = svc.clock()
    status = FeedStatus.LIVE if live else FeedStatus.SCHEDULED
    with svc.db.write() as conn:
        opener = actor if checked and actor else require_feed_opener(conn, actor)
        feed_id = feed_store.insert_feed(
            conn, data, lead_html=lead_html, notes_html=notes_html, status=status, now=now
        )
        members.put(conn, feed_id, opener.id, FeedRole.EDITOR, now)
        feed = feed_store.require_feed_by_id(conn, feed_id)
        audit.record(svc, conn, opener, "feed.created", feed.title, feed_id=feed.id)
    return feed


def update_feed(
    svc: Services,
    actor: User | None,
    slug: str,
    fields: Mapping[str, object],
) -> Feed:
    data = parse_feed_input(fields, default_language=svc.settings.language)
    lead_html, notes_html = _render_feed_texts(svc, data)
    now = svc.clock()
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug, lock=True)
        require_right(conn, actor, feed.id, Right.RUN_FEED)
        seq = event_log.next_seq(conn, feed.id)
        feed_store.update_feed(
            conn, feed.id, data, lead_html=lead_html, notes_html=notes_html, now=now
        )
        feed = feed_store.require_feed_by_id(conn, feed.id)
        _log(svc, conn, feed, seq, EventType.FEED_UPDATED, None, feed_json(feed, svc.urls), now)
        audit.record(svc, conn, actor, "feed.updated", feed.title, feed_id=feed.id)
    svc.committed(feed.id)
    return feed


def set_feed_status(svc: Services, actor: User | None, slug: str, status: FeedStatus) -> Feed:
    """Start, end or reopen a feed; ending it sets the end of coverage to now."""
    now = svc.clock()
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug, lock=True)
        require_right(conn, actor, feed.id, Right.RUN_FEED)
        check_transition(feed.status, status)
        if status is feed.status:
            return feed
        end = now if status is FeedStatus.ENDED else None
        seq = event_log.next_seq(conn, feed.id)
        feed_store.set_status(conn, feed.id, status, end, now)
        feed = feed_store.require_feed_by_id(conn, feed.id)
        kind = EventType.FEED_ENDED if status is FeedStatus.ENDED else EventType.FEED_UPDATED
        _log(svc, conn, feed, seq, kind, None, feed_json(feed, svc.urls), now)
        audit.record(svc, conn, actor, f"feed.{status.value}", feed.title, feed_id=feed.id)
    svc.committed(feed.id)
    return feed


def feed_language(svc: Services, slug: str) -> str:
    """The language a feed's posts are checked in, read before a post is: a feed that does not
    exist is not found either way."""
    with svc.db.read() as conn:
        return feed_store.require_feed(conn, slug).language


def preview_post(svc: Services, fields: Mapping[str, object], *, language: str = "en") -> Preview:
    """Check and render a post without saving it: nothing is written, so anyone may ask.
    ``language``: the feed's, which says how its tags are lower-cased."""
    checks = Checks()
    data = checks.run(lambda: parse_post_input(fields, language=language), None)
    body = fields.get("body")
    body_html = checks.run(
        lambda: svc.markup.render(body.strip() if isinstance(body, str) else "", "body"), ""
    )
    checks.done()
    assert data is not None
    # An uploaded picture's renditions are found now, so pages show them without a look-up.
    return Preview(media.attach(svc, data), body_html)


def publish_post(
    svc: Services,
    actor: User | None,
    slug: str,
    fields: Mapping[str, object],
    *,
    once: Once | None = None,
    published_at: datetime | None = None,
) -> Post:
    """``once``: a client's ``Idempotency-Key``, so that sending again makes no second post.

    ``published_at`` backdates the post to when it first went out elsewhere: only an admin
    moving a feed in may give it, since readers trust a post's time as the newsroom's word."""
    preview = preview_post(svc, fields, language=feed_language(svc, slug))
    preview = replace(preview, data=embeds.attach(svc, actor, slug, preview.data))
    now = svc.clock()
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug, lock=True)
        author = require_right(conn, actor, feed.id, Right.PUBLISH)
        check_recording(preview.data.audio, feed.recording_url)
        if published_at is not None and not author.is_admin:
            raise Forbidden("only an administrator may set published_at")
        if (made := retries.made_before(svc, conn, author.id, once, feed)) is not None:
            return made
        if feed.status is FeedStatus.ENDED:
            raise Conflict("this feed has ended: reopen it before posting to it")
        if preview.data.pinned:
            _unpin_others(svc, conn, feed, keep=None, now=now)
        state = initial_state(
            preview.data.verification, feed.default_verification, may_confirm=True
        )
        seq = event_log.next_seq(conn, feed.id)
        post_id = post_store.insert_post(
            conn,
            feed_id=feed.id,
            data=replace(preview.data, verification=state),
            body_html=preview.body_html,
            author_id=author.id,
            now=now,
            seq=seq,
            published_at=published_at,
        )
        retries.remember(svc, conn, author.id, once, post_id)
        post = _log_post(svc, conn, feed, seq, EventType.POST_PUBLISHED, post_id, now)
        audit.record_post(svc, conn, author, "post.published", post)
    svc.committed(feed.id)
    return post


def edit_post(
    svc: Services,
    actor: User | None,
    slug: str,
    post_id: int,
    fields: Mapping[str, object],
    *,
    seen_version: int | None,
    correction: bool = False,
    correction_note: object = None,
) -> Post:
    """Change a published post in place; ``seen_version`` guards against a silent overwrite.

    The post as it was is kept as a revision. With ``correction`` the edit is a public
    correction, and ``correction_note`` (required then) is shown to readers with the post and
    the wording it replaced; otherwise it is a minor edit readers are not told about.
    """
    checks = Checks()
    preview = checks.run(lambda: preview_post(svc, fields, language=feed_language(svc, slug)), None)
    note = checks.run(lambda: parse_correction(correction, correction_note), None)
    checks.done()
    assert preview is not None
    preview = replace(preview, data=embeds.attach(svc, actor, slug, preview.data, post_id))
    now = svc.clock()
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug, lock=True)
        editor = require_right(conn, actor, feed.id, Right.PUBLISH)
        check_recording(preview.data.audio, feed.recording_url)
        post = post_store.require_post(conn, feed, post_id)
        check_revisable(post, seen_version)
        if note:
            check_correction(post, preview.data)
        if preview.data.pinned and not post.pinned:
            _unpin_others(svc, conn, feed, keep=post.id, now=now)
        if preview.data.verification is not None:
            check_may_set(preview.data.verification, may_confirm=True)
        data = replace(preview.data, verification=preview.data.verification or post.verification)
        kind = edit_kind(post, data, note)
        seq = event_log.next_seq(conn, feed.id)
        written = post_store.update_post(
            conn,
            post.id,
            data=data,
            body_html=preview.body_html,
            seen_version=post.version,
            now=now,
            seq=seq,
        )
        if not written:
            raise Conflict("this post was changed by someone else meanwhile", field="version")
        revisions.keep_edit(conn, post, editor, correction_note=note, now=now, kind=kind)
        was = post.verification
        post = _log_post(svc, conn, feed, seq, EventType.POST_UPDATED, post.id, now)
        if note:
            audit.record_post(svc, conn, editor, "post.corrected", post, note=note)
        elif kind is RevisionKind.VERIFICATION:
            audit.record_post(
                svc, conn, editor, "post.verification", post,
                was=was.value, now=post.verification.value,
            )  # fmt: skip
        else:
            audit.record_post(svc, conn, editor, "post.edited", post)
    svc.committed(feed.id)
    return post


def delete_post(
    svc: Services, actor: User | None, slug: str, post_id: int, *, seen_version: int | None = None
) -> Post:
    now = svc.clock()
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug, lock=True)
        editor = require_right(conn, actor, feed.id, Right.PUBLISH)
        post = post_store.require_post(conn, feed, post_id)
        check_editable(post, seen_version)
        seq = event_log.next_seq(conn, feed.id)
        if not post_store.mark_deleted(conn, post.id, seen_version=post.version, now=now, seq=seq):
            raise Conflict("this post was changed by someone else meanwhile", field="version")
        post = _log_post(svc, conn, feed, seq, EventType.POST_DELETED, post.id, now)
        tombstone = post_json(post, feed.slug, svc.urls)
        event_log.rewrite_post(conn, feed.id, post.id, tombstone, before=seq)
        audit.record_post(svc, conn, editor, "post.deleted", post)
    svc.rewrote(feed.id)
    svc.committed(feed.id)
    return post


def retract_post(
    svc: Services,
    actor: User | None,
    slug: str,
    post_id: int,
    reason: object,
    *,
    seen_version: int | None = None,
) -> Post:
    """Withdraw a published post in the open, instead of deleting it: it stays in its place,
    struck through, with the reason, and can no longer be edited. Open pages show it at once."""
    text = parse_retraction_reason(reason)
    now = svc.clock()
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug, lock=True)
        editor = require_right(conn, actor, feed.id, Right.PUBLISH)
        post = post_store.require_post(conn, feed, post_id)
        check_retractable(post, seen_version)
        seq = event_log.next_seq(conn, feed.id)
        if not revision_store.mark_retracted(
            conn, post.id, seen_version=post.version, reason=text, now=now, seq=seq
        ):
            raise Conflict("this post was changed by someone else meanwhile", field="version")
        revisions.keep_retraction(conn, post, editor, reason=text, now=now)
        post = _log_post(svc, conn, feed, seq, EventType.POST_UPDATED, post.id, now)
        audit.record_post(svc, conn, editor, "post.retracted", post, reason=text)
    svc.committed(feed.id)
    return post


def _render_feed_texts(svc: Services, data: FeedInput) -> tuple[str, str]:
    errors: dict[str, str] = {}
    rendered: dict[str, str] = {}
    for name, text in (("lead", data.lead), ("notes", data.notes)):
        try:
            rendered[name] = svc.markup.render(text, name)
        except Invalid as error:
            errors.update(error.errors)
    if errors:
        raise Invalid(errors)
    return rendered["lead"], rendered["notes"]


def _unpin_others(
    svc: Services, conn: Connection, feed: Feed, *, keep: int | None, now: datetime
) -> None:
    """One pinned post per feed: pinning a post unpins the one before, and readers are told."""
    for other in post_store.pinned(conn, feed.id):
        if other.id == keep:
            continue
        seq = event_log.next_seq(conn, feed.id)
        post_store.set_pinned(conn, other.id, pinned=False, now=now, seq=seq)
        _log_post(svc, conn, feed, seq, EventType.POST_UPDATED, other.id, now)


def _log_post(
    svc: Services,
    conn: Connection,
    feed: Feed,
    seq: int,
    kind: EventType,
    post_id: int,
    now: datetime,
) -> Post:
    """Log a post's change with the post as it now is; the feed's "Last updated" moves."""
    post = post_store.require_post(conn, feed, post_id)
    _log(svc, conn, feed, seq, kind, post_id, post_json(post, feed.slug, svc.urls), now)
    feed_store.touch(conn, feed.id, now)
    return post


def _log(
    svc: Services,
    conn: Connection,
    feed: Feed,
    seq: int,
    kind: EventType,
    post_id: int | None,
    data: dict[str, object],
    now: datetime,
) -> Event:
    """``now``: the change's own moment, so that the event and the post or feed it changed
    carry the same time (a page's "Last updated" is the one, the live update the other)."""
    event = event_log.append(
        conn, feed_id=feed.id, seq=seq, type=kind, post_id=post_id, data=data, now=now
    )
    webhook_store.enqueue(conn, event)  # the webhooks' outbox, in the event's transaction
    alert_store.enqueue(conn, event)  # and readers' alerts, likewise
    return event
