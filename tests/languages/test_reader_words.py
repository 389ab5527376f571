"""Every word of the reader's pages goes through the catalog, so a feed can be read in its own
language: each template's own text is all messages, and a page rendered in a language whose
catalog translates them shows the translation (the values put in stay as they are, escaped)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from starlette.testclient import TestClient

from livefeed.languages import catalogs
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from tests.factories import make_editor, make_feed, make_post
from tests.languages.visible_text import untranslated

TEMPLATES = Path(catalogs.__file__).resolve().parent.parent / "web" / "templates"
# Every template, those added later too: none may show words of its own.
ALL_TEMPLATES = sorted(str(path.relative_to(TEMPLATES)) for path in TEMPLATES.glob("**/*.html"))

# A few of the reader's messages in Russian: one a template writes, one with a link put in,
# and one the domain marks for later (a verification label).
RUSSIAN = {
    "Key event": "Ключевое событие",
    "Update in %(feed)s": "Обновление в ленте %(feed)s",
    "Unconfirmed": "Не подтверждено",
}


@pytest.mark.parametrize("name", ALL_TEMPLATES)
def test_a_template_has_no_words_of_its_own(name: str) -> None:
    assert untranslated((TEMPLATES / name).read_text(encoding="utf-8")) == []


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def russian(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The catalogs read from a folder holding English and a Russian catalog of a few messages."""
    for code, words in (("en", {}), ("ru", RUSSIAN)):
        catalog = Catalog(locale=code)
        for message, translation in words.items():
            catalog.add(message, translation)
        folder = tmp_path / code / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with (folder / "messages.po").open("wb") as target:
            write_po(target, catalog)
    monkeypatch.setattr(catalogs, "LOCALES", tmp_path)
    cached = (catalogs.shipped, catalogs.translations, catalogs.catalog_for)
    for function in cached:
        function.cache_clear()
    yield
    # The shipped catalogs again for the tests that follow, once the folder is put back.
    monkeypatch.undo()
    for function in cached:
        function.cache_clear()


@pytest.fixture
def client(settings: Settings, svc: Services, russian: None) -> Iterator[TestClient]:
    # A reader's page speaks its feed's language, whatever the browser asks for.
    with TestClient(create_app(settings, svc), headers={"Accept-Language": "en"}) as test_client:
        yield test_client


def test_the_feed_and_post_pages_speak_the_catalogs_language(
    client: TestClient, svc: Services
) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor, title="Summit <live>", default_verification="unverified", language="ru")
    post = make_post(svc, editor, headline="Talks resume", key_event=True)

    feed_page = client.get("/feeds/summit").text
    post_page = client.get(f"/feeds/summit/posts/{post.id}").text

    for page in (feed_page, post_page):
        assert '<span class="flag flag-key">Ключевое событие</span>' in page
        assert ">Не подтверждено</span>" in page
        assert ">Key event<" not in page
    assert 'Обновление в ленте <a href="/feeds/summit">Summit &lt;live&gt;</a>' in post_page, (
        "the link is put into the translated sentence, the feed's title escaped"
    )
    # A message the small catalog does not translate stays in English.
    assert "See it in the live feed" in post_page
