"""Dates and times in each language's own words, from CLDR, in the feed's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from livefeed.languages import catalogs, dates

MOMENT = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
ISTANBUL = ZoneInfo("Europe/Istanbul")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "6 December 2026"),
        ("en-US", "December 6, 2026"),
        # Russian months in the genitive, as CLDR writes a date.
        ("ru", "6 декабря 2026\u202fг."),
        ("tr", "6 Aralık 2026"),
        ("es", "6 de diciembre de 2026"),
        ("ar", "6 ديسمبر 2026"),
    ],
)
def test_a_date_is_written_as_its_language_writes_it(language: str, expected: str) -> None:
    assert dates.date_text(MOMENT, ISTANBUL, "date", language) == expected


def test_the_time_is_the_feeds_on_a_24_hour_clock() -> None:
    assert dates.clock(MOMENT, ISTANBUL, "en") == "15:00"
    assert dates.clock(MOMENT, ISTANBUL, "en-US") == "15:00"


def test_the_language_spoken_words_the_dates_when_none_is_named() -> None:
    with catalogs.speaking("ru"):
        assert dates.date_text(MOMENT, ISTANBUL) == "6 декабря 2026\u202fг."
        assert dates.date_text(MOMENT, ISTANBUL, "day").endswith("6 декабря")
    assert dates.date_text(MOMENT, ISTANBUL) == "6 December 2026"


def test_the_last_updated_line() -> None:
    assert dates.stamp(MOMENT, ISTANBUL, "en") == "15:00 UTC+03, 6 December 2026"


def test_the_key_of_a_day_is_not_words() -> None:
    assert dates.date_text(MOMENT, ISTANBUL, "key", "ar") == "2026-12-06"
