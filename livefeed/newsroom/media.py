"""Uploading pictures and videos, and finding a post's uploaded picture's renditions.

An upload is checked whole before anything is kept: who sends it, its description, its name,
its kind (from its bytes), its size and, for a picture, its container and pixels. Then its
files are written (named by content, so a half-finished upload is harmless and the next try
completes it), and only then its row, in one transaction with its audit line. A refusal at any
step leaves neither a row nor a file.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, replace
from typing import IO

from livefeed.access import audit
from livefeed.access.permissions import require_writer
from livefeed.domain.containers import inspect_image, sniff
from livefeed.domain.errors import Checks, Invalid
from livefeed.domain.media import (
    FILE,
    SNIFF_BYTES,
    SUPPORTED,
    VIDEO_URL,
    Media,
    MediaFormat,
    Rendition,
    VideoKind,
    check_alt,
    check_file_name,
    media_in_url,
    media_name,
    size_limit,
    too_large,
)
from livefeed.domain.posts import Image, PostInput
from livefeed.domain.users import User
from livefeed.outside import images
from livefeed.services import Services
from livefeed.store import media as media_store


@dataclass(frozen=True)
class Incoming:
    """A file as a face received it: the name it was sent under and its bytes, from the start."""

    filename: str
    file: IO[bytes]
    size: int


@dataclass(frozen=True)
class Uploaded:
    media: Media
    url: str
    renditions: tuple[Rendition, ...]


def check_uploader(svc: Services, actor: User | None) -> User:
    """Before a face reads a large body: only those who may upload are worth the bytes."""
    with svc.db.read() as conn:
        return require_writer(conn, actor)


def limit_for(svc: Services, head: bytes) -> int:
    """How many bytes a file that starts with ``head`` may have."""
    settings = svc.settings
    return size_limit(
        sniff(head),
        image_bytes=settings.media_max_bytes,
        video_bytes=settings.media_max_video_bytes,
    )


def upload(svc: Services, actor: User | None, incoming: Incoming, alt: object) -> Uploaded:
    """Check, store and record one picture or video; :class:`Invalid` names the field at fault."""
    check_uploader(svc, actor)
    checks = Checks()
    description = checks.run(lambda: check_alt(alt), "")
    checks.run(lambda: check_file_name(incoming.filename), "")
    checks.done()
    incoming.file.seek(0)
    head = incoming.file.read(SNIFF_BYTES)
    fmt = sniff(head)
    if fmt is None:
        raise Invalid.field(FILE, f"is not {SUPPORTED} (told from its content, not its name)")
    limit = limit_for(svc, head)
    if incoming.size > limit:
        raise too_large(fmt, limit)
    incoming.file.seek(0)
    if fmt.is_video:
        stored = _store_video(svc, incoming.file, fmt)
    else:
        stored = _store_picture(svc, incoming.file.read())
    with svc.db.write() as conn:
        uploader = require_writer(conn, actor)
        record = media_store.insert_media(
            conn,
            digest=stored.digest,
            fmt=stored.format,
            width=stored.width,
            height=stored.height,
            byte_size=incoming.size,
            renditions=stored.widths,
            alt=description,
            uploaded_by=uploader.id,
            now=svc.clock(),
        )
        audit.record(
            svc, conn, uploader, "media.uploaded", incoming.filename,
            media_id=record.id, type=stored.format.content_type, bytes=incoming.size,
        )  # fmt: skip
    return Uploaded(record, url_of(svc, record), renditions_of(svc, record))


@dataclass(frozen=True)
class _Stored:
    digest: str
    format: MediaFormat
    width: int | None
    height: int | None
    widths: tuple[int, ...]


def _store_picture(svc: Services, data: bytes) -> _Stored:
    info = inspect_image(data)
    made = images.make_renditions(data, info)
    digest = hashlib.sha256(data).hexdigest()
    for file in made.files:
        svc.storage.put(media_name(digest, made.format, file.width), io.BytesIO(file.data))
    widths = tuple(file.width for file in made.files)
    return _Stored(digest, made.format, made.width, made.height, widths)


def _store_video(svc: Services, file: IO[bytes], fmt: MediaFormat) -> _Stored:
    hasher = hashlib.sha256()
    while chunk := file.read(1024 * 1024):
        hasher.update(chunk)
    digest = hasher.hexdigest()
    file.seek(0)
    svc.storage.put(media_name(digest, fmt), file)
    return _Stored(digest, fmt, None, None, ())


def url_of(svc: Services, record: Media) -> str:
    """The address to give as a post's ``image.url`` (the largest rendition) or ``video.url``."""
    return svc.storage.url(record.file_names[-1])


def renditions_of(svc: Services, record: Media) -> tuple[Rendition, ...]:
    if record.format.is_video:
        return ()
    return tuple(
        Rendition(width, record.rendition_height(width), svc.storage.url(name))
        for width, name in zip(record.renditions, record.file_names, strict=True)
    )


def get_media(svc: Services, media_id: int) -> Media | None:
    with svc.db.read() as conn:
        return media_store.get_media(conn, media_id)


# Posts -------------------------------------------------------------------------------------------


def attach(svc: Services, data: PostInput) -> PostInput:
    """``data`` with its uploaded picture's size and renditions, for pages to show them without
    a look-up; :class:`Invalid` when it names an upload of ours that does not exist.

    Asks the database only when the picture or video is on this site's ``/media/``.
    """
    image, video = data.image, data.video
    ours_image = _ours(svc, image.url) if image else None
    ours_video = video is not None and video.kind is VideoKind.UPLOAD
    if ours_image is None and not ours_video:
        return data
    checks = Checks()
    with svc.db.read() as conn:
        if image is not None and ours_image is not None:
            found = media_store.find_upload(conn, ours_image[0], ours_image[1])
            if found is None or found.format.is_video:
                checks.fail("image.url", "there is no such picture uploaded here")
            else:
                image = _with_renditions(svc, image, found)
        if video is not None and ours_video:
            name = _ours(svc, video.url)
            found = media_store.find_upload(conn, *name) if name else None
            if found is None or not found.format.is_video:
                checks.fail(VIDEO_URL, "there is no such video uploaded here")
    checks.done()
    return replace(data, image=image)


def _ours(svc: Services, url: str) -> tuple[str, MediaFormat] | None:
    found = media_in_url(url)
    if found is None or found[0] != svc.urls.origin.lower():
        return None
    return found[1].hash, found[1].format


def _with_renditions(svc: Services, image: Image, record: Media) -> Image:
    renditions = renditions_of(svc, record)
    largest = renditions[-1]
    return replace(image, width=largest.width, height=largest.height, renditions=renditions)
