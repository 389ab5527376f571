"""Whether this instance can serve: its database answers, its schema is current, and the Redis
it was given answers.

A load balancer asks this before sending traffic, so the answer names the part at fault in a
word and leaves the details (host names, driver messages) to the log.
"""

from __future__ import annotations

import logging
from functools import cache

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from livefeed.services import Services
from livefeed.store import gauges, migrate

REDIS_TIMEOUT_SECONDS = 1.0

log = logging.getLogger(__name__)


@cache
def _head() -> str | None:
    return migrate.head_revision()


def database_problems(svc: Services) -> dict[str, str]:
    """The database's parts that are not ready, each with what is wrong (empty: all is well)."""
    try:
        with svc.db.read() as conn:
            current = gauges.schema_revision(conn)
    except Exception as error:
        log.warning("readiness: the database does not answer: %s", error)
        return {"database": "does not answer"}
    head = _head()
    if current != head:
        return {"migrations": f"at revision {current}, this code needs {head}"}
    return {}


async def redis_problems(url: str | None) -> dict[str, str]:
    """``{"redis": …}`` when a configured Redis does not answer a ping in time."""
    if url is None:
        return {}
    client = aioredis.Redis.from_url(
        url,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        retry_on_timeout=False,
    )
    try:
        await client.ping()
    except (RedisError, OSError) as error:
        log.warning("readiness: Redis does not answer: %s", error)
        return {"redis": "does not answer"}
    finally:
        await client.aclose()
    return {}
