"""Debian's ffprobe and ffmpeg on real files: what is read, what is copied, what is left out."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from livefeed.domain.errors import Invalid
from livefeed.domain.media import MediaFormat
from livefeed.outside import video
from tests import media_files as files

UNREADABLE = "could not be read as an MP4 video: it is damaged, cut short or not a video at all"
ELSE_INSIDE = "starts like an MP4 video but is something else inside: send the video"


@pytest.fixture(autouse=True)
def ffmpeg() -> None:
    files.need_ffmpeg()


@pytest.fixture
def opened() -> Iterator[list[IO[bytes]]]:
    handles: list[IO[bytes]] = []
    yield handles
    for handle in handles:
        handle.close()


def on_disk(data: bytes, folder: Path, handles: list[IO[bytes]]) -> IO[bytes]:
    path = folder / f"upload-{len(handles)}"
    path.write_bytes(data)
    handles.append(path.open("rb"))
    return handles[-1]


def refusal(error: pytest.ExceptionInfo[Invalid]) -> str:
    assert list(error.value.errors) == ["file"]
    return error.value.errors["file"]


@pytest.mark.parametrize("fmt", [MediaFormat.MP4, MediaFormat.WEBM])
def test_a_real_clip_is_read_for_its_length(
    fmt: MediaFormat, tmp_path: Path, opened: list[IO[bytes]]
) -> None:
    source = on_disk(files.video(fmt.ext, seconds=2), tmp_path, opened)

    info = video.probe(source, fmt)

    assert info.format is fmt
    assert 1900 <= info.duration_ms <= 2100


def test_a_clip_sent_as_the_other_kind_is_refused(tmp_path: Path, opened: list[IO[bytes]]) -> None:
    source = on_disk(files.video("webm"), tmp_path, opened)
    with pytest.raises(Invalid) as error:
        video.probe(source, MediaFormat.MP4)
    assert refusal(error) == ELSE_INSIDE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (files.mp4_signature_then_zeros(1024 * 1024), UNREADABLE),
        (files.mp4(), UNREADABLE),
        (files.png(40, 30), ELSE_INSIDE),
    ],
    ids=["signature-then-zeros", "ftyp-then-padding", "a-picture"],
)
def test_anything_that_only_starts_like_a_video_is_refused(
    data: bytes, message: str, tmp_path: Path, opened: list[IO[bytes]]
) -> None:
    with pytest.raises(Invalid) as error:
        video.probe(on_disk(data, tmp_path, opened), MediaFormat.MP4)
    assert refusal(error) == message


def test_a_playlist_pointing_elsewhere_is_not_taken(
    tmp_path: Path, opened: list[IO[bytes]]
) -> None:
    # A playlist naming a file elsewhere on the disk, and an address on the network.
    secret = tmp_path / "secret.mp4"
    secret.write_bytes(files.video("mp4"))
    playlist = f"#EXTM3U\n#EXTINF:1,\nfile:{secret}\n#EXTINF:1,\nhttp://127.0.0.1:9/x.ts\n"
    with pytest.raises(Invalid):
        video.probe(on_disk(playlist.encode(), tmp_path, opened), MediaFormat.MP4)


@pytest.mark.parametrize("fmt", [MediaFormat.MP4, MediaFormat.WEBM])
def test_the_copy_keeps_the_tracks_and_nothing_that_says_where(
    fmt: MediaFormat, tmp_path: Path, opened: list[IO[bytes]]
) -> None:
    clip = files.video(fmt.ext)
    source = on_disk(clip, tmp_path, opened)

    with video.copied_clean(source, fmt) as clean:
        kept = clean.read()
        folder = Path(clean.name).parent

    report = files.probe(kept)
    assert {key.lower() for key in report["format"].get("tags", {})} <= {
        "major_brand", "minor_version", "compatible_brands", "encoder",
    }  # fmt: skip
    assert report["format"].get("tags", {}).get("encoder", "Lavf") == "Lavf"  # no version
    assert [stream["codec_type"] for stream in report["streams"]] == ["video", "audio"]
    assert files.PARIS.encode() not in kept
    assert b"secret" not in kept
    again = video.probe(on_disk(kept, tmp_path, opened), fmt)
    assert again.format is fmt
    assert abs(again.duration_ms - 1000) < 50
    assert not folder.exists()  # the temporary copy is gone once stored


def test_data_subtitle_and_cover_tracks_are_left_out(
    tmp_path: Path, opened: list[IO[bytes]]
) -> None:
    original, clip = tmp_path / "in.mp4", tmp_path / "tracks.mp4"
    original.write_bytes(files.video("mp4"))
    cover = tmp_path / "cover.png"
    cover.write_bytes(files.png(32, 32))
    subtitles = tmp_path / "where.srt"
    subtitles.write_text("1\n00:00:00,000 --> 00:00:01,000\nGPS 48.8566 2.3522\n")
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-i", str(original), "-i", str(subtitles),
         "-i", str(cover), "-map", "0", "-map", "1", "-map", "2", "-c", "copy",
         "-c:s", "mov_text", "-disposition:v:1", "attached_pic", str(clip)],
        check=True, timeout=60,
    )  # fmt: skip
    assert [s["codec_type"] for s in files.probe(clip.read_bytes())["streams"]] == [
        "video", "audio", "subtitle", "video",
    ]  # fmt: skip

    with video.copied_clean(on_disk(clip.read_bytes(), tmp_path, opened), MediaFormat.MP4) as clean:
        kept = clean.read()

    assert [s["codec_type"] for s in files.probe(kept)["streams"]] == ["video", "audio"]
    assert b"GPS 48.8566" not in kept


def test_without_ffmpeg_a_video_is_refused_with_the_reason(
    tmp_path: Path, opened: list[IO[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = on_disk(files.video("mp4"), tmp_path, opened)
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(Invalid) as error:
        video.probe(source, MediaFormat.MP4)
    assert refusal(error) == video.MISSING
    with pytest.raises(Invalid) as error, video.copied_clean(source, MediaFormat.MP4):
        pass
    assert refusal(error) == video.MISSING
