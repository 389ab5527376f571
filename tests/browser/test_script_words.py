"""A page in another language: its scripts speak it, in the words of the shipped catalog.

The feed is Russian and the reader's browser asks for English: the scripts speak the feed's
language, as the page around them does. The new-posts banner's plural forms are in
test_languages.py."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from livefeed.languages import catalogs
from tests.browser.conftest import LiveServer, NewContext
from tests.factories import make_feed, make_post

pytestmark = pytest.mark.browser


def test_the_live_scripts_speak_the_feeds_language(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug, title="Выборы: онлайн", language="ru")
    make_post(svc, editor, slug, headline="Участки открылись")
    with catalogs.speaking("ru"):
        live = catalogs.gettext("Live")
        new_post = catalogs._("New post: %(title)s", title="Подсчёт голосов")
    assert (live, new_post) != ("Live", "New post: Подсчёт голосов")

    page = new_context(locale="en-GB").new_page()
    page.goto(live_server.at(f"/feeds/{slug}"))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator(".live-status")).to_have_attribute("data-state", "live")
    expect(page.locator(".live-status")).to_have_text(live)

    make_post(svc, editor, slug, headline="Подсчёт голосов")
    expect(page.locator(".live-announcer")).to_have_text(new_post)
