"""Wake-ups and reader counts across instances, through one Redis.

A PUBLISH of the feed id on one channel that every instance SUBSCRIBEs to, and one short-lived
hash per instance with its reader counts. A notice only saves a hub the wait for its next tick
(see :mod:`livefeed.realtime.broker`), so this broker starts, and keeps running, while Redis is
away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import redis
import redis.asyncio
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry
from redis.typing import EncodableT, FieldT

from livefeed.realtime.broker import Inbox, OnNotice

log = logging.getLogger(__name__)

NOTICE_CHANNEL = "livefeed:notices"
READERS_PREFIX = "livefeed:readers:"


class _Outage:
    """Logs the first failure of an outage and the recovery, and stays quiet in between.

    Announces fail once per commit while Redis is down; a line for each would bury the one
    that matters.
    """

    def __init__(self, what: str) -> None:
        self._what = what
        self._down = False
        self._lock = threading.Lock()

    def failed(self, error: BaseException) -> None:
        with self._lock:
            first, self._down = not self._down, True
        if first:
            log.warning("%s failed (%s); retrying quietly until Redis answers", self._what, error)

    def recovered(self) -> None:
        with self._lock:
            was_down, self._down = self._down, False
        if was_down:
            log.info("%s works again", self._what)

    @property
    def down(self) -> bool:
        return self._down


class RedisBroker:
    """Many instances sharing one Redis; works degraded (tick only) while Redis is away.

    Two clients, for two kinds of caller: a small synchronous one for ``announce`` from
    worker threads, with short timeouts and no retries so a commit never waits on Redis; and
    an asyncio one on the loop for the subscription (on a connection of its own) and the
    reader counts. Their built-in retries are off: ``run`` reconnects itself, so it knows when
    it has been away and can make up for what it missed.
    """

    def __init__(
        self,
        url: str,
        *,
        instance_id: str,
        readers_ttl: float = 15.0,
        socket_timeout: float = 0.5,
        backoff_initial: float = 0.1,
        backoff_max: float = 5.0,
        ping_seconds: float = 5.0,
        announce_pause: float = 1.0,
    ) -> None:
        """``readers_ttl``: how long an instance's counts outlive its last report (it reports
        every few seconds, so a stopped instance drops out of the totals this long after).
        ``ping_seconds``: how long the subscription may stay silent before it is pinged; no
        answer within as long again counts as a lost connection (a silently dropped TCP
        connection would otherwise look like a quiet one for many minutes).
        ``announce_pause``: after a failed PUBLISH, announces skip Redis this long, so an
        outage that times out instead of refusing does not slow every commit down."""
        self._key = READERS_PREFIX + instance_id
        self._readers_ttl_ms = max(1, round(readers_ttl * 1000))
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._ping_seconds = ping_seconds
        self._announce_pause = announce_pause
        options: dict[str, Any] = {
            "socket_timeout": socket_timeout,
            "socket_connect_timeout": socket_timeout,
            "socket_keepalive": True,
        }
        self._sync: redis.Redis = redis.Redis.from_url(url, retry=Retry(NoBackoff(), 0), **options)
        self._async: redis.asyncio.Redis = redis.asyncio.Redis.from_url(
            url, retry=AsyncRetry(NoBackoff(), 0), **options
        )
        self._inbox = Inbox()
        self._counts: dict[int, int] = {}
        self._counts_dirty = False
        self._writer: asyncio.Task[None] | None = None
        self._runner: asyncio.Task[Any] | None = None
        self._subscribed = False
        self._closed = False
        self._announce_quiet_until = 0.0
        self._announce_outage = _Outage("publishing notices to Redis")
        self._subscribe_outage = _Outage("the Redis subscription")
        self._counts_outage = _Outage("writing reader counts to Redis")
        self._totals_outage = _Outage("reading reader counts from Redis")

    # -- notices ------------------------------------------------------------------------------

    def announce(self, feed_id: int) -> None:
        """Wake the other instances through Redis, then this one, as ``SiblingBroker.announce``
        does: once this instance's loop is woken, its fan-out holds up the committing thread.

        While Redis is away this instance is woken first, so its own readers do not wait for
        Redis (only the announce that finds the outage may keep them up to the socket timeout).
        The echo that comes back through Redis is a harmless second wake-up.
        """
        if self._closed:
            return
        now = time.monotonic()
        quiet = now < self._announce_quiet_until
        local_first = quiet or self._announce_outage.down
        if local_first:
            self._inbox.post(feed_id)
        if not quiet:
            try:
                self._sync.publish(NOTICE_CHANNEL, str(feed_id))
            except Exception as error:  # never into the committing thread: the tick covers it
                self._announce_quiet_until = now + self._announce_pause
                self._announce_outage.failed(error)
            else:
                self._announce_outage.recovered()
        if not local_first:
            self._inbox.post(feed_id)

    async def run(self, on_notice: OnNotice) -> None:
        self._inbox.open(on_notice)
        self._runner = task = asyncio.current_task()
        delay = self._backoff_initial
        try:
            while not self._closed:
                try:
                    await self._listen()
                except Exception as error:  # any failure means the connection is gone
                    if task is not None and task.cancelling():
                        # Stopped mid-read, and the client reported it as an error of its own:
                        # retrying would keep whoever awaits this task waiting for ever.
                        raise asyncio.CancelledError from error
                    self._subscribe_outage.failed(error)
                if self._subscribed:
                    delay = self._backoff_initial  # it worked for a while: retry soon
                self._subscribed = False
                # Jitter, so a fleet that lost Redis together does not return in one burst.
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311
                delay = min(delay * 2, self._backoff_max)
        finally:
            self._subscribed = False
            self._inbox.shut()

    async def _listen(self) -> None:
        """One connection's life: subscribe, catch up, then deliver until it breaks."""
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        pubsub = self._async.pubsub()
        try:
            await pubsub.subscribe(NOTICE_CHANNEL)
            last_heard = loop.time()
            while True:
                if task is not None and task.cancelling():
                    # A cancellation that came while the client connected and subscribed can
                    # be swallowed by it (redis-py 8.2 does), and it goes on reading: stop.
                    raise asyncio.CancelledError
                message = await pubsub.get_message(timeout=self._ping_seconds)
                now = loop.time()
                if message is None:
                    if now - last_heard >= 2 * self._ping_seconds:
                        raise ConnectionError("Redis did not answer a ping")
                    await pubsub.ping()
                    continue
                last_heard = now
                if message["type"] == "subscribe":
                    self._on_subscribed()
                elif message["type"] == "message":
                    self._receive(message["data"])
        finally:
            # Called through a typed name: redis-py annotates ``aclose`` in some releases and
            # not in others, and this way mypy is quiet on either.
            close: Callable[[], Awaitable[None]] = pubsub.aclose
            await close()

    def _on_subscribed(self) -> None:
        """Confirmed: every notice from now on arrives. Make up for those missed meanwhile.

        The hub reads each feed's log from its own last ``seq``, so one wake-up per feed with
        readers here catches up on whatever was committed while we were not subscribed.
        """
        self._subscribed = True
        self._subscribe_outage.recovered()
        for feed_id in list(self._counts):
            self._inbox.deliver(feed_id)

    def _receive(self, data: object) -> None:
        if not isinstance(data, bytes) or not data.isdigit():
            log.debug("ignoring a notice that is not a feed id: %r", data)
            return
        self._inbox.deliver(int(data))

    # -- reader counts ------------------------------------------------------------------------

    def report_readers(self, counts: Mapping[int, int]) -> None:
        """Keep the counts, and write them to Redis in the background, latest first.

        Called on the loop: the write runs as a task so the loop never waits on Redis, and a
        slow Redis makes reports coalesce rather than pile up.
        """
        self._counts = {feed: count for feed, count in counts.items() if count > 0}
        self._counts_dirty = True
        if self._closed or (self._writer is not None and not self._writer.done()):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop, no Redis writes: the counts still serve the local fallback
        self._writer = loop.create_task(self._write_counts())

    async def _write_counts(self) -> None:
        while self._counts_dirty:
            self._counts_dirty = False
            fields: dict[FieldT, EncodableT] = {
                str(feed): count for feed, count in self._counts.items()
            }
            try:
                async with self._async.pipeline(transaction=True) as pipe:
                    pipe.delete(self._key)
                    if fields:
                        pipe.hset(self._key, mapping=fields)
                        pipe.pexpire(self._key, self._readers_ttl_ms)
                    await pipe.execute()
            except (RedisError, OSError) as error:
                self._counts_outage.failed(error)
                return  # the next report tries again
            self._counts_outage.recovered()

    async def reader_total(self, feed_id: int) -> int:
        """This instance's count plus every other live instance's, read with SCAN.

        Our own count comes from memory, fresher than our last write; while Redis is away the
        total is our own count alone.
        """
        local = self._counts.get(feed_id, 0)
        own_key = self._key.encode()
        try:
            keys = [
                key
                async for key in self._async.scan_iter(match=READERS_PREFIX + "*", count=100)
                if key != own_key
            ]
            if not keys:
                self._totals_outage.recovered()
                return local
            async with self._async.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.hget(key, str(feed_id))
                values: list[bytes | None] = await pipe.execute()
        except (RedisError, OSError) as error:
            self._totals_outage.failed(error)
            return local
        self._totals_outage.recovered()
        return local + sum(int(value) for value in values if value is not None)

    # -- state --------------------------------------------------------------------------------

    @property
    def healthy(self) -> bool:
        """Subscribed and confirmed by Redis: notices from other instances arrive now."""
        return self._subscribed

    async def close(self) -> None:
        """Stop ``run`` and the count writer, drop our counts from Redis, close the clients.

        Dropping our counts takes this instance out of the totals at once rather than after
        ``readers_ttl``; it is best effort, like everything else here.
        """
        if self._closed:
            return
        self._closed = True
        current = asyncio.current_task()
        tasks = [t for t in (self._runner, self._writer) if t and not t.done() and t is not current]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        self._inbox.shut()
        with contextlib.suppress(RedisError, OSError):
            await self._async.delete(self._key)
        await self._async.aclose()
        self._sync.close()
