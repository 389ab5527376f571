"""The brokers: wake-ups within a process, across instances through Redis, and through outages.

Each Redis test starts a redis-server of its own on a free loopback port, so stopping it to
play an outage disturbs nobody else's Redis. Without the binary these tests are skipped on a
laptop and fail in CI. Each test drives its own event loop with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable

import pytest
import redis

from livefeed.realtime.broker import Broker, MemoryBroker, broker_from_url
from livefeed.realtime.redis_broker import NOTICE_CHANNEL, RedisBroker
from tests.redis_server import RedisServer

DEADLINE = 5.0


@pytest.fixture
def redis_url(private_redis: RedisServer) -> str:
    private_redis.start()
    return private_redis.url


class Notices:
    """What ``on_notice`` was given, and whether it was always given it on the loop's thread."""

    def __init__(self) -> None:
        self.feeds: list[int] = []
        self.off_loop = 0
        self.loop_thread = threading.get_ident()

    def __call__(self, feed_id: int) -> None:
        if threading.get_ident() != self.loop_thread:
            self.off_loop += 1
        self.feeds.append(feed_id)


async def eventually(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {DEADLINE} s: {what}")
        await asyncio.sleep(0.02)


async def eventually_total(broker: Broker, feed_id: int, expected: int) -> None:
    deadline = time.monotonic() + DEADLINE
    while (total := await broker.reader_total(feed_id)) != expected:
        if time.monotonic() > deadline:
            pytest.fail(f"reader total of feed {feed_id} stayed {total}, not {expected}")
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def running(broker: Broker) -> AsyncIterator[Notices]:
    """``broker.run`` in a task for the block, then cancelled and the broker closed."""
    notices = Notices()
    task = asyncio.create_task(broker.run(notices))
    try:
        yield notices
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await broker.close()
    assert notices.off_loop == 0


async def announce_from_a_thread(broker: Broker, feed_id: int) -> None:
    """As a use case does: from the worker thread that ran it, right after the commit."""
    await asyncio.to_thread(broker.announce, feed_id)


def redis_broker(url: str, instance_id: str, **options: float) -> RedisBroker:
    return RedisBroker(url, instance_id=instance_id, backoff_max=0.5, **options)


# -- choosing a broker ---------------------------------------------------------------------


def test_no_url_means_the_memory_broker_and_redis_urls_the_redis_one() -> None:
    assert isinstance(broker_from_url(None, instance_id="a"), MemoryBroker)
    assert isinstance(broker_from_url("", instance_id="a"), MemoryBroker)
    for url in ("redis://127.0.0.1:1/0", "rediss://127.0.0.1:1/1"):
        broker = broker_from_url(url, instance_id="a")
        assert isinstance(broker, RedisBroker)
        asyncio.run(broker.close())


def test_a_url_of_another_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="redis://"):
        broker_from_url("amqp://127.0.0.1/", instance_id="a")


# -- in one process ------------------------------------------------------------------------


def test_memory_broker_hands_an_announce_from_another_thread_to_the_loop() -> None:
    async def main() -> None:
        broker = MemoryBroker()
        broker.announce(1)  # before run: nobody listens yet, dropped without a fuss
        async with running(broker) as notices:
            await asyncio.sleep(0)
            assert broker.healthy
            await announce_from_a_thread(broker, 42)
            await announce_from_a_thread(broker, 7)
            await eventually(lambda: notices.feeds == [42, 7], "both notices, in order")
        broker.announce(3)  # after close: still quiet

    asyncio.run(main())


def test_memory_broker_keeps_going_when_a_listener_fails(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        broker = MemoryBroker()
        seen: list[int] = []

        def on_notice(feed_id: int) -> None:
            seen.append(feed_id)
            if feed_id == 1:
                raise RuntimeError("listener broke")

        task = asyncio.create_task(broker.run(on_notice))
        await asyncio.sleep(0)
        broker.announce(1)
        broker.announce(2)
        await eventually(lambda: seen == [1, 2], "the notice after the failing one")
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await broker.close()

    with caplog.at_level(logging.ERROR, "livefeed.realtime.broker"):
        asyncio.run(main())
    assert "feed 1 failed" in caplog.text


def test_memory_broker_totals_are_the_local_counts() -> None:
    async def main() -> None:
        broker = MemoryBroker()
        assert await broker.reader_total(5) == 0
        broker.report_readers({5: 3, 6: 1})
        assert await broker.reader_total(5) == 3
        broker.report_readers({6: 1})
        assert await broker.reader_total(5) == 0
        await broker.close()

    asyncio.run(main())


# -- across instances, through Redis -------------------------------------------------------


def test_two_instances_deliver_each_others_notices(redis_url: str) -> None:
    async def main() -> None:
        a, b = redis_broker(redis_url, "a"), redis_broker(redis_url, "b")
        async with running(a) as at_a, running(b) as at_b:
            await eventually(lambda: a.healthy and b.healthy, "both subscribed")
            await announce_from_a_thread(a, 42)
            await eventually(lambda: 42 in at_b.feeds, "a's notice at b")
            await announce_from_a_thread(b, 7)
            await eventually(lambda: 7 in at_a.feeds, "b's notice at a")
            assert 42 in at_a.feeds  # an instance's own readers are woken too

    asyncio.run(main())


def test_a_notice_from_another_process_arrives(redis_url: str) -> None:
    script = (
        "import asyncio, sys\n"
        "from livefeed.realtime.redis_broker import RedisBroker\n"
        "broker = RedisBroker(sys.argv[1], instance_id='cli')\n"
        "broker.announce(314)\n"
        "asyncio.run(broker.close())\n"
    )

    async def main() -> None:
        broker = redis_broker(redis_url, "web")
        async with running(broker) as notices:
            await eventually(lambda: broker.healthy, "subscribed")
            other = await asyncio.create_subprocess_exec(sys.executable, "-c", script, redis_url)
            assert await asyncio.wait_for(other.wait(), DEADLINE * 2) == 0
            await eventually(lambda: 314 in notices.feeds, "the other process's notice")

    asyncio.run(main())


def test_a_message_that_is_not_a_feed_id_is_ignored(redis_url: str) -> None:
    async def main() -> None:
        broker = redis_broker(redis_url, "a")
        publisher = redis.asyncio.Redis.from_url(redis_url)
        async with running(broker) as notices:
            await eventually(lambda: broker.healthy, "subscribed")
            await publisher.publish(NOTICE_CHANNEL, "not a feed")
            await publisher.publish(NOTICE_CHANNEL, "-1")
            await publisher.publish(NOTICE_CHANNEL, "9")
            await eventually(lambda: notices.feeds == [9], "the one good notice")
        await publisher.aclose()

    asyncio.run(main())


# -- outages -------------------------------------------------------------------------------


def test_announce_neither_raises_nor_waits_while_redis_is_down(
    private_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    broker = redis_broker(private_redis.url, "a", announce_pause=0)  # try Redis on every announce
    with caplog.at_level(logging.WARNING, "livefeed.realtime.redis_broker"):
        started = time.monotonic()
        for feed_id in range(100):
            broker.announce(feed_id)
        elapsed = time.monotonic() - started
    asyncio.run(broker.close())
    assert elapsed < 1.0
    assert len(caplog.records) == 1, "one line per outage, not one per announce"


def test_while_redis_does_not_answer_this_instances_readers_do_not_wait_for_it(
    redis_url: str, private_redis: RedisServer
) -> None:
    """Once an announce has found Redis away, the next ones wake this instance first: its own
    readers do not wait out the socket timeout of each PUBLISH that is still tried."""

    async def main() -> None:
        broker = redis_broker(redis_url, "a", announce_pause=0)  # try Redis on every announce
        async with running(broker) as notices:
            await eventually(lambda: broker.healthy, "subscribed")
            assert private_redis.process is not None
            private_redis.process.send_signal(signal.SIGSTOP)
            try:
                await announce_from_a_thread(broker, 1)  # finds the outage, after the timeout
                notices.feeds.clear()
                announcing = asyncio.create_task(announce_from_a_thread(broker, 2))
                await eventually(lambda: 2 in notices.feeds, "this instance woken")
                assert not announcing.done(), "woken only once Redis had timed out"
                await announcing
            finally:
                private_redis.process.send_signal(signal.SIGCONT)

    asyncio.run(main())


def test_a_broker_started_without_redis_recovers_once_redis_starts(
    private_redis: RedisServer,
) -> None:
    async def main() -> None:
        broker = redis_broker(private_redis.url, "a")
        async with running(broker) as notices:
            await asyncio.sleep(0.3)
            assert not broker.healthy
            await asyncio.to_thread(private_redis.start)
            await eventually(lambda: broker.healthy, "subscribed once Redis is up")
            other = redis_broker(private_redis.url, "b")
            await announce_from_a_thread(other, 5)
            await eventually(lambda: 5 in notices.feeds, "a notice after the start")
            await other.close()

    asyncio.run(main())


def test_notices_flow_again_after_redis_restarts(
    redis_url: str, private_redis: RedisServer
) -> None:
    async def main() -> None:
        a, b = redis_broker(redis_url, "a"), redis_broker(redis_url, "b")
        async with running(a) as at_a, running(b):
            a.report_readers({11: 2, 12: 1})
            await eventually(lambda: a.healthy and b.healthy, "both subscribed")

            await asyncio.to_thread(private_redis.stop)
            await eventually(lambda: not a.healthy and not b.healthy, "the outage noticed")
            await announce_from_a_thread(b, 11)  # lost for a; must not raise in b
            at_a.feeds.clear()

            await asyncio.to_thread(private_redis.start)
            await eventually(lambda: a.healthy and b.healthy, "both subscribed again")
            # What a missed during the outage: every feed with readers here is woken once.
            await eventually(lambda: {11, 12} <= set(at_a.feeds), "a catch-up for each feed")
            # b may still be pausing its announces after the failed one: try until one passes.
            deadline = time.monotonic() + DEADLINE
            while 13 not in at_a.feeds:
                assert time.monotonic() < deadline, "notices did not flow again"
                await announce_from_a_thread(b, 13)
                await asyncio.sleep(0.05)

    asyncio.run(main())


def test_a_redis_that_stops_answering_counts_as_lost(
    redis_url: str, private_redis: RedisServer
) -> None:
    """A connection dropped silently (a NAT timeout, a frozen host) must not look quiet."""

    async def main() -> None:
        broker = redis_broker(redis_url, "a", ping_seconds=0.2)
        async with running(broker) as notices:
            await eventually(lambda: broker.healthy, "subscribed")
            assert private_redis.process is not None
            private_redis.process.send_signal(signal.SIGSTOP)
            try:
                await eventually(lambda: not broker.healthy, "the silence noticed")
            finally:
                private_redis.process.send_signal(signal.SIGCONT)
            await eventually(lambda: broker.healthy, "subscribed again")
            other = redis_broker(redis_url, "b")
            await announce_from_a_thread(other, 8)
            await eventually(lambda: 8 in notices.feeds, "notices flowing again")
            await other.close()

    asyncio.run(main())


def test_a_broker_stopped_at_any_moment_of_its_start_stops(redis_url: str) -> None:
    """An app stopped as soon as it started (a test's, a crashing deploy's) must not wait for
    ever on its broker: whenever the cancellation comes while it connects and subscribes, the
    run ends, whatever the Redis client makes of it."""

    async def stopped_after(turns: int) -> bool:
        broker = redis_broker(redis_url, f"a{turns}")
        task = asyncio.create_task(broker.run(Notices()))
        for _ in range(turns):
            await asyncio.sleep(0)
        task.cancel()
        done, _ = await asyncio.wait([task], timeout=DEADLINE)
        await broker.close()
        return bool(done)

    async def scenario() -> list[int]:
        return [turns for turns in range(30) if not await stopped_after(turns)]

    assert asyncio.run(scenario()) == [], "still running after being stopped so many turns in"


def test_a_listener_that_fails_does_not_stop_the_subscription(redis_url: str) -> None:
    async def main() -> None:
        broker = redis_broker(redis_url, "a")
        seen: list[int] = []

        def on_notice(feed_id: int) -> None:
            seen.append(feed_id)
            raise RuntimeError("listener broke")

        task = asyncio.create_task(broker.run(on_notice))
        await eventually(lambda: broker.healthy, "subscribed")
        broker.announce(1)
        broker.announce(2)
        await eventually(lambda: seen.count(1) == 2 and seen.count(2) == 2, "local and echo")
        assert broker.healthy
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await broker.close()

    asyncio.run(main())


# -- reader counts -------------------------------------------------------------------------


def test_reader_totals_sum_over_instances_and_expire(redis_url: str) -> None:
    async def main() -> None:
        a = redis_broker(redis_url, "a")
        b = redis_broker(redis_url, "b", readers_ttl=0.5)
        c = redis_broker(redis_url, "c")
        a.report_readers({1: 3, 2: 1})
        b.report_readers({1: 2})
        c.report_readers({1: 10, 2: 4})
        await eventually_total(a, 1, 15)
        await eventually_total(b, 2, 5)
        assert await a.reader_total(99) == 0

        await c.close()  # a clean stop leaves the totals at once
        assert await a.reader_total(1) == 5
        b.report_readers({1: 2})  # then b stops reporting, as a killed instance would
        await eventually_total(a, 1, 3)
        a.report_readers({1: 4})  # our own count is never older than our last report
        assert await a.reader_total(1) == 4
        await a.close()
        await b.close()

    asyncio.run(main())


def test_reader_total_is_the_local_count_while_redis_is_down(private_redis: RedisServer) -> None:
    async def main() -> None:
        broker = redis_broker(private_redis.url, "a")
        broker.report_readers({1: 3})
        assert await broker.reader_total(1) == 3
        assert await broker.reader_total(2) == 0
        await broker.close()

    asyncio.run(main())
