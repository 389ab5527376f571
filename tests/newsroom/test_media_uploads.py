"""Uploading pictures and videos: what is kept of them, what is refused and who may: real
Pillow, real files, both databases."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from livefeed.domain.errors import Forbidden, Invalid
from livefeed.domain.media import MediaFormat
from livefeed.domain.users import User
from livefeed.newsroom import media
from livefeed.services import Services
from livefeed.store import audit as audit_store
from livefeed.store import media as media_store
from tests import media_files as files
from tests.factories import make_contributor, make_user
from tests.newsroom.newsroom_uploads import name_of, stored, upload, upload_video

pytestmark = pytest.mark.usefixtures("summit")


def rows(svc: Services) -> int:
    with svc.db.read() as conn:
        return media_store.count_media(conn)


def opened(svc: Services, name: str) -> Image.Image:
    with svc.storage.open(name) as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
        return image


# Pictures: what is stored ------------------------------------------------------------------------


def test_a_jpeg_is_stored_without_its_exif_and_gps(svc: Services, editor: User) -> None:
    original = files.jpeg(1200, 800, gps=True, profile=True)
    exif = Image.open(io.BytesIO(original)).getexif()
    assert exif.get_ifd(0x8825)  # the upload does carry a GPS position

    uploaded = upload(svc, editor, original)

    assert len(uploaded.renditions) == 3
    for rendition in uploaded.renditions:
        image = opened(svc, name_of(rendition.url))
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert image.getexif().get_ifd(0x8825) == {}
        assert "exif" not in image.info
        assert "icc_profile" not in image.info
        with svc.storage.open(name_of(rendition.url)) as handle:
            raw = handle.read()
        assert b"Camera Maker" not in raw
        assert b"Exif" not in raw


def test_the_exif_orientation_is_applied_before_it_is_dropped(svc: Services, editor: User) -> None:
    # Stored 1200 × 800 with "rotate 90° clockwise to view": the picture is 800 × 1200 upright.
    uploaded = upload(svc, editor, files.jpeg(1200, 800, orientation=6))

    assert (uploaded.media.width, uploaded.media.height) == (800, 1200)
    largest = opened(svc, name_of(uploaded.url))
    assert largest.size == (800, 1200)
    # The reddish left half of the stored picture is now the top.
    top = largest.crop((0, 0, 800, 600)).resize((1, 1)).getpixel((0, 0))
    bottom = largest.crop((0, 600, 800, 1200)).resize((1, 1)).getpixel((0, 0))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert top[0] > top[2]
    assert bottom[2] > bottom[0]


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (4000, 3000, [(480, 360), (960, 720), (1600, 1200)]),
        (1000, 333, [(480, 160), (960, 320), (1000, 333)]),
        (700, 1400, [(480, 960), (700, 1400)]),
        (300, 200, [(300, 200)]),
    ],
)
def test_renditions_keep_the_aspect_ratio_and_never_enlarge(
    svc: Services, editor: User, width: int, height: int, expected: list[tuple[int, int]]
) -> None:
    uploaded = upload(svc, editor, files.jpeg(width, height))

    assert [(r.width, r.height) for r in uploaded.renditions] == expected
    for rendition in uploaded.renditions:
        assert opened(svc, name_of(rendition.url)).size == (rendition.width, rendition.height)
    assert uploaded.url == uploaded.renditions[-1].url  # the largest, for image.url
    assert (uploaded.media.width, uploaded.media.height) == (width, height)
    assert uploaded.media.renditions == tuple(size for size, _ in expected)
    digest = uploaded.media.hash
    assert stored(svc) == {f"{digest}-{size}.jpg" for size, _ in expected}
    assert uploaded.url == f"http://livefeed.test/media/{digest}-{expected[-1][0]}.jpg"


@pytest.mark.parametrize(
    ("data", "fmt", "mode"),
    [
        (files.png(800, 600), MediaFormat.PNG, "RGB"),
        (files.png(800, 600, "RGBA"), MediaFormat.PNG, "RGBA"),
        (files.png(800, 600, "L"), MediaFormat.PNG, "RGB"),
        (files.webp(1000, 500), MediaFormat.WEBP, "RGBA"),
        (files.gif(300, 200), MediaFormat.PNG, "RGB"),
    ],
)
def test_each_kind_is_re_encoded_as_it_came_or_a_gif_as_png(
    svc: Services, editor: User, data: bytes, fmt: MediaFormat, mode: str
) -> None:
    uploaded = upload(svc, editor, data, name="picture")

    assert uploaded.media.format is fmt
    image = opened(svc, name_of(uploaded.url))
    assert image.format == fmt.value.upper()
    assert image.mode == mode
    assert not image.info.keys() & {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"}


def test_an_animated_gif_keeps_its_first_frame_as_a_still(svc: Services, editor: User) -> None:
    animated = files.gif(300, 200, frames=4)
    assert Image.open(io.BytesIO(animated)).n_frames == 4

    uploaded = upload(svc, editor, animated, name="loop.gif")

    still = opened(svc, name_of(uploaded.url))
    assert still.format == "PNG"
    assert getattr(still, "n_frames", 1) == 1
    first = Image.open(io.BytesIO(animated)).convert("RGB")
    assert still.convert("RGB").tobytes() == first.tobytes()  # lossless, frame for frame


def test_the_same_picture_twice_is_stored_once(svc: Services, editor: User) -> None:
    data = files.jpeg(1000, 600)
    first = upload(svc, editor, data, alt="The hall")
    names = stored(svc)

    second = upload(svc, editor, data, name="copy.jpg", alt="The hall, again")

    assert stored(svc) == names
    assert len(names) == 3
    assert second.url == first.url
    assert second.media.hash == first.media.hash
    # Each upload keeps its own record: its description, who sent it and when.
    assert second.media.id != first.media.id
    assert (first.media.alt, second.media.alt) == ("The hall", "The hall, again")


def test_an_upload_is_recorded_with_its_uploader_and_in_the_audit_log(
    svc: Services, editor: User
) -> None:
    data = files.png(500, 400)

    uploaded = upload(svc, editor, data, name="map.png", alt="  A map of\nthe route ")

    found = media.get_media(svc, uploaded.media.id)
    assert found == uploaded.media
    assert found is not None
    assert (found.uploaded_by, found.alt, found.byte_size) == (
        editor.id,
        "A map of the route",
        len(data),
    )
    assert found.format is MediaFormat.PNG
    assert found.created_at == svc.clock()
    with svc.db.read() as conn:
        (entry,) = audit_store.recent(conn, limit=10, action="media.uploaded")
    assert entry.subject == "map.png"
    assert entry.actor_email == editor.email


# Refusals leave nothing behind -------------------------------------------------------------------


def refused(svc: Services, actor: User | None, data: bytes, **options: Any) -> dict[str, str]:
    with pytest.raises(Invalid) as error:
        upload(svc, actor, data, **options)
    assert rows(svc) == 0
    assert stored(svc) == set()
    return error.value.errors


def test_a_file_over_the_size_limit_is_refused_without_reading_it(
    svc: Services, editor: User
) -> None:
    big = files.png(40, 30)[:64] + bytes(30 * 1024 * 1024)

    errors = refused(svc, editor, big, name="big.png")

    assert errors == {"file": "the picture is over 20 MB, the most this site takes"}


def test_a_picture_declaring_too_many_pixels_is_refused(svc: Services, editor: User) -> None:
    errors = refused(svc, editor, files.png_declaring(30_000, 30_000), name="huge.png")
    assert errors == {
        "file": "the picture is 30,000 × 30,000 pixels; the most this site takes is 40 megapixels"
    }


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (files.SVG, "logo.svg"),
        (files.SVG, "logo.png"),
        (b"Minutes of the meeting\n" * 10, "minutes.jpg"),
        (files.PAGE, "photo.gif"),
    ],
)
def test_anything_not_a_picture_or_video_is_refused_whatever_its_name(
    svc: Services, editor: User, data: bytes, name: str
) -> None:
    errors = refused(svc, editor, data, name=name)
    assert errors == {
        "file": "is not a JPEG, PNG, GIF or WebP picture, or an MP4 or WebM video "
        "(told from its content, not its name)"
    }


def test_a_png_with_a_page_appended_is_refused(svc: Services, editor: User) -> None:
    errors = refused(svc, editor, files.png(200, 100) + files.PAGE, name="map.png")
    assert "after its PNG image ends" in errors["file"]


def test_a_picture_pillow_cannot_decode_is_refused(svc: Services, editor: User) -> None:
    # A well-formed PNG container whose pixel data is not a zlib stream.
    data = files.png_declaring(20, 20).replace(b"IDAT", b"IDAT", 1)
    start = data.index(b"IDAT") + 4
    broken = data[:start] + bytes(len(data) - start - 24) + data[-24:]
    errors = refused(svc, editor, broken, name="broken.png")
    assert errors["file"].startswith("could not be read as a PNG picture")


@pytest.mark.parametrize("name", ["../../x.png", "a/b.png", "a\\b.png"])
def test_a_file_name_holding_a_path_is_refused(svc: Services, editor: User, name: str) -> None:
    errors = refused(svc, editor, files.png(50, 50), name=name)
    assert errors == {
        "file": f"the file name “{name}” holds a path: send the file under its own name only"
    }


def test_a_missing_description_is_refused_with_every_other_fault(
    svc: Services, editor: User
) -> None:
    errors = refused(svc, editor, files.png(50, 50), name="../x.png", alt="")
    assert errors == {
        "alt": "describe the picture for readers who cannot see it",
        "file": "the file name “../x.png” holds a path: send the file under its own name only",
    }


# Who may upload ----------------------------------------------------------------------------------


def test_a_contributor_may_upload(svc: Services, editor: User) -> None:
    carl = make_contributor(svc)
    assert upload(svc, carl, files.png(50, 50)).media.uploaded_by == carl.id


def test_a_member_on_no_team_and_nobody_may_not(svc: Services, editor: User) -> None:
    outsider = make_user(svc, "olga@newsroom.test", name="Olga Outsider")
    for actor in (outsider, None):
        with pytest.raises(Forbidden):
            upload(svc, actor, files.png(50, 50))
    assert rows(svc) == 0
    assert stored(svc) == set()


# Videos ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", [MediaFormat.MP4, MediaFormat.WEBM])
def test_a_video_is_stored_as_copied_without_its_tags_under_the_copy_s_hash(
    svc: Services, editor: User, tmp_path: Path, fmt: MediaFormat
) -> None:
    clip = files.video(fmt.ext)
    uploaded = upload_video(svc, editor, clip, tmp_path, fmt.ext)

    assert uploaded.media.format is fmt
    assert uploaded.renditions == ()
    assert (uploaded.media.width, uploaded.media.height) == (None, None)
    assert uploaded.media.byte_size == len(clip)
    assert 900 <= (uploaded.media.duration_ms or 0) <= 1100
    assert stored(svc) == {f"{uploaded.media.hash}.{fmt.ext}"}
    with svc.storage.open(name_of(uploaded.url)) as handle:
        kept = handle.read()
    assert hashlib.sha256(kept).hexdigest() == uploaded.media.hash
    assert kept != clip
    assert b"secret" not in kept
    assert files.PARIS.encode() not in kept


@pytest.mark.parametrize(
    ("data", "ext", "message"),
    [
        (
            files.mp4(),
            "mp4",
            "could not be read as an MP4 video: it is damaged, cut short or not a video at all",
        ),
        (
            files.webm(),
            "webm",
            "could not be read as a WebM video: it is damaged, cut short or not a video at all",
        ),
    ],
)
def test_a_video_signature_with_nothing_behind_it_is_refused(
    svc: Services, editor: User, tmp_path: Path, data: bytes, ext: str, message: str
) -> None:
    files.need_ffmpeg()
    with pytest.raises(Invalid) as error:
        upload_video(svc, editor, data, tmp_path, ext)
    assert error.value.errors == {"file": message}
    assert rows(svc) == 0
    assert stored(svc) == set()


def test_a_video_has_a_larger_limit_of_its_own(svc: Services, editor: User, tmp_path: Path) -> None:
    clip = files.video("webm")
    svc.settings = svc.settings.replace(media_max_bytes=4096, media_max_video_bytes=1024 * 1024)
    assert upload_video(svc, editor, clip, tmp_path, "webm").media.byte_size == len(clip)
    svc.settings = svc.settings.replace(media_max_video_bytes=8192)
    with pytest.raises(Invalid) as error:
        upload_video(svc, editor, clip, tmp_path, "webm")
    assert error.value.errors == {"file": "the video is over 8 KB, the most this site takes"}
