"""Small Russian and Arabic catalogs written for a test, in place of the shipped ones, whose
translations may not be there yet: enough words to see the scripts' catalog and its plurals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from livefeed.languages import catalogs, script_words

LIVE = ("livefeed/web/static/live.js", 1)
TEMPLATE = ("livefeed/web/templates/base.html", 1)
NEW_POSTS = ("%(num)d new post", "%(num)d new posts")
RUSSIAN_NEW_POSTS = ("%(num)d новый пост", "%(num)d новых поста", "%(num)d новых постов")
ARABIC_NEW_POSTS = (
    "لا منشورات جديدة",
    "منشور جديد واحد",
    "منشوران جديدان",
    "%(num)d منشورات جديدة",
    "%(num)d منشورًا جديدًا",
    "%(num)d منشور جديد",
)


def _write(
    root: Path, language: str, fill: list[tuple[object, object, tuple[str, int], bool]]
) -> None:
    catalog = Catalog(locale=language, project="Livefeed", fuzzy=False)
    for message, text, place, fuzzy in fill:
        flags = ["fuzzy"] if fuzzy else []
        catalog.add(message, text, [place], flags=flags)  # type: ignore[arg-type]
    path = root / language / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as target:
        write_po(target, catalog)


def write_catalogs(root: Path, plural_forms: str | None = None) -> None:
    """``en``, ``ru`` and ``ar``; ``plural_forms`` puts another formula in the Russian one."""
    _write(root, "en", [("Copied", "Copied", LIVE, False)])
    _write(
        root,
        "ru",
        [
            ("Copied", "Скопировано", LIVE, False),
            ("Live", "В эфире", LIVE, False),
            (NEW_POSTS, RUSSIAN_NEW_POSTS, LIVE, False),
            ("Skip to content", "К содержанию", TEMPLATE, False),
            ("Paused", "Пауза", LIVE, True),
            ("Playing live", "", LIVE, False),
        ],
    )
    _write(root, "ar", [(NEW_POSTS, ARABIC_NEW_POSTS, LIVE, False)])
    if plural_forms:
        path = root / "ru" / "LC_MESSAGES" / "messages.po"
        text = path.read_text()
        start = text.index('"Plural-Forms:')
        end = text.index('"MIME-Version')
        path.write_text(text[:start] + f'"Plural-Forms: {plural_forms}\\n"\n' + text[end:])


def forget() -> None:
    """Every catalog read so far, so that the next question reads the catalogs again."""
    catalogs.shipped.cache_clear()
    catalogs.translations.cache_clear()
    catalogs.catalog_for.cache_clear()
    script_words.script_words.cache_clear()


@pytest.fixture
def small_catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "locales"
    write_catalogs(root)
    monkeypatch.setattr(catalogs, "LOCALES", root)
    forget()
    yield root
    monkeypatch.undo()
    forget()
