"""Fan-out of a feed's committed events to the readers connected to this process.

The event log is the only source: a feed's channel reads what was committed after the last
``seq`` it delivered, encodes each event once, and appends the same bytes to every reader's
buffer, in ``seq`` order. It reads when told that something was committed here, and at least
once a second anyway, so changes committed by another process (the CLI, another instance)
arrive too. A reader's buffer is bounded; one that falls too far behind is dropped and resumes
from the log when it reconnects, so the publisher never waits for anybody.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Frame:
    """One encoded event, ready for the wire."""

    seq: int
    data: bytes
    ends_stream: bool = False


Fetch = Callable[[int, int], Awaitable[list[Frame]]]
"""Committed events of feed ``feed_id`` after ``seq``, encoded, oldest first."""

MAX_READER_BYTES = 1024 * 1024
log = logging.getLogger(__name__)


@dataclass(eq=False)
class Reader:
    """One open stream's pending bytes; the stream writes them out when woken."""

    last_seq: int
    max_bytes: int = MAX_READER_BYTES
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0
    dropped: bool = False
    ended: bool = False
    wake: asyncio.Event = field(default_factory=asyncio.Event)

    def push(self, frame: Frame) -> None:
        if self.dropped or frame.seq <= self.last_seq:
            return
        if self.size + len(frame.data) > self.max_bytes:
            # Too far behind: let go of everything; it resumes from the log on reconnect.
            self.dropped = True
            self.chunks.clear()
            self.size = 0
        else:
            self.chunks.append(frame.data)
            self.size += len(frame.data)
            self.last_seq = frame.seq
            self.ended = self.ended or frame.ends_stream
        self.wake.set()

    def take(self) -> bytes:
        """Everything pending, as one write."""
        data = b"".join(self.chunks)
        self.chunks.clear()
        self.size = 0
        self.wake.clear()
        return data


@dataclass(eq=False)
class Channel:
    feed_id: int
    delivered_seq: int
    readers: set[Reader] = field(default_factory=set)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class Hub:
    """Every feed channel of this process; all of it runs on the event loop."""

    def __init__(self, fetch: Fetch, *, poll_seconds: float = 1.0) -> None:
        self._fetch = fetch
        self._poll_seconds = poll_seconds
        self._channels: dict[int, Channel] = {}

    def join(self, feed_id: int, current_seq: int, *, max_bytes: int = MAX_READER_BYTES) -> Reader:
        """A new reader that will be sent every event after the channel's delivered ``seq``.

        ``current_seq`` starts a channel that does not exist yet; the caller replays what the
        reader missed up to ``reader.last_seq`` from the log itself.
        """
        channel = self._channels.get(feed_id)
        if channel is None:
            channel = Channel(feed_id, current_seq)
            self._channels[feed_id] = channel
            channel.task = asyncio.get_running_loop().create_task(self._pump(channel))
        reader = Reader(last_seq=channel.delivered_seq, max_bytes=max_bytes)
        channel.readers.add(reader)
        return reader

    def leave(self, feed_id: int, reader: Reader) -> None:
        channel = self._channels.get(feed_id)
        if channel is not None:
            channel.readers.discard(reader)
            if not channel.readers:
                channel.wake.set()

    def notify(self, feed_id: int) -> None:
        """Something was committed for this feed: read the log now rather than at the tick."""
        channel = self._channels.get(feed_id)
        if channel is not None:
            channel.wake.set()

    def reader_count(self, feed_id: int) -> int:
        channel = self._channels.get(feed_id)
        return len(channel.readers) if channel else 0

    async def close(self) -> None:
        tasks = [c.task for c in self._channels.values() if c.task]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._channels.clear()

    async def _pump(self, channel: Channel) -> None:
        while channel.readers:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(channel.wake.wait(), self._poll_seconds)
            channel.wake.clear()
            if not channel.readers:
                break
            try:
                frames = await self._fetch(channel.feed_id, channel.delivered_seq)
            except Exception:
                # The database may be restarting: say so, and read again at the next tick.
                log.exception("reading the event log of feed %s failed", channel.feed_id)
                continue
            for frame in frames:
                for reader in list(channel.readers):
                    reader.push(frame)
                channel.delivered_seq = frame.seq
        self._channels.pop(channel.feed_id, None)
