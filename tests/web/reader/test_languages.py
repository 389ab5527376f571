"""Every reader document speaks its feed's language, whoever reads it; its machine formats say
so too; and tags in any script have pages of their own."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from livefeed.distribution import reading
from livefeed.domain.users import User
from livefeed.languages import catalogs
from livefeed.services import Services
from livefeed.store import events as event_log
from livefeed.web.reader.static_export import export_feed
from livefeed.web.reader.stream import Encoder
from tests.factories import make_feed, make_post
from tests.web.conftest import log_in

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
FEEDS = {
    "ru": ("vybory", "Выборы: прямая трансляция", "ltr"),
    "ar": ("qimma", "القمة العربية مباشر", "rtl"),
    "tr": ("secim", "Seçim: canlı", "ltr"),
}


def html_tag(page: str) -> tuple[str, str]:
    found = re.search(r'<html lang="([^"]*)" dir="([^"]*)"', page)
    assert found, page[:200]
    return found.group(1), found.group(2)


def open_feed(svc: Services, editor: User, language: str) -> tuple[str, int]:
    slug, title, _ = FEEDS[language]
    make_feed(svc, editor, slug=slug, title=title, language=language, tags="")
    post = make_post(svc, editor, slug, headline=title, tags="новости" if language == "ru" else "")
    return slug, post.id


@pytest.mark.parametrize("language", list(FEEDS))
def test_each_reader_document_declares_the_feeds_language(
    client: TestClient, svc: Services, editor: User, language: str
) -> None:
    slug, post_id = open_feed(svc, editor, language)
    direction = FEEDS[language][2]
    # An English browser is shown the feed's language all the same.
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    pages = [
        f"/feeds/{slug}",
        f"/feeds/{slug}/posts/{post_id}",
        f"/feeds/{slug}/corrections",
        f"/feeds/{slug}/discussion",
        f"/feeds/{slug}/community-standards",
        f"/feeds/{slug}/embed",
    ]
    for path in pages:
        response = client.get(path, headers=english)
        assert response.status_code == 200, path
        assert html_tag(response.text) == (language, direction), path


def test_a_signed_in_editor_reads_the_feed_page_in_the_feeds_language_too(
    client: TestClient, svc: Services, editor: User
) -> None:
    slug, post_id = open_feed(svc, editor, "ar")
    log_in(client, editor.email)
    assert html_tag(client.get(f"/feeds/{slug}").text) == ("ar", "rtl")
    assert html_tag(client.get(f"/feeds/{slug}/posts/{post_id}").text) == ("ar", "rtl")
    # The desk stays the editor's own.
    assert html_tag(client.get("/desk").text) == ("en", "ltr")


def test_a_feeds_live_fragment_is_worded_in_its_language(
    app: Starlette, svc: Services, editor: User
) -> None:
    slug, _ = open_feed(svc, editor, "ru")
    feed = reading.get_feed(svc, slug)
    with svc.db.read() as conn:
        published = event_log.after(conn, feed.id, 0)[-1]
    post = reading.feed_page(svc, slug).posts[0]
    # Encoded for a stream whose request spoke English: the fragment is in Russian.
    with catalogs.speaking("en"):
        particulars = Encoder(svc, app.state.templates).payload(feed, published, post)["post"]
    assert re.search("[а-я]", particulars["day_label"]), particulars
    assert f"/tags/{quote('новости')}" in particulars["tags"]


def test_the_static_copy_declares_the_feeds_language(
    svc: Services, editor: User, tmp_path: Path
) -> None:
    slug, _ = open_feed(svc, editor, "ar")
    export_feed(svc, slug, tmp_path / "copy", say=lambda _: None)
    pages = sorted((tmp_path / "copy").rglob("*.html"))
    assert pages
    for page in pages:
        assert html_tag(page.read_text(encoding="utf-8")) == ("ar", "rtl"), page


def test_feeds_for_apps_carry_the_feeds_language(
    client: TestClient, svc: Services, editor: User
) -> None:
    slug, _ = open_feed(svc, editor, "ru")

    atom = ET.fromstring(client.get(f"/feeds/{slug}/feed.atom").content)  # noqa: S314
    assert atom.get(XML_LANG) == "ru"
    assert [entry.get(XML_LANG) for entry in atom.iter(f"{ATOM}entry")] == ["ru"]

    rss = ET.fromstring(client.get(f"/feeds/{slug}/feed.rss").content)  # noqa: S314
    assert rss.findtext("channel/language") == "ru"

    document = client.get(f"/feeds/{slug}/feed.json").json()
    assert document["language"] == "ru"

    page = client.get(f"/feeds/{slug}").text
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found
    assert json.loads(found.group(1))["inLanguage"] == "ru"


def test_a_document_gathering_feeds_names_each_entrys_language(
    client: TestClient, svc: Services, editor: User
) -> None:
    open_feed(svc, editor, "ru")
    open_feed(svc, editor, "ar")
    atom = ET.fromstring(client.get("/feeds.atom").content)  # noqa: S314
    # Feeds in two languages: the document is in the site's, each entry in its feed's.
    assert atom.get(XML_LANG) == "en"
    assert sorted(entry.get(XML_LANG) or "" for entry in atom.iter(f"{ATOM}entry")) == [
        "ar",
        "ru",
    ]
    items = client.get("/feeds.json").json()["items"]
    assert sorted(item["language"] for item in items) == ["ar", "ru"]


def test_the_news_sitemap_names_each_posts_language(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, slug="taipei", title="台北", language="zh-Hant-TW")
    make_post(svc, editor, "taipei", headline="選舉")
    make_feed(svc, editor, slug="lisboa", title="Lisboa", language="pt-BR")
    make_post(svc, editor, "lisboa", headline="Eleições")
    root = ET.fromstring(client.get("/sitemap-news.xml").content)  # noqa: S314
    languages = {
        url.findtext("{http://www.sitemaps.org/schemas/sitemap/0.9}loc", "").split("/")[4]: (
            url.findtext(f"{NEWS}news/{NEWS}publication/{NEWS}language")
        )
        for url in root
    }
    assert languages == {"taipei": "zh-tw", "lisboa": "pt"}


def test_a_tag_in_cyrillic_has_a_page_at_its_percent_encoded_address(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, slug="vybory", title="Выборы", language="ru", tags="Выборы")
    make_post(svc, editor, "vybory", headline="Явка", tags="Выборы, Явка")
    feed_page = client.get("/feeds/vybory").text
    address = "/tags/%D0%B2%D1%8B%D0%B1%D0%BE%D1%80%D1%8B"
    assert f'href="{address}"' in feed_page

    page = client.get(address)
    assert page.status_code == 200
    assert "Явка" in page.text
    # Every feed on the page is Russian, so the page is too.
    assert html_tag(page.text) == ("ru", "ltr")
    assert client.get(f"{address}/feed.atom").status_code == 200
    # The feed page's own filter takes the tag as typed.
    filtered = client.get("/feeds/vybory", params={"tag": "ВЫБОРЫ"})
    assert filtered.status_code == 200
    assert "Явка" in filtered.text


def test_an_arabic_tag_has_a_page(client: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor, slug="qimma", title="القمة", language="ar")
    make_post(svc, editor, "qimma", headline="افتتاح", tags="قمة")
    page = client.get(f"/tags/{quote('قمة')}")
    assert page.status_code == 200
    assert "افتتاح" in page.text
    assert html_tag(page.text) == ("ar", "rtl")


def test_turkish_and_english_is_are_tags_of_their_own(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, slug="secim", title="Seçim", language="tr")
    make_post(svc, editor, "secim", headline="Türkçe haber", tags="İstanbul, Isparta")
    make_feed(svc, editor, slug="election", title="Election", language="en")
    make_post(svc, editor, "election", headline="English news", tags="Isparta")

    turkish = client.get(f"/tags/{quote('ısparta')}").text
    english = client.get("/tags/isparta").text
    assert "Türkçe haber" in turkish
    assert "English news" not in turkish
    assert "English news" in english
    assert "Türkçe haber" not in english
    # The Turkish feed's İstanbul is folded to istanbul, as Turkish writes it in lower case.
    assert "Türkçe haber" in client.get("/tags/istanbul").text
    # Its own filter reads a capital I the Turkish way.
    turkish_filter = client.get("/feeds/secim", params={"tag": "ISPARTA"}).text
    assert "Türkçe haber" in turkish_filter
    english_filter = client.get("/feeds/election", params={"tag": "ISPARTA"}).text
    assert "English news" in english_filter
