"""The alert sender: every few seconds, in a thread, send readers' alerts that are due."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from livefeed.distribution import alerts
from livefeed.services import Services

SEND_EVERY_SECONDS = 5.0

log = logging.getLogger(__name__)


async def run(svc: Services, every: float = SEND_EVERY_SECONDS) -> None:
    # The key is read (or made, at the site's first start) before the first alert is due.
    try:
        send = await asyncio.to_thread(alerts.sender, svc)
    except Exception:
        # A key the setting gives that is no P-256 key: say so, and leave the pages running.
        log.exception("readers' alerts are off: the VAPID key cannot be used")
        return
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(alerts.deliver_due, svc, svc.clock(), send)
        except Exception:
            # A database hiccup: the outbox keeps every alert, the next round tries again.
            log.exception("sending alerts failed")


def start(svc: Services) -> asyncio.Task[None]:
    return asyncio.get_running_loop().create_task(run(svc))


async def stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
