"""The scheduler: about every second, in a thread, publish the scheduled posts that are due.

Every instance runs one. They need not agree on anything: the database decides which one
publishes each post (see ``scheduling.publish_due``), and the others find nothing to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from livefeed.newsroom import scheduling
from livefeed.services import Services

TICK_SECONDS = 1.0

log = logging.getLogger(__name__)


class Scheduler:
    """A periodic task of the app's lifespan; ``every`` is how long it sleeps between looks."""

    def __init__(self, svc: Services, every: float = TICK_SECONDS) -> None:
        self.svc = svc
        self.every = every
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                await asyncio.to_thread(scheduling.publish_due, self.svc)
            except Exception:
                # A database hiccup: the posts stay scheduled and the next look finds them.
                log.exception("publishing scheduled posts failed")
