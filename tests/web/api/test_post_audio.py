"""A post's sound through the API and on every face: an uploaded clip with its transcript, or a
moment of the feed's live stream recording."""

from __future__ import annotations

import json

import feedparser
from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.services import Services
from tests import media_files as files
from tests.factories import make_feed
from tests.web.api.feed_api import POSTS, assert_problem, state
from tests.web.conftest import bearer

UPLOAD = "/api/v1/media"
RECORDING = "https://radio.example.org/summit-day-2.mp3"
TRANSCRIPT = "The chair: we adjourn until three.\nDelegates leave the hall."


def _upload(client: TestClient, token: str) -> dict[str, object]:
    clip = files.audio("mp3", seconds=2)
    response = client.post(
        UPLOAD,
        data={"alt": "The chair adjourns the session", "feed": "summit"},
        files={"file": ("chair.mp3", clip, "audio/mpeg")},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    uploaded: dict[str, object] = response.json()
    return uploaded


def _post_with_clip(client: TestClient, token: str) -> tuple[dict[str, object], dict[str, object]]:
    uploaded = _upload(client, token)
    response = client.post(
        POSTS,
        json={
            "headline": "Session adjourned",
            "audio": {"url": uploaded["url"], "transcript": TRANSCRIPT},
        },
        headers=bearer(token),
    )
    assert response.status_code == 201, response.text
    return uploaded, response.json()


def test_a_clip_uploaded_is_played_with_its_length_and_transcript(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    uploaded, post = _post_with_clip(client, token)

    assert uploaded["type"] == "audio/mpeg"
    audio = post["audio"]
    assert isinstance(audio, dict)
    assert audio["url"] == uploaded["url"]
    assert audio["type"] == "audio/mpeg"
    assert audio["start"] is None
    assert audio["transcript"] == TRANSCRIPT
    assert 1900 <= audio["duration_ms"] <= 2200
    assert client.get(f"{POSTS}/{post['id']}").json()["audio"] == audio

    page = client.get("/feeds/summit").text
    assert '<audio controls preload="none" data-clip' in page
    assert f'<source src="{uploaded["url"]}" type="audio/mpeg">' in page
    assert "Audio, 0:02" in page
    assert '<details class="audio-transcript">' in page
    assert "we adjourn until three." in page


def test_feeds_for_apps_carry_the_clip(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    uploaded, _post = _post_with_clip(client, token)

    atom = feedparser.parse(client.get("/feeds/summit/feed.atom").content)
    links = atom.entries[0].enclosures
    assert [(link["href"], link["type"]) for link in links] == [(uploaded["url"], "audio/mpeg")]
    assert int(links[0]["length"]) > 0

    rss = feedparser.parse(client.get("/feeds/summit/feed.rss").content)
    enclosures = rss.entries[0].enclosures
    assert [(e["href"], e["type"]) for e in enclosures] == [(uploaded["url"], "audio/mpeg")]
    assert enclosures[0]["length"] == links[0]["length"]

    feed = json.loads(client.get("/feeds/summit/feed.json").content)
    attachments = feed["items"][0]["attachments"]
    assert attachments == [
        {
            "url": uploaded["url"],
            "mime_type": "audio/mpeg",
            "size_in_bytes": int(links[0]["length"]),
            "duration_in_seconds": 2,
        }
    ]


def test_a_clip_that_is_not_ours_or_not_sound_is_refused_naming_the_field(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    before = state(svc)
    elsewhere = client.post(
        POSTS,
        json={"headline": "Walkout", "audio": {"url": "https://example.com/a.mp3"}},
        headers=bearer(token),
    )
    missing = client.post(
        POSTS,
        json={"headline": "Walkout", "audio": {"url": f"http://testserver/media/{'a' * 64}.mp3"}},
        headers=bearer(token),
    )
    assert_problem(elsewhere, 422, "audio.url")
    assert_problem(missing, 422, "audio.url")
    assert state(svc) == before


def test_a_moment_of_the_recording_plays_it_from_there(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor, recording_url=RECORDING)

    response = client.post(
        POSTS,
        json={"headline": "The vote", "audio": {"start": "1:14:05", "transcript": "Ayes 12."}},
        headers=bearer(token),
    )

    assert response.status_code == 201, response.text
    assert response.json()["audio"]["start"] == 4445
    assert response.json()["audio"]["url"] is None
    page = client.get("/feeds/summit").text
    assert f'<source src="{RECORDING}#t=4445">' in page
    assert "From the live stream recording, from 1:14:05" in page
    assert client.get("/api/v1/feeds/summit").json()["recording_url"] == RECORDING


def test_a_moment_without_a_recording_is_refused_naming_the_field(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    before = state(svc)

    refused = client.post(
        POSTS, json={"headline": "The vote", "audio": {"start": 845}}, headers=bearer(token)
    )
    garbled = client.post(
        POSTS, json={"headline": "The vote", "audio": {"start": "yesterday"}}, headers=bearer(token)
    )

    assert_problem(refused, 422, "audio.start")
    assert "no live stream recording" in refused.json()["errors"][0]["message"]
    assert_problem(garbled, 422, "audio.start")
    assert state(svc) == before


def test_a_feed_takes_a_recording_address_through_the_api(
    client: TestClient, svc: Services, editor: User, token: str
) -> None:
    make_feed(svc, editor)
    changed = client.patch(
        "/api/v1/feeds/summit", json={"recording_url": RECORDING}, headers=bearer(token)
    )
    refused = client.patch(
        "/api/v1/feeds/summit", json={"recording_url": "ftp://x"}, headers=bearer(token)
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["recording_url"] == RECORDING
    assert_problem(refused, 422, "recording_url")
