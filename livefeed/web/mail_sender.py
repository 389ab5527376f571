"""The mail sender: every few seconds, in a thread, send the outbox's messages that are due."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from livefeed.distribution import mail
from livefeed.services import Services

SEND_EVERY_SECONDS = 2.0

log = logging.getLogger(__name__)


async def run(svc: Services, send: mail.Send, every: float = SEND_EVERY_SECONDS) -> None:
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(mail.deliver_due, svc, svc.clock(), send)
        except Exception:
            # A database hiccup: the outbox keeps every message, the next round tries again.
            log.exception("sending mail failed")


def start(svc: Services) -> asyncio.Task[None] | None:
    """The sender's task, or ``None`` on a site without ``LIVEFEED_SMTP_URL``."""
    send = mail.sender(svc.settings)
    if send is None:
        return None
    return asyncio.get_running_loop().create_task(run(svc, send))


async def stop(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
