"""Rendered reader pages, kept by validator: a busy feed is rendered once per change.

A reader's feed page depends only on the feed's state, and the feed's last event number says
when that changes, so the page's validator is a complete cache key: an entry is never stale,
it just stops being asked for. Entries are bounded in number and in bytes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sized
from typing import Generic, TypeVar

MAX_ENTRIES = 256
MAX_BYTES = 32 * 1024 * 1024

Kept = TypeVar("Kept", bound=Sized)


class PageCache(Generic[Kept]):
    """Least recently asked for goes first; an entry's size is its ``len``."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self._pages: OrderedDict[str, Kept] = OrderedDict()
        self._bytes = 0
        self.max_entries = max_entries
        self.max_bytes = max_bytes

    def get(self, validator: str) -> Kept | None:
        body = self._pages.get(validator)
        if body is not None:
            self._pages.move_to_end(validator)
        return body

    def put(self, validator: str, body: Kept) -> None:
        if len(body) > self.max_bytes or validator in self._pages:
            return
        self._pages[validator] = body
        self._bytes += len(body)
        while len(self._pages) > self.max_entries or self._bytes > self.max_bytes:
            _, oldest = self._pages.popitem(last=False)
            self._bytes -= len(oldest)
