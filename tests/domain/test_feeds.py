"""The rules for a feed's fields and its status, checked without a database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from livefeed.domain.errors import Invalid
from livefeed.domain.feeds import FeedStatus, check_transition, parse_feed_input

GOOD = {"slug": "summit-2026", "title": "Summit in Geneva: live"}


def errors_of(**changes: object) -> dict[str, str]:
    with pytest.raises(Invalid) as caught:
        parse_feed_input(GOOD | changes)
    return caught.value.errors


def test_a_full_feed_is_parsed() -> None:
    data = parse_feed_input(
        GOOD
        | {
            "slug": "Summit-2026",
            "lead": "Leaders meet.\r\n\r\nDay two.",
            "notes": "Times are local.",
            "tags": "Politics, world",
            "timezone": "Europe/Berlin",
            "coverage_start": "2026-11-25T08:00:00Z",
            "audio_stream_url": "https://radio.example.org/live.mp3",
        }
    )
    assert data.slug == "summit-2026"
    assert data.lead == "Leaders meet.\n\nDay two."
    assert data.tags == ("politics", "world")
    assert data.timezone == "Europe/Berlin"
    assert data.coverage_start == datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    assert data.audio_stream_url == "https://radio.example.org/live.mp3"


def test_defaults_for_what_is_left_out() -> None:
    data = parse_feed_input(GOOD)
    assert (data.lead, data.notes, data.tags, data.timezone) == ("", "", (), "UTC")
    assert (data.coverage_start, data.audio_stream_url) == (None, "")


def test_a_coverage_start_keeps_its_offset() -> None:
    data = parse_feed_input(GOOD | {"coverage_start": "2026-11-25T09:30:00+01:00"})
    assert data.coverage_start == datetime(2026, 11, 25, 8, 30, tzinfo=UTC)
    assert data.coverage_start.utcoffset() == timedelta(hours=1)
    assert data.coverage_start.tzinfo == timezone(timedelta(hours=1))


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("slug", "", "is required"),
        ("slug", "ab", "at least 3"),
        ("slug", "two  words", "single hyphens"),
        ("slug", "double--hyphen", "single hyphens"),
        ("slug", "-leading", "single hyphens"),
        ("slug", "trailing-", "single hyphens"),
        ("slug", "snake_case", "single hyphens"),
        ("slug", "../etc", "single hyphens"),
        ("slug", "x" * 81, "at most 80"),
        ("title", "", "is required"),
        ("title", "x" * 201, "at most 200"),
        ("title", "Summit \u202egnol\u202c live", "direction controls"),
        ("lead", "x" * 5_001, "at most 5,000"),
        ("notes", "x" * 3_001, "at most 3,000"),
        ("timezone", "Mars/Olympus_Mons", "not an IANA time zone"),
        ("timezone", "Europe/../../etc/passwd", "not an IANA time zone"),
        ("timezone", "europe/london", "not an IANA time zone"),
        ("coverage_start", "2026-11-25T08:00:00", "time zone offset"),
        ("coverage_start", "yesterday", "date and time like"),
        ("audio_stream_url", "javascript:alert(1)", "full http"),
        ("tags", "no_underscores", "is not a tag"),
    ],
)
def test_each_broken_rule_names_its_field(field: str, value: str, words: str) -> None:
    errors = errors_of(**{field: value})
    assert list(errors) == [field]
    assert words in errors[field]


def test_every_mistake_is_reported_at_once() -> None:
    errors = errors_of(slug="A B", title="", timezone="Nowhere/City", coverage_start="2026-11-25")
    assert set(errors) == {"slug", "title", "timezone", "coverage_start"}


@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "America/Argentina/Buenos_Aires"])
def test_known_zones_are_accepted(zone: str) -> None:
    assert parse_feed_input(GOOD | {"timezone": zone}).timezone == zone


@pytest.mark.parametrize(
    ("current", "wanted"),
    [
        (FeedStatus.SCHEDULED, FeedStatus.LIVE),
        (FeedStatus.SCHEDULED, FeedStatus.ENDED),
        (FeedStatus.LIVE, FeedStatus.ENDED),
        (FeedStatus.ENDED, FeedStatus.LIVE),
        (FeedStatus.LIVE, FeedStatus.LIVE),
        (FeedStatus.ENDED, FeedStatus.ENDED),
    ],
)
def test_allowed_transitions(current: FeedStatus, wanted: FeedStatus) -> None:
    check_transition(current, wanted)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [(FeedStatus.LIVE, FeedStatus.SCHEDULED), (FeedStatus.ENDED, FeedStatus.SCHEDULED)],
)
def test_nothing_goes_back_to_scheduled(current: FeedStatus, wanted: FeedStatus) -> None:
    with pytest.raises(Invalid) as caught:
        check_transition(current, wanted)
    assert caught.value.errors == {"status": f"a feed that is {current} cannot become {wanted}"}
