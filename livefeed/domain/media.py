"""Uploaded pictures and videos: which files are taken, how big, their renditions, video links.

Standard library only. Telling a file's kind from its bytes and walking a picture's container
is in ``domain/containers.py``; decoding the pixels for real is left to ``livefeed/images.py``,
which runs only once those checks pass.

Videos are either an upload of our own (MP4 or WebM: told by their container's signature, then
read for real by ffprobe, see ``outside/video.py``) or a YouTube or Vimeo address, shown through
the sites' privacy-enhanced players.

Every upload counts against two quotas, its uploader's and its feed's, so that one account (or
one stolen token) cannot fill the disk that every feed's pictures live on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from livefeed.domain.credentials import Credentials, manifest_name
from livefeed.domain.errors import N_, Invalid, Message

FILE = "file"
ALT = "alt"
FEED = "feed"
VIDEO_URL = "video.url"

KILOBYTE = 1024
MEGABYTE = 1024 * KILOBYTE
GIGABYTE = 1024 * MEGABYTE
# The most pixels a picture may declare: a 40-megapixel camera's full frame, and about 160 MB
# once decoded. Pillow's own alarm rings only at 89 million, and half again after that.
MAX_PIXELS = 40_000_000
# Widths of the renditions made of each picture; a smaller picture is never enlarged, it is
# kept at its own width instead (a 700-pixel picture gets 480 and 700).
RENDITION_WIDTHS = (480, 960, 1600)
ALT_LENGTH = 500
FILE_NAME_LENGTH = 255
# Enough of a file's start to tell its kind, MP4's list of brands included.
SNIFF_BYTES = 64

SUPPORTED = "a JPEG, PNG, GIF or WebP picture, or an MP4 or WebM video"
AUDIO_EXTENSIONS = frozenset({"mp3", "m4a", "aac", "ogg", "oga", "opus", "wav"})


class MediaFormat(StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    GIF = "gif"
    WEBP = "webp"
    MP4 = "mp4"
    WEBM = "webm"
    MP3 = "mp3"
    M4A = "m4a"
    OGG = "ogg"
    OPUS = "opus"
    WAV = "wav"

    @property
    def ext(self) -> str:
        return "jpg" if self is MediaFormat.JPEG else self.value

    @property
    def content_type(self) -> str:
        if self.is_audio:
            return _AUDIO_TYPES[self]
        return f"{'video' if self.is_video else 'image'}/{self.value}"

    @property
    def is_video(self) -> bool:
        return self in (MediaFormat.MP4, MediaFormat.WEBM)

    @property
    def is_audio(self) -> bool:
        return self in _AUDIO_TYPES

    @property
    def is_picture(self) -> bool:
        return not (self.is_video or self.is_audio)

    @property
    def label(self) -> str:
        return _LABELS.get(self.value, self.value.upper())

    @classmethod
    def from_content_type(cls, content_type: str) -> MediaFormat:
        for fmt, said in _AUDIO_TYPES.items():
            if said == content_type:
                return fmt
        return cls(content_type.split("/", 1)[1])

    @classmethod
    def from_ext(cls, ext: str) -> MediaFormat:
        return cls.JPEG if ext == "jpg" else cls(ext)


# Sound files as browsers are told their type: an Opus stream travels in an Ogg container.
_AUDIO_TYPES = {
    MediaFormat.MP3: "audio/mpeg",
    MediaFormat.M4A: "audio/mp4",
    MediaFormat.OGG: "audio/ogg",
    MediaFormat.OPUS: "audio/ogg; codecs=opus",
    MediaFormat.WAV: "audio/wav",
}
_LABELS = {"jpeg": "JPEG", "webp": "WebP", "webm": "WebM", "ogg": "Ogg", "opus": "Opus"}


@dataclass(frozen=True)
class Rendition:
    """One size of an uploaded picture, as the page's ``srcset`` lists it."""

    width: int
    height: int
    url: str


@dataclass(frozen=True)
class Media:
    """An upload: its files are named by the SHA-256 of the bytes that were sent."""

    id: int
    hash: str
    format: MediaFormat
    width: int | None
    height: int | None
    byte_size: int
    renditions: tuple[int, ...]
    alt: str
    uploaded_by: int | None
    created_at: datetime
    # The feed it was uploaded for (``None``: sent without one, or uploaded before uploads
    # knew their feed), and a video's length.
    feed_id: int | None
    duration_ms: int | None
    # A picture's Content Credentials, read on upload; ``None`` when it carried none.
    credentials: Credentials | None = None

    @property
    def file_names(self) -> tuple[str, ...]:
        if not self.format.is_picture:
            return (media_name(self.hash, self.format),)
        return tuple(media_name(self.hash, self.format, width) for width in self.renditions)

    @property
    def stored_names(self) -> tuple[str, ...]:
        """Every file kept for it: its renditions, and its manifest store if it had one."""
        kept = self.credentials is not None and self.credentials.store_kept
        return (*self.file_names, manifest_name(self.hash)) if kept else self.file_names

    @property
    def length(self) -> str:
        return length_text(self.duration_ms)

    def rendition_height(self, width: int) -> int:
        assert self.width, "a picture has a width"
        assert self.height, "a picture has a height"
        return scaled_height(self.width, self.height, width)


class TooLarge(Invalid):
    """A file over its size limit: a 413 that still names the field."""

    status = 413
    title = "Too large"


# Limits and names ------------------------------------------------------------------------------


def check_alt(value: object) -> str:
    """The description every upload carries for readers who cannot see it."""
    text = " ".join(value.split()) if isinstance(value, str) else ""
    if not text:
        raise Invalid.field(ALT, "describe the picture for readers who cannot see it")
    if len(text) > ALT_LENGTH:
        raise Invalid.field(
            ALT,
            "must be at most %(most)d characters (it has %(count)d)",
            most=ALT_LENGTH,
            count=len(text),
        )
    return text


def check_file_name(name: str) -> str:
    """The name the file was sent under must be a name only: never a place on a disk."""
    if not name:
        raise Invalid.field(FILE, "send the file itself, with its name")
    if "/" in name or "\\" in name or name in (".", "..") or any(ch < " " for ch in name):
        raise Invalid.field(
            FILE,
            "the file name “%(name)s” holds a path: send the file under its own name only",
            name=name,
        )
    if len(name) > FILE_NAME_LENGTH:
        raise Invalid.field(
            FILE, "the file name must be at most %(most)d characters", most=FILE_NAME_LENGTH
        )
    return name


def size_limit(fmt: MediaFormat | None, *, image_bytes: int, video_bytes: int) -> int:
    """How many bytes a file of this kind may have (an unknown kind gets the pictures' limit);
    a sound clip is held to the videos' limit, being read and copied the same way."""
    return video_bytes if fmt is not None and not fmt.is_picture else image_bytes


# What is refused, by kind of file (None while its kind is unknown).
_TOO_LARGE: dict[bool | str | None, str] = {
    None: N_("the upload is over %(limit)s, the most this site takes"),
    False: N_("the picture is over %(limit)s, the most this site takes"),
    True: N_("the video is over %(limit)s, the most this site takes"),
    "audio": N_("the audio clip is over %(limit)s, the most this site takes"),
}


def too_large(fmt: MediaFormat | None, limit: int) -> TooLarge:
    """The refusal of a file over ``limit``; ``fmt`` is ``None`` while its kind is unknown."""
    said = _TOO_LARGE[None if fmt is None else "audio" if fmt.is_audio else fmt.is_video]
    return TooLarge({FILE: Message(said, limit=size_text(limit))})


def size_text(count: int) -> str:
    """A size as people read it: ``1.95 GB``, ``117.7 MB``, ``20 MB``, ``512 KB``,
    ``1,000 bytes``."""
    for unit, name, places in ((GIGABYTE, "GB", 2), (MEGABYTE, "MB", 1), (KILOBYTE, "KB", 0)):
        if count >= unit:
            return f"{round(count / unit, places):g} {name}"
    return f"{count:,} bytes"


def check_quota(
    size: int, *, used_by_uploader: int, per_user: int, used_by_feed: int | None, per_feed: int
) -> None:
    """Refuse an upload of ``size`` bytes that would take its uploader's files, or its feed's
    (``None``: it is sent for no feed), past what the site allows each."""
    if used_by_uploader + size > per_user:
        raise _over_quota(_OVER_QUOTA["person"], size, used_by_uploader, per_user)
    if used_by_feed is not None and used_by_feed + size > per_feed:
        raise _over_quota(_OVER_QUOTA["feed"], size, used_by_feed, per_feed)


_OVER_QUOTA = {
    "person": N_(
        "your uploads already take %(used)s of the %(allowed)s each person may keep on this "
        "site, and this file (%(size)s) would pass that: delete uploads no post uses in the "
        "media library, or ask an administrator"
    ),
    "feed": N_(
        "this feed’s uploads already take %(used)s of the %(allowed)s a feed may keep on this "
        "site, and this file (%(size)s) would pass that: delete uploads no post uses in the "
        "media library, or ask an administrator"
    ),
}


def _over_quota(said: str, size: int, used: int, allowed: int) -> TooLarge:
    return TooLarge(
        {
            FILE: Message(
                said, size=size_text(size), used=size_text(used), allowed=size_text(allowed)
            )
        }
    )


def length_text(duration_ms: int | None) -> str:
    """A video's length as players show it (``0:05``, ``12:30``, ``1:02:03``); empty when it
    is not known."""
    if not duration_ms:
        return ""
    minutes, seconds = divmod(max(1, round(duration_ms / 1000)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{seconds:02}" if hours else f"{minutes}:{seconds:02}"


def check_pixels(width: int, height: int, max_pixels: int = MAX_PIXELS) -> None:
    if width < 1 or height < 1:
        raise Invalid.field(FILE, "the picture says it has no pixels at all")
    if width * height > max_pixels:
        wide, high = f"{width:,}", f"{height:,}"
        raise Invalid.field(
            FILE,
            "the picture is %(width)s × %(height)s pixels; the most this site takes is "
            "%(megapixels)g megapixels",
            width=wide,
            height=high,
            megapixels=max_pixels / 1_000_000,
        )


def rendition_widths(width: int) -> tuple[int, ...]:
    """The renditions' widths: the standard ones below the picture's, and its own if smaller
    than the largest standard one (never enlarged)."""
    widths = [size for size in RENDITION_WIDTHS if size < width]
    if width <= RENDITION_WIDTHS[-1]:
        widths.append(width)
    return tuple(widths)


def scaled_height(width: int, height: int, new_width: int) -> int:
    """The height at ``new_width`` that keeps the picture's aspect ratio."""
    return max(1, round(height * new_width / width))


_NAME = re.compile(
    r"([0-9a-f]{64})(?:-([1-9][0-9]{0,4}))?\.(jpg|png|gif|webp|mp4|webm|mp3|m4a|ogg|opus|wav)"
)


@dataclass(frozen=True)
class MediaName:
    hash: str
    width: int | None
    format: MediaFormat


def media_name(digest: str, fmt: MediaFormat, width: int | None = None) -> str:
    """``{sha256}-{width}.{ext}`` for a picture's rendition, ``{sha256}.{ext}`` for a video or
    a sound clip."""
    return f"{digest}-{width}.{fmt.ext}" if width is not None else f"{digest}.{fmt.ext}"


def parse_media_name(name: str) -> MediaName | None:
    """A file name this site could have given, or ``None``: nothing else is ever served."""
    found = _NAME.fullmatch(name)
    if not found:
        return None
    fmt = MediaFormat.from_ext(found.group(3))
    width = int(found.group(2)) if found.group(2) else None
    if (width is None) != (not fmt.is_picture):
        return None
    return MediaName(found.group(1), width, fmt)


def media_in_url(url: str) -> tuple[str, MediaName] | None:
    """(origin, name) when ``url`` points at ``/media/{name}`` on some site, else ``None``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.query or parts.fragment or not parts.path.startswith("/media/"):
        return None
    name = parse_media_name(parts.path.removeprefix("/media/"))
    if name is None:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}", name
