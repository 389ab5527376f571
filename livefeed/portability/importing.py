"""Importing: a portable ``.zip`` becomes a feed of this site, in one transaction.

The whole file is checked before anything is written, and a problem is named at its place in
the document (``posts[41].published_at: …``). The document's ``uri`` decides whether the feed
is here already: importing the same file again finds the feed it made and writes nothing. A
slug that is taken is refused, unless the import is given another.

An imported feed is a feed like any other: its short codes are the ones it had, its bodies
are rendered and sanitised here (no HTML is taken on trust), and its event log holds one
event per post readers saw, then one per comment they see, numbered like a native feed's, so
Atom, JSON-LD, polling and open streams all read it at once.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection

from livefeed.access import audit
from livefeed.discussion.comment_resources import comment_json
from livefeed.distribution.resources import post_json
from livefeed.domain.comments import CommentState
from livefeed.domain.errors import Conflict, Invalid, Message
from livefeed.domain.events import EventType
from livefeed.domain.portable import check_document, read_moment
from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.languages.catalogs import _
from livefeed.portability import archive, contents
from livefeed.portability.exporting import Say, check_admin, quiet
from livefeed.services import Services
from livefeed.store import comments as comment_store
from livefeed.store import embeds as embed_store
from livefeed.store import events as event_log
from livefeed.store import feeds as feed_store
from livefeed.store import portable_writing as writing
from livefeed.store import posts as post_store


@dataclass(frozen=True)
class Imported:
    slug: str
    # False when the document's feed was here already (imported before): nothing was written.
    created: bool
    posts: int = 0
    comments: int = 0


def import_feed(
    svc: Services,
    actor: User | None,
    source: IO[bytes] | Path,
    *,
    slug: str | None = None,
    say: Say = quiet,
) -> Imported:
    """Import one feed's ``.zip``; ``slug`` renames it (the document's own slug otherwise)."""
    if isinstance(source, Path):
        with source.open("rb") as file:
            return import_feed(svc, actor, file, slug=slug, say=say)
    with svc.db.read() as conn:
        check_admin(conn, actor)
    opened = archive.read(
        source,
        file_bytes=max(svc.settings.media_max_bytes, svc.settings.media_max_video_bytes),
    )
    try:
        return import_document(svc, actor, opened.document, opened, slug=slug, say=say)
    finally:
        opened.zip.close()


def import_document(
    svc: Services,
    actor: User | None,
    document: Any,
    opened: archive.Archive | None = None,
    *,
    slug: str | None = None,
    say: Say = quiet,
) -> Imported:
    """Import one feed's document, with the zip holding its media files (none without one):
    the way in for every importer of another system's feed, so each is one transaction, keyed
    by the document's uri, and refuses a taken slug the same way."""
    problems = check_document(document)
    if problems.found:
        raise Invalid(problems.found)
    plan = contents.prepare(svc, document, opened.files if opened else {}, slug=slug)
    with svc.db.read() as conn:
        before = writing.feed_with_source(conn, document["uri"])
        if before is None:
            _check_slug_free(conn, plan.slug)
    if before is not None:
        say(
            _(
                "%(uri)s is here already, as %(feed)s: nothing to do",
                uri=document["uri"],
                feed=before,
            )
        )
        return Imported(before, created=False)
    say(
        _(
            "%(feed)s: %(posts)d posts, %(comments)d comments",
            feed=plan.slug,
            posts=len(document["posts"]),
            comments=len(document["comments"]),
        )
    )
    stored = _store_files(svc, opened, plan.files, say) if opened else []
    try:
        with svc.db.write() as conn:
            admin = check_admin(conn, actor)
            made = writing.feed_with_source(conn, document["uri"])
            if made is not None:
                return Imported(made, created=False)
            _check_slug_free(conn, plan.slug)
            feed_id = _write(svc, conn, document, plan, say)
            feed = feed_store.require_feed_by_id(conn, feed_id)
            audit.record(
                svc, conn, admin, "feed.imported", feed.title, feed_id=feed_id,
                uri=document["uri"],
            )  # fmt: skip
    except BaseException:
        _forget_files(svc, stored)
        raise
    svc.committed(feed_id)
    return Imported(plan.slug, True, len(document["posts"]), len(document["comments"]))


def _check_slug_free(conn: Connection, slug: str) -> None:
    if feed_store.slug_taken(conn, slug):
        raise Conflict(
            Message("the slug %(slug)s is taken on this site: import it under another", slug=slug),
            "slug",
        )


def _store_files(svc: Services, opened: archive.Archive, names: list[str], say: Say) -> list[str]:
    """Put the media files in place before the transaction (a file is named by its content,
    so one already there is the same file); the ones this import added are returned."""
    added = []
    for done, name in enumerate(names, 1):
        if not svc.storage.exists(name):
            with opened.open(name) as source:
                svc.storage.put(name, source)
            added.append(name)
        say(_("%(done)d of %(all)d media files in place", done=done, all=len(names)))
    return added


def _forget_files(svc: Services, names: list[str]) -> None:
    for name in names:
        svc.storage.delete(name)


def _write(
    svc: Services, conn: Connection, document: Mapping[str, Any], plan: contents.Plan, say: Say
) -> int:
    now = svc.clock()
    ids = writing.people_ids(conn, document["people"], now)
    feed_id = writing.insert_feed(
        conn, document, slug=plan.slug, lead_html=plan.lead_html, notes_html=plan.notes_html,
        language=plan.language, now=now,
    )  # fmt: skip
    for member in document["team"]:
        writing.insert_member(
            conn, feed_id, ids[member["email"].lower()], member["role"], member["added_at"]
        )
    for item in document["media"]:
        uploader = item["uploaded_by"]
        writing.insert_media(conn, feed_id, item, ids[uploader.lower()] if uploader else None)
    post_ids: list[int] = []
    by_code: dict[str, int] = {}
    for index, (post, ready) in enumerate(zip(document["posts"], plan.posts, strict=True)):
        post_id = writing.insert_post(
            conn, feed_id, post, place=f"posts[{index}]", ids=ids, body_html=ready.body_html,
            image=ready.image, video=ready.video, read_more_image_url=ready.read_more_image_url,
            audio=ready.audio,
            corrections=ready.corrections, now=now,
        )  # fmt: skip
        embed_store.put(conn, post_id, ready.embed)
        for revision, (fields, body_html) in zip(post["revisions"], ready.revisions, strict=True):
            editor = revision["editor"]
            writing.insert_revision(
                conn, post_id, revision, editor_id=ids[editor.lower()] if editor else None,
                fields=fields, body_html=body_html,
            )  # fmt: skip
        post_ids.append(post_id)
        by_code[post["short_code"]] = post_id
        if (index + 1) % 100 == 0:
            say(_("%(feed)s: %(count)d posts written", feed=plan.slug, count=index + 1))
    comment_ids: dict[int, int] = {}
    for comment in document["comments"]:
        parent = comment["parent"]
        comment_id = writing.insert_comment(
            conn, feed_id, comment, parent_id=comment_ids[parent] if parent else None, ids=ids
        )
        comment_ids[comment["id"]] = comment_id
        if (featured := comment["featured"]) is not None:
            by = featured["by"]
            writing.insert_feature(
                conn, comment_id, by_code[featured["post"]],
                ids[by.lower()] if by else None, featured["at"],
            )  # fmt: skip
    _log(svc, conn, feed_id, document, post_ids, comment_ids)
    return feed_id


def _log(
    svc: Services,
    conn: Connection,
    feed_id: int,
    document: Mapping[str, Any],
    post_ids: list[int],
    comment_ids: dict[int, int],
) -> None:
    """The feed's event log, as readers would have been told: the posts they saw in the order
    they went out, then the comments shown to them, oldest first."""
    feed = feed_store.require_feed_by_id(conn, feed_id)
    told = [
        (read_moment(post["published_at"]), index)
        for index, post in enumerate(document["posts"])
        if post["state"] in (PostState.PUBLISHED.value, PostState.DELETED.value)
        and (post["state"] == PostState.PUBLISHED.value or post["reached_readers"])
    ]
    for _moment, index in sorted(told):
        post_id = post_ids[index]
        seq = event_log.next_seq(conn, feed_id)
        writing.set_post_seq(conn, post_id, seq)
        post = post_store.require_post(conn, feed, post_id)
        kind = (
            EventType.POST_DELETED if post.state is PostState.DELETED else EventType.POST_PUBLISHED
        )
        event_log.append(
            conn, feed_id=feed_id, seq=seq, type=kind, post_id=post_id,
            data=post_json(post, feed.slug, svc.urls), now=svc.clock(),
        )  # fmt: skip
    for comment in document["comments"]:
        if comment["state"] != CommentState.APPROVED.value:
            continue
        found = comment_store.get_comment(conn, comment_ids[comment["id"]])
        assert found is not None
        seq = event_log.next_seq(conn, feed_id)
        event_log.append(
            conn, feed_id=feed_id, seq=seq, type=EventType.COMMENT_APPROVED, post_id=None,
            data=comment_json(found, feed.slug, svc.urls), now=svc.clock(),
        )  # fmt: skip
        comment_store.set_shown_seq(conn, found.id, seq)


def import_bytes(
    svc: Services, actor: User | None, data: bytes, *, slug: str | None = None
) -> Imported:
    """For a face that has the whole file in memory (the API)."""
    return import_feed(svc, actor, io.BytesIO(data), slug=slug)
