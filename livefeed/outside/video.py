"""Reading an uploaded video or sound clip for real with Debian's ffprobe, and copying it clean
with ffmpeg.

A sound clip goes the same way: its sound copied alone, without tags or cover pictures.

A video's first bytes prove nothing, so ffprobe reads its whole container first
(``domain/containers.py`` judges its report). Then ffmpeg copies the video and sound tracks,
without re-encoding them, into a new file that keeps nothing else: not the container's or the
tracks' tags (where a phone was, the camera, a title), not chapters, not data or subtitle tracks
(where action cameras and drones log their GPS track), not cover pictures. Re-encoding would
take minutes of a core per clip and lose quality; copying takes a moment.

Both tools are run directly, never through a shell, with a time limit. They read the upload's
own temporary file by its descriptor (``/dev/fd/N``, so it is not copied first) and may open
local files only, whatever a file asks them to fetch. On a server without them, videos are
refused with a message saying why and pictures work as before.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from livefeed.domain.audio import read_audio_probe, unreadable_audio
from livefeed.domain.containers import VideoInfo, read_probe, unreadable_video
from livefeed.domain.errors import Invalid
from livefeed.domain.media import FILE, MediaFormat

# Reading a container is quick even for the largest upload taken; copying is bounded by disk
# speed. Anything slower is a file built to make them spin.
PROBE_SECONDS = 30
COPY_SECONDS = 300
MISSING = (
    "this site cannot take videos until its administrators install ffmpeg; pictures upload as usual"
)
# MP4's index goes first, so that a player can start before the whole file has arrived.
_MUXERS = {
    MediaFormat.MP4: ("-f", "mp4", "-movflags", "+faststart"),
    MediaFormat.WEBM: ("-f", "webm"),
    # No ID3 tag at all: the frames' own header (Xing) still tells players the length.
    MediaFormat.MP3: ("-f", "mp3", "-id3v2_version", "0"),
    MediaFormat.M4A: ("-f", "ipod", "-movflags", "+faststart"),
    MediaFormat.OGG: ("-f", "ogg"),
    MediaFormat.OPUS: ("-f", "opus"),
    MediaFormat.WAV: ("-f", "wav"),
}
# A video's moving pictures and sound; a sound clip's sound alone.
_TRACKS = {False: ("-map", "0:V?", "-map", "0:a?"), True: ("-map", "0:a")}
# Where a file may lead the tools: to local files only, never onto the network.
_LOCAL_ONLY = ("-protocol_whitelist", "file")


def probe(source: IO[bytes], fmt: MediaFormat) -> VideoInfo:
    """What ``source`` holds, read by ffprobe; :class:`Invalid` on ``file`` unless it is a
    video of kind ``fmt`` with a length and something to watch or hear, or a sound clip of
    kind ``fmt`` with a length and nothing to watch."""
    report = _run(
        "ffprobe",
        ["-v", "error", *_LOCAL_ONLY, "-print_format", "json", "-show_format", "-show_streams"],
        source,
        [],
        PROBE_SECONDS,
    )
    if report is None:
        raise unreadable_audio(fmt) if fmt.is_audio else unreadable_video(fmt)
    if fmt.is_audio:
        return VideoInfo(fmt, read_audio_probe(report, fmt))
    return read_probe(report, fmt)


@contextmanager
def copied_clean(source: IO[bytes], fmt: MediaFormat) -> Iterator[IO[bytes]]:
    """``source``'s video and sound in a new temporary file, without anything else it held."""
    with tempfile.TemporaryDirectory(prefix="livefeed-video-") as folder:
        target = Path(folder) / f"clean.{fmt.ext}"
        done = _run(
            "ffmpeg",
            ["-nostdin", "-v", "error", *_LOCAL_ONLY, "-i"],
            source,
            # Video tracks but no cover pictures (V, not v), sound, copied as they are;
            # bit-exact, so the muxer writes no name or version of its own either.
            [*_TRACKS[fmt.is_audio], "-c", "copy", "-map_metadata", "-1",
             "-map_chapters", "-1", "-fflags", "+bitexact", *_MUXERS[fmt], str(target)],
            COPY_SECONDS,
        )  # fmt: skip
        if done is None and fmt.is_audio:
            raise Invalid.field(
                FILE,
                "the %(kind)s clip could not be copied without its tags: it is damaged",
                kind=fmt.label,
            )
        if done is None:
            raise Invalid.field(
                FILE,
                "the %(kind)s video could not be copied without its tags: it is damaged, or "
                "holds video or sound that %(kind)s cannot carry",
                kind=fmt.label,
            )
        with target.open("rb") as clean:
            yield clean


def _run(
    tool: str, before: list[str], source: IO[bytes], after: list[str], seconds: int
) -> bytes | None:
    """The tool's output on ``source``, or ``None`` if it failed on it."""
    program = shutil.which(tool)
    if program is None:
        raise Invalid.field(FILE, MISSING)
    descriptor = source.fileno()
    command = [program, "-hide_banner", *before, f"file:/dev/fd/{descriptor}", *after]
    try:
        # A list, no shell; the only outside value is a descriptor number.
        done = subprocess.run(  # noqa: S603
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            pass_fds=(descriptor,),
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise Invalid.field(
            FILE,
            "reading the video took longer than %(seconds)s seconds: it is not taken",
            seconds=seconds,
        ) from None
    return done.stdout if done.returncode == 0 else None
