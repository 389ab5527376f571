"""Judging ffprobe's report on an uploaded video: its container, its tracks, its length.

The reports are ffprobe's JSON as Debian's ffprobe writes it (``-show_format -show_streams``),
cut down to what is read.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from livefeed.domain.containers import VideoInfo, read_probe, unreadable_video
from livefeed.domain.errors import Invalid
from livefeed.domain.media import MediaFormat

MOV = "mov,mp4,m4a,3gp,3g2,mj2"
MATROSKA = "matroska,webm"
VIDEO = {"index": 0, "codec_type": "video", "disposition": {"attached_pic": 0}}
AUDIO = {"index": 1, "codec_type": "audio", "disposition": {"attached_pic": 0}}
COVER = {"index": 2, "codec_type": "video", "disposition": {"attached_pic": 1}}
DATA = {"index": 3, "codec_type": "data", "tags": {"handler_name": "GoPro MET"}}
NOT_MP4 = "starts like an MP4 video but is something else inside"


def report(
    format_name: str = MOV, duration: object = "12.345000", streams: list[Any] | None = None
) -> str:
    container: dict[str, Any] = {"format_name": format_name}
    if duration is not None:
        container["duration"] = duration
    return json.dumps({"streams": [VIDEO, AUDIO] if streams is None else streams,
                       "format": container})  # fmt: skip


def refusal(text: str | bytes, fmt: MediaFormat = MediaFormat.MP4) -> str:
    with pytest.raises(Invalid) as error:
        read_probe(text, fmt)
    assert list(error.value.errors) == ["file"]
    return error.value.errors["file"]


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        (report(), MediaFormat.MP4, VideoInfo(MediaFormat.MP4, 12_345)),
        (report(MATROSKA, "1.0"), MediaFormat.WEBM, VideoInfo(MediaFormat.WEBM, 1_000)),
        (report(streams=[AUDIO]), MediaFormat.MP4, VideoInfo(MediaFormat.MP4, 12_345)),
        (report(streams=[DATA, VIDEO]), MediaFormat.MP4, VideoInfo(MediaFormat.MP4, 12_345)),
        (report(duration="0.0004").encode(), MediaFormat.MP4, VideoInfo(MediaFormat.MP4, 1)),
    ],
    ids=["mp4", "webm", "sound-only", "with-a-data-track", "bytes-and-a-sliver"],
)
def test_a_playable_video_gives_its_length(
    text: str | bytes, fmt: MediaFormat, expected: VideoInfo
) -> None:
    assert read_probe(text, fmt) == expected


@pytest.mark.parametrize(
    ("text", "fmt", "message"),
    [
        (
            report(MATROSKA),
            MediaFormat.MP4,
            "starts like an MP4 video but is something else inside",
        ),
        (report(MOV), MediaFormat.WEBM, "starts like a WebM video but is something else inside"),
        (
            report("mpegts"),
            MediaFormat.MP4,
            "starts like an MP4 video but is something else inside",
        ),
        (report(streams=[]), MediaFormat.MP4, "the MP4 file holds no video or sound to play"),
        (report(streams=[COVER, DATA]), MediaFormat.MP4, "holds no video or sound to play"),
        (report(streams=["video"]), MediaFormat.MP4, "holds no video or sound to play"),
        (report(duration=None), MediaFormat.MP4, "says nothing of how long it is"),
        (report(duration="N/A"), MediaFormat.MP4, "says nothing of how long it is"),
        (report(duration="0.000000"), MediaFormat.MP4, "says nothing of how long it is"),
        (report(duration="-3"), MediaFormat.MP4, "says nothing of how long it is"),
        (report(duration="nan"), MediaFormat.MP4, "says nothing of how long it is"),
        (report(duration="inf"), MediaFormat.MP4, "says nothing of how long it is"),
        (report(duration=[1]), MediaFormat.MP4, "says nothing of how long it is"),
    ],
)
def test_anything_else_is_refused_on_the_file_field(
    text: str, fmt: MediaFormat, message: str
) -> None:
    assert message in refusal(text, fmt)


@pytest.mark.parametrize(
    "text", ["", "{", "[]", '{"streams": []}', '{"format": "mov"}', b"\xff\xfe"]
)
def test_a_report_that_is_not_one_reads_as_an_unreadable_video(text: str | bytes) -> None:
    assert refusal(text) == unreadable_video(MediaFormat.MP4).errors["file"]
    assert refusal(text) == (
        "could not be read as an MP4 video: it is damaged, cut short or not a video at all"
    )
