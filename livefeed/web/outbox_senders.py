"""The outboxes' senders: every few seconds, in a thread, deliver what is due; and while an
outbox is empty, nothing until something may have been put in it.

Webhook calls, readers' alerts and mail each wait in an outbox of their own in the database,
written with the change that caused them; a round that fails (a database hiccup) is logged and
the next one tries again, since the outbox keeps every delivery. Several instances may run
their senders at once: each delivery is claimed by one of them.

A webhook call or an alert is only ever queued with a logged event (or, for a webhook's test,
with an announced commit), whose commit every instance is told of. So once a round leaves its
outbox with nothing pending (no delivery waiting, leased or between retries), the sender waits
for such a wake-up, or ``RECHECK_SECONDS`` in case one was lost, instead of looking every few
seconds. Where the broker does not hear every writer it looks every few seconds as before, and
mail, which is queued without an announcement (a password reset, an invitation), always does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime

from livefeed.distribution import alerts, mail, webhooks
from livefeed.operations import measures
from livefeed.services import Services

WEBHOOKS_EVERY_SECONDS = 5.0
ALERTS_EVERY_SECONDS = 5.0
MAIL_EVERY_SECONDS = 2.0
RECHECK_SECONDS = 30.0

log = logging.getLogger(__name__)


class Senders:
    """The running senders, and the wake-up for those that wait while their outbox is empty."""

    def __init__(self, svc: Services, hears_every_commit: Callable[[], bool]) -> None:
        self.svc = svc
        self.tasks: list[asyncio.Task[None]] = []
        self._hears_every_commit = hears_every_commit
        self._wakes: list[asyncio.Event] = []

    def notify(self, feed_id: int) -> None:
        """On the loop: something was committed, perhaps with a delivery queued."""
        for wake in self._wakes:
            wake.set()

    def every(
        self,
        seconds: float,
        what: str,
        deliver: Callable[[datetime], object],
        *,
        announced: bool,
    ) -> None:
        """``deliver(now)`` every ``seconds`` in a thread, until cancelled; for an outbox whose
        deliveries are ``announced``, not again while it is empty until woken."""
        svc = self.svc
        wake = asyncio.Event()
        if announced:
            self._wakes.append(wake)

        def round_() -> bool:
            deliver(svc.clock())
            return not announced or measures.outbox_waiting(svc, what)

        async def run() -> None:
            waiting = True
            while True:
                await asyncio.sleep(seconds)
                if not waiting and self._hears_every_commit():
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(RECHECK_SECONDS - seconds):
                            await wake.wait()
                # Cleared before the round: a delivery queued once it has looked wakes the next.
                wake.clear()
                try:
                    waiting = await asyncio.to_thread(round_)
                except Exception:
                    waiting = True
                    log.exception("sending %s failed", what)

        self.tasks.append(asyncio.get_running_loop().create_task(run()))


async def start(svc: Services, hears_every_commit: Callable[[], bool]) -> Senders:
    """A sender for each outbox this site uses: mail only with ``LIVEFEED_SMTP_URL``, alerts
    only once their VAPID key is read (or made, at the site's first start).
    ``hears_every_commit``: whether every commit to the site is told to this process now."""
    senders = Senders(svc, hears_every_commit)
    send_webhook = webhooks.sender(webhooks.webhook_policy(svc))
    senders.every(
        WEBHOOKS_EVERY_SECONDS, "webhooks",
        lambda now: webhooks.deliver_due(svc, now, send_webhook), announced=True,
    )  # fmt: skip
    try:
        send_alert = await asyncio.to_thread(alerts.sender, svc)
    except Exception:
        # A key the setting gives that is no P-256 key, or no database yet: the pages run on.
        log.exception("readers' alerts are off: their VAPID key could not be read or made")
    else:
        senders.every(
            ALERTS_EVERY_SECONDS, "alerts",
            lambda now: alerts.deliver_due(svc, now, send_alert), announced=True,
        )  # fmt: skip
    send_mail = mail.sender(svc.settings)
    if send_mail is not None:
        senders.every(
            MAIL_EVERY_SECONDS, "mail",
            lambda now: mail.deliver_due(svc, now, send_mail), announced=False,
        )  # fmt: skip
    return senders


async def stop(senders: Senders) -> None:
    for task in senders.tasks:
        task.cancel()
    for task in senders.tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
