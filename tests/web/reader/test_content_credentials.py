"""Content Credentials: pictures signed in the test (camera capture, AI-generated, edited,
tampered) and one with no manifest, each uploaded, posted and shown on the post's page."""

from __future__ import annotations

import io
import json
import re
from html import unescape

import c2pa
import pytest
from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.newsroom import media
from livefeed.services import Services
from tests import content_credentials as signed
from tests import media_files
from tests.factories import make_feed, make_post


@pytest.fixture(scope="module")
def signer() -> signed.TestSigner:
    return signed.make_signer("Test Camera")


def posted(svc: Services, editor: User, data: bytes, **fields: str) -> tuple[int, media.Uploaded]:
    make_feed(svc, editor)
    uploaded = media.upload(
        svc, editor, media.Incoming("picture.jpg", io.BytesIO(data), len(data)), "The hall"
    )
    post = make_post(svc, editor, **{"image.url": uploaded.url, "image.alt": "The hall", **fields})
    return post.id, uploaded


def shown(client: TestClient, post_id: int) -> dict[str, str]:
    """What the post's page says under the picture: each credential's line, by its class,
    the badge's summary, and the AI label."""
    html = client.get(f"/feeds/summit/posts/{post_id}").text
    figure = re.search(r'<figure class="post-figure">(.*?)</figure>', html, re.S)
    assert figure is not None
    inside = figure.group(1)
    found = {
        name: unescape(text.strip())
        for name, text in re.findall(r'<dd class="credentials-([a-z]+)">(.*?)</dd>', inside, re.S)
    }
    summary = re.search(r"<summary>(.*?)</summary>", inside, re.S)
    if summary:
        found["summary"] = unescape(re.sub(r"<[^>]+>", "", summary.group(1))).strip()
    label = re.search(r'<p class="ai-label">(.*?)</p>', inside)
    if label:
        found["label"] = label.group(1)
    source = re.search(r'<p class="image-source">(.*?)</p>', inside)
    if source:
        found["hand_set"] = source.group(1)
    return found


def test_a_camera_capture_shows_its_valid_credentials(
    client: TestClient, svc: Services, editor: User, signer: signed.TestSigner
) -> None:
    post_id, _ = posted(svc, editor, signed.camera_capture(signer))

    assert shown(client, post_id) == {
        "summary": "Content credentials",
        "validity": "Signature valid; the signer is not on a known trust list",
        "signer": "Test Camera (Test Newsroom)",
        "generator": "Camera 2.1",
        "actions": "created",
        "source": "Photo from a camera",
    }


def test_an_ai_generated_picture_is_labelled_so(
    client: TestClient, svc: Services, editor: User, signer: signed.TestSigner
) -> None:
    post_id, _ = posted(svc, editor, signed.ai_generated(signer))

    found = shown(client, post_id)
    assert found["label"] == "AI-generated image"
    assert found["source"] == "AI-generated image"
    assert found["generator"] == "Imagine 3.0"
    assert found["validity"].startswith("Signature valid")


def test_an_edited_picture_lists_what_was_done_to_it(
    client: TestClient, svc: Services, editor: User, signer: signed.TestSigner
) -> None:
    post_id, _ = posted(svc, editor, signed.edited(signer))

    found = shown(client, post_id)
    assert found["actions"] == "created, cropped, colour adjusted"
    assert found["generator"] == "Darkroom 5.2"
    assert "label" not in found


def test_a_tampered_picture_is_shown_invalid_never_valid(
    client: TestClient, svc: Services, editor: User, signer: signed.TestSigner
) -> None:
    post_id, _ = posted(svc, editor, signed.tampered(signed.camera_capture(signer)))

    found = shown(client, post_id)
    assert found["summary"] == "Content credentials Invalid"
    assert found["validity"] == (
        "Invalid: the picture or its credentials were changed after signing"
    )
    html = client.get(f"/feeds/summit/posts/{post_id}").text
    assert "Signature valid" not in html
    assert 'data-validity="invalid"' in html


def test_a_picture_without_a_manifest_shows_no_credentials(
    client: TestClient, svc: Services, editor: User
) -> None:
    post_id, uploaded = posted(svc, editor, media_files.jpeg(800, 600))

    assert shown(client, post_id) == {}
    assert "Link" not in client.get(uploaded.url).headers


def test_an_editor_may_say_what_a_picture_is_when_it_has_no_manifest(
    client: TestClient, svc: Services, editor: User
) -> None:
    post_id, _ = posted(
        svc, editor, media_files.jpeg(800, 600), **{"image.source_type": "trainedAlgorithmicMedia"}
    )

    assert shown(client, post_id) == {"label": "AI-generated image"}
    api = client.get(f"/api/v1/feeds/summit/posts/{post_id}").json()["image"]
    assert (api["source_type"], api["ai_generated"], api["credentials"]) == (
        "trainedAlgorithmicMedia", True, None,
    )  # fmt: skip


def test_renditions_link_to_the_manifest_store_kept_beside_them(
    client: TestClient, svc: Services, editor: User, signer: signed.TestSigner
) -> None:
    original = signed.camera_capture(signer)
    _, uploaded = posted(svc, editor, original)

    for rendition in uploaded.renditions:
        response = client.get(rendition.url)
        assert response.status_code == 200
        # Re-encoded: the rendition carries no manifest of its own.
        assert c2pa.Reader.try_create("image/jpeg", io.BytesIO(response.content)) is None
        link = re.fullmatch(r'<([^>]+)>; rel="c2pa-manifest"', response.headers["link"])
        assert link is not None
    store = client.get(link.group(1))
    assert store.status_code == 200
    assert store.headers["content-type"] == "application/c2pa"
    # The kept store is the original's, byte for byte: it validates against the original.
    with c2pa.Reader("image/jpeg", io.BytesIO(original), store.content) as kept:
        assert kept.get_validation_state() == "Valid"
        kept_manifest = json.loads(kept.json())["active_manifest"]
    with c2pa.Reader("image/jpeg", io.BytesIO(original)) as embedded:
        assert kept_manifest == json.loads(embedded.json())["active_manifest"]
