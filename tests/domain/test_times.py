"""How moments are shown: in the feed's zone, with the zone's short name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from livefeed.domain.times import clock, iso_utc, local, stamp, zone_label

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("moment", "zone", "expected"),
    [
        (datetime(2021, 1, 16, 18, 21, tzinfo=UTC), LONDON, "18:21 GMT, 16 January 2021"),
        # Summer: London is an hour ahead of UTC and says so.
        (datetime(2021, 7, 4, 17, 5, tzinfo=UTC), LONDON, "18:05 BST, 4 July 2021"),
        # Late evening in UTC is already the next day in Tokyo.
        (
            datetime(2026, 11, 25, 23, 30, tzinfo=UTC),
            ZoneInfo("Asia/Tokyo"),
            "08:30 JST, 26 November 2026",
        ),
        (
            datetime(2026, 3, 1, 4, 0, tzinfo=UTC),
            ZoneInfo("America/New_York"),
            "23:00 EST, 28 February 2026",
        ),
        (
            datetime(2026, 11, 25, 18, 0, tzinfo=UTC),
            ZoneInfo("Asia/Dubai"),
            "22:00 UTC+04, 25 November 2026",
        ),
    ],
)
def test_stamp(moment: datetime, zone: ZoneInfo, expected: str) -> None:
    assert stamp(moment, zone) == expected


def test_the_day_the_clocks_go_forward_in_london() -> None:
    before = datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    after = before + timedelta(minutes=2)
    assert stamp(before, LONDON) == "00:59 GMT, 29 March 2026"
    assert stamp(after, LONDON) == "02:01 BST, 29 March 2026"


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Asia/Dubai", "UTC+04"),
        ("America/Sao_Paulo", "UTC-03"),
        ("Asia/Kathmandu", "UTC+0545"),
        ("Europe/Paris", "CET"),
        ("UTC", "UTC"),
    ],
)
def test_zone_label(zone: str, expected: str) -> None:
    assert zone_label(datetime(2026, 1, 15, 12, 0, tzinfo=UTC), ZoneInfo(zone)) == expected


def test_clock_shows_the_local_hour_and_minute() -> None:
    moment = datetime(2026, 7, 1, 23, 5, 59, tzinfo=UTC)
    assert clock(moment, LONDON) == "00:05"
    assert local(moment, LONDON).day == 2


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 25, 18, 21, 7, 999999, tzinfo=UTC), "2026-11-25T18:21:07Z"),
        (
            datetime(2026, 11, 25, 19, 21, 7, tzinfo=timezone(timedelta(hours=1))),
            "2026-11-25T18:21:07Z",
        ),
        (datetime(2026, 7, 1, 0, 30, tzinfo=LONDON), "2026-06-30T23:30:00Z"),
    ],
)
def test_iso_utc_is_utc_with_z_and_whole_seconds(moment: datetime, expected: str) -> None:
    assert iso_utc(moment) == expected
