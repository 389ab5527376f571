"""A post's video is named once, by what the editor wrote it shows: the words typed on the
compose form, which an upload also sends as its description."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.services import Services
from tests import media_files as files
from tests.factories import make_post
from tests.web.conftest import Page, bearer, submit
from tests.web.desk.media_uploads import post_file

DESCRIPTION = "Cars leave the palace under escort"


# Every test here works on the feed "summit" (tests/web/desk/conftest.py).
pytestmark = pytest.mark.usefixtures("summit")


def test_an_uploaded_video_is_named_by_its_description_and_called_a_video_once(
    desk: TestClient, client: TestClient, token: str
) -> None:
    clip = post_file(
        client, files.video("mp4", seconds=2), "clip.mp4", alt=DESCRIPTION, headers=bearer(token)
    )
    assert clip.status_code == 201, clip.text
    fields = {"headline": "The motorcade", "video.url": clip.json()["url"]}

    sent = submit(desk, "/feeds/summit/posts", fields | {"video.alt": DESCRIPTION})

    assert sent.status_code == 303, sent.text
    page = desk.get("/feeds/summit").text
    (video,) = Page(page).tags("video")
    assert video["aria-label"] == DESCRIPTION
    figure = re.search(r'<figure class="post-video">(.*?)</figure>', page, re.S)
    assert figure is not None
    assert figure.group(1).count("Video") == 1
    assert '<figcaption class="video-length">Video, 0:02</figcaption>' in figure.group(1)
    post_id = re.search(r'id="post-(\d+)"', page)
    assert post_id is not None
    edit_form = Page(desk.get(f"/feeds/summit/posts/{post_id.group(1)}/edit").text)
    assert edit_form.values["video.alt"] == DESCRIPTION


def test_an_embedded_video_takes_the_description_and_falls_back_on_the_headline(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_post(
        svc, editor, headline="Described",
        **{"video.url": "https://youtu.be/dQw4w9WgXcQ", "video.alt": DESCRIPTION},
    )  # fmt: skip
    make_post(svc, editor, headline="Not described", **{"video.url": "https://vimeo.com/76979871"})

    titles = {frame["title"] for frame in Page(client.get("/feeds/summit").text).tags("iframe")}

    assert titles == {f"Video: {DESCRIPTION}", "Video: Not described"}


def test_the_description_is_a_field_of_the_form_that_the_upload_sends_too(
    desk: TestClient,
) -> None:
    page = desk.get("/feeds/summit").text
    inputs = {i.get("id"): i for i in Page(page).tags("input")}

    assert inputs["f-video-alt"]["name"] == "video.alt"
    upload = re.search(r'<div class="upload" data-upload data-upload-field="video.url"[^>]*>', page)
    assert upload is not None
    assert 'data-upload-alt="video.alt"' in upload.group(0)
    # Outside the upload box, which stays hidden without JavaScript.
    box = page[upload.start() : page.index("</div>", upload.end())]
    assert 'name="video.alt"' not in box
