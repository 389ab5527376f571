"""Exporting: a feed as its portable ``.zip``, and a whole site as a folder of them.

Only administrators export: the file holds every draft, every held comment and the email
address of everyone who took part, and a whole site's export holds password hashes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import IO, Any

from sqlalchemy import Connection

from livefeed.access import audit
from livefeed.domain.errors import Invalid
from livefeed.domain.media import media_in_url
from livefeed.domain.portable import MEDIA_FOLDER
from livefeed.domain.users import User, require_admin
from livefeed.languages.catalogs import _
from livefeed.portability import archive
from livefeed.services import Services
from livefeed.store import accounts as account_store
from livefeed.store import feeds as feed_store
from livefeed.store import portable_reading

Say = Callable[[str], None]


def quiet(line: str) -> None:
    """For a face that shows no progress."""


@dataclass(frozen=True)
class Exported:
    slug: str
    posts: int
    comments: int
    files: int


def check_admin(conn: Connection, actor: User | None) -> User:
    """An administrator as the account is now, not as it was when the request began."""
    require_admin(actor)
    assert actor is not None
    fresh = account_store.get_user(conn, actor.id)
    require_admin(fresh if fresh is None else _scoped(fresh, actor))
    return actor


def require_admin_now(svc: Services, actor: User | None) -> User:
    """For a face to ask before it reads a large body."""
    with svc.db.read() as conn:
        return check_admin(conn, actor)


def _scoped(fresh: User, actor: User) -> User:
    """The account as stored, still held to the reach of the token it came with."""
    return replace(fresh, scope=actor.scope)


def document(svc: Services, actor: User | None, slug: str) -> dict[str, Any]:
    """The feed's document alone, for a face that wants to look before writing a file."""
    with svc.db.read() as conn:
        check_admin(conn, actor)
        feed = feed_store.require_feed(conn, slug)
        return _document(svc, conn, feed.id, feed.slug)


def _document(svc: Services, conn: Connection, feed_id: int, slug: str) -> dict[str, Any]:
    def href(url: str) -> str:
        found = media_in_url(url)
        if found is None or found[0] != svc.urls.origin.lower():
            return url
        return MEDIA_FOLDER + url.rsplit("/", 1)[1]

    return portable_reading.feed_document(
        conn,
        feed_id,
        uri=svc.urls.feed(slug),
        post_uri=lambda post_id: svc.urls.post(slug, post_id),
        href=href,
    )


def media_files(document: dict[str, Any]) -> list[str]:
    """The names of the files the document's media need, each once, in order."""
    names = [
        rendition["href"].removeprefix(MEDIA_FOLDER)
        for item in document["media"]
        for rendition in item["renditions"]
    ]
    # A social post's picture, copied here when it was embedded, travels with it.
    names += [
        post["embed"]["image"].removeprefix(MEDIA_FOLDER)
        for post in document["posts"]
        if post.get("embed") and post["embed"]["image"].startswith(MEDIA_FOLDER)
    ]
    return list(dict.fromkeys(names))


def export_feed(
    svc: Services, actor: User | None, slug: str, target: IO[bytes], *, say: Say = quiet
) -> Exported:
    """Write the feed's ``.zip`` to ``target``: the document is read in one transaction, so
    it is the feed at one moment even while editors keep posting."""
    with svc.db.read() as conn:
        admin = check_admin(conn, actor)
        feed = feed_store.require_feed(conn, slug)
        found = _document(svc, conn, feed.id, feed.slug)
    names = media_files(found)
    missing = [name for name in names if not svc.storage.exists(name)]
    if missing:
        raise Invalid.field(
            "media", "the file %(name)s is missing from the media folder", name=missing[0]
        )
    say(
        _(
            "%(feed)s: %(posts)d posts, %(comments)d comments, %(files)d files",
            feed=slug,
            posts=len(found["posts"]),
            comments=len(found["comments"]),
            files=len(names),
        )
    )
    archive.write(target, found, names, svc.storage.open)
    with svc.db.write() as conn:
        audit.record(svc, conn, admin, "feed.exported", feed.title, feed_id=feed.id)
    return Exported(slug, len(found["posts"]), len(found["comments"]), len(names))
