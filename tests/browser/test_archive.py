"""The static copy of a feed, opened in Chromium straight from the disk (``file://``).

The copy is made by the real command in a subprocess; no server runs while it is read.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from livefeed.domain.feeds import FeedStatus
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.settings import Settings
from tests.browser.conftest import COMMAND, NewContext, server_env
from tests.factories import make_editor, make_feed, make_post

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
    context = new_context()
    # The copy's own files may load; anything else (another site's picture) may not.
    context.route("file://**", lambda route: route.continue_())
    page = context.new_page()
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
