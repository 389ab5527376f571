"""How a stream starts: the reader joins its feed's channel and is replayed what it missed,
each event once, whatever the channel hands out while the stream is being opened."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket

from livefeed.domain.feeds import Feed
from livefeed.realtime import sse
from livefeed.realtime.connections import BufferedReader, SocketReader
from livefeed.realtime.frames import Batch, Frame
from livefeed.realtime.hub import Fetch, Hub
from livefeed.web.reader.stream import missed, open_stream
from tests.realtime.test_hub import summit_feed

FEED_ID = 7


def _frame(seq: int) -> Frame:
    return Frame.of(seq, sse.encode(f"post {seq}", event="post", event_id=seq))


def _reading(log: list[Frame]) -> Fetch:
    """The log as the hub reads it: what comes after ``seq``, at most ``limit`` frames."""

    async def fetch(feed_id: int, seq: int, limit: int) -> list[Frame]:
        return [frame for frame in log if frame.seq > seq][:limit]

    return fetch


def _ids(wire: bytes) -> list[int]:
    return [int(found) for found in re.findall(rb"^id: (\d+)$", wire, re.MULTILINE)]


async def _delivered(reader: BufferedReader, seq: int) -> None:
    for _ in range(500):
        if reader.last_seq == seq:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the channel did not deliver seq {seq} in 5 s")


def test_a_reader_resuming_from_a_seq_committed_elsewhere_gets_each_later_event_once() -> None:
    """Its ``Last-Event-ID`` is beyond what this process has seen, so the database is asked;
    meanwhile the channel hears of that commit and the next, and hands them out."""
    log = [_frame(1)]
    database = asyncio.Event()

    async def lookup(slug: str) -> Feed:
        await database.wait()
        return summit_feed(last_seq=len(log))

    async def scenario() -> bytes:
        hub = Hub(_reading(log), lookup)
        first = BufferedReader(last_seq=0)
        hub.join(FEED_ID, 1, first)
        await asyncio.sleep(0.01)  # the channel has read the log: it is at seq 1
        log.append(_frame(2))  # committed by another process, not heard of here yet
        reader = BufferedReader(last_seq=0)
        opening = asyncio.create_task(open_stream(hub, summit_feed(last_seq=1), "2", reader))
        await asyncio.sleep(0.01)
        assert not opening.done(), "seq 2 is beyond what this process knows: it asks"
        hub.notify(FEED_ID)  # now it is: the channel hands seq 2 out
        await _delivered(first, 2)
        log.append(_frame(3))
        hub.notify(FEED_ID)
        await _delivered(first, 3)
        database.set()
        opened = await opening
        wire = opened.data
        seq = opened.start or 0
        async for batch in missed(hub, FEED_ID, opened):
            wire += batch.data_after(seq)
            seq = batch.last_seq
        wire += reader.take()
        await hub.close()
        return wire

    assert _ids(asyncio.run(scenario())) == [3]


def test_a_commit_told_of_while_the_feed_has_no_channel_reaches_the_reader_opening_one() -> None:
    """The feed's only reader was back at once; its new channel starts from a look-up, during
    which the next commit was announced, when there was no channel to wake. No tick comes to
    the rescue here: a broker that hears every commit leaves the log unread for a heartbeat."""
    log = [_frame(1)]
    database = asyncio.Event()

    async def lookup(slug: str) -> Feed:
        found = summit_feed(last_seq=len(log))  # read before the commit below
        await database.wait()
        return found

    async def scenario() -> bytes:
        hub = Hub(_reading(log), lookup, tick_seconds=60, must_poll=lambda: False)
        hub.start()
        reader = BufferedReader(last_seq=0)
        opening = asyncio.create_task(open_stream(hub, summit_feed(last_seq=1), "1", reader))
        await asyncio.sleep(0.01)
        log.append(_frame(2))
        hub.notify(FEED_ID)
        database.set()
        opened = await opening
        assert (opened.start, opened.upto) == (1, 1)
        with contextlib.suppress(AssertionError):
            await _delivered(reader, 2)
        sent = reader.take()
        await hub.close()
        return sent

    assert _ids(asyncio.run(scenario())) == [2]


def test_a_batch_held_during_the_replay_never_takes_a_reader_back() -> None:
    """Held while the replay was written, a batch may end before where the replay went; handed
    over after it, it must neither be written nor lower the reader's position, or the next
    batch would be written from there, events the reader already has among it."""

    async def scenario() -> bytes:
        ours, theirs = socket.socketpair()
        transport, _ = await asyncio.get_running_loop().create_connection(
            asyncio.Protocol, sock=ours
        )
        reader = SocketReader(transport, last_seq=0)
        reader.deliver(Batch([_frame(1)]))  # live, while the replay is written: held
        reader.last_seq = 2  # the replay went up to seq 2
        reader.release()
        reader.deliver(Batch([_frame(2), _frame(3)]))
        reader.finish()
        with theirs:
            theirs.settimeout(5)
            return await asyncio.to_thread(lambda: b"".join(iter(lambda: theirs.recv(65536), b"")))

    assert _ids(asyncio.run(scenario())) == [3]


def test_a_read_of_the_log_that_failed_is_tried_again_at_the_next_tick() -> None:
    """The database was restarting; a broker that hears every commit will not wake the channel
    again for what was committed before, and the next heartbeat is 15 s away."""
    failures = [RuntimeError("the database is restarting")]

    async def fetch(feed_id: int, seq: int, limit: int) -> list[Frame]:
        if failures:
            raise failures.pop()
        return [_frame(1)] if seq < 1 else []

    async def lookup(slug: str) -> Feed:
        return summit_feed(last_seq=1)

    async def scenario() -> int:
        hub = Hub(fetch, lookup, tick_seconds=0.02, heartbeat_seconds=60, must_poll=lambda: False)
        hub.start()
        reader = BufferedReader(last_seq=0)
        hub.join(FEED_ID, 0, reader)
        with contextlib.suppress(AssertionError):
            await _delivered(reader, 1)
        await hub.close()
        return reader.last_seq

    assert asyncio.run(scenario()) == 1
