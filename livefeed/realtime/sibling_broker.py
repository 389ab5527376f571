"""Wake-ups between the processes of one SQLite site on one machine: the workers of
``livefeed serve``, and whatever else writes to the site (the CLI).

Each worker binds a Unix datagram socket in the site's wake directory (see
``site_brokers.py``); a commit, in a worker or in any other process, sends "feed 42" to every
other socket there, and every few seconds each worker sends its reader counts the same way. No
Redis is needed: a datagram lost (a full socket buffer) costs latency only, since every worker
still reads the log of each feed it serves at each heartbeat (the event log stays the truth).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import time
from collections.abc import Mapping
from pathlib import Path

from livefeed.realtime.broker import Inbox, OnNotice

log = logging.getLogger(__name__)

# A sibling's counts are trusted this long after it last sent them (it sends every 5 s).
COUNTS_SECONDS = 15.0
MAX_DATAGRAM = 64 * 1024


class SiblingBroker:
    """The workers found in ``directory``, this one named ``name`` among them."""

    def __init__(self, directory: Path, name: str) -> None:
        self._directory = directory
        self._path = directory / f"{name}.sock"
        self._inbox = Inbox()
        self._sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sender.setblocking(False)
        self._counts: dict[int, int] = {}
        self._siblings: dict[str, tuple[float, dict[int, int]]] = {}

    def announce(self, feed_id: int) -> None:
        """The other workers first, this one last: once this worker's loop is woken, its
        fan-out shares the interpreter with the thread that committed, and the answer to the
        request that published waits for what that thread still has to do."""
        self._send(b"n %d" % feed_id)
        self._inbox.post(feed_id)

    async def run(self, on_notice: OnNotice) -> None:
        loop = asyncio.get_running_loop()
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        listener.setblocking(False)
        # Made again if the last instance to leave took it away as this one started.
        self._directory.mkdir(mode=0o700, exist_ok=True)
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()
        listener.bind(str(self._path))
        self._inbox.open(on_notice)
        loop.add_reader(listener.fileno(), self._receive, listener)
        try:
            await loop.create_future()  # until cancelled
        finally:
            loop.remove_reader(listener.fileno())
            self._inbox.shut()
            listener.close()
            with contextlib.suppress(FileNotFoundError):
                self._path.unlink()

    def _receive(self, listener: socket.socket) -> None:
        while True:
            try:
                message = listener.recv(MAX_DATAGRAM)
            except BlockingIOError:
                return
            kind, _, rest = message.partition(b" ")
            try:
                if kind == b"n":
                    self._inbox.deliver(int(rest))
                elif kind == b"c":
                    name, _, counts = rest.partition(b" ")
                    parsed = {int(k): int(v) for k, v in json.loads(counts).items()}
                    self._siblings[name.decode()] = (time.monotonic(), parsed)
            except ValueError:
                log.warning("a malformed message from a sibling worker was ignored")

    def _send(self, message: bytes) -> None:
        """To every other worker's socket; from any thread, never blocking."""
        try:
            names = os.listdir(self._directory)
        except OSError:
            return
        for name in names:
            path = self._directory / name
            if path == self._path or not name.endswith(".sock"):
                continue
            with contextlib.suppress(OSError):  # gone, or its buffer full: the tick covers it
                self._sender.sendto(message, str(path))

    def report_readers(self, counts: Mapping[int, int]) -> None:
        self._counts = dict(counts)
        payload = json.dumps({str(k): v for k, v in counts.items() if v}).encode()
        self._send(b"c %s %s" % (self._path.stem.encode(), payload))

    async def reader_total(self, feed_id: int) -> int:
        now = time.monotonic()
        total = self._counts.get(feed_id, 0)
        for sent, counts in self._siblings.values():
            if now - sent < COUNTS_SECONDS:
                total += counts.get(feed_id, 0)
        return total

    @property
    def healthy(self) -> bool:
        return True

    async def close(self) -> None:
        self._inbox.shut()
        self._sender.close()
