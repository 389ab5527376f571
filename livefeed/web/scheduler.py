"""The scheduler: publish each scheduled post when it is due, without asking the database every
second whether one is.

It keeps in memory when the next scheduled post is due and compares that with the clock every
second. It asks the database again only when that moment may have moved: after a commit it is
told of (in this process, or in any other through the broker: every write that may bring a
post's time nearer announces its commit), after publishing, and every ``RECHECK_SECONDS`` in
case a wake-up was lost. Where the broker does not hear every writer (a lone app without a
wake directory, or a broker cut off), nothing says when to ask again, so it asks every second.

Every instance runs one. They need not agree on anything: the database decides which one
publishes each post (see ``scheduling.publish_due``), and the others find nothing to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections.abc import Callable
from datetime import datetime

from livefeed.newsroom import scheduling
from livefeed.realtime.ticks import SECOND, Ticks
from livefeed.services import Services

TICK_SECONDS = SECOND
RECHECK_SECONDS = 30.0

log = logging.getLogger(__name__)


class Scheduler:
    """A periodic task of the app's lifespan; ``every`` is how long it sleeps between looks at
    the clock, ``recheck`` how long it trusts what it read while ``hears_every_commit``."""

    def __init__(
        self,
        svc: Services,
        every: float = TICK_SECONDS,
        *,
        hears_every_commit: Callable[[], bool] = lambda: False,
        recheck: float = RECHECK_SECONDS,
        ticks: Ticks | None = None,
    ) -> None:
        self.svc = svc
        self._ticks = ticks or Ticks()
        self.every = every
        self.recheck = recheck
        self._hears_every_commit = hears_every_commit
        self._task: asyncio.Task[None] | None = None
        self._next: datetime | None = None
        self._stale = True
        self._read_at = -math.inf

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    def notify(self, feed_id: int) -> None:
        """On the loop: something was committed for ``feed_id``, perhaps a post scheduled."""
        self._stale = True

    async def _run(self) -> None:
        while True:
            await self._ticks.next(self.every)
            try:
                await self._look()
            except Exception:
                # A database hiccup: the posts stay scheduled and the next look finds them.
                self._stale = True
                log.exception("publishing scheduled posts failed")

    async def _look(self) -> None:
        trusted = time.monotonic() - self._read_at < self.recheck
        if self._stale or not trusted or not self._hears_every_commit():
            # Cleared before the read: a commit told of while it runs is read at the next look.
            self._stale = False
            self._read_at = time.monotonic()
            self._next = await asyncio.to_thread(scheduling.next_due, self.svc)
        if self._next is not None and self._next <= self.svc.clock():
            self._stale = True  # what is due after these is read at the next look
            await asyncio.to_thread(scheduling.publish_due, self.svc)
