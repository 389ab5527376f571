"""Counting hits per key in a sliding window, behind a tiny interface with two backends.

A bucket keeps the times of its key's latest hits, never more than its limit: that is all a
sliding window needs to say whether there is room and, if not, when the oldest of them leaves
the window. :class:`MemoryCounter` keeps buckets in this process; ``redis_counter`` keeps them
in Redis for every instance at once.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Protocol


@dataclass(frozen=True)
class Bucket:
    """One key under one limit: at most ``count`` hits within any ``window`` seconds."""

    key: str
    count: int
    window: int


class Mode(Enum):
    TAKE = "take"  # count a hit in every bucket, only if every bucket has room
    PEEK = "peek"  # count nothing
    ADD = "add"  # count a hit in every bucket whatever the answer (a failure already made)


class Counter(Protocol):
    def take(self, buckets: Sequence[Bucket], now: float, mode: Mode) -> list[float]:
        """Seconds until each bucket has room (0.0 if it has room now), counting per ``mode``.

        One wait per bucket, in order, so the caller can tell which limit refused. ``now`` is
        a Unix time from the caller's clock, so tests can move time.
        """

    def forget(self, keys: Sequence[str]) -> None:
        """Drop every hit counted under ``keys``."""

    def close(self) -> None:
        """Release connections, if any."""


class MemoryCounter:
    """Buckets in this process: each instance counts on its own (never unlimited, though).

    Memory stays bounded: a key whose hits have all left its window is swept at most
    ``sweep_every`` seconds later, and past ``max_keys`` keys the least recently hit ones go
    first (an attacker spreading over many addresses pushes out mostly its own).
    """

    def __init__(self, *, sweep_every: float = 60.0, max_keys: int = 100_000) -> None:
        self._sweep_every = sweep_every
        self._max_keys = max_keys
        self._next_sweep = -math.inf
        # key -> (window, hit times oldest first), least recently hit key first.
        self._hits: OrderedDict[str, tuple[int, deque[float]]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many keys are kept now."""
        return len(self._hits)

    def take(self, buckets: Sequence[Bucket], now: float, mode: Mode) -> list[float]:
        with self._lock:
            if now >= self._next_sweep:
                self._sweep(now)
            waits = []
            for bucket in buckets:
                times = self._recent(bucket.key, now)
                wait = 0.0
                if len(times) >= bucket.count:
                    # The hit that must leave the window for one more to fit.
                    wait = times[len(times) - bucket.count] + bucket.window - now
                waits.append(wait)
            if mode is Mode.PEEK or (mode is Mode.TAKE and any(waits)):
                return waits
            for bucket in buckets:
                self._add(bucket, now)
            return waits

    def forget(self, keys: Sequence[str]) -> None:
        with self._lock:
            for key in keys:
                self._hits.pop(key, None)

    def close(self) -> None:
        """Nothing to release."""

    def _recent(self, key: str, now: float) -> deque[float]:
        """The key's hits still inside its window (dropping the older ones)."""
        found = self._hits.get(key)
        if found is None:
            return deque()
        window, times = found
        while times and times[0] <= now - window:
            times.popleft()
        return times

    def _add(self, bucket: Bucket, now: float) -> None:
        found = self._hits.get(bucket.key)
        if found is None:
            found = self._hits[bucket.key] = (bucket.window, deque())
        times = found[1]
        times.append(now)
        while len(times) > bucket.count:
            times.popleft()  # only the latest ``count`` hits decide anything
        self._hits.move_to_end(bucket.key)
        while len(self._hits) > self._max_keys:
            self._hits.popitem(last=False)

    def _sweep(self, now: float) -> None:
        """Forget every key whose newest hit has left its window."""
        stale = [
            key
            for key, (window, times) in self._hits.items()
            if not times or times[-1] <= now - window
        ]
        for key in stale:
            del self._hits[key]
        self._next_sweep = now + self._sweep_every
