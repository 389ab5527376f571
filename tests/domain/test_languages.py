"""Language tags as BCP 47 writes them, and case folding that keeps Turkish letters apart."""

from __future__ import annotations

import pytest

from livefeed.domain.errors import Invalid
from livefeed.domain.languages import canonical, clean_language, fold, primary


@pytest.mark.parametrize(
    ("given", "expected"),
    [("en", "en"), ("RU", "ru"), ("ar-eg", "ar-EG"), ("zh-hant-tw", "zh-Hant-TW"),
     ("es-419", "es-419"), ("sr_latn", "sr-Latn"), ("de-CH-1996", "de-CH-1996"),
     ("en-GB-x-house", "en-GB-x-house"), (" tr ", "tr")],
)  # fmt: skip
def test_a_well_formed_tag_in_its_conventional_case(given: str, expected: str) -> None:
    assert clean_language(given) == expected


@pytest.mark.parametrize(
    "given", ["", "e", "english", "en-", "en--GB", "123", "en-GB-GB", "ru_RU.UTF-8", "x" * 40]
)
def test_anything_else_is_refused_naming_the_field(given: str) -> None:
    with pytest.raises(Invalid) as raised:
        clean_language(given)
    assert list(raised.value.errors) == ["language"]


def test_a_missing_tag_is_refused() -> None:
    with pytest.raises(Invalid, match="is required"):
        clean_language(None)


def test_canonical_and_primary() -> None:
    assert canonical("AZ-ARAB-IR") == "az-Arab-IR"
    assert primary("pt-BR") == "pt"


def test_turkish_keeps_dotted_and_dotless_i_apart() -> None:
    assert fold("İstanbul", "tr") == "istanbul"
    assert fold("ISPARTA", "tr") == "ısparta"
    assert fold("ısparta", "tr") == "ısparta"
    assert fold("ISPARTA", "en") == "isparta"
    assert fold("Istanbul", "en") != fold("Istanbul", "tr")


def test_other_scripts_fold_too() -> None:
    assert fold("ВЫБОРЫ", "ru") == "выборы"
    assert fold("ΕΚΛΟΓΈΣ", "el") == "εκλογές"
    assert fold("قمة", "ar") == "قمة"
