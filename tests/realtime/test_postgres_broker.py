"""Wake-ups and reader counts between instances through PostgreSQL's LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio

import pytest

from livefeed.realtime.postgres_broker import PostgresBroker

pytestmark = pytest.mark.postgres
WAIT = 10.0


async def until(condition: object, failure: str) -> None:
    async def wait() -> None:
        while not condition():  # type: ignore[operator]
            await asyncio.sleep(0.02)

    try:
        await asyncio.wait_for(wait(), WAIT)
    except TimeoutError:
        raise AssertionError(failure) from None


def test_a_commit_on_one_instance_wakes_the_other_and_readers_are_summed(
    postgres_url: str,
) -> None:
    async def scenario() -> None:
        a = PostgresBroker(postgres_url, instance_id="a")
        b = PostgresBroker(postgres_url, instance_id="b")
        heard_a: list[int] = []
        heard_b: list[int] = []
        tasks = [
            asyncio.create_task(a.run(heard_a.append)),
            asyncio.create_task(b.run(heard_b.append)),
        ]
        try:
            await until(lambda: a.healthy and b.healthy, "the brokers never listened")
            await asyncio.to_thread(a.announce, 42)
            await until(lambda: heard_b == [42], f"B heard {heard_b}")
            await until(lambda: 42 in heard_a, "A did not wake its own hub")
            a.report_readers({42: 3})
            b.report_readers({42: 4, 7: 1})
            for _ in range(int(WAIT / 0.02)):
                if await a.reader_total(42) == 7 and await b.reader_total(42) == 7:
                    break
                await asyncio.sleep(0.02)
            assert await a.reader_total(42) == 7
            assert await b.reader_total(42) == 7
            assert await a.reader_total(7) == 1
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await a.close()
            await b.close()

    asyncio.run(scenario())
