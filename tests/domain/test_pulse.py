"""The pulse's memory: an hour of publish-to-screen samples and of reader counts, bounded."""

from __future__ import annotations

from livefeed.domain.pulse import (
    SUMMARY_SECONDS,
    TRAIL_POINTS,
    WINDOW_SECONDS,
    Latencies,
    ReaderTrail,
)


def test_samples_older_than_an_hour_are_forgotten() -> None:
    kept = Latencies()
    kept.add(1, 0.0, [9.0])
    kept.add(1, 10.0, [1.0, 2.0])
    assert kept.of(1, WINDOW_SECONDS) == [9.0, 1.0, 2.0]
    assert kept.of(1, WINDOW_SECONDS + 1) == [1.0, 2.0]
    assert kept.of(2, 0.0) == []


def test_a_flood_of_samples_keeps_only_the_newest_up_to_the_bound() -> None:
    kept = Latencies(limit=3)
    kept.add(1, 0.0, [1.0, 2.0, 3.0, 4.0, 5.0])
    assert kept.of(1, 1.0) == [3.0, 4.0, 5.0]


def test_the_percentiles_are_the_nearest_ranks_and_taken_again_after_a_few_seconds() -> None:
    kept = Latencies()
    kept.add(1, 0.0, [float(n) for n in range(1, 101)])
    summary = kept.summary(1, 0.0)
    assert summary is not None
    assert (summary.median, summary.high, summary.count) == (50.0, 95.0, 100)
    kept.add(1, 1.0, [1000.0] * 100)
    assert kept.summary(1, 1.0) == summary
    later = kept.summary(1, SUMMARY_SECONDS)
    assert later is not None
    assert (later.median, later.high, later.count) == (100.0, 1000.0, 200)
    assert Latencies().summary(1, 0.0) is None


def test_the_trail_keeps_the_last_count_of_each_minute_for_an_hour() -> None:
    trail = ReaderTrail()
    trail.record(1, 0.0, 5)
    trail.record(1, 30.0, 7)
    trail.record(1, 60.0, 9)
    assert trail.of(1, 60.0) == [7, 9]
    for minute in range(2, TRAIL_POINTS + 2):
        trail.record(1, minute * 60.0, minute)
    points = trail.of(1, (TRAIL_POINTS + 1) * 60.0)
    assert len(points) == TRAIL_POINTS
    assert points[-1] == TRAIL_POINTS + 1
