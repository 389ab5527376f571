"""Changing how far the newsroom stands behind a published post, in one step.

The state, its source type and its sourcing note change together, without touching the post's
words: the post as it was is kept in its history (a public revision, listed in the feed's
corrections log), the change is written to the audit log, and its event reaches every open page
in the same transaction, so each reader's label changes in place.
"""

from __future__ import annotations

from collections.abc import Mapping

from livefeed.access import audit, permissions
from livefeed.domain.access import Right, require
from livefeed.domain.errors import Checks, Conflict, Forbidden
from livefeed.domain.events import EventType
from livefeed.domain.posts import Post, check_editable
from livefeed.domain.revisions import RevisionKind
from livefeed.domain.users import User
from livefeed.domain.verification import (
    check_may_set,
    parse_source_type,
    parse_sourcing,
    parse_verification,
)
from livefeed.newsroom import revisions
from livefeed.newsroom.publishing import _log_post
from livefeed.services import Services
from livefeed.store import events as event_log
from livefeed.store import feeds as feed_store
from livefeed.store import posts as post_store
from livefeed.store import revisions as revision_store


def set_verification(
    svc: Services,
    actor: User | None,
    slug: str,
    post_id: int,
    fields: Mapping[str, object],
    *,
    seen_version: int | None = None,
) -> Post:
    """Set ``verification`` (required), and ``source_type`` and ``sourcing`` (kept when left
    out) on a published post. Only the feed's editors change a published post; a contributor
    asking to confirm one is told that confirming is the editors' call."""
    checks = Checks()
    state = checks.run(lambda: parse_verification(fields.get("verification")), None)
    source = checks.run(lambda: parse_source_type(fields.get("source_type")), None)
    sourcing = checks.run(lambda: parse_sourcing(fields.get("sourcing")), "")
    if state is None and "verification" not in checks.errors:
        checks.fail("verification", "choose unverified, confirmed or disputed")
    checks.done()
    assert state is not None
    now = svc.clock()
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug, lock=True)
        if actor is None:
            raise Forbidden("sign in first")
        rights = permissions.rights(conn, actor, feed.id)
        check_may_set(state, may_confirm=Right.PUBLISH in rights)
        require(rights, Right.PUBLISH)
        post = post_store.require_post(conn, feed, post_id)
        check_editable(post, seen_version)
        if post.is_retracted:
            raise Conflict("this post has been retracted: its state can no longer change")
        keep_source = "source_type" not in fields
        new_source = post.source_type if keep_source else source
        new_sourcing = post.sourcing if "sourcing" not in fields else sourcing
        if (state, new_source, new_sourcing) == (
            post.verification,
            post.source_type,
            post.sourcing,
        ):
            return post
        seq = event_log.next_seq(conn, feed.id)
        if not revision_store.set_verification(
            conn, post.id, state=state, source_type=new_source, sourcing=new_sourcing,
            seen_version=post.version, now=now, seq=seq,
        ):  # fmt: skip
            raise Conflict("this post was changed by someone else meanwhile", field="version")
        kind = RevisionKind.VERIFICATION if state is not post.verification else RevisionKind.EDIT
        revisions.keep_edit(conn, post, actor, correction_note=None, now=now, kind=kind)
        changed = _log_post(svc, conn, feed, seq, EventType.POST_UPDATED, post.id, now)
        audit.record_post(
            svc, conn, actor, "post.verification", changed,
            was=post.verification.value, now=state.value, sourcing=new_sourcing,
        )  # fmt: skip
    svc.committed(feed.id)
    return changed
