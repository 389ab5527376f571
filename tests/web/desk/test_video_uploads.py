"""Videos through the API and the desk: parsed by ffprobe, stored without what they say about
where they were made, their length kept and shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.store import media as media_store
from tests import media_files as files
from tests.factories import make_post
from tests.web.conftest import bearer, csrf, log_in
from tests.web.desk.media_uploads import assert_refused, nothing_stored, post_file

# Every test here works on the feed "summit" (tests/web/desk/conftest.py).
pytestmark = pytest.mark.usefixtures("summit")


def stored_bytes(svc: Services, url: str) -> bytes:
    with svc.storage.open(url.rsplit("/", 1)[1]) as handle:
        return handle.read()


def test_a_signature_followed_by_zeros_is_refused_and_nothing_is_stored(
    client: TestClient, svc: Services, token: str
) -> None:
    files.need_ffmpeg()
    fake = files.mp4_signature_then_zeros(100 * 1024 * 1024)

    response = post_file(client, fake, "clip.mp4", headers=bearer(token))

    assert_refused(
        response,
        422,
        "file",
        "could not be read as an MP4 video: it is damaged, cut short or not a video at all",
    )
    assert nothing_stored(svc)


def tags_of(report: dict[str, Any]) -> dict[str, str]:
    return {key.lower(): value for key, value in report.get("tags", {}).items()}


@pytest.mark.parametrize("door", ["api", "desk"])
@pytest.mark.parametrize("ext", ["mp4", "webm"])
def test_a_video_is_stored_without_its_tags_and_still_plays(
    client: TestClient, svc: Services, editor: User, token: str, door: str, ext: str
) -> None:
    clip = files.video(ext)
    assert tags_of(files.probe(clip)["format"])["location"] == files.PARIS
    if door == "api":
        response = post_file(client, clip, f"clip.{ext}", headers=bearer(token))
    else:
        log_in(client, editor.email)
        response = post_file(
            client, clip, f"clip.{ext}", url="/desk/media", headers={"X-CSRF-Token": csrf(client)}
        )

    assert response.status_code == 201, response.text
    kept = stored_bytes(svc, response.json()["url"])
    report = files.probe(kept)
    assert not {"location", "location-eng", "title"} & set(tags_of(report["format"]))
    assert files.PARIS.encode() not in kept
    assert b"secret" not in kept
    assert float(report["format"]["duration"]) > 0.9
    assert [stream["codec_type"] for stream in report["streams"]] == ["video", "audio"]
    assert not any("title" in tags_of(stream) for stream in report["streams"])


def test_the_length_is_kept_and_shown_with_the_post(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    body = post_file(client, files.video("mp4", seconds=2), "clip.mp4", headers=bearer(token))
    assert body.status_code == 201, body.text
    with svc.db.read() as conn:
        record = media_store.get_media(conn, body.json()["id"])
    assert record is not None
    assert 1900 <= (record.duration_ms or 0) <= 2100

    post = make_post(svc, editor, headline="The motorcade", **{"video.url": body.json()["url"]})

    page = client.get(f"/feeds/summit/posts/{post.id}").text
    assert '<figcaption class="video-length">Video, 0:02</figcaption>' in page


def test_without_ffmpeg_videos_are_refused_and_pictures_still_work(
    client: TestClient, svc: Services, token: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clip = files.video("mp4")
    monkeypatch.setenv("PATH", str(tmp_path))

    refused = post_file(client, clip, "clip.mp4", headers=bearer(token))
    picture = post_file(client, files.png(50, 50), "map.png", headers=bearer(token))

    assert_refused(
        refused,
        422,
        "file",
        "this site cannot take videos until its administrators install ffmpeg; "
        "pictures upload as usual",
    )
    assert picture.status_code == 201, picture.text
