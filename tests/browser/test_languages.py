"""A feed in each shipped language, read in Chromium by a browser that asks for English: the page
speaks the feed's language, from its words and plural forms to its dates, tags and direction.

The words expected are the shipped catalogs' own, read from them here, so a better translation
does not break a test; where a language's grammar is the point (Russian's three plural forms,
its months in the genitive) the words are written out as well."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx2 as httpx
import pytest
from playwright.sync_api import Page, expect

from livefeed.access import accounts
from livefeed.domain.users import Role
from livefeed.languages import catalogs
from livefeed.newsroom import publishing
from tests.browser.conftest import LiveServer, NewContext
from tests.browser.sides import DIRECTION, box, comes_before, starts_together
from tests.factories import make_feed, make_post, make_user

pytestmark = pytest.mark.browser

NEW_POSTS = ("%(num)d new post", "%(num)d new posts")


def english_reader(new_context: NewContext, server: LiveServer, path: str) -> Page:
    page = new_context(locale="en-GB", viewport={"width": 900, "height": 800}).new_page()
    page.goto(server.at(path))
    return page


def banner_words(language: str, count: int) -> str:
    with catalogs.speaking(language):
        return catalogs.plural(*NEW_POSTS, count)


def in_language(language: str, message: str) -> str:
    with catalogs.speaking(language):
        return catalogs.gettext(message)


def test_a_post_published_through_the_api_arrives_on_an_arabic_page_in_arabic(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug, title="محادثات وقف إطلاق النار: مباشر", language="ar")
    for number in range(12):
        make_post(svc, editor, slug, headline=f"تحديث {number}", body="نص. " * 80)
    page = english_reader(new_context, live_server, f"/feeds/{slug}")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator(".live-status")).to_have_attribute("data-state", "live")
    direction = DIRECTION["ar"]
    post = box(page.locator(".post").first)
    assert starts_together(box(page.locator(".post .post-time").first), post, direction)
    assert comes_before(box(page.locator(".live-status")), box(page.locator(".pause-live")),
                        direction)  # fmt: skip
    page.locator(".post").last.scroll_into_view_if_needed()

    token = accounts.create_token(svc, editor.email, "wire")
    answer = httpx.post(
        live_server.at(f"/api/v1/feeds/{slug}/posts"),
        headers={"Authorization": f"Bearer {token}"},
        json={"headline": "الوفدان يتفقان على هدنة", "body": "أعلن الوسطاء اتفاقًا أوليًا.",
              "key_event": True, "verification": "unverified"},
        timeout=30,
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    banner = page.locator(".new-posts")
    expect(banner).to_have_text(banner_words("ar", 1))
    expect(banner).to_have_text("منشور جديد واحد")
    assert banner.evaluate("element => getComputedStyle(element).direction") == "rtl"

    banner.click()
    arrived = page.locator(f"#post-{answer.json()['id']}")
    expect(arrived.locator(".post-headline")).to_have_text("الوفدان يتفقان على هدنة")
    expect(arrived.locator(".flag-key")).to_have_text(in_language("ar", "Key event"))
    expect(arrived.locator(".flag-key")).to_have_text("حدث رئيسي")
    expect(arrived.locator(".verification-label")).to_have_text(in_language("ar", "Unconfirmed"))
    shown = box(arrived)
    assert starts_together(box(arrived.locator(".post-time")), shown, direction)
    assert comes_before(box(arrived.locator(".post-time")), box(arrived.locator(".flag-key")),
                        direction)  # fmt: skip


def test_a_russian_banner_counts_with_the_shipped_plural_forms(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug, title="Выборы: онлайн", language="ru")
    for number in range(12):
        make_post(svc, editor, slug, headline=f"Новость {number}", body="Текст. " * 80)
    page = english_reader(new_context, live_server, f"/feeds/{slug}")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator(".live-status")).to_have_attribute("data-state", "live")
    page.locator(".post").last.scroll_into_view_if_needed()

    banner = page.locator(".new-posts")
    make_post(svc, editor, slug, headline="Срочно 1")
    expect(banner).to_have_text(banner_words("ru", 1))
    make_post(svc, editor, slug, headline="Срочно 2")
    expect(banner).to_have_text(banner_words("ru", 2))
    for number in range(3, 6):
        make_post(svc, editor, slug, headline=f"Срочно {number}")
    expect(banner).to_have_text(banner_words("ru", 5))
    # One, few and many: three different words, as Russian counts.
    assert [banner_words("ru", n) for n in (1, 2, 5)] == [
        "1 новый пост",
        "2 новых поста",
        "5 новых постов",
    ]


def test_a_russian_date_names_its_month_in_the_genitive(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, slug = live_server.svc, live_server.slug
    # Only an admin may say when a post first went out.
    admin = make_user(svc, live_server.email("ada@newsroom.test"), Role.ADMIN, "Ada Admin")
    make_feed(svc, admin, slug=slug, title="Выборы: онлайн", language="ru", timezone="UTC")
    earlier = publishing.publish_post(
        svc, admin, slug, {"headline": "Участки открылись", "body": "Голосование началось."},
        published_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
    )  # fmt: skip
    make_post(svc, admin, slug, headline="Подсчёт голосов", body="Идёт подсчёт.")

    page = english_reader(new_context, live_server, f"/feeds/{slug}")
    separators = page.locator(".day-separator")
    expect(separators).to_have_count(2)
    # CLDR's genitive "ноября", never the nominative "ноябрь" of a calendar's heading.
    expect(separators.last).to_contain_text("25 ноября")

    page.goto(live_server.at(svc.urls.post_path(slug, earlier.id)))
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("main")).to_contain_text("25 ноября")


def test_turkish_and_russian_tags_lead_to_their_pages(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug, title="Seçim gecesi: canlı", language="tr")
    make_post(svc, editor, slug, headline="Sandıklar kapandı", tags="İstanbul, ısparta")
    make_post(svc, editor, slug, headline="Выборы в Стамбуле", tags="выборы")
    page = english_reader(new_context, live_server, f"/feeds/{slug}")
    expect(page.locator("html")).to_have_attribute("lang", "tr")

    # Lower case as Turkish writes it: "İstanbul" is "istanbul", not Python's "i̇stanbul" with a
    # combining dot, and "ısparta" keeps its dotless ı.
    for tag, headline in [
        ("istanbul", "Sandıklar kapandı"),
        ("ısparta", "Sandıklar kapandı"),
        ("выборы", "Выборы в Стамбуле"),
    ]:
        page.goto(live_server.at(f"/feeds/{slug}"))
        page.locator(".tags a").get_by_text(tag, exact=True).first.click()
        expect(page.locator("main")).to_contain_text(headline)
        expect(page.locator("h1")).to_contain_text(tag)


@pytest.mark.parametrize("language", catalogs.shipped())
def test_every_shipped_language_is_named_on_the_feed_the_post_and_the_embed(
    live_server: LiveServer, new_context: NewContext, language: str
) -> None:
    svc, editor, slug = live_server.svc, live_server.editor, live_server.slug
    make_feed(svc, editor, slug=slug, language=language)
    post = make_post(svc, editor, slug, headline="Talks resume")
    page = new_context(locale="en-GB").new_page()
    for path in (
        f"/feeds/{slug}",
        svc.urls.post_path(slug, post.id),
        f"/feeds/{slug}/embed",
    ):
        page.goto(live_server.at(path))
        named = page.evaluate("[document.documentElement.lang, document.documentElement.dir]")
        assert named == [language, catalogs.direction(language)], path
