"""The outboxes' senders: an empty outbox is not looked at until a commit is announced, a
delivery queued then goes at once, and one pending (between retries) keeps its sender looking
at its pace."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from livefeed.distribution import webhooks
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.web import outbox_senders
from livefeed.web.outbox_senders import Senders
from tests.distribution.test_webhooks import Receiver, hooked, receiver
from tests.factories import make_admin, make_editor, make_feed, make_post
from tests.newsroom.test_scheduling import Statements

__all__ = ["hooked", "receiver"]  # the fixtures, shared with the webhooks' tests

PACE = 0.05


def watched(
    svc: Services, receiver: Receiver, *, hears_every_commit: bool = True
) -> tuple[User, Callable[[], Senders]]:
    """A site with a webhook, its editor, and how to start its sender on the running loop,
    woken by the commits of this process as the broker would."""
    admin, editor = make_admin(svc), make_editor(svc)
    make_feed(svc, editor)
    webhooks.register(svc, admin, receiver.url())
    send = webhooks.sender(webhooks.webhook_policy(svc))

    def start() -> Senders:
        loop = asyncio.get_running_loop()
        senders = Senders(svc, lambda: hears_every_commit)

        def announce(feed_id: int) -> None:
            loop.call_soon_threadsafe(senders.notify, feed_id)

        svc.listeners.append(announce)
        senders.every(
            PACE, "webhooks", lambda now: webhooks.deliver_due(svc, now, send), announced=True
        )
        return senders

    return editor, start


def statements_seen(svc: Services, start: Callable[[], Senders]) -> list[int]:
    """How many statements the site had run, three times 0.3 s apart, its sender running."""
    statements = Statements(svc)

    async def run() -> list[int]:
        senders = start()
        seen = []
        for _ in range(3):
            await asyncio.sleep(0.3)
            seen.append(statements.count)
        await outbox_senders.stop(senders)
        return seen

    try:
        return asyncio.run(run())
    finally:
        statements.close()


def test_an_empty_outbox_waits_for_a_commit_and_what_it_queued_goes_at_once(
    hooked: Services, receiver: Receiver
) -> None:
    editor, start = watched(hooked, receiver)
    statements = Statements(hooked)

    async def run() -> tuple[int, int, float]:
        senders = start()
        await asyncio.sleep(0.5)
        first = statements.count  # one round, and the look that found the outbox empty
        await asyncio.sleep(0.5)
        idle = statements.count
        published = time.monotonic()
        await asyncio.to_thread(make_post, hooked, editor)
        while not receiver.received and time.monotonic() - published < 5:
            await asyncio.sleep(0.01)
        took = time.monotonic() - published
        await outbox_senders.stop(senders)
        return first, idle, took

    try:
        first, idle, took = asyncio.run(run())
    finally:
        statements.close()
    assert first > 0
    assert idle == first
    assert len(receiver.received) == 1
    assert took < 1.0


def test_a_delivery_between_retries_keeps_its_sender_looking(
    hooked: Services, receiver: Receiver
) -> None:
    editor, start = watched(hooked, receiver)
    receiver.statuses = [500]  # the first attempt fails: retried minutes later
    make_post(hooked, editor)
    seen = statements_seen(hooked, start)
    assert len(receiver.received) == 1
    assert seen[0] < seen[1] < seen[2]


def test_without_a_broker_hearing_every_writer_an_empty_outbox_is_looked_at_its_pace(
    hooked: Services, receiver: Receiver
) -> None:
    _editor, start = watched(hooked, receiver, hears_every_commit=False)
    seen = statements_seen(hooked, start)
    assert seen[0] < seen[1] < seen[2]
