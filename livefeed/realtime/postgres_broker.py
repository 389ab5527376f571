"""Wake-ups between instances through PostgreSQL's ``LISTEN``/``NOTIFY``: no Redis needed.

A site on PostgreSQL already has a server every instance reaches. A commit sends
``NOTIFY livefeed, 'n 42'`` on a connection of its own; each instance listens on another and
wakes its hub. Reader counts travel the same way every few seconds (``c <instance> {json}``)
and are summed over the instances heard from lately. As with every broker, a notice lost (a
restart of PostgreSQL) costs latency only: each instance still reads the log at each heartbeat, and
every second while it is not listening.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Mapping

import psycopg

from livefeed.realtime.broker import Inbox, OnNotice

log = logging.getLogger(__name__)

CHANNEL = "livefeed"
COUNTS_SECONDS = 15.0
RECONNECT_SECONDS = 1.0


def libpq_url(database_url: str) -> str:
    """The setting's URL as libpq takes it (SQLAlchemy's driver name removed)."""
    scheme, _, rest = database_url.partition("://")
    return f"postgresql://{rest}" if scheme.startswith("postgres") else database_url


class PostgresBroker:
    """Instances sharing one PostgreSQL database; this one named ``instance_id``."""

    def __init__(self, database_url: str, *, instance_id: str) -> None:
        self._url = libpq_url(database_url)
        self._name = instance_id
        self._inbox = Inbox()
        self._sender: psycopg.Connection | None = None
        self._lock = threading.Lock()
        self._listening = False
        self._counts: dict[int, int] = {}
        self._others: dict[str, tuple[float, dict[int, int]]] = {}

    def announce(self, feed_id: int) -> None:
        """The other instances first, this one last, as ``SiblingBroker.announce`` does: the
        database that has just taken the commit takes the notice too."""
        self._notify(f"n {feed_id}")
        self._inbox.post(feed_id)

    def _notify(self, payload: str) -> None:
        """From any thread; a failure is logged, never raised into the commit that called."""
        with self._lock:
            try:
                if self._sender is None or self._sender.closed:
                    self._sender = psycopg.connect(self._url, autocommit=True, connect_timeout=2)
                self._sender.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
            except psycopg.Error:
                log.warning("PostgreSQL NOTIFY failed; other instances read the log at their tick")
                if self._sender is not None:
                    self._sender.close()
                self._sender = None

    async def run(self, on_notice: OnNotice) -> None:
        self._inbox.open(on_notice)
        try:
            while True:
                try:
                    await self._listen()
                except psycopg.Error as error:
                    log.warning("listening to PostgreSQL failed (%s); again in a second", error)
                self._listening = False
                await asyncio.sleep(RECONNECT_SECONDS)
        finally:
            self._listening = False
            self._inbox.shut()

    async def _listen(self) -> None:
        connection = await psycopg.AsyncConnection.connect(self._url, autocommit=True)
        async with connection:
            await connection.execute(f"LISTEN {CHANNEL}")
            self._listening = True
            async for notice in connection.notifies():
                self._heard(notice.payload)

    def _heard(self, payload: str) -> None:
        kind, _, rest = payload.partition(" ")
        try:
            if kind == "n":
                self._inbox.deliver(int(rest))
            elif kind == "c":
                name, _, counts = rest.partition(" ")
                if name != self._name:
                    parsed = {int(k): int(v) for k, v in json.loads(counts).items()}
                    self._others[name] = (time.monotonic(), parsed)
        except ValueError:
            log.warning("a malformed notice on %s was ignored", CHANNEL)

    def report_readers(self, counts: Mapping[int, int]) -> None:
        self._counts = dict(counts)
        payload = json.dumps({str(k): v for k, v in counts.items() if v}, separators=(",", ":"))
        if len(payload) < 7000:  # NOTIFY takes 8,000 bytes; a site past that counts locally
            asyncio.get_running_loop().run_in_executor(
                None, self._notify, f"c {self._name} {payload}"
            )

    async def reader_total(self, feed_id: int) -> int:
        now = time.monotonic()
        total = self._counts.get(feed_id, 0)
        for heard, counts in self._others.values():
            if now - heard < COUNTS_SECONDS:
                total += counts.get(feed_id, 0)
        return total

    @property
    def healthy(self) -> bool:
        return self._listening

    async def close(self) -> None:
        self._inbox.shut()
        with self._lock:
            if self._sender is not None:
                self._sender.close()
                self._sender = None
