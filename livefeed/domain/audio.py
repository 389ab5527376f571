"""Sound clips: an uploaded file's kind told from its bytes, what ffprobe found in it, and a
post's audio (an upload of ours, or a moment of its feed's live stream recording).

A clip is taken as a video is (see ``containers.py``): its signature says which container it
claims to be, and only once ffprobe has read it whole, found that container, a length, sound and
no pictures that move, is it kept (``outside/video.py`` runs the tools and copies it clean).

Standard library only.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

from livefeed.domain.errors import Checks, Invalid
from livefeed.domain.media import FILE, MediaFormat, length_text, media_in_url

AUDIO_URL = "audio.url"
AUDIO_TRANSCRIPT = "audio.transcript"
AUDIO_START = "audio.start"
RECORDING_URL = "recording_url"
TRANSCRIPT_LENGTH = 20_000
# A day of stream: a start past it is a typo, not a moment of one broadcast.
LONGEST_START = 24 * 3600

_ID3 = b"ID3"
_OGG = b"OggS"


def sniff_audio(head: bytes) -> MediaFormat | None:
    """The sound format a file's first bytes announce, or ``None``."""
    if head.startswith(_ID3) or _is_mpeg_frame(head):
        return MediaFormat.MP3
    if head[4:8] == b"ftyp" and head[8:12] in (b"M4A ", b"M4B "):
        return MediaFormat.M4A
    if head.startswith(_OGG):
        # The first page holds one packet: the codec's own header, right after the segment table.
        packet = head[27 + head[26] :] if len(head) > 26 else b""
        if packet.startswith(b"OpusHead"):
            return MediaFormat.OPUS
        if packet.startswith(b"\x01vorbis"):
            return MediaFormat.OGG
        return None
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return MediaFormat.WAV
    return None


def _is_mpeg_frame(head: bytes) -> bool:
    """An MPEG audio frame's sync word with a layer set (AAC's ADTS frames have none)."""
    return len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0


# What ffprobe found in a clip ----------------------------------------------------------------

# The name each kind has among the formats ffprobe reports its demuxer reads.
_DEMUXED_AS = {
    MediaFormat.MP3: "mp3",
    MediaFormat.M4A: "m4a",
    MediaFormat.OGG: "ogg",
    MediaFormat.OPUS: "ogg",
    MediaFormat.WAV: "wav",
}


def unreadable_audio(fmt: MediaFormat) -> Invalid:
    return Invalid.field(
        FILE,
        "could not be read as %(kind)s audio: it is damaged, cut short or not a sound file at all",
        kind=fmt.label,
    )


def read_audio_probe(report: str | bytes, fmt: MediaFormat) -> int:
    """The length in milliseconds of the clip ffprobe's JSON report describes; :class:`Invalid`
    on ``file`` unless it is the container ``fmt`` announced, with sound, no moving pictures
    and a length."""
    try:
        parsed = json.loads(report)
    except ValueError:
        raise unreadable_audio(fmt) from None
    container = parsed.get("format") if isinstance(parsed, dict) else None
    if not isinstance(container, dict):
        raise unreadable_audio(fmt)
    if _DEMUXED_AS[fmt] not in str(container.get("format_name", "")).split(","):
        raise unreadable_audio(fmt)
    kinds = [_kind(stream) for stream in parsed.get("streams") or ()]
    if "audio" not in kinds or "video" in kinds:
        raise Invalid.field(
            FILE, "the %(kind)s file must hold sound and nothing to watch", kind=fmt.label
        )
    seconds = _seconds(container.get("duration"))
    if seconds is None:
        raise unreadable_audio(fmt)
    return max(1, round(seconds * 1000))


def _kind(stream: object) -> str:
    """A track's kind; a cover picture (a one-frame video track) is none, being dropped."""
    if not isinstance(stream, dict):
        return ""
    disposition = stream.get("disposition")
    if isinstance(disposition, dict) and disposition.get("attached_pic"):
        return ""
    return str(stream.get("codec_type", ""))


def _seconds(value: object) -> float | None:
    try:
        seconds = float(value) if isinstance(value, str | int | float) else math.nan
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds > 0 else None


# A post's audio ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audio:
    """A post's sound: an uploaded clip (``url``), or a moment (``start``, in seconds) of its
    feed's live stream recording; and what is said in it, for those who cannot listen."""

    url: str = ""
    transcript: str = ""
    start: int | None = None
    # An upload's length and size, found when the post is written so that showing it (and
    # listing it in feeds for apps) needs no look-up.
    duration_ms: int | None = None
    byte_size: int | None = None

    @property
    def length(self) -> str:
        return length_text(self.duration_ms)

    @property
    def content_type(self) -> str:
        found = media_in_url(self.url)
        return found[1].format.content_type if found else ""

    @property
    def start_text(self) -> str:
        return clock_text(self.start or 0)

    def source(self, recording_url: str) -> str:
        """What the player plays: the clip, or the recording from the moment (a media
        fragment, which browsers seek to)."""
        if self.start is None:
            return self.url
        return f"{recording_url}#t={self.start}" if recording_url else ""


_CLOCK = re.compile(r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})")


def parse_start(value: object) -> int | None:
    """A moment of a recording, as seconds (``845``) or a clock (``14:05``, ``1:14:05``)."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if isinstance(value, int) and not isinstance(value, bool):
        seconds: int | None = value
    elif text.isdigit():
        seconds = int(text)
    elif found := _CLOCK.fullmatch(text):
        hours, minutes, secs = (int(part or 0) for part in found.groups())
        seconds = hours * 3600 + minutes * 60 + secs if minutes < 60 and secs < 60 else None
    else:
        seconds = None
    if seconds is None or not 0 <= seconds <= LONGEST_START:
        raise Invalid.field(
            AUDIO_START,
            "give the moment in seconds or as hours:minutes:seconds (14:05:30), "
            "within the first day of the recording",
        )
    return seconds


def clock_text(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02}:{rest % 60:02}"


def parse_audio(checks: Checks, url: str, transcript: str, start: object) -> Audio | None:
    """A post's audio from its fields, faults noted on ``checks``; ``None`` when it has none.
    A transcript alone is dropped, as a video's description is: a client removes the clip
    by its address alone."""
    moment = checks.run(lambda: parse_start(start), None)
    if url and moment is not None:
        checks.fail(AUDIO_START, "give either a clip's address or a moment of the recording")
        return None
    if url:
        found = media_in_url(url)
        if found is None or not found[1].format.is_audio:
            checks.fail(AUDIO_URL, "must be the address of an audio clip uploaded here")
            return None
        return Audio(url=url, transcript=transcript)
    if moment is not None:
        return Audio(transcript=transcript, start=moment)
    return None


def check_recording(audio: Audio | None, recording_url: str) -> None:
    """A moment of the recording needs the feed to have one."""
    if audio is not None and audio.start is not None and not recording_url:
        raise Invalid.field(
            AUDIO_START,
            "this feed has no live stream recording to start from: give its address in the "
            "feed's settings first",
        )
