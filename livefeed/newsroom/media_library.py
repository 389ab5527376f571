"""The desk's media library: the uploads someone may see, where each is used, and deleting one
that no post uses.

Someone sees what they uploaded, what was uploaded for the feeds they edit, and an admin sees
everything (``domain/media_library.py``). Deleting checks the same right and, in the same
transaction as the row goes, that no post points at the files; the files go once that is
committed, unless another upload of the same bytes still points at them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from livefeed.access import audit
from livefeed.access.permissions import require_writer
from livefeed.domain.access import Right, rights_on_feed
from livefeed.domain.errors import Conflict, Forbidden, NotFound
from livefeed.domain.media import Media
from livefeed.domain.media_library import Listed, PostUse, in_use_refusal, may_manage
from livefeed.domain.users import User
from livefeed.newsroom.media import remove_files, url_of
from livefeed.services import Services
from livefeed.store import media as media_store
from livefeed.store import members

PAGE_SIZE = 50
NO_SUCH_UPLOAD = "there is no such upload"


@dataclass(frozen=True)
class Entry:
    upload: Listed
    # The file a post shows (a picture's largest rendition, the video), and for a picture its
    # smallest rendition, to show in the list.
    url: str
    thumbnail: str | None
    uses: tuple[PostUse, ...]

    @property
    def media(self) -> Media:
        return self.upload.media


@dataclass(frozen=True)
class Library:
    entries: tuple[Entry, ...]
    # Where the next page starts (``before=``), when there are older uploads.
    older: int | None
    # The viewer's own uploads against their quota.
    used: int
    allowed: int


def library(svc: Services, actor: User | None, before: int | None = None) -> Library:
    """The newest uploads the actor may see, from before upload ``before``."""
    with svc.db.read() as conn:
        viewer = require_writer(conn, actor)
        found = media_store.list_uploads(
            conn,
            everyone=viewer.is_admin,
            user_id=viewer.id,
            feed_ids=_edits(conn, viewer),
            before=before,
            limit=PAGE_SIZE + 1,
        )
        shown = found[:PAGE_SIZE]
        uses = media_store.uses_of(conn, sorted({listed.media.hash for listed in shown}))
        used = media_store.bytes_uploaded_by(conn, viewer.id)
    return Library(
        tuple(_entry(svc, listed, uses.get(listed.media.hash, [])) for listed in shown),
        shown[-1].media.id if len(found) > PAGE_SIZE else None,
        used,
        svc.settings.media_quota_per_user,
    )


def entry(svc: Services, actor: User | None, media_id: int) -> Entry:
    """One upload the actor may delete, for the page that asks them to confirm."""
    with svc.db.read() as conn:
        viewer = require_writer(conn, actor)
        listed = media_store.get_listed(conn, media_id)
        if listed is None:
            raise NotFound(NO_SUCH_UPLOAD)
        _require_manager(conn, viewer, listed.media)
        digest = listed.media.hash
        uses = media_store.uses_of(conn, [digest]).get(digest, [])
    return _entry(svc, listed, uses)


def delete_upload(svc: Services, actor: User | None, media_id: int) -> None:
    """Delete an upload no post uses, and its files; :class:`Conflict` while one does."""
    with svc.db.write() as conn:
        viewer = require_writer(conn, actor)
        record = media_store.get_media(conn, media_id)
        if record is None:
            raise NotFound(NO_SUCH_UPLOAD)
        _require_manager(conn, viewer, record)
        uses = media_store.uses_of(conn, [record.hash]).get(record.hash, [])
        if uses:
            raise Conflict(in_use_refusal(uses))
        media_store.delete_media(conn, record.id)
        audit.record(
            svc, conn, viewer, "media.deleted", record.file_names[-1],
            feed_id=record.feed_id, media_id=record.id, type=record.format.content_type,
        )  # fmt: skip
    remove_files(svc, record.hash, record.format, record.stored_names)


def _entry(svc: Services, listed: Listed, uses: list[PostUse]) -> Entry:
    record = listed.media
    thumbnail = None if not record.format.is_picture else svc.storage.url(record.file_names[0])
    return Entry(listed, url_of(svc, record), thumbnail, tuple(uses))


def _require_manager(conn: Connection, viewer: User, record: Media) -> None:
    if not may_manage(
        record, user_id=viewer.id, is_admin=viewer.is_admin, edits=_edits(conn, viewer)
    ):
        raise Forbidden(
            "only whoever uploaded it, the editors of the feed it is for and administrators "
            "can delete an upload"
        )


def _edits(conn: Connection, viewer: User) -> frozenset[int]:
    """The feeds the viewer edits: they see what was uploaded for those."""
    return frozenset(
        feed_id
        for feed_id, role in members.roles_of_user(conn, viewer.id).items()
        if Right.PUBLISH
        in rights_on_feed(is_admin=False, role=role, scope=viewer.scope, feed_id=feed_id)
    )
