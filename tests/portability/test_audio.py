"""A feed's recording and its posts' sound move with it: the clip in the zip, its transcript,
a moment of the recording, and the clip's length and size once imported."""

from __future__ import annotations

import io
import zipfile

from livefeed.distribution import reading
from livefeed.portability import importing
from livefeed.services import Services
from tests import media_files as files
from tests.conftest import Clock
from tests.factories import make_editor, make_feed, make_post
from tests.portability.rich_feed import upload
from tests.portability.test_round_trip import (
    _admin,
    document,
    exported,
    without_numbering,
)

RECORDING = "https://radio.example.org/summit-day-2.mp3"


def test_sound_comes_back_the_same(svc: Services, clock: Clock, other_site: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor, recording_url=RECORDING)
    clip = upload(svc, editor, files.audio("mp3", seconds=2), "chair.mp3", "The chair")
    make_post(svc, editor, **{"audio.url": clip.url, "audio.transcript": "We adjourn."})
    make_post(svc, editor, headline="The vote", **{"audio.start": "1:00:05"})

    first = exported(svc)
    before = document(first)
    assert before["recording_url"] == RECORDING
    sounds = [post["audio"] for post in before["posts"]]
    assert {"href": f"media/{clip.media.hash}.mp3", "start": None, "transcript": "We adjourn."} in (
        sounds
    )
    assert {"href": "", "start": 3605, "transcript": ""} in sounds
    assert [item["contenttype"] for item in before["media"]] == ["audio/mpeg"]

    importing.import_feed(other_site, _admin(other_site), io.BytesIO(first))
    again = exported(other_site)
    assert without_numbering(document(again)) == without_numbering(before)
    with zipfile.ZipFile(io.BytesIO(first)) as one, zipfile.ZipFile(io.BytesIO(again)) as two:
        assert sorted(one.namelist()) == sorted(two.namelist())
    feed, posts = reading.changes_since(other_site, "summit", 0, limit=10)
    assert feed.recording_url == RECORDING
    played = next(post.audio for post in posts if post.audio and post.audio.url)
    assert played.duration_ms == clip.media.duration_ms
    assert played.byte_size == clip.media.byte_size
    assert played.url.startswith(other_site.urls.origin)
