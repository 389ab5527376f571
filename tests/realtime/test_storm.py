"""A reconnect storm against the real ``livefeed serve``: every reader of a feed drops at once
(a deploy, a load balancer's restart), posts go out meanwhile, and they all come back together
with ``Last-Event-ID``.

Each reader must then have every event after its own position exactly once, in order, whether
the server still kept the feed's recent frames or had to let them go for another feed's (its
memory for them set small, and another feed's readers filling it meanwhile).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.factories import make_feed
from tests.realtime.served_site import SLUG, WAIT, Site, running_site
from tests.sse_client import StreamParser, request

READERS = 300
MISSED = 20
STORM_TIMEOUT = 60.0
SMALL_MEMORY = 24 * 1024  # bytes: fewer than MISSED posts of the other feed fill it
OTHER = "harbour"


@dataclass
class StormReader:
    """One reader's stream, on asyncio, and every id it took over its connections."""

    ids: list[int] = field(default_factory=list)
    writer: asyncio.StreamWriter | None = None
    reader: asyncio.StreamReader | None = None
    parser: StreamParser = field(default_factory=StreamParser)

    async def connect(self, port: int, slug: str, last_event_id: int | None) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        self.parser = StreamParser()
        position = None if last_event_id is None else str(last_event_id)
        self.writer.write(request(f"/feeds/{slug}/events", f"127.0.0.1:{port}", position))

    async def read_until(self, last: int) -> None:
        """Read until the event with id ``last`` has come."""
        assert self.reader is not None
        while not self.ids or self.ids[-1] < last:
            data = await self.reader.read(256 * 1024)
            assert data, f"the server closed the stream after {self.ids[-1:]}"
            for event in self.parser.feed(data):
                assert event.event != "reset", f"reset when resuming after {self.ids[-1:]}"
                self.ids.append(int(event.id or -1))
        assert self.parser.status == 200

    async def read_head(self) -> None:
        assert self.reader is not None
        while self.parser.status is None:
            data = await self.reader.read(256 * 1024)
            assert data, "the server closed without answering"
            self.ids.extend(int(e.id or -1) for e in self.parser.feed(data))
        assert self.parser.status == 200

    def drop(self) -> None:
        """Gone without a goodbye, as when a network blips."""
        if self.writer is not None:
            self.writer.transport.abort()
            self.writer = None


def publish_many(site: Site, count: int, slug: str = SLUG) -> int:
    last = 0
    for n in range(count):
        last = site.publish(f"While they were away {n}", slug=slug)
    return last


async def storm(site: Site, evict: bool) -> list[tuple[int, list[int]]]:
    port = site.port
    start = publish_many(site, 3)
    readers = [StormReader() for _ in range(READERS)]
    await asyncio.gather(*(r.connect(port, SLUG, start) for r in readers))
    await asyncio.wait_for(asyncio.gather(*(r.read_head() for r in readers)), STORM_TIMEOUT)
    # Live for a while, each stopping at a different point: positions differ on return.
    live = publish_many(site, 4)
    await asyncio.wait_for(
        asyncio.gather(*(r.read_until(live - i % 4) for i, r in enumerate(readers))),
        STORM_TIMEOUT,
    )
    positions = [r.ids[-1] for r in readers]
    for reader in readers:
        reader.drop()
    if evict:
        other = StormReader()
        await other.connect(port, OTHER, None)
        await asyncio.wait_for(other.read_head(), WAIT)
        last_other = publish_many(site, MISSED, slug=OTHER)
        await asyncio.wait_for(other.read_until(last_other), STORM_TIMEOUT)
        other.drop()
    final = publish_many(site, MISSED)
    for reader, position in zip(readers, positions, strict=True):
        reader.ids = []
        await reader.connect(port, SLUG, position)
    # Published while they are catching up: live frames and replay meet.
    final = await asyncio.to_thread(publish_many, site, 2)
    await asyncio.wait_for(asyncio.gather(*(r.read_until(final) for r in readers)), STORM_TIMEOUT)
    for reader in readers:
        reader.drop()
    return [(position, r.ids) for position, r in zip(positions, readers, strict=True)]


@pytest.fixture
def site(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> Iterator[Site]:
    environment = {}
    if "evicted" in request.node.name:
        environment["LIVEFEED_STREAM_MEMORY"] = str(SMALL_MEMORY)
    with running_site(database_url, tmp_path, environment) as served:
        yield served


def run_storm(site: Site, evict: bool) -> None:
    if evict:
        make_feed(site.svc, site.editor, slug=OTHER, title="Harbour strike: live")
    outcomes = asyncio.run(storm(site, evict))
    final = max(ids[-1] for _, ids in outcomes)
    for number, (position, ids) in enumerate(outcomes):
        expected = list(range(position + 1, final + 1))
        assert ids == expected, f"reader {number} back from {position} got {ids}"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_reader_back_from_a_storm_has_each_event_once(site: Site) -> None:
    run_storm(site, evict=False)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_reader_back_from_a_storm_has_each_event_once_after_the_feed_was_evicted(
    site: Site,
) -> None:
    run_storm(site, evict=True)
