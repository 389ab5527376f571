"""Buckets in Redis, shared by every instance, with this instance's memory as the fallback.

Each bucket is a sorted set of hit times (scored by the caller's clock, so tests can move
time), changed by one Lua script so that looking and counting are one atomic step even with
many instances hitting the same key. A key expires a window after its last hit.

While Redis does not answer, each call counts in this instance's memory instead: limits then
hold per instance, never not at all. Every hit Redis counts is also counted in memory, so an
outage starts from what this instance has already seen rather than from nothing.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Sequence

import redis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

from livefeed.access.rate_limits.counters import Bucket, MemoryCounter, Mode

log = logging.getLogger(__name__)

KEY_PREFIX = "livefeed:rate:"
CLIENT_NAME = "livefeed-ratelimit"  # how its connections show in CLIENT LIST

# KEYS: one sorted set per bucket.
# ARGV: now, mode, a member name unique to this hit, then count and window for each key.
# Returns each key's wait in seconds as a string (a Lua number would be cut to an integer).
_SCRIPT = """
local now, mode, member = tonumber(ARGV[1]), ARGV[2], ARGV[3]
local waits, longest = {}, 0
for i, key in ipairs(KEYS) do
  local count, window = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local held = redis.call('ZCARD', key)
  local wait = 0
  if held >= count then
    local edge = redis.call('ZRANGE', key, held - count, held - count, 'WITHSCORES')
    wait = tonumber(edge[2]) + window - now
  end
  waits[i] = tostring(wait)
  longest = math.max(longest, wait)
end
if mode == 'peek' or (mode == 'take' and longest > 0) then
  return waits
end
for i, key in ipairs(KEYS) do
  local count, window = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  redis.call('ZADD', key, now, member)
  local held = redis.call('ZCARD', key)
  if held > count then
    redis.call('ZREMRANGEBYRANK', key, 0, held - count - 1)
  end
  redis.call('PEXPIRE', key, math.ceil(window * 1000))
end
return waits
"""


class RedisCounter:
    """Buckets as sorted sets in one Redis; raises whatever the client raises."""

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._script = client.register_script(_SCRIPT)

    def take(self, buckets: Sequence[Bucket], now: float, mode: Mode) -> list[float]:
        args: list[str | int] = [repr(now), mode.value, secrets.token_hex(8)]
        for bucket in buckets:
            args += [bucket.count, bucket.window]
        answer = self._script(keys=[KEY_PREFIX + b.key for b in buckets], args=args)
        return [float(wait) for wait in answer]

    def forget(self, keys: Sequence[str]) -> None:
        if keys:
            self._client.delete(*(KEY_PREFIX + key for key in keys))


class SharedCounter:
    """Redis when it answers, this instance's memory when it does not.

    The client's timeouts are short and its retries off, so a login or a comment never waits
    long on Redis; after a failure, calls skip Redis for ``retry_pause`` seconds, so an outage
    that times out instead of refusing costs one slow call per pause, not one per request.
    """

    def __init__(
        self,
        url: str,
        *,
        socket_timeout: float = 0.25,
        retry_pause: float = 1.0,
        local: MemoryCounter | None = None,
    ) -> None:
        self._client: redis.Redis = redis.Redis.from_url(
            url,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
            retry=Retry(NoBackoff(), 0),
            client_name=CLIENT_NAME,
        )
        self._redis = RedisCounter(self._client)
        self._local = local if local is not None else MemoryCounter()
        self._retry_pause = retry_pause
        self._skip_until = 0.0
        self._down = False
        self._lock = threading.Lock()

    def take(self, buckets: Sequence[Bucket], now: float, mode: Mode) -> list[float]:
        if time.monotonic() >= self._skip_until:
            try:
                waits = self._redis.take(buckets, now, mode)
            except (RedisError, OSError) as error:
                self._failed(error)
            else:
                self._recovered()
                if mode is Mode.ADD or (mode is Mode.TAKE and not any(waits)):
                    self._local.take(buckets, now, Mode.ADD)
                return waits
        return self._local.take(buckets, now, mode)

    def forget(self, keys: Sequence[str]) -> None:
        self._local.forget(keys)
        if time.monotonic() < self._skip_until:
            return
        try:
            self._redis.forget(keys)
        except (RedisError, OSError) as error:
            self._failed(error)
        else:
            self._recovered()

    def close(self) -> None:
        self._client.close()

    def _failed(self, error: BaseException) -> None:
        with self._lock:
            first, self._down = not self._down, True
            self._skip_until = time.monotonic() + self._retry_pause
        if first:
            log.warning(
                "rate limits: Redis did not answer (%s); counting in this instance until it does",
                error,
            )

    def _recovered(self) -> None:
        with self._lock:
            was_down, self._down = self._down, False
        if was_down:
            log.info("rate limits: Redis answers again; counts are shared again")
