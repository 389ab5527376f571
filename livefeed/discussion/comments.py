"""The readers' side of a feed's discussion: reading it, commenting, replying, reporting.

Like publishing, each change is one transaction that checks who is asking, writes the change
and, when readers' pages must follow, its event in the feed's log. A comment shown to readers
logs ``comment.approved`` with its JSON; one taken down logs ``comment.removed``, and the copy
of its words in the event that showed it is blanked, so the log keeps nothing readers can no
longer see.

Rate limits are counted only for input that passed its checks and a discussion that takes it,
and before the transaction, so a refusal costs no write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection

from livefeed.access.permissions import rights
from livefeed.discussion.bans import ban_on, check_not_banned
from livefeed.discussion.blocked_words import current as blocked_words
from livefeed.discussion.comment_resources import comment_json, taken_down_json
from livefeed.discussion.guest_bans import check_guest_not_banned, remember_guest
from livefeed.discussion.standards import check_standards
from livefeed.distribution import notices
from livefeed.domain.access import Right
from livefeed.domain.bans import Ban
from livefeed.domain.comment_text import clean_guest_name
from livefeed.domain.comments import (
    REPLIES_SHOWN,
    REPORTS_TO_HIDE,
    Comment,
    CommentState,
    Sort,
    check_can_comment,
    check_reply,
    initial_state,
    parse_comment_input,
    parse_report,
    parse_sort,
)
from livefeed.domain.cursors import Cursor
from livefeed.domain.errors import Checks, Conflict, Forbidden, Invalid
from livefeed.domain.events import EventType
from livefeed.domain.feeds import Feed
from livefeed.domain.holding import LOOK_BACK, LOOK_BACK_COUNT, HoldContext, hold_reasons
from livefeed.domain.reader_accounts import STANDARDS_FIELD
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.store import comments as comment_store
from livefeed.store import events as event_log
from livefeed.store import feeds as feed_store
from livefeed.store import webhooks as webhook_store

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Threads shown under a feed's posts; the rest are on the discussion's own page.
PREVIEW_SIZE = 5
# Every state but the last: an author can take back a comment in any of them, and a moderator
# decide on one.
NOT_REMOVED = [state for state in CommentState if state is not CommentState.REMOVED]


@dataclass(frozen=True)
class Thread:
    """A comment that starts a thread, and the replies to it the viewer may see."""

    comment: Comment
    replies: list[Comment]


@dataclass(frozen=True)
class DiscussionPage:
    feed: Feed
    threads: list[Thread]
    sort: Sort
    next_cursor: str | None
    # Comments every reader sees, replies included.
    total: int
    # Whether the viewer moderates this feed: they see what waits for review, with its tools.
    moderator: bool
    # For moderators: the readers' reports on the reported comments shown, (reason, note).
    reports: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    # The ban keeping the viewer out of this discussion, shown instead of the comment form.
    ban: Ban | None = None

    @property
    def waiting(self) -> int:
        """Comments on this page that wait for a moderator (moderators only see them)."""
        shown = [t.comment for t in self.threads] + [r for t in self.threads for r in t.replies]
        return sum(1 for c in shown if c.state in (CommentState.PENDING, CommentState.HIDDEN))


def parse_limit(text: str | None) -> int:
    if not text:
        return PAGE_SIZE
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise Invalid.field(
            "limit", "must be a whole number from 1 to %(most)d", most=MAX_PAGE_SIZE
        )
    return int(text)


def discussion_page(
    svc: Services,
    slug: str,
    *,
    viewer: User | None = None,
    sort: str | None = None,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    public: bool = False,
) -> DiscussionPage:
    """One page of the feed's threads as ``viewer`` may see them (``public``: as anyone may).

    A reader sees approved comments and their own pending ones; the feed's moderators also
    see those waiting for review or hidden, so they can decide on them where they stand.
    """
    order = parse_sort(sort)
    after = Cursor.decode(cursor) if cursor else None
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        seen_as = None if public else viewer
        moderator = Right.MODERATE in rights(conn, seen_as, feed.id)
        viewer_id = seen_as.id if seen_as else None
        found = comment_store.threads(
            conn, feed.id, sort=order, after=after, limit=limit + 1,
            viewer_id=viewer_id, moderator=moderator,
        )  # fmt: skip
        page = found[:limit]
        answers = comment_store.replies(
            conn, [c.id for c in page], limit_each=REPLIES_SHOWN,
            viewer_id=viewer_id, moderator=moderator,
        )  # fmt: skip
        total = comment_store.count_shown(conn, feed.id)
        shown = page + [reply for replies in answers.values() for reply in replies]
        reports = {
            c.id: [(reason, note) for reason, note, _ in comment_store.reports_on(conn, c.id)]
            for c in shown
            if moderator and c.reports
        }
        ban = ban_on(conn, seen_as, feed.id, svc.clock()) if seen_as else None
    more = len(found) > limit
    return DiscussionPage(
        feed=feed,
        threads=[Thread(c, answers.get(c.id, [])) for c in page],
        sort=order,
        next_cursor=Cursor(page[-1].created_at, page[-1].id).encode() if more else None,
        total=total,
        moderator=moderator,
        reports=reports,
        ban=ban,
    )


def preview(svc: Services, slug: str, viewer: User | None) -> DiscussionPage:
    """The newest threads, shown under the feed's posts."""
    return discussion_page(svc, slug, viewer=viewer, limit=PREVIEW_SIZE)


def post_comment(
    svc: Services, actor: User | None, slug: str, fields: Mapping[str, object], *, address: str
) -> Comment:
    """A new comment or reply; ``actor`` is ``None`` for a guest, who gives a ``name``.

    It starts pending under pre-moderation, from a guest, or when a holding rule says so;
    otherwise approved, and then readers' pages show it at once.
    """
    guest = actor is None
    with svc.db.read() as conn:
        # Who may comment is said first: what is wrong with a comment matters only to someone
        # who may send one.
        found = feed_store.require_feed(conn, slug)
        check_can_comment(found.discussion, signed_in=not guest)
        # A banned reader is told so, and until when, before anything is counted.
        check_not_banned(conn, actor, found.id, svc.clock())
    checks = Checks()
    data = checks.run(lambda: parse_comment_input(fields), None)
    name = checks.run(lambda: clean_guest_name(fields.get("name")), None) if guest else None
    checks.done()
    assert data is not None
    accepting = fields.get(STANDARDS_FIELD)
    with svc.db.read() as conn:
        check_standards(conn, actor, accepting)
    svc.limits.hit("comment", account=actor.id if actor else None, address=address)
    now = svc.clock()
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug)
        check_can_comment(feed.discussion, signed_in=not guest)
        # A reader accepts the community standards once, before (or with) their first comment.
        check_standards(conn, actor, accepting, now)
        if actor is not None and actor.disabled:
            raise Forbidden("this account has been disabled")
        check_not_banned(conn, actor, feed.id, now)
        if name is not None:
            check_guest_not_banned(svc, conn, feed.id, name, address, now)
        if data.parent_id is not None:
            parent = comment_store.get_comment(conn, data.parent_id)
            check_reply(parent, feed.id, data.parent_id)
        recent = (
            comment_store.recent_by_author(
                conn, actor.id, since=now - LOOK_BACK, limit=LOOK_BACK_COUNT
            )
            if actor is not None
            else []
        )
        held = hold_reasons(HoldContext(data.body, recent, now, blocked_words(conn)))
        state, reason = initial_state(feed.moderation, guest=guest, held=held)
        comment_id = comment_store.insert_comment(
            conn, feed_id=feed.id, parent_id=data.parent_id,
            author_id=actor.id if actor else None, guest_name=name,
            body=data.body, state=state, hold_reason=reason, now=now,
        )  # fmt: skip
        if guest:
            remember_guest(svc, conn, comment_id, address)
        comment = comment_store.require_comment(conn, comment_id)
        if comment.is_visible:
            show(svc, conn, feed, comment)
    if comment.is_visible:
        svc.committed(feed.id)
    return comment


def report_comment(
    svc: Services,
    actor: User | None,
    comment_id: int,
    fields: Mapping[str, object],
    *,
    address: str,
) -> Comment:
    """A reader's report; at :data:`REPORTS_TO_HIDE` reports the comment is hidden until a
    moderator decides. One report per reader per comment, never on one's own."""
    if actor is None:
        raise Forbidden("sign in to report a comment")
    reason, note = parse_report(fields.get("reason"), fields.get("note"))
    with svc.db.read() as conn:
        reported = _reportable(conn, actor, comment_id)
        check_not_banned(conn, actor, reported.feed_id, svc.clock())
    svc.limits.hit("report", account=actor.id, address=address)
    now = svc.clock()
    with svc.db.write() as conn:
        comment = _reportable(conn, actor, comment_id)
        check_not_banned(conn, actor, comment.feed_id, now)
        comment_store.lock_feed(conn, comment.feed_id)
        count = comment_store.add_report(
            conn, comment.id, reporter_id=actor.id, reason=reason.value, note=note, now=now
        )
        feed = feed_store.require_feed_by_id(conn, comment.feed_id)
        if count == 1:  # the first since a moderator last decided: one notice, not one a report
            notices.comment_reported(svc, conn, feed, comment.id)
        hidden = count >= REPORTS_TO_HIDE and comment_store.move(
            conn, comment.id, from_states=[CommentState.APPROVED],
            to=CommentState.HIDDEN, by=None, now=now, open_again=True,
        )  # fmt: skip
        if hidden:
            comment_store.set_hold_reason(conn, comment.id, f"reported by {count} readers")
            take_down(svc, conn, feed, comment)
        comment = comment_store.require_comment(conn, comment.id)
    if hidden:
        svc.committed(comment.feed_id)
    return comment


def delete_own_comment(svc: Services, actor: User | None, comment_id: int) -> Comment:
    """The author takes their comment back; its replies go from readers' pages with it."""
    if actor is None:
        raise Forbidden("sign in to delete your comment")
    now = svc.clock()
    with svc.db.write() as conn:
        comment = comment_store.require_comment(conn, comment_id, states=NOT_REMOVED)
        if comment.author_id != actor.id:
            raise Forbidden("only its author can delete a comment")
        comment_store.lock_feed(conn, comment.feed_id)
        comment = comment_store.require_comment(conn, comment_id)
        was_shown = comment.is_visible
        comment_store.move(
            conn, comment.id, from_states=NOT_REMOVED, to=CommentState.REMOVED, by=None, now=now
        )
        if was_shown:
            take_down(svc, conn, feed_store.require_feed_by_id(conn, comment.feed_id), comment)
        comment = comment_store.require_comment(conn, comment.id)
    if was_shown:
        svc.committed(comment.feed_id)
    return comment


def remove_comments_of(svc: Services, conn: Connection, author_id: int) -> set[int]:
    """Take down every comment of an account going away, inside the caller's transaction.

    Returns the feeds whose readers must be told (call :meth:`Services.committed` for each
    after the commit).
    """
    touched: set[int] = set()
    now = svc.clock()
    for comment in comment_store.by_author(conn, author_id):
        if comment.state is CommentState.REMOVED:
            continue
        comment_store.lock_feed(conn, comment.feed_id)
        current = comment_store.require_comment(conn, comment.id)
        comment_store.move(
            conn, comment.id, from_states=[current.state], to=CommentState.REMOVED,
            by=None, now=now,
        )  # fmt: skip
        if current.is_visible:
            take_down(svc, conn, feed_store.require_feed_by_id(conn, comment.feed_id), current)
            touched.add(comment.feed_id)
    return touched


def find_comment(svc: Services, comment_id: int) -> tuple[Comment, Feed]:
    """A comment in any state with its feed (callers decide what the asker may see of it)."""
    with svc.db.read() as conn:
        comment = comment_store.require_comment(conn, comment_id)
        return comment, feed_store.require_feed_by_id(conn, comment.feed_id)


def reply_target(svc: Services, feed: Feed, raw: str | None) -> Comment | None:
    """The comment a "Reply" link names (``?reply_to=``), if a reply can go under it."""
    if not raw or not (raw.isascii() and raw.isdigit()) or len(raw) > 10 or int(raw) >= 2**31:
        return None
    with svc.db.read() as conn:
        found = comment_store.get_comment(conn, int(raw))
    if found is None or found.feed_id != feed.id or not found.is_visible or found.is_reply:
        return None
    return found


# The event log ---------------------------------------------------------------------------------


def show(svc: Services, conn: Connection, feed: Feed, comment: Comment) -> None:
    """Readers' pages show ``comment``: log it, and remember which event holds its words."""
    seq = event_log.next_seq(conn, feed.id)
    _log(
        svc, conn, feed, seq, EventType.COMMENT_APPROVED, comment_json(comment, feed.slug, svc.urls)
    )
    comment_store.set_shown_seq(conn, comment.id, seq)


def take_down(svc: Services, conn: Connection, feed: Feed, comment: Comment) -> None:
    """Readers' pages drop ``comment``; the event that showed it keeps no more of its words."""
    gone = taken_down_json(comment)
    comment_store.blank_shown_event(conn, comment, gone)
    svc.rewrote(feed.id)  # the hub's copy of the event that showed it goes as well
    seq = event_log.next_seq(conn, feed.id)
    _log(svc, conn, feed, seq, EventType.COMMENT_REMOVED, gone)


def _log(
    svc: Services,
    conn: Connection,
    feed: Feed,
    seq: int,
    kind: EventType,
    data: dict[str, object],
) -> None:
    event = event_log.append(
        conn, feed_id=feed.id, seq=seq, type=kind, post_id=None, data=data, now=svc.clock()
    )
    # As for posts: webhooks that chose comment events get them (store/webhooks.SUBSCRIBABLE).
    webhook_store.enqueue(conn, event)


# Look-ups --------------------------------------------------------------------------------------


def _reportable(conn: Connection, actor: User, comment_id: int) -> Comment:
    comment = comment_store.require_comment(
        conn, comment_id, states=(CommentState.APPROVED, CommentState.HIDDEN)
    )
    if comment.author_id == actor.id:
        raise Forbidden("you cannot report your own comment")
    if comment_store.has_reported(conn, comment.id, actor.id):
        raise Conflict("you have already reported this comment")
    if comment.state is CommentState.HIDDEN:
        raise Conflict("this comment is already hidden until a moderator has looked at it")
    return comment
