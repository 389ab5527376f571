"""The outboxes' senders: every few seconds, in a thread, deliver what is due.

Webhook calls, readers' alerts and mail each wait in an outbox of their own in the database,
written with the change that caused them; a round that fails (a database hiccup) is logged and
the next one tries again, since the outbox keeps every delivery. Several instances may run
their senders at once: each delivery is claimed by one of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from livefeed.distribution import alerts, mail, webhooks
from livefeed.services import Services

WEBHOOKS_EVERY_SECONDS = 5.0
ALERTS_EVERY_SECONDS = 5.0
MAIL_EVERY_SECONDS = 2.0

log = logging.getLogger(__name__)

Senders = list[asyncio.Task[None]]


async def start(svc: Services) -> Senders:
    """A sender for each outbox this site uses: mail only with ``LIVEFEED_SMTP_URL``, alerts
    only once their VAPID key is read (or made, at the site's first start)."""
    send_webhook = webhooks.sender(webhooks.webhook_policy(svc))
    started = [
        _every(
            svc, WEBHOOKS_EVERY_SECONDS, "webhooks",
            lambda now: webhooks.deliver_due(svc, now, send_webhook),
        )
    ]  # fmt: skip
    try:
        send_alert = await asyncio.to_thread(alerts.sender, svc)
    except Exception:
        # A key the setting gives that is no P-256 key, or no database yet: the pages run on.
        log.exception("readers' alerts are off: their VAPID key could not be read or made")
    else:
        started.append(
            _every(
                svc, ALERTS_EVERY_SECONDS, "alerts",
                lambda now: alerts.deliver_due(svc, now, send_alert),
            )
        )  # fmt: skip
    send_mail = mail.sender(svc.settings)
    if send_mail is not None:
        started.append(
            _every(
                svc, MAIL_EVERY_SECONDS, "mail", lambda now: mail.deliver_due(svc, now, send_mail)
            )
        )
    return started


def _every(
    svc: Services, seconds: float, what: str, deliver: Callable[[datetime], object]
) -> asyncio.Task[None]:
    """``deliver(now)`` every ``seconds`` in a thread, until cancelled."""

    async def run() -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await asyncio.to_thread(deliver, svc.clock())
            except Exception:
                log.exception("sending %s failed", what)

    return asyncio.get_running_loop().create_task(run())


async def stop(senders: Senders) -> None:
    for task in senders:
        task.cancel()
    for task in senders:
        with contextlib.suppress(asyncio.CancelledError):
            await task
