"""Revisions of posts, and the corrections and retraction written on the post itself."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, RowMapping, Select, func, insert, select, update

from livefeed.domain.posts import Correction, Post, PostState, Retraction
from livefeed.domain.revisions import Revision, RevisionKind
from livefeed.domain.times import iso_utc
from livefeed.domain.verification import SourceType, Verification
from livefeed.store.schema import post_revisions, posts, users


def keep(
    conn: Connection,
    before: Post,
    *,
    kind: RevisionKind,
    note: str,
    editor_id: int | None,
    now: datetime,
) -> int:
    """Keep ``before`` (the post as it was until this change) as a revision."""
    revision_id: int = conn.execute(
        insert(post_revisions)
        .values(
            post_id=before.id,
            version=before.version,
            kind=kind.value,
            note=note,
            editor_id=editor_id,
            created_at=now,
            fields=json.dumps(before.as_fields(), ensure_ascii=False),
            body_html=before.body_html,
        )
        .returning(post_revisions.c.id)
    ).scalar_one()
    return revision_id


def _revision(row: RowMapping) -> Revision:
    return Revision(
        id=row["id"],
        post_id=row["post_id"],
        version=row["version"],
        kind=RevisionKind(row["kind"]),
        note=row["note"],
        editor_id=row["editor_id"],
        editor_name=row["editor_name"] or "",
        at=row["created_at"],
        fields=json.loads(row["fields"]),
        body_html=row["body_html"],
    )


def of_post(conn: Connection, post_id: int) -> list[Revision]:
    """Every revision of the post, the latest change first."""
    query = (
        select(post_revisions, users.c.display_name.label("editor_name"))
        .outerjoin(users, users.c.id == post_revisions.c.editor_id)
        .where(post_revisions.c.post_id == post_id)
        .order_by(post_revisions.c.version.desc())
    )
    return [_revision(row) for row in conn.execute(query).mappings()]


def set_corrections(conn: Connection, post_id: int, corrections: Sequence[Correction]) -> None:
    """Write the post's public corrections (in the change's own transaction, after the edit)."""
    stored = [
        {"at": iso_utc(c.at), "note": c.note, "headline": c.headline, "body_html": c.body_html}
        for c in corrections
    ]
    conn.execute(
        update(posts)
        .where(posts.c.id == post_id)
        .values(corrections=json.dumps(stored, ensure_ascii=False) if stored else None)
    )


def corrections_of(stored: str | None) -> tuple[Correction, ...]:
    """A post's corrections as ``set_corrections`` wrote them."""
    if not stored:
        return ()
    return tuple(
        Correction(
            at=datetime.fromisoformat(item["at"]),
            note=item["note"],
            headline=item["headline"],
            body_html=item["body_html"],
        )
        for item in json.loads(stored)
    )


def retraction_of(at: datetime | None, reason: str | None) -> Retraction | None:
    return Retraction(at, reason or "") if at is not None else None


def mark_retracted(
    conn: Connection, post_id: int, *, seen_version: int, reason: str, now: datetime, seq: int
) -> bool:
    """Retract the post if it is still at ``seen_version``; ``False`` if someone was first.

    It keeps its place in the feed but leaves the top and the key events: a withdrawn post is
    not what a reader should be pointed at first.
    """
    result = conn.execute(
        update(posts)
        .where(
            posts.c.id == post_id,
            posts.c.version == seen_version,
            posts.c.state == PostState.PUBLISHED.value,
            posts.c.retracted_at.is_(None),
        )
        .values(
            retracted_at=now,
            retraction_reason=reason,
            verification="retracted",
            pinned=False,
            key_event=False,
            version=posts.c.version + 1,
            updated_at=now,
            seq=seq,
        )
    )
    return result.rowcount == 1


def set_verification(
    conn: Connection,
    post_id: int,
    *,
    state: Verification,
    source_type: SourceType | None,
    sourcing: str,
    seen_version: int,
    now: datetime,
    seq: int,
) -> bool:
    """Write a post's verification if it is still at ``seen_version``; ``False`` otherwise."""
    result = conn.execute(
        update(posts)
        .where(
            posts.c.id == post_id,
            posts.c.version == seen_version,
            posts.c.state == PostState.PUBLISHED.value,
            posts.c.retracted_at.is_(None),
        )
        .values(
            verification=state.value,
            source_type=source_type.value if source_type else None,
            sourcing=sourcing,
            version=posts.c.version + 1,
            updated_at=now,
            seq=seq,
        )
    )
    return result.rowcount == 1


# What the feed's public corrections log lists; a minor edit stays the newsroom's own.
PUBLIC_KINDS = (RevisionKind.CORRECTION, RevisionKind.RETRACTION, RevisionKind.VERIFICATION)


def _public_of_feed(feed_id: int) -> Select[tuple[object, ...]]:
    return (
        select(post_revisions, users.c.display_name.label("editor_name"))
        .join(posts, posts.c.id == post_revisions.c.post_id)
        .outerjoin(users, users.c.id == post_revisions.c.editor_id)
        .where(
            posts.c.feed_id == feed_id,
            posts.c.state == PostState.PUBLISHED.value,
            post_revisions.c.kind.in_([kind.value for kind in PUBLIC_KINDS]),
        )
    )


def count_public(conn: Connection, feed_id: int) -> int:
    """How many entries the feed's corrections log holds."""
    query = select(func.count()).select_from(_public_of_feed(feed_id).subquery())
    return int(conn.execute(query).scalar_one())


def public_of_feed(conn: Connection, feed_id: int, *, limit: int) -> list[Revision]:
    """The feed's corrections, retractions and changes of verification state, newest first,
    for posts readers can still read."""
    query = _public_of_feed(feed_id).order_by(
        post_revisions.c.created_at.desc(), post_revisions.c.id.desc()
    )
    return [_revision(row) for row in conn.execute(query.limit(limit)).mappings()]


def after(conn: Connection, revisions: Sequence[Revision]) -> dict[int, Revision | None]:
    """For each revision, the one kept at the next change of its post (the post as this change
    left it), or ``None`` when the post has not changed since (it is as this change left it).
    One query for all their posts' revisions, however long the log."""
    post_ids = sorted({revision.post_id for revision in revisions})
    if not post_ids:
        return {}
    query = (
        select(post_revisions, users.c.display_name.label("editor_name"))
        .outerjoin(users, users.c.id == post_revisions.c.editor_id)
        .where(post_revisions.c.post_id.in_(post_ids))
        .order_by(post_revisions.c.post_id, post_revisions.c.version)
    )
    by_post: dict[int, list[Revision]] = {}
    for row in conn.execute(query).mappings():
        kept = _revision(row)
        by_post.setdefault(kept.post_id, []).append(kept)
    return {
        revision.id: next(
            (later for later in by_post[revision.post_id] if later.version > revision.version),
            None,
        )
        for revision in revisions
    }
