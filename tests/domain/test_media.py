"""The rules for uploads and videos, on plain bytes and strings: no database, no Pillow decode."""

from __future__ import annotations

import pytest

from livefeed.domain.containers import inspect_image, sniff
from livefeed.domain.errors import Invalid
from livefeed.domain.media import (
    MAX_PIXELS,
    MediaFormat,
    TooLarge,
    check_alt,
    check_file_name,
    media_in_url,
    media_name,
    parse_media_name,
    rendition_widths,
    scaled_height,
    size_limit,
    too_large,
)
from livefeed.domain.videos import VideoKind, parse_video
from tests import media_files as files

DIGEST = "ab" * 32


def message(error: pytest.ExceptionInfo[Invalid], field: str = "file") -> str:
    assert list(error.value.errors) == [field]
    return error.value.errors[field]


# Telling files apart by their bytes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (files.jpeg(40, 30), MediaFormat.JPEG),
        (files.png(40, 30), MediaFormat.PNG),
        (files.gif(40, 30), MediaFormat.GIF),
        (files.webp(40, 30), MediaFormat.WEBP),
        (files.mp4(), MediaFormat.MP4),
        (files.webm(), MediaFormat.WEBM),
        (files.SVG, None),
        (b"just some text, saved as photo.jpg\n" * 4, None),
        (files.PAGE, None),
        (b"%PDF-1.7\n" + bytes(64), None),
        # HEIC and AVIF pictures share MP4's container, and are not videos.
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(40), None),
        (b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00avifmif1" + bytes(40), None),
        # Matroska is WebM's parent format, but browsers only promise to play WebM.
        (files.webm().replace(b"webm", b"mkvx"), None),
        (b"", None),
    ],
)
def test_a_file_is_told_by_its_first_bytes(data: bytes, expected: MediaFormat | None) -> None:
    assert sniff(data[:64]) is expected


@pytest.mark.parametrize(
    ("data", "fmt", "size"),
    [
        (files.jpeg(333, 222), MediaFormat.JPEG, (333, 222)),
        (files.png(333, 222, "RGBA"), MediaFormat.PNG, (333, 222)),
        (files.gif(333, 222, frames=3), MediaFormat.GIF, (333, 222)),
        (files.webp(333, 222), MediaFormat.WEBP, (333, 222)),
        (files.encode(files.picture(333, 222), "WEBP", lossless=True), MediaFormat.WEBP,
         (333, 222)),
        (files.encode(files.picture(333, 222), "JPEG", progressive=True), MediaFormat.JPEG,
         (333, 222)),
    ],
)  # fmt: skip
def test_a_picture_is_read_for_its_format_and_size(
    data: bytes, fmt: MediaFormat, size: tuple[int, int]
) -> None:
    info = inspect_image(data)
    assert (info.format, info.width, info.height) == (fmt, *size)


@pytest.mark.parametrize(
    ("data", "label"),
    [
        (files.png(60, 40), "PNG"),  # after IEND
        (files.jpeg(60, 40), "JPEG"),  # after EOI
        (files.gif(60, 40), "GIF"),  # after the trailer
        (files.webp(60, 40), "WebP"),  # beyond its RIFF size
    ],
)
def test_bytes_after_the_image_are_refused(data: bytes, label: str) -> None:
    with pytest.raises(Invalid) as error:
        inspect_image(data + files.PAGE)
    assert message(error) == (
        f"the file goes on for {len(files.PAGE)} bytes after its {label} image ends, which is "
        "how other content hides in a picture: save it again from an image editor"
    )
    inspect_image(data)  # the same picture without them is fine


@pytest.mark.parametrize("make", [files.png, files.jpeg, files.gif, files.webp])
def test_a_picture_cut_short_is_refused(make: object) -> None:
    assert callable(make)
    data: bytes = make(60, 40)
    with pytest.raises(Invalid) as error:
        inspect_image(data[: len(data) - 20])
    assert "cut short or damaged" in message(error)


def test_the_declared_size_is_refused_before_any_pixel_is_decoded() -> None:
    # 30,000 × 30,000 claimed in 60-odd bytes: its pixels would not even decode (too few).
    crafted = files.png_declaring(30_000, 30_000)
    assert len(crafted) < 200

    with pytest.raises(Invalid) as error:
        inspect_image(crafted)

    assert message(error) == (
        "the picture is 30,000 × 30,000 pixels; the most this site takes is 40 megapixels"
    )


def test_a_picture_just_within_the_pixel_limit_passes_the_header_check() -> None:
    # 8,000 × 5,000 is exactly 40 megapixels: refused pixels start one past it.
    assert inspect_image(files.png_declaring(8_000, 5_000)).width == 8_000
    with pytest.raises(Invalid):
        inspect_image(files.png_declaring(8_000, 5_001))
    assert MAX_PIXELS == 8_000 * 5_000


def test_a_jpeg_frame_header_declaring_too_much_is_refused() -> None:
    data = bytearray(files.jpeg(64, 48))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = (60_000).to_bytes(2, "big") + (60_000).to_bytes(2, "big")
    with pytest.raises(Invalid) as error:
        inspect_image(bytes(data))
    assert "60,000 × 60,000 pixels" in message(error)


def test_a_gif_frame_larger_than_allowed_is_refused_even_on_a_small_screen() -> None:
    data = bytearray(files.gif(20, 10))
    frame = data.index(b"\x2c\x00\x00\x00\x00")
    data[frame + 5 : frame + 9] = (65_000).to_bytes(2, "little") + (65_000).to_bytes(2, "little")
    with pytest.raises(Invalid) as error:
        inspect_image(bytes(data))
    assert "65,000 × 65,000" in message(error)


@pytest.mark.parametrize(
    "data", [files.SVG, files.PAGE, b"text renamed photo.jpg", files.mp4(), files.webm()]
)
def test_anything_but_a_picture_is_not_inspected_as_one(data: bytes) -> None:
    with pytest.raises(Invalid) as error:
        inspect_image(data)
    assert message(error) == (
        "is not a JPEG, PNG, GIF or WebP picture, or an MP4 or WebM video "
        "(told from its content, not its name)"
    )


# Names, descriptions, sizes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../../x.png", "a/b.png", "a\\b.png", "/etc/passwd", "..", ".", "x.png\x00.txt"]
)
def test_a_file_name_with_a_path_is_refused(name: str) -> None:
    with pytest.raises(Invalid) as error:
        check_file_name(name)
    assert message(error) == (
        f"the file name “{name}” holds a path: send the file under its own name only"
    )


@pytest.mark.parametrize("name", ["photo.jpg", "Harbour at dawn (2).PNG", "été.webp", ".png"])
def test_a_plain_file_name_is_taken(name: str) -> None:
    assert check_file_name(name) == name


def test_an_empty_or_overlong_file_name_is_refused() -> None:
    for name in ("", "x" * 256):
        with pytest.raises(Invalid):
            check_file_name(name)


def test_the_description_is_required_and_limited() -> None:
    assert check_alt("  A crowd   at the gate\n") == "A crowd at the gate"
    for empty in (None, "", "   ", 7):
        with pytest.raises(Invalid) as error:
            check_alt(empty)
        assert message(error, "alt") == "describe the picture for readers who cannot see it"
    with pytest.raises(Invalid) as error:
        check_alt("x" * 501)
    assert message(error, "alt") == "must be at most 500 characters (it has 501)"


def test_each_kind_has_its_size_limit_and_a_413_naming_the_file() -> None:
    limits = {"image_bytes": 20 * 1024 * 1024, "video_bytes": 200 * 1024 * 1024}
    assert size_limit(MediaFormat.PNG, **limits) == 20 * 1024 * 1024
    assert size_limit(MediaFormat.WEBM, **limits) == 200 * 1024 * 1024
    assert size_limit(None, **limits) == 20 * 1024 * 1024

    error = too_large(MediaFormat.PNG, 20 * 1024 * 1024)

    assert isinstance(error, TooLarge)
    assert error.status == 413
    assert error.errors == {"file": "the picture is over 20 MB, the most this site takes"}
    assert too_large(MediaFormat.MP4, 1000).errors["file"] == (
        "the video is over 1,000 bytes, the most this site takes"
    )


# Renditions --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "widths"),
    [
        (1, (1,)),
        (300, (300,)),
        (480, (480,)),
        (700, (480, 700)),
        (960, (480, 960)),
        (1200, (480, 960, 1200)),
        (1600, (480, 960, 1600)),
        (1601, (480, 960, 1600)),
        (6000, (480, 960, 1600)),
    ],
)
def test_renditions_are_never_enlarged(width: int, widths: tuple[int, ...]) -> None:
    assert rendition_widths(width) == widths


def test_a_rendition_keeps_the_aspect_ratio() -> None:
    assert scaled_height(4000, 3000, 480) == 360
    assert scaled_height(1000, 333, 480) == 160  # 159.84, rounded
    assert scaled_height(6000, 1, 480) == 1  # never squashed to nothing


def test_file_names_say_their_content_width_and_type() -> None:
    assert media_name(DIGEST, MediaFormat.JPEG, 480) == f"{DIGEST}-480.jpg"
    assert media_name(DIGEST, MediaFormat.MP4) == f"{DIGEST}.mp4"
    parsed = parse_media_name(f"{DIGEST}-960.webp")
    assert parsed is not None
    assert (parsed.hash, parsed.width, parsed.format) == (DIGEST, 960, MediaFormat.WEBP)


@pytest.mark.parametrize(
    "name",
    [
        f"{DIGEST}.png",  # a picture always has a width
        f"{DIGEST}-480.mp4",  # a video never has one
        f"{DIGEST}-0480.jpg",
        f"{DIGEST}-480.svg",
        f"{DIGEST}-480.jpeg",
        f"{DIGEST.upper()}-480.jpg",
        f"../{DIGEST}-480.jpg",
        f"{DIGEST}-480.jpg/",
        ".incoming-abc",
        "passwd",
    ],
)
def test_no_other_file_name_is_ours(name: str) -> None:
    assert parse_media_name(name) is None


def test_an_address_of_an_upload_names_its_origin_and_file() -> None:
    found = media_in_url(f"HTTPS://Live.Example.org/media/{DIGEST}-480.jpg")
    assert found is not None
    assert found[0] == "https://live.example.org"
    assert found[1].width == 480
    for other in (
        f"https://live.example.org/media/{DIGEST}-480.jpg?x=1",
        f"https://live.example.org/elsewhere/{DIGEST}-480.jpg",
        "https://live.example.org/media/",
        "not a url",
    ):
        assert media_in_url(other) is None


# Videos ------------------------------------------------------------------------------------------

YOUTUBE = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


@pytest.mark.parametrize(
    ("url", "kind", "embed"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", VideoKind.YOUTUBE, YOUTUBE),
        ("https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s&list=x", VideoKind.YOUTUBE, YOUTUBE),
        ("http://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ", VideoKind.YOUTUBE, YOUTUBE),
        ("https://youtu.be/dQw4w9WgXcQ", VideoKind.YOUTUBE, YOUTUBE),
        ("https://youtu.be/dQw4w9WgXcQ?si=abc", VideoKind.YOUTUBE, YOUTUBE),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", VideoKind.YOUTUBE, YOUTUBE),
        ("https://www.youtube.com/embed/dQw4w9WgXcQ", VideoKind.YOUTUBE, YOUTUBE),
        ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", VideoKind.YOUTUBE, YOUTUBE),
        ("https://www.youtube.com/live/dQw4w9WgXcQ", VideoKind.YOUTUBE, YOUTUBE),
        ("https://vimeo.com/76979871", VideoKind.VIMEO,
         "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://www.vimeo.com/76979871/", VideoKind.VIMEO,
         "https://player.vimeo.com/video/76979871?dnt=1"),
        ("https://vimeo.com/76979871/c0ffee1234", VideoKind.VIMEO,
         "https://player.vimeo.com/video/76979871?dnt=1&h=c0ffee1234"),
        ("https://player.vimeo.com/video/76979871", VideoKind.VIMEO,
         "https://player.vimeo.com/video/76979871?dnt=1"),
        (f"https://live.example.org/media/{DIGEST}.mp4", VideoKind.UPLOAD,
         f"https://live.example.org/media/{DIGEST}.mp4"),
        (f"https://live.example.org/media/{DIGEST}.webm", VideoKind.UPLOAD,
         f"https://live.example.org/media/{DIGEST}.webm"),
    ],
)  # fmt: skip
def test_a_video_address_becomes_what_the_page_plays(url: str, kind: VideoKind, embed: str) -> None:
    video = parse_video(url)
    assert (video.url, video.kind, video.embed_url) == (url, kind, embed)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/clip.mp4",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ<script>",
        "https://www.youtube.com/watch",
        "https://www.youtube.com/channel/UC123",
        "https://youtu.be/",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://evil.example/?https://youtu.be/dQw4w9WgXcQ",
        "https://vimeo.com/channels/staffpicks",
        "https://vimeo.com/76979871/NOT-HEX",
        "javascript:alert(1)//youtu.be/dQw4w9WgXcQ",
        "ftp://youtu.be/dQw4w9WgXcQ",
        f"https://live.example.org/media/{DIGEST}-480.jpg",
        f"https://live.example.org/media/{DIGEST}.mov",
    ],
)
def test_any_other_video_address_is_refused_on_its_field(url: str) -> None:
    with pytest.raises(Invalid) as error:
        parse_video(url)
    assert message(error, "video.url") == (
        "must be a YouTube or Vimeo address (youtube.com/watch?v=…, youtu.be/…, vimeo.com/…), "
        "or an MP4 or WebM video uploaded here"
    )
