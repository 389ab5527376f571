"""The lower bound for SSE fan-out: the least a Python asyncio server can do per reader.

One ``asyncio.Protocol`` per connection and no task per reader. A reader's ``GET`` is answered
with the response head once (chunked ``text/event-stream``); from then on its transport sits in a
set. ``POST /publish`` builds ONE chunked SSE frame from the request body and hands the same
bytes to every transport with ``transport.write``, then answers ``{"id": "<seq>"}``. The last
frames stay in memory, so a reader back with ``Last-Event-ID`` is written the ones it missed
in the same write as the head (the bound for a reconnect storm). One timer
writes a heartbeat comment to every transport. Nothing is stored, rendered or made durable, so
this is a floor to measure against, not a design to copy.

    python bench/fanout_floor.py --port 8123 [--heartbeat 15]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import deque

HEAD = (
    b"HTTP/1.1 200 OK\r\n"
    b"content-type: text/event-stream; charset=utf-8\r\n"
    b"cache-control: no-store\r\n"
    b"transfer-encoding: chunked\r\n"
    b"\r\n"
)
RETRY = b"retry: 3000\n\n"
HEARTBEAT = b":\n\n"
NOT_FOUND = b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"
MAX_HEAD = 16 * 1024
RECENT = 1024


def chunk(data: bytes) -> bytes:
    """One HTTP/1.1 chunk holding ``data``."""
    return b"%x\r\n%s\r\n" % (len(data), data)


class Floor:
    """Every open stream of the process, and the one sequence of published frames."""

    def __init__(self) -> None:
        self.readers: set[asyncio.Transport] = set()
        self.seq = 0
        self.recent: deque[bytes] = deque(maxlen=RECENT)

    def publish(self, body: bytes) -> int:
        self.seq += 1
        frame = chunk(b"id: %d\nevent: post\ndata: %s\n\n" % (self.seq, body))
        self.recent.append(frame)
        for transport in self.readers:
            transport.write(frame)
        return self.seq

    def missed(self, last_id: int) -> bytes:
        """The frames after ``last_id`` that are still kept."""
        behind = min(self.seq - last_id, len(self.recent))
        return b"".join(list(self.recent)[len(self.recent) - behind :]) if behind > 0 else b""

    def beat(self, every: float) -> None:
        frame = chunk(HEARTBEAT)
        for transport in self.readers:
            transport.write(frame)
        asyncio.get_running_loop().call_later(every, self.beat, every)


class Connection(asyncio.Protocol):
    """Parses just enough HTTP/1.1: a request line, ``Content-Length`` and a body."""

    def __init__(self, floor: Floor) -> None:
        self.floor = floor
        self.transport: asyncio.Transport | None = None
        self.buffer = b""
        self.streaming = False
        self.last_id: int | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None:
            self.floor.readers.discard(self.transport)

    def data_received(self, data: bytes) -> None:
        if self.streaming or self.transport is None:
            return
        self.buffer += data
        while not self.streaming:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    self.transport.close()
                return
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            length, self.last_id = 0, None
            for line in head[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
                elif name.strip().lower() == "last-event-id":
                    self.last_id = int(value.strip())
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            self.answer(head[0], body)

    def answer(self, request_line: str, body: bytes) -> None:
        assert self.transport is not None
        method, _, rest = request_line.partition(" ")
        path = rest.partition(" ")[0]
        if method == "GET" and path.endswith("/events"):
            self.streaming = True
            missed = b"" if self.last_id is None else self.floor.missed(self.last_id)
            self.transport.write(HEAD + chunk(RETRY) + missed)
            self.floor.readers.add(self.transport)
        elif method == "POST" and path == "/publish":
            seq = self.floor.publish(body)
            answer = json.dumps({"id": str(seq)}).encode()
            self.transport.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                b"content-length: %d\r\n\r\n%s" % (len(answer), answer)
            )
        else:
            self.transport.write(NOT_FOUND)


async def serve(host: str, port: int, heartbeat: float) -> None:
    floor = Floor()
    loop = asyncio.get_running_loop()
    # The same listen backlog uvicorn uses, so no server waits on a shorter accept queue.
    server = await loop.create_server(lambda: Connection(floor), host, port, backlog=2048)
    loop.call_later(heartbeat, floor.beat, heartbeat)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--heartbeat", type=float, default=15.0)
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port, args.heartbeat))


if __name__ == "__main__":
    main()
