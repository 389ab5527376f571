"""One timer per period for every duty of a process that runs on that period.

A serving process does a few things once a second: uvicorn looks at whether to stop and words
its ``Date`` header, the hub's timer beats and polls, the scheduler compares the next due post
with the clock. On timers of their own, an idle process woke three times a second, and on a
virtual machine each wake-up costs a few hundred microseconds: most of what ``livefeed serve``
spent with nothing to do. Here the duties of one period wait on one timer, which fires at the
whole periods of the clock (when the ``Date`` header's second changes).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

# The period of the once-a-second duties: they share a timer only while they name the same one.
SECOND = 1.0


class Ticks:
    """The shared timers of one event loop; made again for another loop if need be."""

    def __init__(self) -> None:
        # period -> the loop its timer runs on, and what is called when it fires
        self._waiting: dict[float, tuple[asyncio.AbstractEventLoop, list[Callable[[], object]]]]
        self._waiting = {}

    def call_at_next(self, period: float, callback: Callable[[], object]) -> None:
        """Call ``callback`` on the running loop at the next whole ``period`` of the clock,
        together with everything else waiting for it."""
        loop = asyncio.get_running_loop()
        waiting = self._waiting.get(period)
        if waiting is None or waiting[0] is not loop:
            # The first to wait, or a loop before this one closed with its timer pending.
            waiting = self._waiting[period] = (loop, [])
            loop.call_later(period - time.time() % period, self._fire, loop, period)
        waiting[1].append(callback)

    async def next(self, period: float) -> None:
        """Until the next whole ``period`` of the clock."""
        arrived = asyncio.get_running_loop().create_future()

        def arrive() -> None:
            if not arrived.done():  # the waiter may have been cancelled meanwhile
                arrived.set_result(None)

        self.call_at_next(period, arrive)
        await arrived

    def _fire(self, loop: asyncio.AbstractEventLoop, period: float) -> None:
        waiting = self._waiting.get(period)
        if waiting is None or waiting[0] is not loop:
            return
        del self._waiting[period]
        for callback in waiting[1]:
            callback()
