"""A post's video: an upload of our own (see ``media.py``) or a YouTube or Vimeo address, and
what the page plays for each: the file, or the service's privacy-enhanced player.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qs, urlsplit

from livefeed.domain.errors import Invalid
from livefeed.domain.media import VIDEO_URL, length_text, media_in_url


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
    # An upload's length, found when the post is written so that showing it needs no look-up.
    duration_ms: int | None = None
    # What it shows, in the editor's words, for readers who cannot see it ("": not described).
    alt: str = ""

    @property
    def length(self) -> str:
        return length_text(self.duration_ms)

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


def video_of(url: str, duration_ms: int | None = None) -> Video | None:
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
        return Video(url, VideoKind.UPLOAD, url, duration_ms)
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
