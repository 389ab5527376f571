"""The connection handler ``livefeed serve`` gives uvicorn: event streams on the socket itself.

A reader's stream is a long-lived response that only ever receives the same bytes as every
other reader of the feed. Served through ASGI, each one would cost a task, a send coroutine
and a wake-up per event; here the first request on a connection is looked at, and a
``GET /feeds/{slug}/events`` is answered directly: headers, the replay, then the hub writes to
the transport itself. Any other request, and everything after it on the connection, is handed
to uvicorn's own HTTP protocol untouched.

Being first on every connection, it also keeps slow clients from holding the server: a head
not complete within ``LIVEFEED_REQUEST_HEAD_TIMEOUT`` is answered 408, and one client address
may hold at most ``LIVEFEED_CONNECTIONS_PER_CLIENT`` connections (2,000 half-sent heads from one
client would otherwise keep every descriptor busy for as long as it likes).
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
from collections import Counter
from typing import Any, ClassVar, cast
from urllib.parse import parse_qs, unquote, urlsplit

from starlette.applications import Starlette
from uvicorn.config import Config
from uvicorn.protocols.http.auto import AutoHTTPProtocol
from uvicorn.server import ServerState

from livefeed.domain.feeds import FeedStatus
from livefeed.realtime.connections import SocketReader
from livefeed.realtime.hub import Hub
from livefeed.settings import Network
from livefeed.web.reader.stream import STREAM_HEADERS, last_event_id, missed, open_stream
from livefeed.web.stream_log import StreamVisit

MAX_HEAD_BYTES = 16 * 1024
_STREAM_PATH = re.compile(r"^/feeds/([^/]+)/events$")
_HEAD = (
    "HTTP/1.1 200 OK\r\n"
    + "".join(f"{name}: {value}\r\n" for name, value in STREAM_HEADERS.items())
    + "Transfer-Encoding: chunked\r\n\r\n"
).encode("ascii")


def _answer(status: str, extra: str = "") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n{extra}\r\n"
    return head.encode("ascii")


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%b\r\n" % (len(data), data) if data else b""


class StreamFront(asyncio.Protocol):
    """Answers event streams itself and hands every other connection to uvicorn.

    One is held per open stream, so it keeps nothing a stream no longer needs: no task once
    the replay is written, no event to wait on unless the socket is full.
    """

    __slots__ = (
        "_answering",
        "_app_state",
        "_client",
        "_config",
        "_drained",
        "_feed_id",
        "_head",
        "_head_timer",
        "_inner",
        "_reader",
        "_server_state",
        "_stopping",
        "_streaming",
        "_task",
        "_transport",
        "_visit",
    )
    app: ClassVar[Starlette]
    # Open connections per client address, for this app's server (see ``serving``).
    clients: ClassVar[Counter[str]]

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._config, self._server_state, self._app_state = config, server_state, app_state
        self._inner: asyncio.Protocol | None = None
        self._transport: asyncio.Transport | None = None
        self._head = b""
        self._reader: SocketReader | None = None
        self._feed_id: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._streaming = False
        self._drained: asyncio.Future[None] | None = None
        self._client: str | None = None
        self._head_timer: asyncio.TimerHandle | None = None
        # The stream's response head is out (so it can only end with its last chunk), and
        # uvicorn has asked every connection to wind up.
        self._answering = False
        self._stopping = False
        self._visit: StreamVisit | None = None

    @classmethod
    def serving(cls, app: Starlette) -> type[StreamFront]:
        """The handler class for one app (uvicorn instantiates it per connection)."""
        return type(
            "LivefeedStreamFront", (cls,), {"app": app, "clients": Counter(), "__slots__": ()}
        )

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but offer the same methods.
        transport = cast(asyncio.Transport, transport)
        self._transport = transport
        self._connections().add(self)
        settings = self.app.state.services.settings
        client = _counted_client(transport, settings.trusted_proxies)
        if client is not None:
            if self.clients[client] >= settings.connections_per_client:
                transport.write(_answer("503 Service Unavailable", "Retry-After: 10\r\n"))
                transport.close()
                return
            self.clients[client] += 1
            self._client = client
        self._head_timer = asyncio.get_running_loop().call_later(
            settings.request_head_timeout, self._head_too_slow
        )

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if self._inner is None and not self._streaming and self._transport is not None:
            self._transport.write(_answer("408 Request Timeout"))
            self._transport.close()

    def _head_read(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def data_received(self, data: bytes) -> None:
        if self._inner is not None:
            self._inner.data_received(data)
            return
        if self._streaming:
            return  # a stream's client has nothing more to say; ignore it
        self._head += data
        end = self._head.find(b"\r\n\r\n")
        if end < 0:
            if len(self._head) > MAX_HEAD_BYTES:
                self._hand_over()
            return
        self._head_read()
        request = self._stream_request(self._head[:end])
        if request is None:
            self._hand_over()
            return
        slug, raw = request
        self._head = b""
        self._streaming = True
        self._task = asyncio.get_running_loop().create_task(self._serve(slug, raw))

    def _stream_request(self, head: bytes) -> tuple[str, str | None] | None:
        """``(slug, Last-Event-ID)`` for a plain stream request; ``None`` for anything else."""
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or parts[0] != "GET" or parts[2] != "HTTP/1.1":
            return None
        target = urlsplit(parts[1])
        match = _STREAM_PATH.match(target.path)
        if match is None:
            return None
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "upgrade" in headers or "content-length" in headers or "transfer-encoding" in headers:
            return None
        query = parse_qs(target.query).get("last_event_id", [None])[0]
        return unquote(match.group(1)), last_event_id(headers.get("last-event-id"), query)

    async def _serve(self, slug: str, raw: str | None) -> None:
        try:
            await self._stream(slug, raw)
        finally:
            self._task = None

    async def _stream(self, slug: str, raw: str | None) -> None:
        transport = self._transport
        assert transport is not None
        hub: Hub = self.app.state.hub
        try:
            feed = await hub.feed(slug)
        except Exception:
            transport.write(_answer("503 Service Unavailable"))
            transport.close()
            raise
        if transport.is_closing():
            return
        if feed is None:
            transport.write(_answer("404 Not Found"))
            transport.close()
            return
        if feed.status is FeedStatus.ENDED:
            transport.write(_answer("204 No Content"))
            transport.close()
            return
        reader = SocketReader(transport, last_seq=0)
        self._reader, self._feed_id = reader, feed.id
        opening = await open_stream(hub, feed, raw, reader)
        self._visit = StreamVisit(slug, opening.upto if opening.start is None else opening.start)
        # The head goes with the first step of the replay: one write for a reader catching up.
        head: bytes | None = _HEAD + _chunk(opening.data)
        seq = opening.start or 0
        async for batch in missed(hub, feed.id, opening):
            if transport.is_closing():
                return
            if head is not None:
                self._write_head(head, batch.chunks_after(seq))
                head = None
            else:
                transport.write(batch.chunks_after(seq))
            seq = batch.last_seq
            if batch.ends_stream or self._stopping:
                reader.finish()
                return
            # One step in flight at a time: a reader far behind costs the server one step.
            # A socket that stays full is let go by the reader's own stall timer.
            if self._drained is not None:
                await self._drained
        if head is not None:
            self._write_head(head)
        if self._stopping:
            reader.finish()
            return
        reader.release()

    def _write_head(self, head: bytes, *after: bytes) -> None:
        """From here the stream can only end with its last chunk (see ``shutdown``)."""
        assert self._transport is not None
        self._transport.writelines((head, *after))
        self._answering = True

    def _hand_over(self) -> None:
        """From here on this connection is uvicorn's, as if it had accepted it itself."""
        assert self._transport is not None
        self._head_read()
        self._connections().discard(self)
        inner = AutoHTTPProtocol(  # type: ignore[call-arg]
            config=self._config, server_state=self._server_state, app_state=self._app_state
        )
        self._inner = inner
        inner.connection_made(self._transport)
        head, self._head = self._head, b""
        inner.data_received(head)

    def _connections(self) -> set[Any]:
        connections: set[Any] = self._server_state.connections
        return connections

    def eof_received(self) -> bool | None:
        if self._inner is not None:
            return self._inner.eof_received()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_read()
        if self._client is not None:
            self.clients[self._client] -= 1
            if not self.clients[self._client]:
                del self.clients[self._client]
            self._client = None
        if self._inner is not None:
            self._inner.connection_lost(exc)
            return
        self._connections().discard(self)
        if self._task is not None and not self._task.done():
            self._task.cancel()
        if self._reader is not None and self._feed_id is not None:
            self._reader.resume()
            self._reader.closed = True
            self.app.state.hub.leave(self._feed_id, self._reader)
            if self._visit is not None:
                self._visit.closed(self._reader.last_seq)

    def pause_writing(self) -> None:
        if self._inner is not None:
            self._inner.pause_writing()
            return
        if self._drained is None:
            self._drained = asyncio.get_running_loop().create_future()
        if self._reader is not None:
            self._reader.pause()

    def resume_writing(self) -> None:
        if self._inner is not None:
            self._inner.resume_writing()
            return
        drained, self._drained = self._drained, None
        if drained is not None and not drained.done():
            drained.set_result(None)
        if self._reader is not None:
            self._reader.resume()

    def shutdown(self) -> None:
        """uvicorn is stopping: a stream ends at once, as a response ends, with its last chunk.

        A proxy in front then logs a complete response, not an upstream that vanished, and the
        reader's ``EventSource`` reconnects through it to another instance with
        ``Last-Event-ID``, missing nothing. A stream still looking up its feed ends the moment
        its head is written; a connection that has sent no whole request is simply closed.
        """
        self._stopping = True
        if self._answering and self._reader is not None:
            self._reader.finish()
        elif self._task is None and self._transport is not None:
            self._transport.close()


def _counted_client(transport: asyncio.Transport, trusted: tuple[Network, ...]) -> str | None:
    """The peer's address, or ``None`` for a trusted proxy (it speaks for many) or a socket
    without one (a Unix socket)."""
    peer = transport.get_extra_info("peername")
    if not isinstance(peer, tuple) or not peer:
        return None
    if not trusted:
        # The kernel writes an address one way only; parsing it is for comparing with proxies.
        return str(peer[0])
    try:
        address = ipaddress.ip_address(peer[0])
    except ValueError:
        return None
    if any(address in network for network in trusted):
        return None
    return str(address)
