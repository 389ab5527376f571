"""uvicorn's server, woken once a second instead of ten times, and at once by a signal to stop.

uvicorn's main loop sleeps 0.1 s between looks at whether to stop, which alone keeps an idle
process busier than all of its readers' heartbeats. What it does each look (the ``Date``
header, whose resolution is a second, and the check of whether to stop) needs no more than one
look a second, provided a signal to stop is heard without waiting for the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from types import FrameType

import uvicorn

TICK_SECONDS = 1.0


class Server(uvicorn.Server):
    """Ticks on each second of the clock, so the ``Date`` header is never a second behind."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        super().handle_exit(sig, frame)
        # A signal handler runs between two bytecodes, perhaps while the loop waits in select:
        # only the thread-safe call wakes it (it writes to the loop's own socket).
        if self._loop is not None and self._stopping is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nothing to wake
                self._loop.call_soon_threadsafe(self._stopping.set)

    async def main_loop(self) -> None:
        self._stopping = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        # uvicorn does its once-a-second duties on a counter that is a multiple of ten.
        while not await self.on_tick(0):
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(TICK_SECONDS - time.time() % TICK_SECONDS):
                    await self._stopping.wait()
