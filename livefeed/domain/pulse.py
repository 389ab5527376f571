"""The newsroom's pulse: how many read a feed over the last hour, and how long a published post
takes to reach a reader's screen.

Both are kept in memory by each instance, bounded by time (the last hour) and by count, so a
crowd of readers or a flood of beacons can never grow them: a restart forgets them, which costs
an hour of history and nothing else.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from livefeed.domain.errors import Invalid

WINDOW_SECONDS = 3600.0
# One reader count kept per minute: the sparkline's sixty points.
TRAIL_STEP_SECONDS = 60.0
TRAIL_POINTS = int(WINDOW_SECONDS // TRAIL_STEP_SECONDS)
# A beacon carries at most this many arrivals; a page batches more into several.
BEACON_VALUES = 20
# Longer than this is a page that slept (a closed laptop), not the stream's latency.
LATEST_SECONDS = 600.0
# Per feed and instance: an hour of beacons from a big crowd fits, a flood does not grow it.
SAMPLES_PER_FEED = 10_000
# How long the last hour's percentiles stand before they are taken again (each feed's pulse is
# read every 2 s while an editor's page follows it).
SUMMARY_SECONDS = 5.0
# One reader's page in this many measures its latency; every editor's page does.
READER_SAMPLE_ONE_IN = 100


def latencies_from(raw: object) -> list[float]:
    """A beacon's body (a JSON list of seconds) as the values kept, each clamped between 0 and
    :data:`LATEST_SECONDS` (a reader's clock may run behind the server's)."""
    if not isinstance(raw, list) or not raw:
        raise Invalid.field("latencies", "a list of seconds is needed")
    if len(raw) > BEACON_VALUES:
        raise Invalid.field("latencies", "at most %(limit)d values at once", limit=BEACON_VALUES)
    # JSON gives ints and floats only as these exact types (never a bool, which is an int).
    if not all(type(value) in _NUMBERS for value in raw) or not all(map(math.isfinite, raw)):
        raise Invalid.field("latencies", "every value must be a number of seconds")
    return [min(max(float(value), 0.0), LATEST_SECONDS) for value in raw]


_NUMBERS = (int, float)


def _rank(ordered: Sequence[float], share: float) -> float:
    """The nearest-rank percentile of sorted values (``share`` 0.5 for the median)."""
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


@dataclass(frozen=True)
class Summary:
    median: float
    high: float  # the 95th percentile
    count: int


class Latencies:
    """Each feed's publish-to-screen seconds of the last hour, oldest first."""

    def __init__(self, *, limit: int = SAMPLES_PER_FEED) -> None:
        self._limit = limit
        self._by_feed: dict[int, deque[tuple[float, float]]] = {}
        # Each feed's median, 95th percentile and count, and when they were taken: every
        # editor's page asks every few seconds, and sorting an hour of samples for each ask
        # would cost more than the beacons themselves; a summary a few seconds old says the same.
        self._summaries: dict[int, tuple[float, Summary]] = {}

    def add(self, feed_id: int, now: float, values: Sequence[float]) -> None:
        kept = self._by_feed.setdefault(feed_id, deque(maxlen=self._limit))
        kept.extend((now, value) for value in values)
        self._forget(kept, now)

    def summary(self, feed_id: int, now: float) -> Summary | None:
        """The last hour's median, 95th percentile and count, taken at most
        :data:`SUMMARY_SECONDS` ago; ``None`` without samples."""
        known = self._summaries.get(feed_id)
        if known is not None and now - known[0] < SUMMARY_SECONDS:
            return known[1]
        values = self.of(feed_id, now)
        if not values:
            self._summaries.pop(feed_id, None)
            return None
        ordered = sorted(values)
        found = Summary(_rank(ordered, 0.5), _rank(ordered, 0.95), len(ordered))
        self._summaries[feed_id] = (now, found)
        return found

    def of(self, feed_id: int, now: float) -> list[float]:
        kept = self._by_feed.get(feed_id)
        if kept is None:
            return []
        self._forget(kept, now)
        if not kept:
            del self._by_feed[feed_id]
        return [value for _, value in kept]

    @staticmethod
    def _forget(kept: deque[tuple[float, float]], now: float) -> None:
        while kept and kept[0][0] < now - WINDOW_SECONDS:
            kept.popleft()


class ReaderTrail:
    """Each feed's reader count, one point per minute over the last hour (the last count taken
    in a minute stands for it)."""

    def __init__(self) -> None:
        self._by_feed: dict[int, deque[tuple[int, int]]] = {}

    def record(self, feed_id: int, now: float, readers: int) -> None:
        minute = int(now // TRAIL_STEP_SECONDS)
        points = self._by_feed.setdefault(feed_id, deque(maxlen=TRAIL_POINTS))
        if points and points[-1][0] == minute:
            points.pop()
        points.append((minute, readers))

    def of(self, feed_id: int, now: float) -> list[int]:
        """The counts of the last hour, oldest first; a minute nobody asked in is left out."""
        oldest = int(now // TRAIL_STEP_SECONDS) - TRAIL_POINTS
        return [count for minute, count in self._by_feed.get(feed_id, ()) if minute > oldest]
