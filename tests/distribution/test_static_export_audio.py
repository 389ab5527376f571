"""A static copy of a feed keeps a post's clip: the file is copied beside the pages and the
player points at it there, with the transcript under it."""

from __future__ import annotations

from pathlib import Path

from livefeed.services import Services
from livefeed.web.reader.static_export import export_feed
from tests import media_files as files
from tests.distribution.test_static_export import parse
from tests.factories import make_editor, make_feed, make_post
from tests.portability.rich_feed import upload


def test_a_clip_is_copied_and_played_from_the_copy(svc: Services, tmp_path: Path) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    clip = upload(svc, editor, files.audio("opus"), "chair.opus", "The chair")
    make_post(svc, editor, **{"audio.url": clip.url, "audio.transcript": "We adjourn."})
    copy = tmp_path / "copy"

    export_feed(svc, "summit", copy, say=lambda _line: None)

    page = parse(copy / "index.html")
    (source,) = [e for e in page.elements if e.tag == "source"]
    kept = copy / source.attrs["src"]
    assert kept.is_file()
    assert kept.name == f"{clip.media.hash}.opus"
    assert "We adjourn." in (copy / "index.html").read_text()
