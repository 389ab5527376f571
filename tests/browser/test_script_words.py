"""A page in another language: its scripts speak it, with that language's plural forms.

The server's own catalogs may not be translated yet, so the page's words are the small Russian
catalog of the test (tests/languages/small_catalogs.py), put in the page in place of the
shipped ones exactly as the server puts them there; the scripts and the feed are the server's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Route, expect

from livefeed.languages import catalogs
from livefeed.web.script_words import in_page
from tests.browser.conftest import LiveServer, NewContext
from tests.factories import make_feed, make_post
from tests.languages.small_catalogs import small_catalogs

__all__ = ["small_catalogs"]

pytestmark = pytest.mark.browser

WORDS = re.compile(r'(<script type="application/json" id="livefeed-words">).*?(</script>)', re.S)


def test_the_new_posts_banner_counts_in_russian(
    live_server: LiveServer, new_context: NewContext, small_catalogs: Path
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug)
    for number in range(12):
        make_post(svc, editor, slug, headline=f"Update {number}", body="Text. " * 80)
    with catalogs.speaking("ru"):
        russian = str(in_page())

    def with_test_words(route: Route) -> None:
        response = route.fetch()
        page, count = WORDS.subn(lambda found: found[1] + russian + found[2], response.text())
        assert count == 1
        route.fulfill(response=response, body=page)

    page = new_context(locale="ru-RU").new_page()
    page.route(live_server.at(f"/feeds/{slug}"), with_test_words)
    page.goto(live_server.at(f"/feeds/{slug}"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator(".live-status")).to_have_attribute("data-state", "live")
    expect(page.locator(".live-status")).to_have_text("В эфире")
    page.locator(".post").last.scroll_into_view_if_needed()

    banner = page.locator(".new-posts")
    make_post(svc, editor, slug, headline="Breaking 1")
    expect(banner).to_have_text("1 новый пост")
    make_post(svc, editor, slug, headline="Breaking 2")
    expect(banner).to_have_text("2 новых поста")
    for number in range(3, 6):
        make_post(svc, editor, slug, headline=f"Breaking {number}")
    expect(banner).to_have_text("5 новых постов")
