"""Fan-out of a feed's committed events to the readers connected to this process.

The event log is the only source: a feed's channel reads what was committed after the last
``seq`` it delivered, encodes each event once, and hands the same bytes to every reader of the
feed, in ``seq`` order, as one write per reader per batch. It reads when told that something
was committed (here, or elsewhere through the broker), and at least once a second anyway.

One timer serves every reader of the process: it wakes the channels for that read, sends the
heartbeats and lets go of readers whose socket has stalled. Nothing here runs per reader unless
there is something to send, and the publisher never waits for any reader.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from livefeed.domain.feeds import Feed

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
HEARTBEAT_SECONDS = 15.0
RECENT_FRAMES = 1024
RECENT_BYTES = 4 * 1024 * 1024
FEED_CACHE_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Frame:
    """One event, encoded once: ``data`` for a response body, ``chunk`` for a raw socket."""

    seq: int
    data: bytes
    chunk: bytes
    ends_stream: bool = False
    # When the event was committed (Unix time; 0 if unknown): publish-to-deliver is measured.
    created: float = 0.0

    @classmethod
    def of(cls, seq: int, data: bytes, *, ends_stream: bool = False, created: float = 0.0) -> Frame:
        return cls(seq, data, b"%x\r\n%b\r\n" % (len(data), data), ends_stream, created)


class Batch:
    """Frames read together; joined once, so each reader gets a single write."""

    __slots__ = ("_chunks", "_data", "ends_stream", "first_seq", "frames", "last_seq")

    def __init__(self, frames: Sequence[Frame]) -> None:
        self.frames = frames
        self.first_seq = frames[0].seq
        self.last_seq = frames[-1].seq
        self.ends_stream = any(frame.ends_stream for frame in frames)
        self._data: bytes | None = None
        self._chunks: bytes | None = None

    def data_after(self, seq: int) -> bytes:
        if seq < self.first_seq:
            if self._data is None:
                self._data = b"".join(frame.data for frame in self.frames)
            return self._data
        return b"".join(frame.data for frame in self.frames if frame.seq > seq)

    def chunks_after(self, seq: int) -> bytes:
        if seq < self.first_seq:
            if self._chunks is None:
                self._chunks = b"".join(frame.chunk for frame in self.frames)
            return self._chunks
        return b"".join(frame.chunk for frame in self.frames if frame.seq > seq)


class Subscriber(Protocol):
    """A reader as the hub sees it: something to hand frames and heartbeats to."""

    last_seq: int

    def deliver(self, batch: Batch) -> None: ...

    def heartbeat(self) -> None: ...

    def stalled(self, now: float) -> bool:
        """Whether it has not taken what it was sent for too long (and should be let go)."""
        ...

    def drop(self) -> None: ...


Fetch = Callable[[int, int, int], Awaitable[list[Frame]]]
"""At most ``limit`` committed events of feed ``feed_id`` after ``seq``, encoded, oldest first."""

LIVE_BATCH = 500
# A replay goes in smaller steps: the server holds one step per reader catching up.
REPLAY_BATCH = 100

Lookup = Callable[[str], Awaitable[Feed | None]]
"""The feed called ``slug``, from the database."""

OnBatch = Callable[[Batch, int], None]
"""Told of each live batch once it is written, with the number of readers it went to."""


@dataclass(eq=False)
class Channel:
    feed_id: int
    delivered_seq: int
    readers: set[Subscriber] = field(default_factory=set)
    recent: deque[Frame] = field(default_factory=deque)
    recent_bytes: int = 0
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


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
        on_batch: OnBatch | None = None,
    ) -> None:
        """``must_poll`` says whether the log must be read every tick: not while a broker that
        hears every commit (Redis, connected) wakes the channels; then once a heartbeat will do.
        """
        self._fetch = fetch
        self._lookup = lookup
        self._must_poll = must_poll
        self._on_batch = on_batch
        self._tick_seconds = tick_seconds
        self._heartbeat_seconds = heartbeat_seconds
        self._channels: dict[int, Channel] = {}
        self._feeds: dict[str, tuple[float, Feed | None]] = {}
        self._timer: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._timer is None:
            self._timer = asyncio.get_running_loop().create_task(self._tick())

    async def feed(self, slug: str, *, fresh: bool = False) -> Feed | None:
        """The feed by slug, cached for a moment: a burst of reconnects costs one query.

        ``fresh`` reads the database whatever the cache holds (and refreshes it).
        """
        now = time.monotonic()
        cached = self._feeds.get(slug)
        if not fresh and cached is not None and now - cached[0] < FEED_CACHE_SECONDS:
            return cached[1]
        found = await self._lookup(slug)
        self._feeds[slug] = (now, found)
        if len(self._feeds) > 10_000:
            self._feeds.clear()
        return found

    def join(self, feed_id: int, current_seq: int, reader: Subscriber) -> int:
        """Add a reader; it gets every event after the returned ``seq``, live.

        What came before that the reader missed, the caller replays (see :meth:`replay`).
        """
        channel = self._channels.get(feed_id)
        if channel is None:
            channel = Channel(feed_id, current_seq)
            self._channels[feed_id] = channel
            channel.task = asyncio.get_running_loop().create_task(self._pump(channel))
        channel.readers.add(reader)
        reader.last_seq = max(reader.last_seq, channel.delivered_seq)
        return channel.delivered_seq

    async def replay(self, feed_id: int, after: int, upto: int) -> AsyncIterator[list[Frame]]:
        """The frames after ``after`` up to ``upto``, batch by batch, from memory if recent, else
        from the log: however far behind a reader is, the server holds one batch for it at once.
        """
        seq = after
        while seq < upto:
            channel = self._channels.get(feed_id)
            if channel is not None and channel.recent and channel.recent[0].seq <= seq + 1:
                batch = [f for f in channel.recent if seq < f.seq <= upto]
            else:
                fetched = await self._fetch(feed_id, seq, REPLAY_BATCH)
                batch = [f for f in fetched if f.seq <= upto]
            if not batch:
                return
            yield batch
            seq = batch[-1].seq

    def has_channel(self, feed_id: int) -> bool:
        return feed_id in self._channels

    def leave(self, feed_id: int, reader: Subscriber) -> None:
        channel = self._channels.get(feed_id)
        if channel is not None:
            channel.readers.discard(reader)
            if not channel.readers:
                channel.wake.set()

    def notify(self, feed_id: int) -> None:
        """Something was committed for this feed: read the log now rather than at the tick."""
        stale = [slug for slug, (_, f) in self._feeds.items() if f is None or f.id == feed_id]
        for slug in stale:
            del self._feeds[slug]
        channel = self._channels.get(feed_id)
        if channel is not None:
            channel.wake.set()

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
                continue
            if frames:
                self._send(channel, frames)
        self._channels.pop(channel.feed_id, None)

    def _send(self, channel: Channel, frames: Sequence[Frame]) -> None:
        batch = Batch(frames)
        for frame in frames:
            channel.recent.append(frame)
            channel.recent_bytes += len(frame.data)
        while channel.recent and (
            len(channel.recent) > RECENT_FRAMES or channel.recent_bytes > RECENT_BYTES
        ):
            channel.recent_bytes -= len(channel.recent.popleft().data)
        channel.delivered_seq = batch.last_seq
        for reader in list(channel.readers):
            if reader.last_seq < batch.last_seq:
                reader.deliver(batch)
        if self._on_batch is not None:
            self._on_batch(batch, len(channel.readers))
        if batch.ends_stream:
            self._feeds.clear()

    async def _tick(self) -> None:
        """The one timer: poll the log, heartbeats, and stalled readers let go."""
        last_heartbeat = time.monotonic()
        while True:
            await asyncio.sleep(self._tick_seconds)
            now = time.monotonic()
            beat = now - last_heartbeat >= self._heartbeat_seconds
            if beat:
                last_heartbeat = now
            poll = beat or self._must_poll()
            for channel in list(self._channels.values()):
                if poll:
                    channel.wake.set()
                self._sweep(channel.readers, now, beat)

    def _sweep(self, readers: Iterable[Subscriber], now: float, beat: bool) -> None:
        for reader in list(readers):
            if reader.stalled(now):
                reader.drop()
            elif beat:
                reader.heartbeat()
