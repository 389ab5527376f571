"""Posts showing pictures and videos: an uploaded picture in every size, videos in sandboxed
frames or our own player, a post's video through the API, and uploads on the compose form."""

from __future__ import annotations

import io

from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.newsroom import media
from livefeed.services import Services
from tests import media_files as files
from tests.factories import make_post
from tests.web.conftest import Page, bearer, csrf, field_errors, script_tag
from tests.web.desk.media_uploads import assert_refused, post_file


def test_a_post_with_an_uploaded_picture_shows_every_size(
    client: TestClient, svc: Services, editor: User, summit: None
) -> None:
    uploaded = media.upload(
        svc, editor, media.Incoming("hall.jpg", io.BytesIO(files.jpeg(2000, 1500)), 0), "The hall"
    )
    make_post(
        svc, editor, **{"image.url": uploaded.url, "image.alt": "The hall", "image.caption": "Cap"}
    )
    make_post(svc, editor, **{"image.url": "https://i.example.org/a.jpg", "image.alt": "Other"})

    page = Page(client.get("/feeds/summit").text)

    shown = {img["alt"]: img for img in page.tags("img")}
    ours = shown["The hall"]
    assert ours["src"] == uploaded.url
    assert ours["srcset"] == ", ".join(f"{r.url} {r.width}w" for r in uploaded.renditions)
    assert ours["sizes"] == "(min-width: 42rem) 40rem, calc(100vw - 2rem)"
    assert (ours["width"], ours["height"]) == ("1600", "1200")
    assert "srcset" not in shown["Other"]


def test_videos_play_in_privacy_enhanced_sandboxed_frames_or_our_player(
    client: TestClient, svc: Services, editor: User, summit: None, token: str
) -> None:
    clip = post_file(
        client, files.video("webm"), "clip.webm", alt="Motorcade", headers=bearer(token)
    )
    make_post(svc, editor, headline="On YouTube", **{"video.url": "https://youtu.be/dQw4w9WgXcQ"})
    make_post(svc, editor, headline="On Vimeo", **{"video.url": "https://vimeo.com/76979871"})
    make_post(svc, editor, headline="Ours", **{"video.url": clip.json()["url"]})

    response = client.get("/feeds/summit")
    page = Page(response.text)

    frames = {frame["title"]: frame for frame in page.tags("iframe")}
    assert set(frames) == {"Video: On YouTube", "Video: On Vimeo"}
    youtube, vimeo = frames["Video: On YouTube"], frames["Video: On Vimeo"]
    assert youtube["src"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert vimeo["src"] == "https://player.vimeo.com/video/76979871?dnt=1"
    for frame in (youtube, vimeo):
        assert frame["loading"] == "lazy"
        assert set(frame["sandbox"].split()) == {
            "allow-scripts", "allow-same-origin", "allow-presentation", "allow-popups",
            "allow-popups-to-escape-sandbox",
        }  # fmt: skip
    (video,) = page.tags("video")
    assert "controls" in video
    assert video["preload"] == "metadata"
    (source,) = page.tags("source")
    assert source == {"src": clip.json()["url"], "type": "video/webm"}
    policy = {
        part.split()[0]: part.split()[1:]
        for part in response.headers["content-security-policy"].split(";")
    }
    assert policy["frame-src"] == [
        "'self'", "https://www.youtube-nocookie.com", "https://player.vimeo.com",
    ]  # fmt: skip


def test_the_api_takes_and_gives_a_post_video(
    client: TestClient, svc: Services, summit: None, token: str
) -> None:
    created = client.post(
        "/api/v1/feeds/summit/posts",
        json={"headline": "Clip", "video": {"url": "https://www.youtube.com/shorts/dQw4w9WgXcQ"}},
        headers=bearer(token),
    )
    refused = client.post(
        "/api/v1/feeds/summit/posts",
        json={"headline": "Clip", "video": {"url": "https://example.org/clip.mp4"}},
        headers=bearer(token),
    )
    cleared = client.patch(
        f"/api/v1/feeds/summit/posts/{created.json()['id']}",
        json={"video": None, "version": created.json()["version"]},
        headers=bearer(token),
    )

    assert created.status_code == 201, created.text
    assert created.json()["video"] == {
        "url": "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "kind": "youtube",
        "embed_url": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "alt": "",
    }
    assert_refused(refused, 422, "video.url")
    assert cleared.json()["video"] is None


def test_the_compose_form_offers_uploads_and_keeps_a_bad_video_address(
    desk: TestClient, svc: Services, summit: None
) -> None:
    page = desk.get("/feeds/summit").text
    assert script_tag("upload.js") in page
    inputs = {i.get("id"): i for i in Page(page).tags("input")}
    assert inputs["f-image-file"]["accept"] == "image/jpeg,image/png,image/gif,image/webp"
    assert inputs["f-video-file"]["accept"] == "video/mp4,video/webm"
    assert "name" not in inputs["f-image-file"]  # the file goes by the script, not the form

    response = desk.post(
        "/feeds/summit/posts",
        data={"csrf_token": csrf(desk), "headline": "Clip", "video.url": "https://example.org/v"},
    )

    assert response.status_code == 422
    assert Page(response.text).values["video.url"] == "https://example.org/v"
    assert field_errors(response.text)["video.url"].startswith("must be a YouTube or Vimeo")


def test_the_desk_publishes_an_uploaded_picture(
    desk: TestClient, svc: Services, editor: User, summit: None
) -> None:
    body = post_file(
        desk, files.png(800, 400), url="/desk/media", headers={"X-CSRF-Token": csrf(desk)}
    )
    url = body.json()["url"]

    response = desk.post(
        "/feeds/summit/posts",
        data={
            "csrf_token": csrf(desk),
            "headline": "The route",
            "image.url": url,
            "image.alt": "A map of the route",
            "image.caption": "The route, as planned",
            "image.credit": "City hall",
        },
    )

    assert response.status_code == 303
    (img,) = [i for i in Page(desk.get("/feeds/summit").text).tags("img") if i.get("src") == url]
    assert img["srcset"].count("w, ") == 1  # 480 and 800
