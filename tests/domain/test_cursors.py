""" "Show older posts" cursors: what the server gives out comes back; anything else is refused."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from livefeed.domain.cursors import Cursor
from livefeed.domain.errors import Invalid


def raw_cursor(text: str) -> str:
    """A cursor-shaped string the server never gave out."""
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        Cursor(datetime(2026, 11, 25, 18, 0, tzinfo=UTC), 1),
        Cursor(datetime(2026, 11, 25, 18, 0, 59, 123456, tzinfo=UTC), 2_147_483_647),
        Cursor(datetime(1970, 1, 1, tzinfo=UTC), 0),
        Cursor(datetime(2099, 12, 31, 23, 59, 59, 999999, tzinfo=UTC), 42),
    ],
)
def test_a_cursor_survives_the_round_trip(cursor: Cursor) -> None:
    text = cursor.encode()
    assert Cursor.decode(text) == cursor
    # Safe in a query string as it is: no padding, no characters needing escapes.
    assert text.replace("-", "").replace("_", "").isalnum()


def test_a_moment_in_another_zone_is_the_same_cursor() -> None:
    here = datetime(2026, 11, 25, 19, 0, tzinfo=UTC)
    there = here.astimezone(ZoneInfo("Asia/Tokyo"))
    assert Cursor(there, 7).encode() == Cursor(here, 7).encode()
    assert Cursor.decode(Cursor(there, 7).encode()).published_at == here


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "-1",
        "%00",
        "\x00",
        "x" * 300,
        "A" * 65,
        "9" * 60,
        "MTIz",  # "123": no separator
        raw_cursor("-1.5"),
        raw_cursor("1.-5"),
        raw_cursor("1.2.3"),
        raw_cursor("1.2e3"),
        raw_cursor(" 1.2"),
        raw_cursor("1."),
        raw_cursor(".1"),
        raw_cursor("99999999999999999999999.1"),  # far past the last representable year
        raw_cursor("1.99999999999999999999999999"),  # an id no database column holds
        raw_cursor("1.9223372036854775808"),  # one past the largest 64-bit integer
        raw_cursor("1.2147483648"),  # one past the largest post id (a 32-bit column)
        base64.urlsafe_b64encode(b"\xff\xfe.1").decode(),
        base64.urlsafe_b64encode("١٢.٣".encode()).decode(),  # digits, but not ASCII ones
    ],
)
def test_garbage_is_invalid_on_the_cursor_field(text: str) -> None:
    with pytest.raises(Invalid) as caught:
        Cursor.decode(text)
    assert list(caught.value.errors) == ["cursor"]


def test_the_error_names_the_field_it_was_given() -> None:
    with pytest.raises(Invalid) as caught:
        Cursor.decode("abc", field="before")
    assert list(caught.value.errors) == ["before"]
