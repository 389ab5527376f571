"""The scheduler in the app: it ticks in the lifespan, publishes what is due, and a reader's
open stream gets the post when its time comes, wherever the post was scheduled; it asks the
database only when told of a commit, or now and then in case a wake-up was lost."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from livefeed.distribution import reading
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.newsroom import publishing, workflow
from livefeed.newsroom.workflow import When
from livefeed.realtime.site_brokers import open_wake_directory
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import posts as post_store
from livefeed.web.app import create_app
from livefeed.web.front import StreamFront
from livefeed.web.scheduler import TICK_SECONDS, Scheduler
from tests.app_server import serving
from tests.conftest import Clock, announcing
from tests.factories import CHEAP_PASSWORDS, make_editor, make_feed, make_post
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


# Knowing when the next post is due, and asking again only when told ------------------------------


@pytest.fixture
def other(settings: Settings, clock: Clock) -> Iterator[Services]:
    """Another process writing to the site (the CLI, another instance), announcing its commits
    the way the serving processes listen."""
    services = Services.build(settings, clock=clock, passwords=CHEAP_PASSWORDS)
    with announcing(services):
        yield services
    services.close()


@pytest.fixture
def site_server(settings: Settings, svc: Services) -> Iterator[str]:
    """The app as ``livefeed serve`` runs it, listening where every writer to the site
    announces its commits."""
    app = create_app(settings, svc, siblings=open_wake_directory(settings.database_url))
    with serving(app, StreamFront.serving(app)) as url:
        time.sleep(2 * TICK_SECONDS)  # its scheduler has read that nothing is scheduled
        yield url


def published_at(svc: Services, post_id: int) -> datetime | None:
    """When the post went out, waiting a while for it to."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        with svc.db.read() as conn:
            post = post_store.require_post(conn, reading.get_feed(svc, "summit"), post_id)
        if post.state is PostState.PUBLISHED:
            return post.published_at
        time.sleep(0.05)
    return None


def test_a_post_scheduled_in_another_process_goes_out_on_time(
    site_server: str, other: Services, editor: User, clock: Clock
) -> None:
    due = clock.now + timedelta(minutes=30)
    post_id = schedule(other, editor, clock, "Scheduled from the command line")
    clock.advance(30 * 60)
    # Well before the scheduler would ask the database again by itself.
    assert published_at(other, post_id) == due


def test_a_post_rescheduled_earlier_in_another_process_goes_out_at_its_new_time(
    site_server: str, other: Services, editor: User, clock: Clock
) -> None:
    post_id = schedule(other, editor, clock, "Brought forward")
    time.sleep(2 * TICK_SECONDS)  # read: due in 30 minutes
    sooner = clock.now + timedelta(minutes=5)
    workflow.update_post(
        other, editor, "summit", post_id, state=PostState.SCHEDULED,
        publish_at=When(sooner.isoformat()),
    )  # fmt: skip
    clock.advance(5 * 60)
    assert published_at(other, post_id) == sooner


def test_a_scheduled_post_waits_for_its_ended_feed_to_reopen(
    site_server: str, other: Services, editor: User, clock: Clock
) -> None:
    post_id = schedule(other, editor, clock, "Waits for the feed")
    publishing.set_feed_status(other, editor, "summit", FeedStatus.ENDED)
    clock.advance(31 * 60)
    time.sleep(2 * TICK_SECONDS)  # read: nothing may go out
    publishing.set_feed_status(other, editor, "summit", FeedStatus.LIVE)
    assert published_at(other, post_id) == clock.now


class Statements:
    """Every statement sent to the database, counted as the driver is handed it."""

    def __init__(self, svc: Services) -> None:
        self.count = 0
        self._engine = svc.db.engine
        event.listen(self._engine, "before_cursor_execute", self._count)

    def _count(self, *_args: object) -> None:
        self.count += 1

    def close(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._count)


def test_the_scheduler_reads_only_when_told_of_a_commit_or_at_its_recheck(
    svc: Services, editor: User, clock: Clock
) -> None:
    statements = Statements(svc)

    async def run() -> list[int]:
        seen = []
        scheduler = Scheduler(svc, every=0.01, hears_every_commit=lambda: True, recheck=1.0)
        scheduler.start()
        await asyncio.sleep(0.2)
        seen.append(statements.count)  # its first read
        await asyncio.sleep(0.2)
        seen.append(statements.count)  # twenty ticks later: no read
        scheduler.notify(1)
        await asyncio.sleep(0.1)
        seen.append(statements.count)  # told of a commit: one read
        await asyncio.sleep(1.1)
        seen.append(statements.count)  # a second after its last read: one more
        await scheduler.stop()
        return seen

    try:
        first, idle, told, rechecked = asyncio.run(run())
    finally:
        statements.close()
    assert first > 0
    assert idle == first
    assert told == 2 * first
    assert rechecked == 3 * first


def test_without_a_broker_hearing_every_writer_the_scheduler_reads_every_tick(
    svc: Services, editor: User
) -> None:
    statements = Statements(svc)

    async def run() -> int:
        scheduler = Scheduler(svc, every=0.05)
        scheduler.start()
        await asyncio.sleep(0.5)
        await scheduler.stop()
        return statements.count

    try:
        assert asyncio.run(run()) >= 5
    finally:
        statements.close()
