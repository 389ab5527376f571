"""Uploaded pictures and videos: which files are taken, how big, their renditions, video links.

Everything here reads bytes and strings with the standard library only. A file is first told
apart by its signature (never by its name or declared type), then its container is walked: the
size a picture declares is checked before anything decodes its pixels, and a file that goes on
after its image has ended (a PNG with a page of HTML after ``IEND``, say) is refused. Decoding
the pixels for real is left to ``livefeed/images.py``, which runs only once these checks pass.

Videos are either an upload of our own (MP4 or WebM, told by their container's signature) or a
YouTube or Vimeo address, shown through the sites' privacy-enhanced players.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import parse_qs, urlsplit

from livefeed.domain.errors import Invalid

FILE = "file"
ALT = "alt"
VIDEO_URL = "video.url"

MEGABYTE = 1024 * 1024
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


class MediaFormat(StrEnum):
    JPEG = "jpeg"
    PNG = "png"
    GIF = "gif"
    WEBP = "webp"
    MP4 = "mp4"
    WEBM = "webm"

    @property
    def ext(self) -> str:
        return "jpg" if self is MediaFormat.JPEG else self.value

    @property
    def content_type(self) -> str:
        return f"{'video' if self.is_video else 'image'}/{self.value}"

    @property
    def is_video(self) -> bool:
        return self in (MediaFormat.MP4, MediaFormat.WEBM)

    @property
    def label(self) -> str:
        return {"jpeg": "JPEG", "webp": "WebP", "webm": "WebM"}.get(self.value, self.value.upper())

    @classmethod
    def from_content_type(cls, content_type: str) -> MediaFormat:
        return cls(content_type.split("/", 1)[1])

    @classmethod
    def from_ext(cls, ext: str) -> MediaFormat:
        return cls.JPEG if ext == "jpg" else cls(ext)


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

    @property
    def file_names(self) -> tuple[str, ...]:
        if self.format.is_video:
            return (media_name(self.hash, self.format),)
        return tuple(media_name(self.hash, self.format, width) for width in self.renditions)

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
        raise Invalid.field(ALT, f"must be at most {ALT_LENGTH} characters (it has {len(text)})")
    return text


def check_file_name(name: str) -> str:
    """The name the file was sent under must be a name only: never a place on a disk."""
    if not name:
        raise Invalid.field(FILE, "send the file itself, with its name")
    if "/" in name or "\\" in name or name in (".", "..") or any(ch < " " for ch in name):
        raise Invalid.field(
            FILE, f"the file name “{name}” holds a path: send the file under its own name only"
        )
    if len(name) > FILE_NAME_LENGTH:
        raise Invalid.field(FILE, f"the file name must be at most {FILE_NAME_LENGTH} characters")
    return name


def size_limit(fmt: MediaFormat | None, *, image_bytes: int, video_bytes: int) -> int:
    """How many bytes a file of this kind may have (an unknown kind gets the pictures' limit)."""
    return video_bytes if fmt is not None and fmt.is_video else image_bytes


def too_large(fmt: MediaFormat | None, limit: int) -> TooLarge:
    """The refusal of a file over ``limit``; ``fmt`` is ``None`` while its kind is unknown."""
    what = "upload" if fmt is None else "video" if fmt.is_video else "picture"
    return TooLarge({FILE: f"the {what} is over {_size(limit)}, the most this site takes"})


def _size(count: int) -> str:
    return f"{count / MEGABYTE:g} MB" if count >= MEGABYTE else f"{count:,} bytes"


def check_pixels(width: int, height: int, max_pixels: int = MAX_PIXELS) -> None:
    if width < 1 or height < 1:
        raise Invalid.field(FILE, "the picture says it has no pixels at all")
    if width * height > max_pixels:
        raise Invalid.field(
            FILE,
            f"the picture is {width:,} × {height:,} pixels; the most this site takes is "
            f"{max_pixels / 1_000_000:g} megapixels",
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


_NAME = re.compile(r"([0-9a-f]{64})(?:-([1-9][0-9]{0,4}))?\.(jpg|png|gif|webp|mp4|webm)")


@dataclass(frozen=True)
class MediaName:
    hash: str
    width: int | None
    format: MediaFormat


def media_name(digest: str, fmt: MediaFormat, width: int | None = None) -> str:
    """``{sha256}-{width}.{ext}`` for a picture's rendition, ``{sha256}.{ext}`` for a video."""
    return f"{digest}-{width}.{fmt.ext}" if width is not None else f"{digest}.{fmt.ext}"


def parse_media_name(name: str) -> MediaName | None:
    """A file name this site could have given, or ``None``: nothing else is ever served."""
    found = _NAME.fullmatch(name)
    if not found:
        return None
    fmt = MediaFormat.from_ext(found.group(3))
    width = int(found.group(2)) if found.group(2) else None
    if (width is None) != fmt.is_video:
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


# Telling files apart -----------------------------------------------------------------------------

_PNG = b"\x89PNG\r\n\x1a\n"
_EBML = b"\x1a\x45\xdf\xa3"
# ISO base media files that browsers play as MP4; HEIC and AVIF pictures share the container.
_MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash",
     b"M4V ", b"M4VP", b"MSNV", b"mmp4"}
)  # fmt: skip
_IMAGE_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"avif", b"avis"})


def sniff(head: bytes) -> MediaFormat | None:
    """The format a file's first bytes announce, or ``None`` for anything else (SVG, text …)."""
    if head.startswith(b"\xff\xd8\xff"):
        return MediaFormat.JPEG
    if head.startswith(_PNG):
        return MediaFormat.PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return MediaFormat.GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return MediaFormat.WEBP
    if head[4:8] == b"ftyp" and _is_mp4(head):
        return MediaFormat.MP4
    if head.startswith(_EBML) and _ebml_doc_type(head) == b"webm":
        return MediaFormat.WEBM
    return None


def _is_mp4(head: bytes) -> bool:
    size = int.from_bytes(head[:4], "big")
    major = head[8:12]
    brands = {major} | {head[i : i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
    return major not in _IMAGE_BRANDS and bool(brands & _MP4_BRANDS)


def _ebml_doc_type(head: bytes) -> bytes | None:
    """The DocType of an EBML header ("webm" or "matroska"), read from the file's start."""
    found = head.find(b"\x42\x82", 4)
    if found < 0 or found + 2 >= len(head):
        return None
    length, width = _vint(head, found + 2)
    if length is None:
        return None
    start = found + 2 + width
    return head[start : start + length]


def _vint(data: bytes, pos: int) -> tuple[int | None, int]:
    first = data[pos]
    for width in range(1, 9):
        if first & (0x80 >> (width - 1)):
            value = first & (0xFF >> width)
            for byte in data[pos + 1 : pos + width]:
                value = (value << 8) | byte
            return value, width
    return None, 1


# Walking a picture's container -----------------------------------------------------------------


@dataclass(frozen=True)
class ImageInfo:
    format: MediaFormat
    width: int
    height: int


class _Cut(Exception):
    """The file ended in the middle of its image."""


def inspect_image(data: bytes, max_pixels: int = MAX_PIXELS) -> ImageInfo:
    """The picture's format and declared size, checked; :class:`Invalid` on ``file`` otherwise.

    Refuses, in this order: a file that is not a JPEG, PNG, GIF or WebP; a declared size over
    ``max_pixels`` (read from the header, before any pixel is decoded); a file cut short; and a
    file with bytes after its image's end, which browsers would ignore and other readers not.
    """
    fmt = sniff(data[:SNIFF_BYTES])
    if fmt is None or fmt.is_video:
        raise Invalid.field(FILE, f"is not {SUPPORTED} (told from its content, not its name)")
    try:
        width, height = _HEADERS[fmt](data)
        check_pixels(width, height, max_pixels)
        end = _ENDS[fmt](data)
    except (_Cut, IndexError, struct.error):
        raise Invalid.field(
            FILE, f"the file ends before its {fmt.label} image does: it is cut short or damaged"
        ) from None
    if end < len(data):
        raise Invalid.field(
            FILE,
            f"the file goes on for {len(data) - end:,} bytes after its {fmt.label} image ends, "
            "which is how other content hides in a picture: save it again from an image editor",
        )
    return ImageInfo(fmt, width, height)


def _need(data: bytes, end: int) -> None:
    if end > len(data):
        raise _Cut


def _png_size(data: bytes) -> tuple[int, int]:
    _need(data, 24)
    if data[12:16] != b"IHDR":
        raise _Cut
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _png_end(data: bytes) -> int:
    pos = len(_PNG)
    while True:
        _need(data, pos + 8)
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        pos += 12 + int(length)  # length, type, data, CRC
        _need(data, pos)
        if kind == b"IEND":
            return pos


_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})


def _marker(data: bytes, pos: int) -> tuple[int, int]:
    """The marker at ``pos`` (after any 0xFF fill bytes) and where its segment starts."""
    _need(data, pos + 2)
    if data[pos] != 0xFF:
        raise _Cut
    while data[pos] == 0xFF:
        pos += 1
        _need(data, pos + 1)
    return data[pos], pos + 1


def _segment_length(data: bytes, pos: int) -> int:
    _need(data, pos + 2)
    (length,) = struct.unpack(">H", data[pos : pos + 2])
    if length < 2:
        raise _Cut
    return int(length)


def _jpeg_size(data: bytes) -> tuple[int, int]:
    # The frame header comes before the scans, so its size is known before any pixel.
    pos = 2
    while True:
        marker, pos = _marker(data, pos)
        if marker in _STANDALONE:
            continue
        if marker in (0xD9, 0xDA):
            raise _Cut  # an end, or pixels, before any frame header
        length = _segment_length(data, pos)
        if marker in _SOF:
            _need(data, pos + 7)
            height, width = struct.unpack(">HH", data[pos + 3 : pos + 7])
            return int(width), int(height)
        pos += length


def _jpeg_end(data: bytes) -> int:
    pos = 2
    while True:
        marker, pos = _marker(data, pos)
        if marker == 0xD9:  # EOI
            return pos
        if marker in _STANDALONE:
            continue
        pos += _segment_length(data, pos)
        _need(data, pos)
        if marker == 0xDA:  # SOS: entropy-coded data runs to the next marker
            pos = _scan_end(data, pos)


def _scan_end(data: bytes, pos: int) -> int:
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            raise _Cut
        following = data[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:  # a stuffed 0xFF, a restart marker
            pos += 2
        elif following == 0xFF:
            pos += 1
        else:
            return pos


def _gif_size(data: bytes) -> tuple[int, int]:
    _need(data, 13)
    width, height = struct.unpack("<HH", data[6:10])
    return int(width), int(height)


def _gif_end(data: bytes) -> int:
    pos = 13
    if data[10] & 0x80:  # a global colour table follows the screen descriptor
        pos += 3 * 2 ** ((data[10] & 7) + 1)
    while True:
        _need(data, pos + 1)
        block = data[pos]
        if block == 0x3B:  # trailer
            return pos + 1
        if block == 0x21:  # extension: label, then sub-blocks
            pos = _sub_blocks(data, pos + 2)
        elif block == 0x2C:  # image: descriptor, colour table, LZW code size, sub-blocks
            _need(data, pos + 10)
            width, height = struct.unpack("<HH", data[pos + 5 : pos + 9])
            check_pixels(max(width, 1), max(height, 1))  # a frame larger than allowed
            flags = data[pos + 9]
            pos += 10
            if flags & 0x80:
                pos += 3 * 2 ** ((flags & 7) + 1)
            pos = _sub_blocks(data, pos + 1)
        else:
            raise _Cut


def _sub_blocks(data: bytes, pos: int) -> int:
    while True:
        _need(data, pos + 1)
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


def _webp_size(data: bytes) -> tuple[int, int]:
    _need(data, 30)
    chunk = data[12:16]
    if chunk == b"VP8 ":
        if data[23:26] != b"\x9d\x01\x2a":
            raise _Cut
        width, height = struct.unpack("<HH", data[26:30])
        return int(width) & 0x3FFF, int(height) & 0x3FFF
    if chunk == b"VP8L":
        if data[20] != 0x2F:
            raise _Cut
        (bits,) = struct.unpack("<I", data[21:25])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
        return width, height
    raise _Cut


def _webp_end(data: bytes) -> int:
    (size,) = struct.unpack("<I", data[4:8])
    end = 8 + int(size)
    _need(data, end)
    return end


_HEADERS = {
    MediaFormat.PNG: _png_size,
    MediaFormat.JPEG: _jpeg_size,
    MediaFormat.GIF: _gif_size,
    MediaFormat.WEBP: _webp_size,
}
_ENDS = {
    MediaFormat.PNG: _png_end,
    MediaFormat.JPEG: _jpeg_end,
    MediaFormat.GIF: _gif_end,
    MediaFormat.WEBP: _webp_end,
}


# Videos ------------------------------------------------------------------------------------------


class VideoKind(StrEnum):
    YOUTUBE = "youtube"
    VIMEO = "vimeo"
    UPLOAD = "upload"


@dataclass(frozen=True)
class Video:
    """A post's video: the address as the editor gave it, and what the page plays."""

    url: str
    kind: VideoKind
    # The player's address in an <iframe> (YouTube, Vimeo), or the file itself (an upload).
    embed_url: str

    @property
    def content_type(self) -> str:
        found = media_in_url(self.url) if self.kind is VideoKind.UPLOAD else None
        return found[1].format.content_type if found else ""


_YOUTUBE_HOSTS = frozenset(
    {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com",
     "www.youtube-nocookie.com"}
)  # fmt: skip
_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_PATH = re.compile(r"/(?:shorts|embed|live)/([A-Za-z0-9_-]{11})/?")
_VIMEO_HOSTS = frozenset({"vimeo.com", "www.vimeo.com"})
_VIMEO_PATH = re.compile(r"/([0-9]{1,12})(?:/([0-9a-f]{6,20}))?/?")
_VIMEO_PLAYER_PATH = re.compile(r"/video/([0-9]{1,12})/?")
_VIMEO_HASH = re.compile(r"[0-9a-f]{6,20}")


def parse_video(url: str, field: str = VIDEO_URL) -> Video:
    """What a video address plays; :class:`Invalid` on ``field`` for any other address."""
    found = video_of(url)
    if found is None:
        raise Invalid.field(
            field,
            "must be a YouTube or Vimeo address (youtube.com/watch?v=…, youtu.be/…, "
            "vimeo.com/…), or an MP4 or WebM video uploaded here",
        )
    return found


def video_of(url: str) -> Video | None:
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    youtube = _youtube_id(host, parts.path, parts.query)
    if youtube:
        return Video(url, VideoKind.YOUTUBE, f"https://www.youtube-nocookie.com/embed/{youtube}")
    vimeo = _vimeo(host, parts.path, parts.query)
    if vimeo:
        number, secret = vimeo
        extra = f"&h={secret}" if secret else ""
        return Video(url, VideoKind.VIMEO, f"https://player.vimeo.com/video/{number}?dnt=1{extra}")
    uploaded = media_in_url(url)
    if uploaded and uploaded[1].format.is_video:
        return Video(url, VideoKind.UPLOAD, url)
    return None


def _youtube_id(host: str, path: str, query: str) -> str | None:
    if host == "youtu.be":
        found = _YOUTUBE_ID.fullmatch(path.strip("/"))
        return found.group(0) if found else None
    if host not in _YOUTUBE_HOSTS:
        return None
    if path in ("/watch", "/watch/"):
        ids = parse_qs(query).get("v", [])
        return ids[0] if ids and _YOUTUBE_ID.fullmatch(ids[0]) else None
    found = _YOUTUBE_PATH.fullmatch(path)
    return found.group(1) if found else None


def _vimeo(host: str, path: str, query: str) -> tuple[str, str | None] | None:
    if host in _VIMEO_HOSTS:
        found = _VIMEO_PATH.fullmatch(path)
        return (found.group(1), found.group(2)) if found else None
    if host == "player.vimeo.com":
        found = _VIMEO_PLAYER_PATH.fullmatch(path)
        if not found:
            return None
        secret = parse_qs(query).get("h", [""])[0]
        return found.group(1), secret if _VIMEO_HASH.fullmatch(secret) else None
    return None
