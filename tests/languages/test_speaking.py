"""Which language is spoken: a browser's preference, a tag's catalog, a script's direction."""

from __future__ import annotations

import pytest

from livefeed.languages import catalogs, choice


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.5", "ru"),
        ("de-DE,de;q=0.9,es;q=0.8,en;q=0.1", "es"),
        ("en;q=0.2, ar-EG", "ar"),
        ("tr;q=0, es;q=0.5", "es"),
        ("de, fr;q=nonsense", None),
        ("", None),
        (None, None),
    ],
)
def test_the_browsers_best_ranked_shipped_language(header: str | None, expected: str) -> None:
    assert choice.preferred(header) == expected


def test_a_regional_tag_is_served_by_its_languages_catalog() -> None:
    assert catalogs.catalog_for("ru-RU") == "ru"
    assert catalogs.catalog_for("es-419") == "es"
    assert catalogs.catalog_for("de-AT") == "en"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("ar", "rtl"), ("ar-EG", "rtl"), ("he", "rtl"), ("fa", "rtl"), ("ur", "rtl"),
     ("az-Arab", "rtl"), ("en", "ltr"), ("ru", "ltr"), ("zh-Hant-TW", "ltr"), ("qqq", "ltr")],
)  # fmt: skip
def test_the_direction_of_a_languages_script(tag: str, expected: str) -> None:
    assert catalogs.direction(tag) == expected


def test_speaking_lasts_for_the_block() -> None:
    assert catalogs.current() == "en"
    with catalogs.speaking("ar-EG") as spoken:
        assert spoken == "ar-EG"
        assert catalogs.current_catalog() == "ar"
        with catalogs.speaking(None):
            assert catalogs.current() == "ar-EG"
    assert catalogs.current() == "en"
