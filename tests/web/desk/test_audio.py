"""A post's sound on the desk: the compose form's clip address (filled by an upload), moment of
the recording and transcript, kept when refused, and found again on the edit form; the feed
form's recording address."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from livefeed.distribution import reading
from livefeed.services import Services
from tests import media_files as files
from tests.web.conftest import Page, bearer, field_errors, submit
from tests.web.desk.media_uploads import post_file

RECORDING = "https://radio.example.org/summit-day-2.mp3"


# Every test here works on the feed "summit" (tests/web/desk/conftest.py).
pytestmark = pytest.mark.usefixtures("summit")


def test_the_compose_form_has_the_clip_the_moment_and_the_transcript(desk: TestClient) -> None:
    page = Page(desk.get("/feeds/summit").text)
    assert {"audio.url", "audio.start", "audio.transcript"} <= set(page.values)
    uploads = re.findall(r'data-upload-field="([^"]+)"', desk.get("/feeds/summit").text)
    assert "audio.url" in uploads


def test_an_uploaded_clip_is_posted_played_and_edited(
    desk: TestClient, client: TestClient, token: str
) -> None:
    clip = post_file(
        client, files.audio("ogg", seconds=2), "chair.ogg", alt="The chair", headers=bearer(token)
    )
    assert clip.status_code == 201, clip.text
    assert clip.json()["type"] == "audio/ogg"

    sent = submit(
        desk,
        "/feeds/summit/posts",
        {"headline": "Adjourned", "audio.url": clip.json()["url"], "audio.transcript": "Until 3."},
    )

    assert sent.status_code == 303, sent.text
    page = desk.get("/feeds/summit").text
    assert f'<source src="{clip.json()["url"]}" type="audio/ogg">' in page
    assert "Audio, 0:02" in page
    post_id = re.search(r'id="post-(\d+)"', page)
    assert post_id is not None
    edit_form = Page(desk.get(f"/feeds/summit/posts/{post_id.group(1)}/edit").text)
    assert edit_form.values["audio.url"] == clip.json()["url"]
    assert "Until 3." in desk.get(f"/feeds/summit/posts/{post_id.group(1)}/edit").text


def test_a_moment_without_a_recording_is_refused_keeping_what_was_typed(
    desk: TestClient,
) -> None:
    typed = {"headline": "The vote", "audio.start": "14:05:30", "audio.transcript": "Ayes 12."}

    sent = submit(desk, "/feeds/summit/posts", typed)

    assert sent.status_code == 422
    assert "no live stream recording" in field_errors(sent.text)["audio.start"]
    assert Page(sent.text).values["audio.start"] == "14:05:30"
    assert "Ayes 12." in sent.text


def test_the_feed_form_takes_the_recording_address(desk: TestClient, svc: Services) -> None:
    page = Page(desk.get("/desk/feeds/summit/edit").text)
    typed = {name: value for name, value in page.values.items() if name != "csrf_token"}
    assert typed["recording_url"] == ""

    refused = submit(desk, "/desk/feeds/summit/edit", typed | {"recording_url": "ftp://radio"})
    saved = submit(desk, "/desk/feeds/summit/edit", typed | {"recording_url": RECORDING})

    assert "recording_url" in field_errors(refused.text)
    assert Page(refused.text).values["recording_url"] == "ftp://radio"
    assert saved.status_code == 303, saved.text
    assert reading.get_feed(svc, "summit").recording_url == RECORDING
    moment = submit(desk, "/feeds/summit/posts", {"headline": "Vote", "audio.start": "845"})
    assert moment.status_code == 303, moment.text
    assert f'<source src="{RECORDING}#t=845">' in desk.get("/feeds/summit").text
