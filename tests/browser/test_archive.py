"""The static copy of a feed, opened in Chromium straight from the disk (``file://``).

The copy is made by the real command in a subprocess; no server runs while it is read.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import httpx2 as httpx
import pytest
from playwright.sync_api import expect

from livefeed.access import accounts
from livefeed.domain.feeds import FeedStatus
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.settings import Settings
from tests import media_files
from tests.browser.conftest import COMMAND, LiveServer, NewContext, server_env
from tests.factories import make_editor, make_feed, make_post
from tests.ports import free_port

pytestmark = pytest.mark.browser

POSTS = 25


@pytest.fixture
def copy(svc: Services, settings: Settings, tmp_path: Path) -> Path:
    """An ended feed of 25 posts, exported by ``livefeed export-static``."""
    editor = make_editor(svc)
    make_feed(svc, editor)
    for number in range(1, POSTS + 1):
        make_post(
            svc,
            editor,
            headline=f"Update number {number}",
            key_event=number == 2,
            **{"quote.text": "We are close.", "quote.attribution": "The chair"},
        )
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    target = tmp_path / "copy"
    done = subprocess.run(
        [str(COMMAND), "export-static", "summit", str(target)],
        env=server_env(settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return target


def test_the_copy_reads_from_the_disk_with_its_stylesheet(
    copy: Path, new_context: NewContext
) -> None:
    page = new_context().new_page()
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto((copy / "index.html").as_uri())

    expect(page.get_by_role("heading", level=1)).to_have_text("Summit in Geneva: live")
    expect(page.get_by_text("This live feed has ended")).to_be_visible()
    expect(page.locator("article.post")).to_have_count(20)
    expect(page.locator("article.post").first).to_contain_text(f"Update number {POSTS}")
    # The stylesheet applies: the site's dark header band and its ended badge.
    header = page.locator(".site-header")
    expect(header).to_have_css("background-color", "rgb(26, 26, 26)")
    expect(page.locator(".feed-banner")).to_have_css("border-left-style", "solid")

    page.get_by_role("link", name="Show older posts").click()
    expect(page).to_have_url((copy / "page-2.html").as_uri())
    expect(page.locator("article.post")).to_have_count(POSTS - 20)
    expect(page.get_by_role("link", name="Show older posts")).to_have_count(0)

    # A post's time leads to its own page, one folder down, still styled.
    page.locator("#post-2 .post-time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Update number 2")
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(26, 26, 26)")
    page.get_by_role("link", name="See it in the live feed").click()
    expect(page).to_have_url((copy / "page-2.html").as_uri() + "#post-2")
    page.get_by_role("link", name="Livefeed").click()
    expect(page).to_have_url((copy / "index.html").as_uri())
    assert errors == []


def test_the_archive_stands_alone_once_the_live_site_is_gone(
    own_server: LiveServer, new_context: NewContext, tmp_path: Path
) -> None:
    """Pictures uploaded to the live site, the copy made, the site stopped: served by a plain
    static server, every picture and every rendition of it loads from the copy itself."""
    svc, editor = own_server.svc, own_server.editor
    make_feed(svc, editor)
    token = accounts.create_token(svc, editor.email, "archive")
    for number, (width, height) in enumerate([(1800, 1200), (900, 600)], start=1):
        data = media_files.jpeg(width, height)
        answer = httpx.post(
            own_server.at("/api/v1/media"),
            headers={"Authorization": f"Bearer {token}"},
            files={"file": (f"picture-{number}.jpg", data, "image/jpeg")},
            data={"alt": f"Picture {number}", "feed": "summit"},
            timeout=30,
        )
        assert answer.status_code == 201, answer.text
        publishing.publish_post(
            svc, editor, "summit",
            {"headline": f"Picture {number}", "image.url": answer.json()["url"],
             "image.alt": f"Picture {number}", "image.caption": "In the hall"},
        )  # fmt: skip
    copy = tmp_path / "copy"
    done = subprocess.run(
        [str(COMMAND), "export-static", "summit", str(copy)],
        env=server_env(own_server.server.settings),
        cwd=own_server.server.directory,  # where the server keeps its media folder
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    live = own_server.url
    own_server.stop()

    port = free_port()
    archive = f"http://127.0.0.1:{port}"
    with subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
         "--directory", str(copy)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    ) as static:  # fmt: skip
        try:
            _wait_for(archive)
            context = new_context()
            page = context.new_page()
            asked: list[str] = []
            page.on("request", lambda request: asked.append(request.url))
            page.goto(archive + "/index.html")
            expect(page.locator("article.post img")).to_have_count(2)
            page.wait_for_function(
                "[...document.images].every(image => image.complete && image.naturalWidth > 0)"
            )
            # Every rendition named by every srcset loads from the archive too.
            candidates = page.evaluate(
                """async () => {
                    const urls = [...document.images].flatMap(image =>
                        image.srcset.split(",").map(part => new URL(part.trim().split(" ")[0],
                                                                    document.baseURI).href));
                    const answers = await Promise.all(urls.map(url => fetch(url)));
                    return urls.map((url, i) => [url, answers[i].status]);
                }"""
            )
            assert len(candidates) == 5  # 480, 960 and 1600 wide; then 480 and 900
            for url, status in candidates:
                assert url.startswith(archive + "/media/"), url
                assert status == 200, url
            assert not [url for url in asked if url.startswith(live)]
        finally:
            static.terminate()


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(url + "/index.html", timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            assert time.monotonic() < deadline, f"{url} did not answer"
            time.sleep(0.05)
