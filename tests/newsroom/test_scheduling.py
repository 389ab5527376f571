"""The scheduler in the app: it ticks in the lifespan, publishes what is due, and a reader's
open stream gets the post when its time comes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from livefeed.distribution import reading
from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.newsroom import workflow
from livefeed.newsroom.workflow import When
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from livefeed.web.front import StreamFront
from livefeed.web.scheduler import Scheduler
from tests.app_server import serving
from tests.conftest import Clock
from tests.factories import make_editor, make_feed, make_post
from tests.realtime.test_stream import WAIT, Stream


@pytest.fixture
def editor(svc: Services) -> User:
    anna = make_editor(svc)
    make_feed(svc, anna)
    return anna


def schedule(svc: Services, editor: User, clock: Clock, headline: str) -> int:
    due = (clock.now + timedelta(minutes=30)).isoformat()
    post = workflow.start_post(
        svc, editor, "summit", {"headline": headline}, state=PostState.SCHEDULED,
        publish_at=When(due),
    )  # fmt: skip
    return post.id


@pytest.fixture
def server(settings: Settings, svc: Services) -> Iterator[str]:
    """The app as ``livefeed serve`` runs it, its lifespan (and so its scheduler) included."""
    app = create_app(settings, svc)
    with serving(app, StreamFront.serving(app)) as url:
        yield url


def test_a_scheduled_post_reaches_an_open_stream_when_due(
    server: str, svc: Services, editor: User, clock: Clock
) -> None:
    before = make_post(svc, editor, headline="Already out")
    stream = Stream(f"{server}/feeds/summit/events", {"Last-Event-ID": str(before.seq)})
    try:
        assert stream.connected() == 200
        scheduled = schedule(svc, editor, clock, "Right on time")
        clock.advance(30 * 60)  # due now: the app's scheduler, ticking, finds it
        [message] = stream.wait_for(1)
    finally:
        stream.close()
    assert message.event == "post.published"
    assert message.json["data"]["id"] == scheduled
    assert message.json["post"]["at"] == "2026-11-25T18:30:00Z"
    assert message.id == str(before.seq + 1)
    assert message.json["data"]["headline"] == "Right on time"


def test_the_scheduler_ticks_until_stopped(svc: Services, editor: User, clock: Clock) -> None:
    scheduled = schedule(svc, editor, clock, "Due")
    clock.advance(31 * 60)
    woken: list[int] = []
    svc.listeners.append(woken.append)

    async def serve_a_while() -> None:
        scheduler = Scheduler(svc, every=0.01)
        scheduler.start()
        deadline = time.monotonic() + WAIT
        while not woken and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await scheduler.stop()
        await scheduler.stop()  # stopping twice is harmless (a shutdown after a failed start)

    asyncio.run(serve_a_while())
    assert woken == [reading.get_feed(svc, "summit").id]
    assert reading.feed_page(svc, "summit").posts[0].id == scheduled
