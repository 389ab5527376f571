"""Wake-ups between instances: "feed 42 has new events", and how many readers each feed has.

The event log is the only source of what readers see, so a broker carries no event data: a
notice only tells a hub to read the log *now* instead of at its next safety read (every
second, or every heartbeat where the broker hears every process writing to the site). A lost
notice therefore costs latency, never an update, and a duplicated one costs a read that finds
nothing new. That is why every failure here is swallowed and logged rather than raised into the
transaction that just committed, and why the Redis broker may start, and run, without Redis.

``MemoryBroker`` serves one process; :class:`~livefeed.realtime.redis_broker.RedisBroker`
serves any number of instances behind a load balancer. ``broker_from_url`` picks one by URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Protocol

log = logging.getLogger(__name__)

OnNotice = Callable[[int], None]


class Broker(Protocol):
    """What the hub and the use cases need from a broker, whichever one is configured."""

    def announce(self, feed_id: int) -> None:
        """Called from any thread right after a commit; never raises, never blocks long."""

    async def run(self, on_notice: OnNotice) -> None:
        """Deliver every notice (from this and other instances) to ``on_notice`` on the event
        loop, until cancelled. Reconnects by itself."""

    def report_readers(self, counts: Mapping[int, int]) -> None:
        """This instance's readers per feed; called from the loop every few seconds."""

    async def reader_total(self, feed_id: int) -> int:
        """Readers of ``feed_id`` summed over the live instances."""

    @property
    def healthy(self) -> bool:
        """Whether notices from other instances arrive now (the tick covers them if not)."""

    async def close(self) -> None:
        """Stop ``run`` if it still runs and release every connection."""


def broker_from_url(url: str | None, *, instance_id: str) -> Broker:
    """The broker for ``LIVEFEED_REDIS_URL``: none means a single process.

    ``instance_id`` names this process among the instances (reader counts are kept per
    instance); it must differ between instances that run at the same time.
    """
    if not url:
        return MemoryBroker()
    if url.startswith(("redis://", "rediss://")):
        # Imported here: the Redis broker is built on this module's inbox.
        from livefeed.realtime.redis_broker import RedisBroker

        return RedisBroker(url, instance_id=instance_id)
    raise ValueError(f"a broker URL starts with redis:// or rediss://, not {url.split(':')[0]}")


def _call(on_notice: OnNotice, feed_id: int) -> None:
    # A failing listener must not stop the notices for every other feed.
    try:
        on_notice(feed_id)
    except Exception:
        log.exception("handling the notice for feed %s failed", feed_id)


class Inbox:
    """The ``on_notice`` of the running ``run()`` and its loop, reachable from any thread."""

    def __init__(self) -> None:
        # One tuple, swapped whole, so another thread never sees a loop without its callback.
        self._target: tuple[asyncio.AbstractEventLoop, OnNotice] | None = None

    def open(self, on_notice: OnNotice) -> None:
        self._target = (asyncio.get_running_loop(), on_notice)

    def shut(self) -> None:
        self._target = None

    def post(self, feed_id: int) -> None:
        """From any thread: call ``on_notice`` soon on its loop; dropped if nobody listens."""
        target = self._target
        if target is None:
            return
        loop, on_notice = target
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is left to wake
            loop.call_soon_threadsafe(_call, on_notice, feed_id)

    def deliver(self, feed_id: int) -> None:
        """On the loop: call ``on_notice`` now."""
        target = self._target
        if target is not None:
            _call(target[1], feed_id)


class MemoryBroker:
    """One process: notices go straight to this process's loop, counts are the local ones."""

    def __init__(self) -> None:
        self._inbox = Inbox()
        self._counts: dict[int, int] = {}

    def announce(self, feed_id: int) -> None:
        # Announced before run() started (or after it stopped): dropped, the tick covers it.
        self._inbox.post(feed_id)

    async def run(self, on_notice: OnNotice) -> None:
        self._inbox.open(on_notice)
        try:
            await asyncio.get_running_loop().create_future()  # until cancelled
        finally:
            self._inbox.shut()

    def report_readers(self, counts: Mapping[int, int]) -> None:
        self._counts = dict(counts)

    async def reader_total(self, feed_id: int) -> int:
        return self._counts.get(feed_id, 0)

    @property
    def healthy(self) -> bool:
        return True

    async def close(self) -> None:
        self._inbox.shut()
