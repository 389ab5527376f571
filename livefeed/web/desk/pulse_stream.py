"""The newsroom's pulse pushed to its editors' open pages, over a stream of their own.

An editor's feed page, and the desk's list of feeds, hold one Server-Sent Events stream each
(``Accept: text/event-stream`` on ``/feeds/{slug}/pulse``, and ``/desk/pulse``). Behind them,
each instance keeps one watch per feed while any page follows it: every :data:`TICK_SECONDS` it
reads the feed's counts once (one short read, whatever the number of pages), sums its readers
over the instances and keeps the sparkline's point, then sends each page the feed's pulse only
when what that page shows has changed. A compose heartbeat heard here wakes the watch at once;
what other instances hear is read at the next tick.

The readers' streams go to the socket directly (``web/front.py``); these few, behind a session,
are ordinary responses. Each lasts :data:`MAX_SECONDS`, then the browser's reconnect checks the
session and the right again: an editor taken off a team stops hearing within minutes, with no
permission read on every tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import StreamingResponse

from livefeed.domain import pulse as rules
from livefeed.languages import catalogs
from livefeed.newsroom import pulse
from livefeed.realtime import sse
from livefeed.services import Services
from livefeed.web.desk.pulse_words import described

log = logging.getLogger(__name__)

TICK_SECONDS = 2.0
HEARTBEAT_SECONDS = 15.0
MAX_SECONDS = 300.0
RETRY_MS = 2000
HEADERS = {"Cache-Control": "private, no-store", "X-Accel-Buffering": "no"}


class Page:
    """One open page: the pulse frame it was last sent per feed, and those still to send."""

    __slots__ = ("closed", "editor_id", "following", "language", "pending", "sent", "wake")

    def __init__(self, editor_id: int, language: str) -> None:
        self.editor_id = editor_id
        self.language = language
        self.following: set[int] = set()
        self.sent: dict[int, bytes] = {}
        self.pending: dict[int, bytes] = {}
        self.wake = asyncio.Event()
        self.closed = False

    def offer(self, feed_id: int, frame: bytes) -> None:
        if self.sent.get(feed_id) != frame:
            self.sent[feed_id] = frame
            self.pending[feed_id] = frame
            self.wake.set()

    def take(self) -> bytes:
        data = b"".join(self.pending.values())
        self.pending.clear()
        self.wake.clear()
        return data

    def close(self) -> None:
        self.closed = True
        self.wake.set()


@dataclass(frozen=True)
class Reading:
    """A feed's pulse as read once, for every page that shows it."""

    counts: pulse.Counts
    readers: int
    points: list[int]
    summary: rules.Summary | None

    def words(self, slug: str, editor_id: int, language: str) -> dict[str, Any]:
        """As one of the feed's editors is shown it, in ``language``."""
        with catalogs.speaking(language):
            return described(slug, self.counts, editor_id, self.readers, self.points, self.summary)


@dataclass
class FeedWatch:
    """One feed followed on this instance: its open pages, and the task that reads for them."""

    watcher: pulse.Watcher
    pages: set[Page] = field(default_factory=set)
    nudged: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    last: Reading | None = None


class PulseWatch:
    """Every feed this instance's editors' pages follow."""

    def __init__(
        self,
        svc: Services,
        reader_total: Callable[[int], Awaitable[int]],
        trail: rules.ReaderTrail,
        latencies: rules.Latencies,
    ) -> None:
        self._svc = svc
        self._reader_total = reader_total
        self._trail = trail
        self._latencies = latencies
        self._feeds: dict[int, FeedWatch] = {}

    def open(self, watchers: list[pulse.Watcher], page: Page) -> None:
        """Follow each watcher's feed on the page; it gets each feed's pulse at once."""
        for watcher in watchers:
            watch = self._feeds.get(watcher.feed.id)
            if watch is None:
                watch = self._feeds[watcher.feed.id] = FeedWatch(watcher)
                watch.task = asyncio.get_running_loop().create_task(self._follow(watch))
            watch.pages.add(page)
            page.following.add(watcher.feed.id)
            if watch.last is not None:
                page.offer(watcher.feed.id, self._frame(watch, page))

    def leave(self, page: Page) -> None:
        for feed_id in page.following:
            watch = self._feeds.get(feed_id)
            if watch is not None:
                watch.pages.discard(page)
                if not watch.pages:
                    watch.nudged.set()  # its task sees no page left and ends

    def nudge(self, feed_id: int) -> None:
        """Something the pulse shows changed here: read it now rather than at the next tick."""
        watch = self._feeds.get(feed_id)
        if watch is not None:
            watch.nudged.set()

    async def close(self) -> None:
        watches = list(self._feeds.values())
        self._feeds.clear()
        for watch in watches:
            for page in watch.pages:
                page.close()
            if watch.task is not None:
                watch.task.cancel()
        for watch in watches:
            if watch.task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await watch.task

    async def _follow(self, watch: FeedWatch) -> None:
        feed_id = watch.watcher.feed.id
        try:
            while watch.pages:
                watch.nudged.clear()
                try:
                    await self._read(watch)
                except Exception:
                    # The pages keep what they were last sent; the next tick tries again.
                    log.exception("the pulse of feed %d could not be read", feed_id)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(watch.nudged.wait(), TICK_SECONDS)
        finally:
            if self._feeds.get(feed_id) is watch:
                del self._feeds[feed_id]

    async def read(self, feed_id: int) -> Reading:
        """The feed's pulse now: its counts from the database, its readers over the instances,
        the sparkline's point kept and the hour's percentiles."""
        counts = await run_in_threadpool(pulse.counts, self._svc, feed_id)
        readers = await self._reader_total(feed_id)
        now = time.time()
        self._trail.record(feed_id, now, readers)
        summary = self._latencies.summary(feed_id, now)
        return Reading(counts, readers, self._trail.of(feed_id, now), summary)

    async def _read(self, watch: FeedWatch) -> None:
        feed_id = watch.watcher.feed.id
        watch.last = await self.read(feed_id)
        for page in list(watch.pages):
            page.offer(feed_id, self._frame(watch, page))

    @staticmethod
    def _frame(watch: FeedWatch, page: Page) -> bytes:
        assert watch.last is not None
        body = watch.last.words(watch.watcher.feed.slug, page.editor_id, page.language)
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        return sse.encode(text, event="pulse")


def streamed(watch: PulseWatch, watchers: list[pulse.Watcher], page: Page) -> StreamingResponse:
    """The page's stream: its pulse frames as they change, a heartbeat between them."""

    async def body() -> AsyncIterator[bytes]:
        watch.open(watchers, page)
        deadline = time.monotonic() + MAX_SECONDS
        try:
            yield sse.retry(RETRY_MS)
            while not page.closed and (left := deadline - time.monotonic()) > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(page.wake.wait(), min(left, HEARTBEAT_SECONDS))
                yield page.take() or sse.HEARTBEAT
        finally:
            watch.leave(page)

    return StreamingResponse(body(), media_type="text/event-stream", headers=HEADERS)
