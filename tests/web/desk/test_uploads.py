"""Pictures and videos uploaded through the API and the desk: what an upload answers, each
refusal on its field with nothing kept, who may upload, and the files served, nothing else."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from livefeed.access import accounts
from livefeed.services import Services
from livefeed.web.api.openapi.document import spec
from tests import media_files as files
from tests.factories import make_contributor, make_user
from tests.web.api.test_openapi import problems, response_schema
from tests.web.conftest import bearer, csrf
from tests.web.desk.media_uploads import UPLOAD, assert_refused, nothing_stored, post_file

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
