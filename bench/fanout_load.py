"""The load side of the fan-out benchmark: SSE readers, a publisher and a poller.

The readers run on one event loop in the load process. A reader is a bare non-blocking socket
that sends its ``GET`` and then only looks for ``id:`` lines in what arrives; it neither
decodes chunks nor JSON, so the readers cost the load process as little as possible and the
same for every server. Each read asks the kernel when the data reached the socket
(``SO_TIMESTAMPNS``), so a delivery's time does not include the wait for this one process to
get round to ten thousand sockets. Sockets are spread over several loopback source addresses and
bound with ``IP_BIND_ADDRESS_NO_PORT``, so the ephemeral port is chosen per destination at
connect time and one source address is not exhausted by earlier runs.

The publisher is a blocking client run from a thread: its calls go out back to back however
busy the readers' loop is. All times are wall-clock seconds (``CLOCK_REALTIME``, the kernel
timestamps' clock), shared by every process on the machine.
"""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from array import array
from collections import Counter
from collections.abc import Callable
from functools import partial

SOURCES = tuple(f"127.0.1.{i}" for i in range(1, 9))
# Linux values the socket module does not name (IP_BIND_ADDRESS_NO_PORT only from 3.12).
IP_BIND_ADDRESS_NO_PORT = getattr(socket, "IP_BIND_ADDRESS_NO_PORT", 24)
SO_TIMESTAMPNS = 35
TIMESTAMP_SPACE = socket.CMSG_SPACE(16)
READ_BYTES = 256 * 1024
ID_MARK = b"\nid: "
MAX_HEAD = 64 * 1024


class Arrivals:
    """When each frame, named by its ``id:``, reached each reader."""

    def __init__(self) -> None:
        self.times: dict[bytes, array[float]] = {}

    def add(self, key: bytes, when: float) -> None:
        times = self.times.get(key)
        if times is None:
            times = self.times[key] = array("d")
        times.append(when)

    def count(self, keys: list[bytes]) -> int:
        return sum(len(self.times.get(key, ())) for key in keys)

    def last(self, keys: list[bytes]) -> float:
        return max((max(self.times[key]) for key in keys if self.times.get(key)), default=0.0)


class Trail:
    """One reader's frames in the order they came, also counted in the crowd's ``Arrivals``."""

    def __init__(self, shared: Arrivals) -> None:
        self.shared = shared
        self.keys: list[bytes] = []
        self.times = array("d")

    def add(self, key: bytes, when: float) -> None:
        self.keys.append(key)
        self.times.append(when)
        self.shared.add(key, when)


def arrival_time(ancillary: list[tuple[int, int, bytes]]) -> float:
    """When the kernel received what was just read; now, if it did not say."""
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= 16:
            seconds, nanoseconds = struct.unpack("qq", data[:16])
            return float(seconds) + float(nanoseconds) * 1e-9
    return time.time()


class Reader:
    """One SSE stream: waits for a ``200`` head, then notes every ``id:`` line's arrival."""

    def __init__(
        self,
        sock: socket.socket,
        arrivals: Arrivals | Trail,
        ready: asyncio.Future[bool],
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        self.sock = sock
        self.arrivals = arrivals
        self.ready = ready
        self.loop = loop
        self.head = b""
        self.tail = b""
        self.received = 0
        self.last_seen = 0.0
        self.open = True
        loop.add_reader(sock.fileno(), self.readable)

    def readable(self) -> None:
        try:
            data, ancillary, _, _ = self.sock.recvmsg(READ_BYTES, TIMESTAMP_SPACE)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data, ancillary = b"", []
        if not data:
            self.close()
            return
        now = arrival_time(ancillary)
        self.received += len(data)
        self.last_seen = now
        if not self.ready.done():
            self.head += data
            end = self.head.find(b"\r\n\r\n")
            if end < 0:
                if len(self.head) > MAX_HEAD:
                    self.close()
                return
            ok = self.head.startswith(b"HTTP/1.1 200")
            data, self.head = self.head[end + 2 :], b""
            self.ready.set_result(ok)
            if not ok:
                self.close()
                return
        buffer = self.tail + data if self.tail else data
        start = 0
        while True:
            mark = buffer.find(ID_MARK, start)
            if mark < 0:
                break
            stop = buffer.find(b"\n", mark + 5)
            if stop < 0:
                self.tail = buffer[mark:]
                return
            self.arrivals.add(buffer[mark + 5 : stop], now)
            start = stop
        # Keep what could be the start of a mark split across two reads.
        self.tail = buffer[max(start, len(buffer) - len(ID_MARK) + 1) :]

    def close(self) -> None:
        """Close with a reset, so no side keeps the connection in TIME_WAIT."""
        if not self.open:
            return
        self.open = False
        if not self.ready.done():
            self.ready.set_result(False)
        self.loop.remove_reader(self.sock.fileno())
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


class Crowd:
    """N readers of one stream URL; with ``trails``, each also keeps its own frames in order."""

    def __init__(
        self,
        host: str,
        port: int,
        path: str,
        arrivals: Arrivals,
        *,
        sources: tuple[str, ...] = SOURCES,
        trails: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Accept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
        ).encode()
        self.arrivals = arrivals
        self.sources = sources
        self.trails = trails
        self.readers: list[Reader] = []

    async def connect(self, n: int, *, concurrency: int = 200, timeout: float = 30.0) -> int:
        """Open ``n`` streams, at most ``concurrency`` of them in progress; the number that got
        a ``200`` head."""
        loop = asyncio.get_running_loop()
        gate = asyncio.Semaphore(concurrency)

        async def one(index: int) -> bool:
            async with gate:
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                try:
                    sock.setsockopt(socket.SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1)
                    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
                    sock.bind((self.sources[index % len(self.sources)], 0))
                    sock.setblocking(False)
                    await asyncio.wait_for(loop.sock_connect(sock, (self.host, self.port)), timeout)
                    sock.send(self.request)
                except (OSError, TimeoutError):
                    sock.close()
                    return False
                ready: asyncio.Future[bool] = loop.create_future()
                arrivals = Trail(self.arrivals) if self.trails else self.arrivals
                self.readers.append(Reader(sock, arrivals, ready, loop))
                try:
                    return await asyncio.wait_for(ready, timeout)
                except TimeoutError:
                    return False

        results = await asyncio.gather(*(one(i) for i in range(n)))
        return sum(results)

    def open_count(self) -> int:
        return sum(reader.open for reader in self.readers)

    def seen_since(self, when: float) -> int:
        """How many open readers received something (a heartbeat, say) after ``when``."""
        return sum(reader.open and reader.last_seen > when for reader in self.readers)

    def received(self) -> int:
        return sum(reader.received for reader in self.readers)

    def close(self) -> None:
        for reader in self.readers:
            reader.close()
        self.readers.clear()


class Publisher:
    """One keep-alive HTTP/1.1 connection that POSTs posts; ``key`` reads the frame id back.

    Blocking: run it from a thread (``asyncio.to_thread``), away from the readers' loop.
    """

    def __init__(
        self,
        host: str,
        port: int,
        path: str,
        headers: dict[str, str],
        key: Callable[[bytes], bytes],
    ) -> None:
        self.host = host
        self.port = port
        self.path = path
        self.headers = headers
        self.key = key
        self.sock: socket.socket | None = None
        self.pending = b""

    def run(self, bodies: list[bytes], rate: float | None) -> list[tuple[bytes, float, float]]:
        """Publish ``bodies``, ``rate`` a second or back to back: each frame id, the time just
        before its call, and the call's duration."""
        done = []
        started = time.time()
        for number, body in enumerate(bodies):
            if rate:
                time.sleep(max(0.0, started + number / rate - time.time()))
            done.append(self.publish(body))
        return done

    def publish(self, body: bytes) -> tuple[bytes, float, float]:
        try:
            return self._publish(body)
        except ConnectionError:
            # The server closed the idle keep-alive connection as we sent: once more, anew.
            self.close()
            return self._publish(body)

    def _publish(self, body: bytes) -> tuple[bytes, float, float]:
        if self.sock is None:
            self.sock = socket.create_connection((self.host, self.port), timeout=120)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.pending = b""
        lines = [f"POST {self.path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        sent = time.time()
        self.sock.sendall(request)
        head = self.read_until(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        fields = {}
        for line in head.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        if fields.get("transfer-encoding", "").lower() == "chunked":
            answer = b""
            while size := int(self.read_until(b"\r\n").strip(), 16):
                answer += self.read_exactly(size + 2)[:-2]
            self.read_until(b"\r\n")
        else:
            answer = self.read_exactly(int(fields.get("content-length", "0")))
        took = time.time() - sent
        if fields.get("connection", "").lower() == "close":
            self.close()
        if not 200 <= status < 300:
            raise RuntimeError(f"publishing answered {status}: {answer[:300]!r}")
        return self.key(answer), sent, took

    def read_until(self, end: bytes) -> bytes:
        while (at := self.pending.find(end)) < 0:
            self.fill()
        found, self.pending = self.pending[: at + len(end)], self.pending[at + len(end) :]
        return found

    def read_exactly(self, size: int) -> bytes:
        while len(self.pending) < size:
            self.fill()
        found, self.pending = self.pending[:size], self.pending[size:]
        return found

    def fill(self) -> None:
        assert self.sock is not None
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionResetError("the server closed the connection")
        self.pending += data

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class Poller(asyncio.Protocol):
    """Sends the same GET over one keep-alive connection, one at a time, until ``deadline``."""

    def __init__(
        self, request: bytes, deadline: float, tally: Counter[int], done: asyncio.Future[None]
    ) -> None:
        self.request = request
        self.deadline = deadline
        self.tally = tally
        self.done = done
        self.transport: asyncio.Transport | None = None
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].lower()
            length = 0
            at = head.find(b"\r\ncontent-length:")
            if at >= 0:
                stop = head.find(b"\r\n", at + 2)
                length = int(head[at + 17 : stop if stop >= 0 else None])
            if len(self.buffer) < end + 4 + length:
                return
            self.tally[int(head[9:12])] += 1
            self.buffer = self.buffer[end + 4 + length :]
            if time.monotonic() < self.deadline:
                self.transport.write(self.request)
            else:
                self.transport.close()
                if not self.done.done():
                    self.done.set_result(None)


async def poll(
    host: str, port: int, request: bytes, *, connections: int, seconds: float
) -> tuple[Counter[int], float]:
    """Answers by status over ``seconds``, from ``connections`` keep-alive clients at once."""
    loop = asyncio.get_running_loop()
    tally: Counter[int] = Counter()
    started = time.monotonic()
    deadline = started + seconds
    waits = []
    for index in range(connections):
        done: asyncio.Future[None] = loop.create_future()
        await loop.create_connection(
            partial(Poller, request, deadline, tally, done),
            host,
            port,
            local_addr=(SOURCES[index % len(SOURCES)], 0),
        )
        waits.append(done)
    await asyncio.wait_for(asyncio.gather(*waits), seconds + 30)
    return tally, time.monotonic() - started
