"""The two kinds of reader the hub serves.

:class:`SocketReader` writes straight to a connection's transport: no task, no buffer of its
own, one write per batch. :class:`BufferedReader` keeps bytes for a response body that an ASGI
server sends (used when a stream is not served by our own connection handler). Both are bounded:
a reader that does not take what it is sent is let go, and resumes from the log when it
reconnects. Finding that out costs nothing while readers keep up: a socket reader starts a timer
when its transport says its buffer is full, and a buffered reader looks at the age of what it
holds when handed more (or a heartbeat).
"""

from __future__ import annotations

import asyncio
import time

from livefeed.realtime import sse
from livefeed.realtime.frames import Batch

STALL_SECONDS = 5.0
MAX_PENDING_BYTES = 256 * 1024
HEARTBEAT_CHUNK = b"%x\r\n%b\r\n" % (len(sse.HEARTBEAT), sse.HEARTBEAT)
LAST_CHUNK = b"0\r\n\r\n"


class SocketReader:
    """A stream written directly to its socket; the connection handler tells it of pauses."""

    __slots__ = ("closed", "held", "last_seq", "stall_timer", "transport")

    def __init__(self, transport: asyncio.WriteTransport, last_seq: int) -> None:
        self.transport = transport
        self.last_seq = last_seq
        self.stall_timer: asyncio.TimerHandle | None = None
        self.closed = False
        # Live batches that arrive while the missed events are still being replayed wait here.
        self.held: list[Batch] | None = []

    def release(self) -> None:
        """The replay is written: send what arrived meanwhile, then go live."""
        held, self.held = self.held or [], None
        for batch in held:
            self.deliver(batch)

    def deliver(self, batch: Batch) -> None:
        # A batch held while the replay was written may end before where the replay went.
        if self.closed or batch.last_seq <= self.last_seq:
            return
        if self.held is not None:
            # Bounded like the socket's own buffer: too much waiting means too far behind.
            if sum(len(b.chunks_after(self.last_seq)) for b in self.held) > MAX_PENDING_BYTES:
                self.drop()
                return
            self.held.append(batch)
            return
        if self.transport.get_write_buffer_size() > MAX_PENDING_BYTES:
            self.drop()
            return
        self.transport.write(batch.chunks_after(self.last_seq))
        self.last_seq = batch.last_seq
        if batch.ends_stream:
            self.finish()

    def write(self, data: bytes) -> None:
        """Raw bytes of the response (headers, replay) before the reader is live."""
        if not self.closed:
            self.transport.write(data)

    def heartbeat(self) -> None:
        if not self.closed and self.held is None and self.stall_timer is None:
            self.transport.write(HEARTBEAT_CHUNK)

    def pause(self) -> None:
        """The transport's buffer is full: let go unless it drains within ``STALL_SECONDS``."""
        if self.stall_timer is None and not self.closed:
            self.stall_timer = asyncio.get_running_loop().call_later(STALL_SECONDS, self.drop)

    def resume(self) -> None:
        if self.stall_timer is not None:
            self.stall_timer.cancel()
            self.stall_timer = None

    def finish(self) -> None:
        """End the response properly (the feed ended): the browser is told to stop."""
        if not self.closed:
            self.closed = True
            self.transport.write(LAST_CHUNK)
            self.transport.close()

    def drop(self) -> None:
        self.resume()
        if not self.closed:
            self.closed = True
            self.transport.abort()


class BufferedReader:
    """Bytes waiting for an ASGI response body to send them; woken when there are some."""

    __slots__ = ("chunks", "dropped", "ended", "last_seq", "pending_since", "size", "wake")

    def __init__(self, last_seq: int) -> None:
        self.last_seq = last_seq
        self.chunks: list[bytes] = []
        self.size = 0
        self.pending_since: float | None = None
        self.dropped = False
        self.ended = False
        self.wake = asyncio.Event()

    def deliver(self, batch: Batch) -> None:
        if self.dropped or batch.last_seq <= self.last_seq or self._stalled():
            return
        self._add(batch.data_after(self.last_seq))
        self.last_seq = batch.last_seq
        self.ended = self.ended or batch.ends_stream

    def heartbeat(self) -> None:
        if not self._stalled() and not self.chunks:
            self._add(sse.HEARTBEAT)

    def _stalled(self) -> bool:
        """Let go if what it holds has not been taken for ``STALL_SECONDS``."""
        since = self.pending_since
        if since is not None and time.monotonic() - since > STALL_SECONDS:
            self.drop()
        return self.dropped

    def drop(self) -> None:
        self.dropped = True
        self.chunks.clear()
        self.size = 0
        self.wake.set()

    def take(self) -> bytes:
        """Everything pending, as one write."""
        data = b"".join(self.chunks)
        self.chunks.clear()
        self.size = 0
        self.pending_since = None
        self.wake.clear()
        return data

    def _add(self, data: bytes) -> None:
        if self.size + len(data) > MAX_PENDING_BYTES:
            self.drop()
            return
        self.chunks.append(data)
        self.size += len(data)
        if self.pending_since is None:
            self.pending_since = time.monotonic()
        self.wake.set()
