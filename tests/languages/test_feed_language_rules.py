"""A feed's language as the domain checks it, and tags in any script folded as it writes them."""

from __future__ import annotations

import pytest

from livefeed.domain.errors import Invalid
from livefeed.domain.feeds import parse_feed_input
from livefeed.domain.languages import news_language
from livefeed.domain.text import clean_tags

BASE = {"slug": "vybory", "title": "Выборы", "timezone": "Europe/Moscow"}


def test_a_feed_takes_its_language_in_conventional_case() -> None:
    assert parse_feed_input(BASE | {"language": "zh_hant_tw"}).language == "zh-Hant-TW"
    assert parse_feed_input(BASE | {"language": " RU "}).language == "ru"


def test_a_feed_given_no_language_is_in_the_sites() -> None:
    assert parse_feed_input(BASE).language == "en"
    assert parse_feed_input(BASE | {"language": ""}, default_language="tr").language == "tr"


@pytest.mark.parametrize("bad", ["en US", "e", "en--us", "ru-", "12", "x" * 40, 5])
def test_a_tag_that_is_not_a_language_is_refused_by_name(bad: object) -> None:
    with pytest.raises(Invalid) as caught:
        parse_feed_input(BASE | {"language": bad, "title": ""})
    # Every field at fault at once: the language beside the missing title.
    assert set(caught.value.errors) == {"language", "title"}
    assert "language tag" in caught.value.errors["language"]


def test_tags_in_any_script_are_kept_in_nfc() -> None:
    decomposed = "cafe\u0301"
    assert clean_tags(f"Выборы, قمة, Ελλάδα, 東京, {decomposed}, हिंदी") == (
        "выборы",
        "قمة",
        "ελλάδα",
        "東京",
        "café",
        "हिंदी",
    )
    assert clean_tags("Nouvelle Calédonie 2026") == ("nouvelle-calédonie-2026",)


@pytest.mark.parametrize("bad", ["a_b", "-lead", "тег!", "a--b", "\u0301a", "«цитата»"])
def test_punctuation_and_underscores_are_still_refused(bad: str) -> None:
    with pytest.raises(Invalid) as caught:
        clean_tags(bad)
    assert "is not a tag" in caught.value.errors["tags"]


def test_a_turkish_feed_folds_its_dotted_and_dotless_i_apart() -> None:
    assert clean_tags("İstanbul, ISPARTA, ısparta", language="tr") == ("istanbul", "ısparta")
    # In English the capital I is the dotted i's, and ı stays a letter of its own.
    assert clean_tags("ISPARTA, ısparta, istanbul", language="en") == (
        "isparta",
        "ısparta",
        "istanbul",
    )


def test_a_feed_folds_its_tags_in_its_own_language() -> None:
    feed = parse_feed_input(BASE | {"language": "tr", "tags": "Isparta, İzmir"})
    assert feed.tags == ("ısparta", "izmir")


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("pt-BR", "pt"),
        ("ar-EG", "ar"),
        ("zh-Hans", "zh-cn"),
        ("zh-Hant-TW", "zh-tw"),
        ("zh-HK", "zh-tw"),
        ("zh", "zh-cn"),
    ],
)
def test_the_news_sitemap_names_a_language_as_google_news_does(tag: str, expected: str) -> None:
    assert news_language(tag) == expected
