"""Counting failures per key in a sliding window, to slow down password guessing.

Kept in the process: each instance refuses on its own count, so several instances at worst
multiply the allowance by their number; never unlimited.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime

_SWEEP_AT = 10_000


class Throttle:
    def __init__(self, *, limit: int, window_seconds: int, clock: Callable[[], datetime]) -> None:
        self.limit = limit
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, *keys: str) -> int:
        """Seconds until any of ``keys`` may try again; 0 when all may try now."""
        now = self.clock().timestamp()
        wait = 0.0
        with self._lock:
            for key in keys:
                failures = self._recent(key, now)
                if len(failures) >= self.limit:
                    wait = max(wait, failures[0] + self.window - now)
        return math.ceil(wait)

    def fail(self, *keys: str) -> None:
        now = self.clock().timestamp()
        with self._lock:
            for key in keys:
                self._failures.setdefault(key, self._recent(key, now)).append(now)
            if len(self._failures) > _SWEEP_AT:
                # Addresses that failed once and never came back would otherwise pile up.
                for stale in list(self._failures):
                    self._recent(stale, now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        """The key's failures inside the window; a key with none left is forgotten."""
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            self._failures.pop(key, None)
        return failures
