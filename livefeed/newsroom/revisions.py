"""The history of posts: a revision for every change, public corrections, and who may look.

``keep_edit`` and ``keep_retraction`` are called by the use cases that change a published post
(see publishing.py), inside their transaction and after the change was written, so a refused
change leaves no revision and a written one always has its revision.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from livefeed.access.permissions import readable_post
from livefeed.domain.errors import Forbidden
from livefeed.domain.feeds import Feed
from livefeed.domain.posts import Post
from livefeed.domain.revisions import Revision, RevisionKind, correction_of
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store import revisions as store


def keep_edit(
    conn: Connection,
    before: Post,
    editor: User,
    *,
    correction_note: str | None,
    now: datetime,
    kind: RevisionKind | None = None,
) -> None:
    """Keep ``before`` as the revision of an edit; with a note, the edit is a public correction
    and the post carries it (with the wording it replaced) from now on. ``kind`` says when the
    edit changed the verification state (see ``domain.revisions.edit_kind``)."""
    kind = kind or (RevisionKind.CORRECTION if correction_note else RevisionKind.EDIT)
    store.keep(conn, before, kind=kind, note=correction_note or "", editor_id=editor.id, now=now)
    if correction_note:
        corrections = (*before.corrections, correction_of(before, correction_note, now))
        store.set_corrections(conn, before.id, corrections)


def keep_retraction(
    conn: Connection, before: Post, editor: User, *, reason: str, now: datetime
) -> None:
    store.keep(
        conn, before, kind=RevisionKind.RETRACTION, note=reason, editor_id=editor.id, now=now
    )


def history(
    svc: Services, actor: User | None, slug: str, post_id: int
) -> tuple[Feed, Post, list[Revision]]:
    """A post and its revisions, the latest change first, for the feed's team only: an earlier
    wording that was never published as a correction is the newsroom's, not the public's.

    Its history is the post itself, so a post the actor may not read is missing here as it is
    everywhere else (a moderator asking for someone's draft learns nothing); only then does
    being on the team matter."""
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        post, reader = readable_post(conn, actor, feed, post_id)
        if reader is None:
            raise Forbidden("sign in first")
        if not reader.rights:
            raise Forbidden("only the feed’s team can see the history of its posts")
        return feed, post, store.of_post(conn, post.id)
