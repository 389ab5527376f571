"""uvicorn's server, woken once a second instead of ten times, and at once by a signal to stop.

uvicorn's main loop sleeps 0.1 s between looks at whether to stop, which alone keeps an idle
process busier than all of its readers' heartbeats. What it does each look (the ``Date``
header, whose resolution is a second, and the check of whether to stop) needs no more than one
look a second, provided a signal to stop is heard without waiting for the next one. That look
shares its wake-up with the app's other once-a-second duties (``realtime/ticks.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
from types import FrameType

import uvicorn

from livefeed.realtime.ticks import SECOND, Ticks

TICK_SECONDS = SECOND


class Server(uvicorn.Server):
    """Ticks on each second of the clock, so the ``Date`` header is never a second behind;
    ``ticks``: the app's shared timers (its own if it has none)."""

    def __init__(self, config: uvicorn.Config, ticks: Ticks | None = None) -> None:
        super().__init__(config)
        self._ticks = ticks or Ticks()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: asyncio.Future[None] | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        # A signal handler runs between two bytecodes, perhaps while the loop waits in select:
        # only the thread-safe call wakes it (it writes to the loop's own socket).
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nothing to wake
                self._loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        if self._waiting is not None and not self._waiting.done():
            self._waiting.set_result(None)

    async def main_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        # uvicorn does its once-a-second duties on a counter that is a multiple of ten.
        while not await self.on_tick(0):
            self._waiting = self._loop.create_future()
            self._ticks.call_at_next(TICK_SECONDS, self._wake)
            await self._waiting
