"""The shared timers: one wake-up per period for every duty on it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from livefeed.realtime.ticks import Ticks

PERIOD = 0.2


def test_every_duty_of_a_period_waits_on_one_timer_and_wakes_at_its_whole_period() -> None:
    timers: list[float] = []
    woke: list[tuple[str, float]] = []

    async def duty(ticks: Ticks, name: str) -> None:
        await ticks.next(PERIOD)
        woke.append((name, time.time()))

    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        call_later = loop.call_later

        def counted(delay: float, *args: Any) -> asyncio.TimerHandle:
            timers.append(delay)
            return call_later(delay, *args)

        loop.call_later = counted  # type: ignore[method-assign]
        ticks = Ticks()
        started = time.time()
        await asyncio.gather(*(duty(ticks, name) for name in ("hub", "scheduler", "uvicorn")))
        return started

    started = asyncio.run(scenario())
    assert len(timers) == 1, "three duties of one period, one timer"
    assert sorted(name for name, _ in woke) == ["hub", "scheduler", "uvicorn"]
    boundary = (started // PERIOD + 1) * PERIOD
    # Never before the period's end (the loop may round a timer to its millisecond).
    assert all(at >= boundary - 0.005 for _, at in woke)


def test_a_waiter_cancelled_leaves_the_others_their_tick() -> None:
    async def scenario() -> bool:
        ticks = Ticks()
        gone = asyncio.create_task(ticks.next(PERIOD))
        staying = asyncio.create_task(ticks.next(PERIOD))
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.wait_for(staying, PERIOD * 10)
        return gone.cancelled()

    assert asyncio.run(scenario())


def test_a_loop_that_closed_with_its_tick_pending_leaves_the_next_loop_its_own() -> None:
    """An app's lifespan may run twice (a test client opened again): the first loop's timer
    never fired, and the second loop must not wait on it."""
    ticks = Ticks()

    async def left_waiting() -> None:
        asyncio.get_running_loop().create_task(ticks.next(PERIOD))
        await asyncio.sleep(0)

    asyncio.run(left_waiting())

    async def next_loop() -> None:
        await asyncio.wait_for(ticks.next(PERIOD), PERIOD * 10)

    asyncio.run(next_loop())
