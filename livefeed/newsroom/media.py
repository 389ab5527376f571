"""Uploading pictures and videos, and finding a post's uploaded picture's renditions.

An upload is checked whole before anything is kept: who sends it (and for which feed), its
description, its name, its kind (from its bytes), its size, the room left in its uploader's and
its feed's quotas and, for a picture, its container and pixels, for a video what ffprobe finds
in it. Then its files are written (named by content, so a half-finished upload is harmless and
the next try completes it): a picture re-encoded, a video copied without its tags. Only then its
row, in one transaction with its audit line, where the quotas are checked again under lock (two
uploads at once must not both fit in the room left for one). A refusal at any step leaves
neither a row nor a file.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, replace
from typing import IO

from sqlalchemy import Connection

from livefeed.access import audit
from livefeed.access.permissions import require_right, require_writer
from livefeed.domain.access import Right
from livefeed.domain.audio import AUDIO_URL
from livefeed.domain.containers import inspect_image, sniff
from livefeed.domain.credentials import Credentials, credentials_from_manifest, manifest_name
from livefeed.domain.errors import Checks, Invalid
from livefeed.domain.feeds import Feed
from livefeed.domain.media import (
    AUDIO_EXTENSIONS,
    FILE,
    SNIFF_BYTES,
    SUPPORTED,
    VIDEO_URL,
    Media,
    MediaFormat,
    Rendition,
    check_alt,
    check_file_name,
    check_quota,
    media_in_url,
    media_name,
    size_limit,
    too_large,
)
from livefeed.domain.posts import Image, PostInput
from livefeed.domain.users import User
from livefeed.domain.videos import VideoKind
from livefeed.outside import content_credentials, images, video
from livefeed.services import Services
from livefeed.store import feeds
from livefeed.store import media as media_store


@dataclass(frozen=True)
class Incoming:
    """A file as a face received it: the name it was sent under and its bytes, from the start.

    ``file`` is a real file (the faces stream uploads into a temporary one): ffprobe and ffmpeg
    read a video from it by its descriptor.
    """

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


def upload(
    svc: Services, actor: User | None, incoming: Incoming, alt: object, feed: str | None = None
) -> Uploaded:
    """Check, store and record one picture or video; :class:`Invalid` names the field at fault.

    ``feed``, the slug of the feed it is for, may be left out: the upload then needs its
    uploader to write for some feed, and counts against their quota only.
    """
    check_uploader(svc, actor)
    checks = Checks()
    description = checks.run(lambda: check_alt(alt), "")
    checks.run(lambda: check_file_name(incoming.filename), "")
    checks.done()
    incoming.file.seek(0)
    head = incoming.file.read(SNIFF_BYTES)
    fmt = sniff(head)
    if fmt is None and incoming.filename.rsplit(".", 1)[-1].lower() in AUDIO_EXTENSIONS:
        # Named as a sound file: say which sound files are taken, rather than every kind.
        raise Invalid.field(
            FILE,
            "is not an MP3, M4A, Ogg, Opus or WAV audio clip (told from its content, not its name)",
        )
    if fmt is None:
        raise Invalid.field(
            FILE, "is not %(kinds)s (told from its content, not its name)", kinds=SUPPORTED
        )
    limit = limit_for(svc, head)
    if incoming.size > limit:
        raise too_large(fmt, limit)
    with svc.db.read() as conn:
        _within_quota(svc, conn, *_uploader(conn, actor, feed), incoming.size)
    incoming.file.seek(0)
    if not fmt.is_picture:
        stored = _store_video(svc, incoming.file, fmt)
    else:
        stored = _store_picture(svc, incoming.file.read())
    try:
        with svc.db.write() as conn:
            uploader, target = _uploader(conn, actor, feed, lock=True)
            media_store.hold_uploader(conn, uploader.id)
            _within_quota(svc, conn, uploader, target, incoming.size)
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
                feed_id=target.id if target else None,
                duration_ms=stored.duration_ms,
                now=svc.clock(),
                credentials=stored.credentials,
            )
            audit.record(
                svc, conn, uploader, "media.uploaded", incoming.filename,
                feed_id=record.feed_id, media_id=record.id, type=stored.format.content_type,
                bytes=incoming.size,
            )  # fmt: skip
    except BaseException:
        remove_files(svc, stored.digest, stored.format, stored.names)
        raise
    return Uploaded(record, url_of(svc, record), renditions_of(svc, record))


def _uploader(
    conn: Connection, actor: User | None, slug: str | None, *, lock: bool = False
) -> tuple[User, Feed | None]:
    """Who uploads, and the feed it is for: its team's writers may upload for it. With
    ``lock``, the feed's row is held, so that no other upload for it takes the same room in
    its quota at the same moment."""
    if not slug:
        return require_writer(conn, actor), None
    feed = feeds.require_feed(conn, slug, lock=lock)
    return require_right(conn, actor, feed.id, Right.CONTRIBUTE), feed


def _within_quota(
    svc: Services, conn: Connection, uploader: User, feed: Feed | None, size: int
) -> None:
    settings = svc.settings
    check_quota(
        size,
        used_by_uploader=media_store.bytes_uploaded_by(conn, uploader.id),
        per_user=settings.media_quota_per_user,
        used_by_feed=media_store.bytes_uploaded_for(conn, feed.id) if feed else None,
        per_feed=settings.media_quota_per_feed,
    )


def remove_files(svc: Services, digest: str, fmt: MediaFormat, names: tuple[str, ...]) -> None:
    """Delete an upload's files, unless an upload of the same bytes still points at them."""
    with svc.db.read() as conn:
        if media_store.find_upload(conn, digest, fmt) is not None:
            return
    for name in names:
        svc.storage.delete(name)


@dataclass(frozen=True)
class _Stored:
    digest: str
    format: MediaFormat
    width: int | None
    height: int | None
    widths: tuple[int, ...]
    duration_ms: int | None
    names: tuple[str, ...]
    credentials: Credentials | None = None


def _store_picture(svc: Services, data: bytes) -> _Stored:
    info = inspect_image(data)
    made = images.make_renditions(data, info)
    digest = hashlib.sha256(data).hexdigest()
    names = tuple(media_name(digest, made.format, file.width) for file in made.files)
    for name, file in zip(names, made.files, strict=True):
        svc.storage.put(name, io.BytesIO(file.data))
    widths = tuple(file.width for file in made.files)
    credentials = _credentials(svc, data, made.format, digest)
    if credentials is not None and credentials.store_kept:
        names = (*names, manifest_name(digest))
    return _Stored(digest, made.format, made.width, made.height, widths, None, names, credentials)


def _credentials(svc: Services, data: bytes, fmt: MediaFormat, digest: str) -> Credentials | None:
    """What the original's C2PA manifest says, if it has one; its manifest store is kept
    beside the renditions, which lose it when re-encoded."""
    found = content_credentials.read(data, fmt.content_type)
    if found is None:
        return None
    if found.raw is not None:
        svc.storage.put(manifest_name(digest), io.BytesIO(found.raw))
    return credentials_from_manifest(
        found.store, found.validation_state, store_kept=found.raw is not None
    )


def _store_video(svc: Services, file: IO[bytes], fmt: MediaFormat) -> _Stored:
    """The video as ffmpeg copied it without its tags, named by what is kept."""
    info = video.probe(file, fmt)
    with video.copied_clean(file, fmt) as clean:
        hasher = hashlib.sha256()
        while chunk := clean.read(1024 * 1024):
            hasher.update(chunk)
        name = media_name(hasher.hexdigest(), fmt)
        clean.seek(0)
        svc.storage.put(name, clean)
    return _Stored(hasher.hexdigest(), fmt, None, None, (), info.duration_ms, (name,))


def url_of(svc: Services, record: Media) -> str:
    """The address to give as a post's ``image.url`` (the largest rendition) or ``video.url``."""
    return svc.storage.url(record.file_names[-1])


def renditions_of(svc: Services, record: Media) -> tuple[Rendition, ...]:
    if not record.format.is_picture:
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
    """``data`` with its uploaded picture's size and renditions and its uploaded video's and
    sound clip's lengths,
    for pages to show them without a look-up; :class:`Invalid` when it names an upload of ours
    that does not exist.

    Asks the database only when the picture or video is on this site's ``/media/``.
    """
    image, video, audio = data.image, data.video, data.audio
    ours_image = _ours(svc, image.url) if image else None
    ours_video = video is not None and video.kind is VideoKind.UPLOAD
    if ours_image is None and not ours_video and not (audio and audio.url):
        return data
    checks = Checks()
    with svc.db.read() as conn:
        if image is not None and ours_image is not None:
            found = media_store.find_upload(conn, ours_image[0], ours_image[1])
            if found is None or not found.format.is_picture:
                checks.fail("image.url", "there is no such picture uploaded here")
            else:
                image = _with_renditions(svc, image, found)
        if video is not None and ours_video:
            name = _ours(svc, video.url)
            found = media_store.find_upload(conn, *name) if name else None
            if found is None or not found.format.is_video:
                checks.fail(VIDEO_URL, "there is no such video uploaded here")
            else:
                video = replace(video, duration_ms=found.duration_ms)
        if audio is not None and audio.url:
            name = _ours(svc, audio.url)
            found = media_store.find_upload(conn, *name) if name else None
            if found is None or not found.format.is_audio:
                checks.fail(AUDIO_URL, "must be the address of an audio clip uploaded here")
            else:
                audio = replace(audio, duration_ms=found.duration_ms, byte_size=found.byte_size)
    checks.done()
    return replace(data, image=image, video=video, audio=audio)


def _ours(svc: Services, url: str) -> tuple[str, MediaFormat] | None:
    found = media_in_url(url)
    if found is None or found[0] != svc.urls.origin.lower():
        return None
    return found[1].hash, found[1].format


def _with_renditions(svc: Services, image: Image, record: Media) -> Image:
    renditions = renditions_of(svc, record)
    largest = renditions[-1]
    return replace(
        image,
        width=largest.width,
        height=largest.height,
        renditions=renditions,
        credentials=record.credentials,
    )
