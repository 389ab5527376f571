"""Fan-out of a feed's committed events to the readers connected to this process.

The event log is the only source: a feed's channel reads what was committed after the last
``seq`` it delivered, encodes each event once, and hands the same bytes to every reader of the
feed, in ``seq`` order, as one write per reader per batch. It reads when told that something
was committed (here, or elsewhere through the broker), as it starts, a tick after a read that
failed, and once a second anyway unless a broker hears every commit (then once a heartbeat).

A reconnect storm (every reader of a feed back at once, each a few events behind) is served
from what is already in memory: the feed's record, looked up once for the whole crowd and kept
for as long as its channel sees every event; its recent frames, kept past its last reader
(:mod:`livefeed.realtime.recent`); and a position older than those, read from the log once for
every reader waiting on it.

One timer serves every reader of the process: it wakes the channels for that read and, every
heartbeat, writes one to each reader. Nothing else walks the readers: a reader whose socket
stops taking what it is sent lets itself go (:mod:`livefeed.realtime.connections`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from livefeed.domain.feeds import Feed
from livefeed.realtime.frames import Batch, Frame
from livefeed.realtime.recent import RecentFrames
from livefeed.realtime.ticks import SECOND, Ticks

log = logging.getLogger(__name__)

TICK_SECONDS = SECOND
HEARTBEAT_SECONDS = 15.0
RECENT_BYTES = 64 * 1024 * 1024
# How long the record of a feed nobody is reading here is trusted; a feed with a channel is
# trusted until its next event.
FEED_CACHE_SECONDS = 1.0
LIVE_BATCH = 500
# Readers written to before the loop turns to other work: a write is a few microseconds, so a
# request waits about a millisecond for the loop, and a use case's thread as long for the
# interpreter. Between slices the publishes of a burst also pile up, to go out in one write.
FAN_OUT_SLICE = 100
# A replay goes in steps: the server holds one step per reader catching up.
REPLAY_BATCH = 100


class Subscriber(Protocol):
    """A reader as the hub sees it: something to hand frames and heartbeats to."""

    last_seq: int

    def deliver(self, batch: Batch) -> None: ...

    def heartbeat(self) -> None: ...

    def drop(self) -> None: ...


Fetch = Callable[[int, int, int], Awaitable[list[Frame]]]
"""At most ``limit`` committed events of feed ``feed_id`` after ``seq``, encoded, oldest first."""

Lookup = Callable[[str], Awaitable[Feed | None]]
"""The feed called ``slug``, from the database."""

OnBatch = Callable[[Batch, int], None]
"""Told of each live batch once it is written, with the number of readers it went to."""


@dataclass(eq=False, slots=True)
class Channel:
    feed_id: int
    delivered_seq: int
    readers: set[Subscriber] = field(default_factory=set)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    failed: bool = False  # the last read of the log failed: read again at the next tick


class Hub:
    """Every feed channel of this process; all of it runs on the event loop."""

    def __init__(
        self,
        fetch: Fetch,
        lookup: Lookup,
        *,
        tick_seconds: float = TICK_SECONDS,
        heartbeat_seconds: float = HEARTBEAT_SECONDS,
        must_poll: Callable[[], bool] = lambda: True,
        recent_bytes: int = RECENT_BYTES,
        on_batch: OnBatch | None = None,
        ticks: Ticks | None = None,
    ) -> None:
        """``must_poll`` says whether the log must be read every tick: not while a broker that
        hears every writer's commits (Redis, PostgreSQL's notifications, a SQLite site's wake
        directory; see ``site_brokers.py``) wakes the channels; then once a heartbeat will do.
        ``recent_bytes`` bounds the frames kept for replays, over every feed. ``ticks``: the
        process's shared timers, which the hub's timer is one of.
        """
        self._fetch = fetch
        self._lookup = lookup
        self._must_poll = must_poll
        self._on_batch = on_batch
        self._tick_seconds = tick_seconds
        self._heartbeat_seconds = heartbeat_seconds
        self._ticks = ticks or Ticks()
        self._channels: dict[int, Channel] = {}
        self.recent = RecentFrames(recent_bytes)
        # slug -> (when the look-up completed, what it found)
        self._feeds: dict[str, tuple[float, Feed | None]] = {}
        self._lookups: dict[str, asyncio.Task[Feed | None]] = {}
        self._changes = 0  # events seen; a look-up begun before one is not kept
        # feed id -> its log's rewrites as last looked up (see Feed.log_rewrites)
        self._rewrites: dict[int, int] = {}
        self._reads: dict[tuple[int, int], asyncio.Task[list[Frame]]] = {}
        self._timer: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._timer is None:
            self._timer = asyncio.get_running_loop().create_task(self._tick())

    async def feed(self, slug: str, *, fresh: bool = False) -> Feed | None:
        """The feed by slug: one look-up at a time per slug, however many readers ask.

        ``fresh`` skips what is kept and waits for a look-up (one already under way will do).
        """
        if not fresh:
            cached = self._feeds.get(slug)
            if cached is not None and self._trusted(*cached):
                return cached[1]
        pending = self._lookups.get(slug)
        if pending is None:
            pending = asyncio.get_running_loop().create_task(self._look_up(slug))
            self._lookups[slug] = pending
        # Shielded: a reader that hangs up must not cancel the look-up the others wait for.
        return await asyncio.shield(pending)

    def _trusted(self, completed: float, feed: Feed | None) -> bool:
        if feed is not None and feed.id in self._channels:
            return True
        return time.monotonic() - completed < FEED_CACHE_SECONDS

    async def _look_up(self, slug: str) -> Feed | None:
        changes = self._changes
        try:
            found = await self._lookup(slug)
        finally:
            del self._lookups[slug]
        if found is not None:
            if self._rewrites.get(found.id, found.log_rewrites) != found.log_rewrites:
                # Another instance rewrote events of the feed: the copies kept here are stale.
                self.recent.forget(found.id)
            self._rewrites[found.id] = found.log_rewrites
        if changes == self._changes:
            if len(self._feeds) >= 10_000:
                self._feeds.clear()
            # Stamped when it completed: a slow look-up is not stale on arrival.
            self._feeds[slug] = (time.monotonic(), found)
        return found

    def join(self, feed_id: int, current_seq: int, reader: Subscriber) -> int:
        """Add a reader; it gets every event after the returned ``seq``, live.

        What came before that the reader missed, the caller replays (see :meth:`replay`).
        """
        channel = self._channels.get(feed_id)
        if channel is None:
            start = current_seq
            ring = self.recent.get(feed_id)
            if ring is not None and ring.frames and current_seq - ring.last_seq <= LIVE_BATCH:
                # Go on from the frames kept: the channel reads what came since, once for all.
                start = ring.last_seq
            channel = Channel(feed_id, start)
            self._channels[feed_id] = channel
            channel.task = asyncio.get_running_loop().create_task(self._pump(channel))
            # Read the log once at the start, whatever ``current_seq`` says: a commit told of
            # while the feed had no channel here woke nobody, and it may be newer than the
            # record ``current_seq`` came from.
            channel.wake.set()
        channel.readers.add(reader)
        reader.last_seq = max(reader.last_seq, channel.delivered_seq)
        return channel.delivered_seq

    async def replay(self, feed_id: int, after: int, upto: int) -> AsyncIterator[Batch]:
        """The frames after ``after`` up to ``upto``, step by step: sliced from the frames kept
        (the same bytes for every reader), else read from the log once for every reader
        missing the same position."""
        seq = after
        while seq < upto:
            batch = self._kept(feed_id, seq, upto)
            if batch is None:
                fetched = await self.read(feed_id, seq)
                batch = self._kept(feed_id, seq, upto)
                if batch is None:
                    frames = [f for f in fetched if f.seq <= upto]
                    if not frames:
                        return
                    batch = Batch(frames)
            yield batch
            seq = batch.last_seq

    def kept(self, feed_id: int, after: int, upto: int) -> list[Frame] | None:
        """The frames after ``after`` up to ``upto`` if they are all in memory, else ``None``."""
        ring = self.recent.get(feed_id)
        return None if ring is None else ring.between(after, upto)

    def _kept(self, feed_id: int, seq: int, upto: int) -> Batch | None:
        ring = self.recent.get(feed_id)
        return None if ring is None else ring.slice(seq, upto, REPLAY_BATCH)

    async def read(self, feed_id: int, seq: int) -> list[Frame]:
        """Frames after ``seq`` from the log, kept in memory for whoever asks next: one read
        at a time per position, however many readers (or pollers) are waiting for it."""
        key = (feed_id, seq)
        pending = self._reads.get(key)
        if pending is None:
            pending = asyncio.get_running_loop().create_task(self._read_log(feed_id, seq))
            self._reads[key] = pending
        return await asyncio.shield(pending)

    async def _read_log(self, feed_id: int, seq: int) -> list[Frame]:
        try:
            frames = await self._fetch(feed_id, seq, REPLAY_BATCH)
        finally:
            del self._reads[(feed_id, seq)]
        self.recent.add(feed_id, frames)
        return frames

    def has_channel(self, feed_id: int) -> bool:
        return feed_id in self._channels

    def delivered(self, feed_id: int) -> int:
        """The last ``seq`` the feed's channel handed its readers (0 without a channel)."""
        channel = self._channels.get(feed_id)
        return 0 if channel is None else channel.delivered_seq

    def leave(self, feed_id: int, reader: Subscriber) -> None:
        channel = self._channels.get(feed_id)
        if channel is not None:
            channel.readers.discard(reader)
            if not channel.readers:
                channel.wake.set()

    def notify(self, feed_id: int) -> None:
        """Something was committed for this feed: read the log now rather than at the tick."""
        self._forget_feed(feed_id)
        channel = self._channels.get(feed_id)
        if channel is not None:
            channel.wake.set()

    def _forget_feed(self, feed_id: int) -> None:
        self._changes += 1
        stale = [slug for slug, (_, f) in self._feeds.items() if f is None or f.id == feed_id]
        for slug in stale:
            del self._feeds[slug]

    def forget_recent(self, feed_id: int) -> None:
        """Drop the frames of the feed kept for replays: its log was rewritten (a comment taken
        down, an account's name erased), and a replay must read the log again, not old copies."""
        self.recent.forget(feed_id)

    def reader_counts(self) -> dict[int, int]:
        return {feed_id: len(c.readers) for feed_id, c in self._channels.items()}

    async def close(self) -> None:
        tasks = [c.task for c in self._channels.values() if c.task]
        if self._timer is not None:
            tasks.append(self._timer)
            self._timer = None
        for channel in self._channels.values():
            for reader in list(channel.readers):
                reader.drop()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._channels.clear()

    async def _pump(self, channel: Channel) -> None:
        while channel.readers:
            await channel.wake.wait()
            channel.wake.clear()
            if not channel.readers:
                break
            try:
                frames = await self._fetch(channel.feed_id, channel.delivered_seq, LIVE_BATCH)
            except Exception:
                # The database may be restarting: say so, and read again at the next tick.
                log.exception("reading the event log of feed %s failed", channel.feed_id)
                channel.failed = True
                continue
            channel.failed = False
            if frames:
                await self._send(channel, frames)
                if len(frames) == LIVE_BATCH:
                    channel.wake.set()  # more is waiting: read on without waiting for a tick
        self._channels.pop(channel.feed_id, None)

    async def _send(self, channel: Channel, frames: Sequence[Frame]) -> None:
        """Every reader gets the batch, a slice of readers at a time: between slices the loop
        answers requests, so the editor who published is not kept waiting by the readers."""
        batch = Batch(frames)
        self.recent.add(channel.feed_id, frames)
        channel.delivered_seq = batch.last_seq
        # The feed's record changed with these events (its last seq at least).
        self._forget_feed(channel.feed_id)
        readers = list(channel.readers)
        for start in range(0, len(readers), FAN_OUT_SLICE):
            if start:
                await asyncio.sleep(0)
            for reader in readers[start : start + FAN_OUT_SLICE]:
                if reader.last_seq < batch.last_seq:
                    reader.deliver(batch)
        if self._on_batch is not None:
            self._on_batch(batch, len(readers))

    async def _tick(self) -> None:
        """The one timer: poll the log if no broker hears every commit, read it again where a
        read failed, and the heartbeats."""
        # Ticks come at the whole seconds of the clock, each a little late: a beat goes at the
        # tick nearest its time, not at the first one past it (that would be every 16 s, not
        # 15), and a late one does not put off the ones after it.
        due = time.monotonic() + self._heartbeat_seconds
        while True:
            await self._ticks.next(self._tick_seconds)
            now = time.monotonic()
            beat = now >= due - self._tick_seconds / 2
            if beat:
                due += self._heartbeat_seconds
                if due <= now:  # the loop was held up for more than a whole period
                    due = now + self._heartbeat_seconds
            poll = beat or self._must_poll()
            for channel in list(self._channels.values()):
                if poll or channel.failed:
                    channel.wake.set()
            if beat:
                for channel in list(self._channels.values()):
                    for reader in list(channel.readers):
                        reader.heartbeat()
