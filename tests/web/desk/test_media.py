"""Uploads through the API and the desk, the files served, and posts showing pictures and videos."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.types import Message

from livefeed.access import accounts
from livefeed.domain.users import User
from livefeed.newsroom import media
from livefeed.services import Services
from livefeed.store import media as media_store
from livefeed.web.api.openapi.document import spec
from tests import media_files as files
from tests.factories import make_contributor, make_feed, make_post, make_user
from tests.web.api.test_openapi import problems, response_schema
from tests.web.conftest import Page, bearer, csrf, field_errors, script_tag

UPLOAD = "/api/v1/media"


@pytest.fixture
def summit(svc: Services, editor: User) -> None:
    make_feed(svc, editor)


def post_file(
    client: TestClient,
    data: bytes,
    name: str = "photo.jpg",
    alt: str | None = "Delegates in the hall",
    headers: dict[str, str] | None = None,
    url: str = UPLOAD,
    extra: dict[str, str] | None = None,
) -> Any:
    fields = {} if alt is None else {"alt": alt}
    return client.post(
        url,
        data=fields | (extra or {}),
        files={"file": (name, data, "image/jpeg")},
        headers=headers,
    )


def rows(svc: Services) -> int:
    with svc.db.read() as conn:
        return media_store.count_media(conn)


def nothing_stored(svc: Services) -> bool:
    return rows(svc) == 0 and files.stored_files(svc.settings.media_path) == set()


def assert_refused(response: Any, status: int, field: str, message: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["field"] == field
    if message is not None:
        assert body["errors"] == [{"field": field, "message": message}]


# The good path -----------------------------------------------------------------------------------


def test_an_upload_answers_its_renditions(
    client: TestClient, svc: Services, summit: None, token: str
) -> None:
    response = post_file(client, files.jpeg(2000, 1000, gps=True), headers=bearer(token))

    assert response.status_code == 201, response.text
    body = response.json()
    digest = re.fullmatch(r"http://livefeed\.test/media/([0-9a-f]{64})-1600\.jpg", body["url"])
    assert digest, body["url"]
    base = f"http://livefeed.test/media/{digest.group(1)}"
    assert body == {
        "id": body["id"],
        "url": f"{base}-1600.jpg",
        "type": "image/jpeg",
        "width": 2000,
        "height": 1000,
        "alt": "Delegates in the hall",
        "renditions": [
            {"width": 480, "height": 240, "url": f"{base}-480.jpg"},
            {"width": 960, "height": 480, "url": f"{base}-960.jpg"},
            {"width": 1600, "height": 800, "url": f"{base}-1600.jpg"},
        ],
    }
    assert response.headers["location"] == body["url"]
    document = spec("http://livefeed.test")
    schema = response_schema(document, UPLOAD, "post", "201")
    assert problems(document, body, schema) == []


def test_the_files_are_served_for_good_with_their_type_and_no_sniffing(
    client: TestClient, summit: None, token: str
) -> None:
    body = post_file(client, files.png(700, 350), "map.png", headers=bearer(token)).json()

    for rendition in body["renditions"]:
        path = rendition["url"].removeprefix("http://livefeed.test")
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers.get_list("x-content-type-options") == ["nosniff"]
        assert "sandbox" in response.headers["content-security-policy"]
        assert response.content.startswith(b"\x89PNG")
        assert client.head(path).headers["content-length"] == str(len(response.content))


def test_a_video_is_served_in_ranges_for_seeking(
    client: TestClient, summit: None, token: str
) -> None:
    clip = files.video("mp4")
    body = post_file(client, clip, "clip.mp4", alt="The motorcade", headers=bearer(token)).json()
    path = body["url"].removeprefix("http://livefeed.test")

    assert (body["type"], body["width"], body["renditions"]) == ("video/mp4", None, [])
    whole = client.get(path)
    part = client.get(path, headers={"Range": "bytes=100-199"})

    assert whole.headers["content-type"] == "video/mp4"
    assert files.probe(whole.content)["format"]["duration"]
    assert part.status_code == 206
    assert part.content == whole.content[100:200]


def test_the_same_picture_twice_is_stored_once(
    client: TestClient, svc: Services, summit: None, token: str
) -> None:
    data = files.jpeg(1000, 700)
    first = post_file(client, data, headers=bearer(token)).json()
    stored = files.stored_files(svc.settings.media_path)

    second = post_file(client, data, "again.jpg", headers=bearer(token)).json()

    assert files.stored_files(svc.settings.media_path) == stored
    assert len(stored) == 3
    assert second["url"] == first["url"]
    assert second["id"] != first["id"]


# Every refusal names its field and leaves nothing ------------------------------------------------

NOT_SUPPORTED = (
    "is not a JPEG, PNG, GIF or WebP picture, or an MP4 or WebM video "
    "(told from its content, not its name)"
)


@pytest.mark.parametrize(
    ("data", "name", "status", "message"),
    [
        (
            files.png(40, 30)[:64] + bytes(30 * 1024 * 1024),
            "big.png",
            413,
            "the picture is over 20 MB, the most this site takes",
        ),
        (
            files.png_declaring(30_000, 30_000),
            "huge.png",
            422,
            "the picture is 30,000 × 30,000 pixels; the most this site takes is 40 megapixels",
        ),
        (files.SVG, "logo.svg", 422, NOT_SUPPORTED),
        (b"Minutes of the meeting\n" * 20, "minutes.jpg", 422, NOT_SUPPORTED),
        (
            files.png(200, 100) + files.PAGE,
            "map.png",
            422,
            f"the file goes on for {len(files.PAGE)} bytes after its PNG image ends, which is "
            "how other content hides in a picture: save it again from an image editor",
        ),
        (
            files.png(50, 50),
            "../../x.png",
            422,
            "the file name “../../x.png” holds a path: send the file under its own name only",
        ),
        (
            files.png(50, 50),
            "a/b.png",
            422,
            "the file name “a/b.png” holds a path: send the file under its own name only",
        ),
        (
            files.png(50, 50),
            "a\\b.png",
            422,
            "the file name “a\\b.png” holds a path: send the file under its own name only",
        ),
    ],
    ids=["30MB", "30000x30000", "svg", "text-as-jpg", "png+html", "dotdot", "slash", "backslash"],
)
def test_a_bad_file_is_refused_on_its_field_and_nothing_is_stored(
    client: TestClient,
    svc: Services,
    summit: None,
    token: str,
    data: bytes,
    name: str,
    status: int,
    message: str,
) -> None:
    response = post_file(client, data, name, headers=bearer(token))

    assert_refused(response, status, "file", message)
    assert nothing_stored(svc)
    document = spec("http://livefeed.test")
    schema = response_schema(document, UPLOAD, "post", str(status))
    assert problems(document, response.json(), schema) == []


def test_a_missing_description_is_refused(
    client: TestClient, svc: Services, summit: None, token: str
) -> None:
    response = post_file(client, files.png(50, 50), alt=None, headers=bearer(token))

    assert_refused(response, 422, "alt", "describe the picture for readers who cannot see it")
    assert nothing_stored(svc)


@pytest.mark.parametrize(
    ("send", "field", "message"),
    [
        (
            {"data": {"alt": "A"}},
            "file",
            "send the file as multipart/form-data, in a field named file",
        ),
        (
            {"data": {"alt": "A"}, "files": {"other": ("x", b"x")}},
            "other",
            "is not a field this resource has",
        ),
        (
            {"data": {"alt": "A", "file": "text"}, "files": {"alt2": ("x", b"x")}},
            "file",
            "send the file itself (a file part, with its name)",
        ),
        (
            {"data": {"alt": "A"}, "files": [("file", ("a.png", b"a")), ("file", ("b.png", b"b"))]},
            "file",
            "send one file at a time",
        ),
        (
            {"data": {"alt": "A", "colour": "red"}, "files": {"file": ("a.png", b"a")}},
            "colour",
            "is not a field this resource has",
        ),
        (
            {"data": {"alt": "x" * 20_000}, "files": {"file": ("a.png", b"a")}},
            "alt",
            "is too long",
        ),
    ],
    ids=["not-multipart", "unknown-file", "file-as-text", "two-files", "unknown-field", "long-alt"],
)
def test_a_malformed_upload_is_refused_on_its_field(
    client: TestClient,
    svc: Services,
    summit: None,
    token: str,
    send: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = client.post(UPLOAD, headers=bearer(token), **send)

    assert_refused(response, 422, field, message)
    assert nothing_stored(svc)


# Who may upload ----------------------------------------------------------------------------------


def test_without_a_token_it_is_401(client: TestClient, svc: Services, summit: None) -> None:
    response = post_file(client, files.png(50, 50))

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="livefeed"'
    assert nothing_stored(svc)


def test_a_member_on_no_team_is_refused_and_a_contributor_is_not(
    client: TestClient, svc: Services, summit: None
) -> None:
    outsider = make_user(svc, "olga@newsroom.test", name="Olga Outsider")
    carl = make_contributor(svc)
    refused = post_file(
        client, files.png(50, 50), headers=bearer(accounts.create_token(svc, outsider.email, "t"))
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert nothing_stored(svc)

    allowed = post_file(
        client, files.png(50, 50), headers=bearer(accounts.create_token(svc, carl.email, "t"))
    )
    assert allowed.status_code == 201


# Streaming: refused before the body is read ------------------------------------------------------


def call(
    app: Starlette, headers: dict[str, str], chunks: list[bytes]
) -> tuple[int, dict[str, Any], int]:
    """Drive the ASGI app as a server would, body chunk by chunk: the answer, and how many
    chunks the app had asked for when it answered."""
    asked = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal asked
        if asked < len(chunks):
            asked += 1
            return {
                "type": "http.request",
                "body": chunks[asked - 1],
                "more_body": asked < len(chunks),
            }
        await asyncio.sleep(3600)  # the client has nothing more to say
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": UPLOAD,
        "raw_path": UPLOAD.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("livefeed.test", 80),
        "state": {},
    }

    async def run() -> None:
        async with asyncio.timeout(30):
            await app(scope, receive, send)

    asyncio.run(run())
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), asked


def multipart(data: bytes, boundary: str = "lf-boundary") -> tuple[bytes, bytes]:
    """(everything up to the file's bytes, the end of the body)."""
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="alt"\r\n\r\nA hall\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    return head + data, f"\r\n--{boundary}--\r\n".encode()


def test_a_file_over_the_limit_is_refused_as_soon_as_it_passes_it(
    app: Starlette, svc: Services, summit: None, token: str
) -> None:
    megabyte = 1024 * 1024
    start, end = multipart(files.png(40, 30)[:64])
    chunks = [start] + [bytes(megabyte)] * 30 + [end]  # a 30 MB picture, sent in 1 MB chunks
    headers = {"Content-Type": "multipart/form-data; boundary=lf-boundary"} | bearer(token)

    status, body, asked = call(app, headers, chunks)

    assert status == 413
    assert body["field"] == "file"
    assert body["errors"] == [
        {"field": "file", "message": "the picture is over 20 MB, the most this site takes"}
    ]
    # The first chunk holds the picture's first 64 bytes: 20 MB more is over, and the
    # remaining 10 MB are never asked for.
    assert asked == 21
    assert nothing_stored(svc)


def test_a_declared_length_over_every_limit_is_refused_before_reading(
    app: Starlette, svc: Services, summit: None, token: str
) -> None:
    headers = {
        "Content-Type": "multipart/form-data; boundary=lf-boundary",
        "Content-Length": str(300 * 1024 * 1024),
    } | bearer(token)

    status, body, asked = call(app, headers, [b"never read"])

    assert (status, body["field"], asked) == (413, "file", 0)
    assert body["detail"] == "file: the upload is over 200 MB, the most this site takes"


def test_someone_who_may_not_upload_is_refused_before_reading(
    app: Starlette, svc: Services, summit: None
) -> None:
    outsider = make_user(svc, "olga@newsroom.test", name="Olga Outsider")
    headers = {"Content-Type": "multipart/form-data; boundary=lf-boundary"} | bearer(
        accounts.create_token(svc, outsider.email, "t")
    )

    status, _, asked = call(app, headers, [b"x" * 1024] * 5)

    assert (status, asked) == (403, 0)


# The desk's door ---------------------------------------------------------------------------------


def test_the_desk_uploads_with_its_session_and_form_token(
    desk: TestClient, svc: Services, summit: None
) -> None:
    token = csrf(desk)

    refused = post_file(
        desk, files.png(50, 50), url="/desk/media", headers={"X-CSRF-Token": "forged"}
    )
    accepted = post_file(
        desk, files.png(50, 50), url="/desk/media", headers={"X-CSRF-Token": token}
    )

    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["renditions"][0]["width"] == 50


def test_the_desk_refuses_a_bad_file_on_its_field(
    desk: TestClient, svc: Services, summit: None
) -> None:
    response = post_file(
        desk, files.SVG, "logo.svg", url="/desk/media", headers={"X-CSRF-Token": csrf(desk)}
    )

    assert_refused(response, 422, "file", NOT_SUPPORTED)
    assert nothing_stored(svc)


def test_the_desk_sends_someone_signed_out_to_log_in_and_back(
    client: TestClient, svc: Services, summit: None
) -> None:
    response = post_file(
        client, files.png(50, 50), url="/desk/media", headers={"Referer": "/feeds/summit"}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/feeds/summit"
    assert nothing_stored(svc)


# Serving: nothing else, ever ---------------------------------------------------------------------


def test_nothing_outside_the_media_folder_can_be_served(
    client: TestClient, svc: Services, summit: None, token: str, tmp_path: Path
) -> None:
    body = post_file(client, files.png(50, 50), headers=bearer(token)).json()
    root = svc.settings.media_path
    secret = tmp_path / "secret.txt"
    secret.write_text("the database password")
    digest = "ab" * 32
    os.symlink(secret, root / f"{digest}-480.png")  # a link planted in the folder
    (root / ".incoming-x").write_text("half an upload")

    for path in (
        f"/media/{digest}-480.png",
        "/media/..%2Fsecret.txt",
        "/media/../secret.txt",
        "/media/%2e%2e/secret.txt",
        "/media/.incoming-x",
        f"/media/{'cd' * 32}-480.png",  # a name we could give, never stored
        "/media/" + body["url"].rsplit("/", 1)[1].replace(".png", ".svg"),
        "/media/" + body["url"].rsplit("/", 1)[1] + "/x",
        "/media/livefeed.db",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "the database password" not in response.text


# Pages: pictures with srcset, videos as embeds or players ----------------------------------------


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
