"""The alert sender: every few seconds, in a thread, send readers' alerts that are due."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from livefeed.distribution import alerts
from livefeed.services import Services

SEND_EVERY_SECONDS = 5.0

log = logging.getLogger(__name__)


async def run(svc: Services, send: alerts.Send, every: float = SEND_EVERY_SECONDS) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(alerts.deliver_due, svc, svc.clock(), send)
        except Exception:
            # A database hiccup: the outbox keeps every alert, the next round tries again.
            log.exception("sending alerts failed")


async def start(svc: Services) -> asyncio.Task[None] | None:
    """Read our VAPID key (made here at the site's first start) before the app serves a
    request, then send in the background; ``None`` when the key given cannot be used."""
    try:
        send = await asyncio.to_thread(alerts.sender, svc)
    except Exception:
        # A key the setting gives that is no P-256 key, or no database yet: the pages run on.
        log.exception("readers' alerts are off: their VAPID key could not be read or made")
        return None
    return asyncio.get_running_loop().create_task(run(svc, send))


async def stop(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
