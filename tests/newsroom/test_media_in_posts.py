"""Posts that show uploaded pictures and videos, or ones from elsewhere: real files, both
databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from livefeed.distribution import reading
from livefeed.distribution.resources import post_json
from livefeed.domain.errors import Invalid
from livefeed.domain.users import User
from livefeed.domain.videos import VideoKind
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests import media_files as files
from tests.factories import make_feed, make_post
from tests.newsroom.newsroom_uploads import upload, upload_video

pytestmark = pytest.mark.usefixtures("summit")


# Posts that show uploads -------------------------------------------------------------------------


def test_a_post_with_an_uploaded_picture_carries_its_renditions(
    svc: Services, editor: User
) -> None:
    uploaded = upload(svc, editor, files.jpeg(2000, 1500))

    post = make_post(
        svc, editor, **{"image.url": uploaded.url, "image.alt": "The hall", "image.caption": "C"}
    )

    assert post.image is not None
    assert post.image.renditions == uploaded.renditions
    assert (post.image.width, post.image.height) == (1600, 1200)
    shown = reading.feed_page(svc, "summit").posts[0]
    assert shown.image == post.image
    data = post_json(post, "summit", svc.urls)
    assert data["image"]["renditions"] == [
        {"width": 480, "height": 360, "url": uploaded.renditions[0].url},
        {"width": 960, "height": 720, "url": uploaded.renditions[1].url},
        {"width": 1600, "height": 1200, "url": uploaded.url},
    ]
    assert (data["image"]["width"], data["image"]["height"]) == (1600, 1200)


def test_a_picture_from_elsewhere_has_no_renditions(svc: Services, editor: User) -> None:
    digest = "cd" * 32
    for url in (
        "https://images.example.org/hall.jpg",
        f"https://elsewhere.example.org/media/{digest}-480.jpg",
    ):
        post = make_post(svc, editor, **{"image.url": url, "image.alt": "The hall"})
        assert post.image is not None
        assert (post.image.renditions, post.image.width) == ((), 0)
        image = post_json(post, "summit", svc.urls)["image"]
        assert (image["renditions"], image["width"], image["height"]) == ([], None, None)


def test_an_upload_of_ours_that_does_not_exist_is_refused(svc: Services, editor: User) -> None:
    missing = f"http://livefeed.test/media/{'ef' * 32}-480.jpg"
    with pytest.raises(Invalid) as error:
        make_post(svc, editor, **{"image.url": missing, "image.alt": "Gone"})
    assert error.value.errors == {"image.url": "there is no such picture uploaded here"}


def test_an_edit_finds_the_renditions_again(svc: Services, editor: User) -> None:
    uploaded = upload(svc, editor, files.png(700, 350))
    post = make_post(svc, editor, **{"image.url": "https://i.example.org/a.jpg", "image.alt": "A"})

    edited = publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"image.url": uploaded.url},
        seen_version=post.version,
    )  # fmt: skip
    assert edited.image is not None
    assert [r.width for r in edited.image.renditions] == [480, 700]

    plain = publishing.edit_post(
        svc, editor, "summit", post.id, edited.as_fields() | {"image.url": "https://i.example.org/b.jpg"},
        seen_version=edited.version,
    )  # fmt: skip
    assert plain.image is not None
    assert plain.image.renditions == ()


@contextmanager
def counted_statements(svc: Services) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(svc.db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(svc.db.engine, "before_cursor_execute", count)


def test_reading_a_feed_page_asks_nothing_more_for_uploaded_pictures(
    svc: Services, editor: User
) -> None:
    make_feed(svc, editor, slug="plain", title="Plain pictures")
    for index in range(5):
        uploaded = upload(svc, editor, files.png(600 + index, 400))
        make_post(svc, editor, **{"image.url": uploaded.url, "image.alt": f"Upload {index}"})
        make_post(
            svc, editor, "plain", **{"image.url": "https://i.example.org/x.jpg", "image.alt": "X"}
        )

    with counted_statements(svc) as uploads:
        page = reading.feed_page(svc, "summit")
    with counted_statements(svc) as plain:
        reading.feed_page(svc, "plain")

    assert all(post.image and post.image.renditions for post in page.posts)
    assert len(uploads) == len(plain)
    assert not any("media" in statement for statement in uploads)


def test_a_post_may_carry_a_video(svc: Services, editor: User, tmp_path: Path) -> None:
    clip = upload_video(svc, editor, files.video("mp4", seconds=2), tmp_path)

    youtube = make_post(svc, editor, **{"video.url": "https://youtu.be/dQw4w9WgXcQ"})
    uploaded = make_post(svc, editor, **{"video.url": clip.url})

    assert youtube.video is not None
    assert youtube.video.kind is VideoKind.YOUTUBE
    assert post_json(youtube, "summit", svc.urls)["video"] == {
        "url": "https://youtu.be/dQw4w9WgXcQ",
        "kind": "youtube",
        "embed_url": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "alt": "",
    }
    assert uploaded.video is not None
    assert (uploaded.video.kind, uploaded.video.embed_url) == (VideoKind.UPLOAD, clip.url)
    assert uploaded.video.length == "0:02"
    assert reading.feed_page(svc, "summit").posts[0].video == uploaded.video
    assert uploaded.as_fields()["video.url"] == clip.url
    assert post_json(make_post(svc, editor), "summit", svc.urls)["video"] is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://example.org/clip.mp4", "must be a YouTube or Vimeo address"),
        (f"http://livefeed.test/media/{'ab' * 32}.mp4", "there is no such video uploaded here"),
        (
            f"https://elsewhere.example/media/{'ab' * 32}.mp4",
            "there is no such video uploaded here",
        ),
        ("not an address", "must be a full http:// or https:// address"),
    ],
)
def test_a_video_that_cannot_be_played_here_is_refused(
    svc: Services, editor: User, url: str, message: str
) -> None:
    with pytest.raises(Invalid) as error:
        make_post(svc, editor, **{"video.url": url})
    assert list(error.value.errors) == ["video.url"]
    assert message in error.value.errors["video.url"]
