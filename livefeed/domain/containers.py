"""A file's kind, told from its bytes, a picture's container walked without decoding it, and
what ffprobe found in a video.

A file is told apart by its signature, never by its name or declared type. A picture's
container is then walked: the size it declares is checked before anything decodes its pixels,
and a file that goes on after its image has ended (a PNG with a page of HTML after ``IEND``,
JPEG data after ``EOI``, a GIF after its trailer, a WebP beyond its RIFF size) is refused:
browsers ignore such bytes, other readers of the file may not.

A video's signature is a dozen bytes anyone can write before anything at all, so a video is
taken only once ffprobe has read its whole container (``outside/video.py`` runs it) and found
the container its signature announced, a length, and something to watch or hear.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass

from livefeed.domain.audio import sniff_audio
from livefeed.domain.errors import Invalid
from livefeed.domain.media import (
    FILE,
    MAX_PIXELS,
    SNIFF_BYTES,
    SUPPORTED,
    MediaFormat,
    check_pixels,
)

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
    sound = sniff_audio(head)
    if sound is not None:
        return sound
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


# Walking a picture's container ---------------------------------------------------------------


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
    if fmt is None or not fmt.is_picture:
        raise Invalid.field(
            FILE, "is not %(kinds)s (told from its content, not its name)", kinds=SUPPORTED
        )
    try:
        width, height = _HEADERS[fmt](data)
        check_pixels(width, height, max_pixels)
        end = _ENDS[fmt](data)
    except (_Cut, IndexError, struct.error):
        raise Invalid.field(
            FILE,
            "the file ends before its %(kind)s image does: it is cut short or damaged",
            kind=fmt.label,
        ) from None
    if end < len(data):
        size = f"{len(data) - end:,}"
        raise Invalid.field(
            FILE,
            "the file goes on for %(size)s bytes after its %(kind)s image ends, "
            "which is how other content hides in a picture: save it again from an image editor",
            size=size,
            kind=fmt.label,
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


# What ffprobe found in a video --------------------------------------------------------------

# The name each kind has among the formats ffprobe reports its demuxer reads.
_DEMUXED_AS = {MediaFormat.MP4: "mp4", MediaFormat.WEBM: "webm"}
_NAMED = {MediaFormat.MP4: "an MP4", MediaFormat.WEBM: "a WebM"}


@dataclass(frozen=True)
class VideoInfo:
    format: MediaFormat
    duration_ms: int


def unreadable_video(fmt: MediaFormat) -> Invalid:
    """ffprobe could not read the file as the video its first bytes announced."""
    return Invalid.field(
        FILE,
        "could not be read as %(kind)s video: it is damaged, cut short or not a video at all",
        kind=_NAMED[fmt],
    )


def read_probe(report: str | bytes, fmt: MediaFormat) -> VideoInfo:
    """The video ffprobe's JSON report (``-show_format -show_streams``) describes, for a file
    whose first bytes announced ``fmt``; :class:`Invalid` on ``file`` unless ffprobe read it as
    that kind of container and found a length and a video or sound track in it."""
    try:
        parsed = json.loads(report)
    except ValueError:
        raise unreadable_video(fmt) from None
    container = parsed.get("format") if isinstance(parsed, dict) else None
    if not isinstance(container, dict):
        raise unreadable_video(fmt)
    names = str(container.get("format_name", "")).split(",")
    if _DEMUXED_AS[fmt] not in names:
        raise Invalid.field(
            FILE,
            "starts like %(kind)s video but is something else inside: send the video",
            kind=_NAMED[fmt],
        )
    if not any(_playable(stream) for stream in parsed.get("streams") or ()):
        raise Invalid.field(
            FILE, "the %(kind)s file holds no video or sound to play", kind=fmt.label
        )
    seconds = _seconds(container.get("duration"))
    if seconds is None:
        raise Invalid.field(
            FILE, "the %(kind)s video says nothing of how long it is: it is damaged", kind=fmt.label
        )
    return VideoInfo(fmt, max(1, round(seconds * 1000)))


def _playable(stream: object) -> bool:
    """A video or sound track; a cover picture stored as a one-frame video track is not one."""
    if not isinstance(stream, dict) or stream.get("codec_type") not in ("video", "audio"):
        return False
    disposition = stream.get("disposition")
    return not (isinstance(disposition, dict) and disposition.get("attached_pic"))


def _seconds(value: object) -> float | None:
    """A positive length from ffprobe's decimal string ("12.345000"); it says "N/A" for none."""
    try:
        seconds = float(value) if isinstance(value, str | int | float) else math.nan
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds > 0 else None
