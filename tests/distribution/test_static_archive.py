"""The static archive stands alone: every picture with all its renditions copied and named by
a local ``srcset``, corrections with their earlier wording, and nothing that only a live site
has (the discussion's preview, the stream's script and markers)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from starlette.testclient import TestClient

from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from livefeed.web.reader.static_export import export_feed
from livefeed.web.reader.static_pages import srcset_urls
from tests.conftest import Clock
from tests.factories import make_editor
from tests.portability.rich_feed import make_rich_feed


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def copy(svc: Services, clock: Clock, tmp_path: Path) -> Path:
    make_rich_feed(svc, clock, make_editor(svc), video=False)
    target = tmp_path / "copy"
    export_feed(svc, "summit", target, say=lambda line: None)
    return target


def pages(copy: Path) -> dict[Path, str]:
    return {path: path.read_text("utf-8") for path in copy.rglob("*.html")}


def test_every_rendition_is_copied_and_named_locally(svc: Services, copy: Path) -> None:
    uploaded = {path.name for path in svc.settings.media_path.iterdir()}
    pictures = {name for name in uploaded if name.endswith(".jpg")}
    assert len(pictures) == 3  # 480, 960 and 1600 pixels wide
    seen: set[str] = set()
    for path, html in pages(copy).items():
        for srcset in re.findall(r'srcset="([^"]*)"', html):
            for url in srcset_urls(srcset):
                assert "://" not in url, (path, url)
                assert not url.startswith("/"), (path, url)
                assert (path.parent / unquote(url)).resolve().is_file(), (path, url)
                seen.add(Path(url).name)
        for src in re.findall(r'<img src="([^"]*)"', html):
            assert (path.parent / unquote(src)).resolve().is_file(), (path, src)
    assert seen == pictures
    assert {path.name for path in (copy / "media").iterdir()} >= pictures


def test_corrections_keep_their_earlier_wording(copy: Path) -> None:
    index = (copy / "index.html").read_text("utf-8")
    assert "Talks start at 11" in index
    assert "The time was wrong." in index
    assert '<p class="earlier-headline">Talks start at 10</p>' in index
    assert "Ten o&#39;clock." in index or "Ten o'clock." in index


def test_nothing_live_remains(svc: Services, settings: Settings, copy: Path) -> None:
    with TestClient(create_app(settings, svc)) as client:
        live = client.get("/feeds/summit").text
    # The live page has them …
    for part in ('class="discussion"', "data-live-feed", "<script src", 'class="live-bar"'):
        assert part in live
    # … and the copy none.
    for path, html in pages(copy).items():
        assert "<script src" not in html, path
        assert 'class="discussion"' not in html, path
        assert "data-live-feed" not in html, path
        assert "data-last-seq" not in html, path
        assert 'class="live-bar"' not in html, path
        assert "new-posts" not in html, path
