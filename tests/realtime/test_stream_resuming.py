"""Readers dropping and resuming while posts pour in, and across a restart of the server:
each gets every event once, in order, and is never told to reset a position that is real."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import threading
import time
from dataclasses import dataclass, field

import pytest

from livefeed.domain.posts import Post
from livefeed.newsroom import publishing
from livefeed.realtime.hub import FEED_CACHE_SECONDS
from tests.realtime.served_site import (
    LOAD_TIMEOUT,
    PATH,
    SLUG,
    WAIT,
    Background,
    Publishers,
    Reader,
    Site,
    first_difference,
    ids,
    wait_for,
)
from tests.sse_client import StreamParser, request

pytestmark = pytest.mark.long

POSTS = 900
CLIENTS = 50
MAX_FRAMES_PER_CONNECTION = 250
EDIT_EVERY = 97  # now and then a publisher edits its previous post: post.updated in the mix
START_SPREAD_SECONDS = 5.0
# A position committed in the last moment may be unknown yet to the server, which then answers
# with a reset (test_a_position_committed_a_moment_ago_is_not_reset): first cursors have settled.
SETTLE_SECONDS = FEED_CACHE_SECONDS + 1.0


@dataclass
class Log:
    """What the publishers committed: each event's type by ``seq``, and when the last one was."""

    types: dict[int, str] = field(default_factory=dict)
    last: int = 0
    final: int | None = None  # set once publishing is over
    lock: threading.Lock = field(default_factory=threading.Lock)
    history: list[tuple[float, int]] = field(default_factory=lambda: [(0.0, 0)])

    def add(self, seq: int, event_type: str) -> None:
        with self.lock:
            self.types[seq] = event_type
            self.last = max(self.last, seq)
            self.history.append((time.monotonic(), self.last))

    def last_before(self, moment: float) -> int:
        """The highest seq committed before ``moment`` (every lower one was committed first)."""
        with self.lock:
            return max(last for at, last in self.history if at <= moment)


Outcome = tuple[int, list[tuple[int, str]], int]
"""A client's first cursor, the ``(seq, event type)`` it took, and how many connections."""


async def resuming_client(site: Site, rng: random.Random, log: Log) -> Outcome:
    """Read a random number of frames, drop the connection, resume; until the final seq.

    Frames received after the last one counted go with the connection, as they would for a
    browser that went away mid-read: what counts is the last id it took.
    """
    cursor = rng.randint(0, log.last_before(time.monotonic() - SETTLE_SECONDS))
    seen: list[tuple[int, str]] = []
    position, connections = cursor, 0
    host = f"127.0.0.1:{site.port}"

    def finished() -> bool:
        return log.final is not None and position >= log.final

    while not finished():
        budget = rng.randint(1, MAX_FRAMES_PER_CONNECTION)
        connections += 1
        reader, writer = await asyncio.open_connection("127.0.0.1", site.port)
        try:
            writer.write(request(PATH, host, str(position)))
            parser = StreamParser()
            while budget > 0 and not finished():
                try:
                    data = await asyncio.wait_for(reader.read(256 * 1024), 0.25)
                except TimeoutError:
                    continue  # nothing new yet; see whether publishing is over
                if not data:
                    break  # the server let go of us: resume as after any other drop
                for event in parser.feed(data):
                    assert event.event != "reset", f"reset when resuming from {position}"
                    seen.append((int(event.id or -1), event.event))
                    position = seen[-1][0]
                    budget -= 1
                    if budget == 0:
                        break
            assert parser.status in (None, 200), f"answered {parser.status}"
        finally:
            writer.transport.abort()  # no goodbye: the server finds out when it next writes
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
    return cursor, seen, connections


def test_readers_resuming_at_random_get_every_event_once_in_order(site: Site) -> None:
    seed = int(os.environ.get("STREAM_LOAD_SEED") or random.SystemRandom().randrange(2**32))
    # The seed fixes what each client does; how it interleaves with the publishers, it cannot.
    print(f"seed {seed} (STREAM_LOAD_SEED={seed} repeats the clients' choices)")
    rng = random.Random(seed)
    plans = [(rng.uniform(0, START_SPREAD_SECONDS), rng.random()) for _ in range(CLIENTS)]
    log = Log()
    latest: dict[int, Post] = {}  # each publisher's latest post, to edit now and then

    def publish(worker: int, n: int) -> None:
        fields = {"headline": f"Update {n}", "body": f"Item {n}."}
        post = publishing.publish_post(site.svc, site.editor, SLUG, fields)
        log.add(post.seq, "post.published")
        previous = latest.get(worker)
        if previous is not None and n % EDIT_EVERY == 0:
            edit = previous.as_fields() | {"headline": f"{previous.headline} (corrected)"}
            edited = publishing.edit_post(
                site.svc, site.editor, SLUG, previous.id, edit, seen_version=previous.version
            )
            log.add(edited.seq, "post.updated")
        latest[worker] = post

    async def client(delay: float, own_seed: float) -> Outcome:
        await asyncio.sleep(delay)
        return await resuming_client(site, random.Random(own_seed), log)

    async def run(publishers: Publishers) -> list[Outcome]:
        async with asyncio.timeout(LOAD_TIMEOUT):
            tasks = [asyncio.create_task(client(delay, own)) for delay, own in plans]
            try:
                while publishers.running():
                    await asyncio.sleep(0.05)
                publishers.join()
                log.final = log.last
                return await asyncio.gather(*tasks)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)

    # A reader that stays: when a feed's last reader leaves, the hub drops the feed's channel,
    # and a reader back within a second is then reset (test_the_only_reader_back_at_once_...).
    keeper = Reader(site)
    keeping = Background(lambda: keeper.read_to_end(LOAD_TIMEOUT))
    try:
        assert keeper.read_head() == 200
        keeping.start()
        with Publishers(POSTS, publish) as publishers:
            outcomes = asyncio.run(run(publishers))
        wait_for(lambda: len(keeper.events) >= (log.final or 0), WAIT, "the keeper fell behind")
    finally:
        keeper.close()
        keeping.join(WAIT)

    final = log.final
    assert final is not None
    assert sorted(log.types) == list(range(1, final + 1))
    for number, (cursor, seen, _) in enumerate(outcomes):
        got = [seq for seq, _ in seen]
        expected = list(range(cursor + 1, final + 1))
        assert got == expected, (
            f"client {number} from {cursor}, seed {seed}: {first_difference(got, expected)}"
        )
        wrong = [(seq, kind) for seq, kind in seen if log.types[seq] != kind]
        assert not wrong, f"client {number}, seed {seed}: wrong event types {wrong[:5]}"
    assert ids(keeper.events) == list(range(1, final + 1))
    reconnects = sum(connections - 1 for _, _, connections in outcomes)
    print(f"{CLIENTS} clients resumed {reconnects} times; {final} events")


def test_a_position_committed_a_moment_ago_is_not_reset(site: Site) -> None:
    """A page rendered just now, or another instance, knows a seq this server has not read yet.

    A reader that connected in the last second left the feed cached in the hub (``Hub.feed``)
    with the ``last_seq`` of then, and a commit from another process reaches the feed's channel
    at its next tick; until then ``resume_point`` takes a real seq for one from the future.
    """
    first = Reader(site)
    late: list[tuple[int, Reader]] = []
    try:
        assert first.read_head() == 200
        for n in range(3):
            seq = site.publish(f"Just now {n}")
            late.append((seq, Reader(site, str(seq))))
        site.publish("And then")
        for seq, reader in late:
            event = reader.read_until(1)[0]
            assert event.event != "reset", f"reset when resuming from {seq}, just committed"
            assert event.id == str(seq + 1)
    finally:
        first.close()
        for _, reader in late:
            reader.close()


def test_the_only_reader_back_at_once_resumes_where_it_was(site: Site) -> None:
    """A feed's only reader drops and is straight back, with the last id this server sent it.

    Its leaving ends the feed's channel; its return makes a new one from the feed cached in the
    hub (``Hub.feed``, up to a second old), whose ``last_seq`` is behind that id when the event
    was committed by another process (the CLI; another instance without Redis), and
    ``resume_point`` answers with a reset. A browser waits ``retry`` first; other clients need
    not.
    """
    for attempt in range(3):  # each would do; three, so that a slow machine cannot hide it
        reader = Reader(site)
        try:
            assert reader.read_head() == 200
            seq = site.publish(f"Filed elsewhere {attempt}")
            assert ids(reader.read_until(1)) == [seq]
        finally:
            reader.close()
        back = Reader(site, str(seq))
        try:
            following = site.publish(f"And then {attempt}")
            event = back.read_until(1)[0]
            assert event.event != "reset", f"reset when back from {seq}, which it was sent"
            assert event.id == str(following)
        finally:
            back.close()


# --- The server goes away and comes back ------------------------------------------------------


def test_a_reader_resumes_across_a_restart_with_exactly_what_it_missed(site: Site) -> None:
    for n in range(3):
        site.publish(f"Before {n}")
    reader = Reader(site, "0")
    try:
        reader.read_until(3)
        site.stop()
        reader.read_to_end()
        # Ended as a response ends, with its last chunk: no proxy in front logs an error.
        assert reader.parser.complete, "the stopping server cut the stream"
    finally:
        reader.close()
    last = ids(reader.events)[-1]
    missed = [site.publish(f"While it was down {n}") for n in range(10)]
    site.start()
    again = Reader(site, str(last))
    try:
        again.read_until(10)
        # One more after them: anything sent twice would come before it.
        after = site.publish("After the restart")
        events = again.read_until(11)
    finally:
        again.close()
    assert last == 3
    assert ids(events) == [*missed, after]
    assert [e.event for e in events] == ["post.published"] * 11
