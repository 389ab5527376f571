"""The SSE encoder and the hub's per-reader bounds, without a server."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.realtime import sse
from livefeed.realtime.connections import MAX_PENDING_BYTES, BufferedReader
from livefeed.realtime.frames import Batch, Frame
from livefeed.realtime.hub import FAN_OUT_SLICE, FEED_CACHE_SECONDS, Hub
from livefeed.realtime.recent import RecentFrames
from tests.realtime.test_stream import parse_sse


def _decode(wire: bytes) -> list[tuple[str | None, str, str]]:
    lines = wire.decode("utf-8").split("\n")
    return [(m.id, m.event, m.data) for m in parse_sse(iter(lines))]


@given(
    data=st.text(),
    event=st.from_regex(r"[a-z][a-z.]{0,20}", fullmatch=True),
    event_id=st.integers(min_value=0, max_value=2**63),
)
def test_encoding_round_trips_through_an_independent_parser(
    data: str, event: str, event_id: int
) -> None:
    [(got_id, got_event, got_data)] = _decode(sse.encode(data, event=event, event_id=event_id))
    assert got_id == str(event_id)
    assert got_event == event
    # Any line break is a line break on the wire; the parser gives them back as "\n".
    assert got_data == data.replace("\r\n", "\n").replace("\r", "\n")


def test_an_event_type_is_one_line() -> None:
    with pytest.raises(ValueError, match="one line"):
        sse.encode("x", event="post\nevil")


def _batch(*seqs: int, size: int = 3) -> Batch:
    return Batch([Frame.of(seq, f"[{seq}]".encode().ljust(size, b".")) for seq in seqs])


def test_a_buffered_reader_that_falls_behind_is_dropped_and_let_go() -> None:
    async def scenario() -> BufferedReader:
        reader = BufferedReader(last_seq=0)
        for seq in range(1, 100):
            reader.deliver(_batch(seq, size=MAX_PENDING_BYTES // 50))
        return reader

    reader = asyncio.run(scenario())
    assert reader.dropped
    assert reader.chunks == []
    assert reader.size == 0


def test_a_reader_takes_only_what_is_newer_and_coalesces_it() -> None:
    async def scenario() -> bytes:
        reader = BufferedReader(last_seq=2)
        reader.deliver(_batch(1, 2, 3))
        reader.deliver(_batch(4, 5))
        return reader.take()

    assert asyncio.run(scenario()) == b"[3][4][5]"


def test_a_batch_is_framed_as_http_chunks_once() -> None:
    batch = _batch(1, 2)
    assert batch.chunks_after(0) == b"3\r\n[1]\r\n3\r\n[2]\r\n"
    assert batch.chunks_after(0) is batch.chunks_after(0)
    assert batch.chunks_after(1) == b"3\r\n[2]\r\n"


class Recorder:
    def __init__(self) -> None:
        self.last_seq = 0
        self.received: list[bytes] = []
        self.beats = 0
        self.dropped = False

    def deliver(self, batch: Batch) -> None:
        self.received.append(batch.data_after(self.last_seq))
        self.last_seq = batch.last_seq

    def heartbeat(self) -> None:
        self.beats += 1

    def drop(self) -> None:
        self.dropped = True


def test_one_read_of_the_log_serves_every_reader_and_one_timer_beats_for_all() -> None:
    reads: list[int] = []

    async def fetch(feed_id: int, seq: int, limit: int) -> list[Frame]:
        reads.append(seq)
        return [Frame.of(s, f"{s}".encode()) for s in range(seq + 1, 4)]

    async def lookup(slug: str) -> None:
        return None

    async def scenario() -> list[Recorder]:
        hub = Hub(fetch, lookup, tick_seconds=0.01, heartbeat_seconds=0.01)
        readers = [Recorder() for _ in range(3)]
        for reader in readers:
            hub.join(7, 0, reader)
        hub.start()
        hub.notify(7)
        for _ in range(500):
            if all(r.received and r.beats for r in readers):
                break
            await asyncio.sleep(0.01)
        await hub.close()
        return readers

    readers = asyncio.run(scenario())
    assert [r.received[0] for r in readers] == [b"123"] * 3
    assert all(len(r.received) == 1 for r in readers)
    assert all(r.beats >= 1 for r in readers)
    assert all(r.dropped for r in readers), "closing the hub lets every reader go"
    assert reads[0] == 0


def test_a_fan_out_lets_the_loop_answer_requests_between_slices_of_readers() -> None:
    """The editor who published is answered while their post is still going out: the loop
    runs other work at least once every ``FAN_OUT_SLICE`` readers."""
    written: list[int] = []  # each reader's delivery, and -1 each time other work ran

    class Counted(Recorder):
        def deliver(self, batch: Batch) -> None:
            super().deliver(batch)
            written.append(1)

    async def fetch(feed_id: int, seq: int, limit: int) -> list[Frame]:
        return [Frame.of(1, b"1")] if seq == 0 else []

    async def lookup(slug: str) -> None:
        return None

    async def scenario() -> None:
        hub = Hub(fetch, lookup, tick_seconds=60)
        readers = [Counted() for _ in range(FAN_OUT_SLICE * 5)]
        for reader in readers:
            hub.join(7, 0, reader)
        hub.notify(7)
        while len([w for w in written if w > 0]) < len(readers):
            written.append(-1)  # a request answered
            await asyncio.sleep(0)
        await hub.close()

    asyncio.run(scenario())
    runs, run = [], 0
    for mark in written:
        if mark > 0:
            run += 1
        elif run:
            runs.append(run)
            run = 0
    runs.append(run)
    assert sum(runs) == FAN_OUT_SLICE * 5
    assert max(runs) <= FAN_OUT_SLICE, "readers written to without the loop turning to requests"


def test_while_a_broker_hears_every_commit_the_log_is_read_once_a_heartbeat() -> None:
    reads: list[float] = []

    async def fetch(feed_id: int, seq: int, limit: int) -> list[Frame]:
        reads.append(time.monotonic())
        return []

    async def lookup(slug: str) -> None:
        return None

    async def scenario(must_poll: bool) -> int:
        reads.clear()
        hub = Hub(
            fetch, lookup, tick_seconds=0.01, heartbeat_seconds=0.2, must_poll=lambda: must_poll
        )
        hub.join(7, 0, Recorder())
        hub.start()
        await asyncio.sleep(0.45)
        await hub.close()
        return len(reads)

    polled = asyncio.run(scenario(must_poll=True))
    quiet = asyncio.run(scenario(must_poll=False))
    assert quiet <= 3 < polled


def test_heartbeats_keep_their_period_on_ticks_that_come_a_little_late() -> None:
    """A tick is never exactly on time: had the beat waited for a full period to have passed,
    it would skip to the next tick about every other time (16 s apart rather than 15)."""
    beats: list[float] = []

    class Timed(Recorder):
        def heartbeat(self) -> None:
            beats.append(time.monotonic())

    async def fetch(feed_id: int, seq: int, limit: int) -> list[Frame]:
        return []

    async def lookup(slug: str) -> None:
        return None

    async def scenario() -> None:
        hub = Hub(fetch, lookup, tick_seconds=0.02, heartbeat_seconds=0.1)
        hub.join(7, 0, Timed())
        hub.start()
        while len(beats) < 21:
            await asyncio.sleep(0.02)
        await hub.close()

    asyncio.run(scenario())
    period = (beats[20] - beats[0]) / 20
    assert 0.095 < period < 0.105, f"a heartbeat every {period * 1000:.1f} ms, not 100"


def frames(first: int, last: int) -> list[Frame]:
    return [Frame.of(s, f"<{s}>".encode()) for s in range(first, last + 1)]


def test_a_crowd_asking_for_a_feed_costs_one_look_up_until_its_next_event() -> None:
    looked_up: list[str] = []
    feed = summit_feed(last_seq=3)

    async def fetch(feed_id: int, seq: int, limit: int) -> list[Frame]:
        return []

    async def lookup(slug: str) -> Feed | None:
        looked_up.append(slug)
        await asyncio.sleep(0.05)  # slow, as under a burst: the crowd waits for this one
        return feed

    async def scenario() -> None:
        hub = Hub(fetch, lookup)
        found = await asyncio.gather(*(hub.feed("summit") for _ in range(200)))
        assert found == [feed] * 200
        assert len(looked_up) == 1
        hub.join(7, 3, Recorder())  # a channel: the record is kept until the feed's next event
        await asyncio.sleep(FEED_CACHE_SECONDS + 0.1)
        assert await hub.feed("summit") is feed
        assert len(looked_up) == 1
        hub.notify(7)
        await asyncio.gather(*(hub.feed("summit") for _ in range(50)))
        assert len(looked_up) == 2
        await hub.close()

    asyncio.run(scenario())


def test_readers_behind_the_frames_kept_share_one_read_of_the_log_and_one_slice() -> None:
    reads: list[int] = []

    async def fetch(feed_id: int, seq: int, limit: int) -> list[Frame]:
        reads.append(seq)
        await asyncio.sleep(0.01)
        return frames(seq + 1, min(seq + limit, 40))

    async def lookup(slug: str) -> None:
        return None

    async def catch_up(hub: Hub, after: int) -> list[Batch]:
        return [batch async for batch in hub.replay(7, after, 40)]

    async def scenario() -> list[list[Batch]]:
        hub = Hub(fetch, lookup)
        replays = await asyncio.gather(*(catch_up(hub, 20) for _ in range(100)))
        again = await asyncio.gather(*(catch_up(hub, 25) for _ in range(100)))
        return [*replays, *again]

    replays = asyncio.run(scenario())
    assert reads == [20], "one read for a hundred readers; the next hundred read memory"
    first, later = replays[0], replays[100]
    assert [f.seq for b in first for f in b.frames] == list(range(21, 41))
    assert [f.seq for b in later for f in b.frames] == list(range(26, 41))
    assert all(r[0] is first[0] for r in replays[:100]), "the same slice, joined once"
    assert first[0].chunks_after(20) is replays[1][0].chunks_after(20)


def test_the_frames_kept_stay_consecutive_and_within_their_budget() -> None:
    kept = RecentFrames(budget=len(Frame.of(1, b"<1>").chunk) * 30)
    kept.add(1, frames(11, 20))
    kept.add(1, frames(1, 10))  # older, touching: joined in front
    kept.add(1, frames(21, 25))
    ring = kept.get(1)
    assert ring is not None
    assert [f.seq for f in ring.frames] == list(range(1, 26))
    kept.add(1, frames(40, 41))  # a gap after: the newest win
    assert [f.seq for f in ring.frames] == [40, 41]
    kept.add(1, frames(30, 35))  # a gap before: not kept
    assert [f.seq for f in ring.frames] == [40, 41]
    kept.add(2, frames(1, 29))  # another feed passes the budget: the least recently used goes
    assert kept.get(1) is None
    assert kept.size() <= len(Frame.of(1, b"<1>").chunk) * 30


def test_a_deletion_lets_go_of_the_frames_before_it() -> None:
    """They may hold the deleted post's words; the log keeps only its tombstone."""
    kept = RecentFrames(budget=1024 * 1024)
    kept.add(1, frames(1, 5))
    kept.add(1, [Frame.of(6, b"<deleted>", takes_down=True), *frames(7, 8)])
    ring = kept.get(1)
    assert ring is not None
    assert [f.seq for f in ring.frames] == [6, 7, 8]
    assert ring.slice(3, 8, 100) is None, "a reader from before it reads the log"


def test_frames_kept_for_replays_go_once_another_instance_has_rewritten_the_log() -> None:
    """Erasure elsewhere: this hub learns of it by the feed's count of rewrites, when a
    wake-up has it look the feed up again, and replays from the log from then on."""
    rewrites = 0
    reads: list[int] = []

    async def fetch(feed_id: int, seq: int, limit: int) -> list[Frame]:
        reads.append(seq)
        return frames(seq + 1, 10)

    async def lookup(slug: str) -> Feed:
        return summit_feed(log_rewrites=rewrites)

    async def scenario() -> None:
        nonlocal rewrites
        hub = Hub(fetch, lookup)
        await hub.feed("summit")
        await hub.read(7, 0)
        assert hub.kept(7, 0, 10) is not None
        hub.notify(7)  # a wake-up with no rewrite: the copies stay
        await hub.feed("summit")
        assert hub.kept(7, 0, 10) is not None
        rewrites = 1
        hub.notify(7)  # what another instance's commit of the erasure sends
        await hub.feed("summit")
        assert hub.kept(7, 0, 10) is None
        await hub.read(7, 0)
        assert reads == [0, 0]
        await hub.close()

    asyncio.run(scenario())


def summit_feed(**changes: object) -> Feed:
    """Feed 7, "summit", live at seq 9 but for ``changes``."""
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    feed = Feed(
        id=7, slug="summit", title="Summit", lead="", notes="", tags=(), timezone="UTC",
        status=FeedStatus.LIVE, coverage_start=None, coverage_end=None, audio_stream_url="",
        last_seq=9, version=1, created_at=moment, updated_at=moment,
    )  # fmt: skip
    return replace(feed, **changes)  # type: ignore[arg-type]
