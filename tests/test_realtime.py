"""The SSE encoder and the hub's per-reader bounds, without a server."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import given
from hypothesis import strategies as st

from livefeed.realtime import sse
from livefeed.realtime.hub import Frame, Hub, Reader
from tests.test_stream import parse_sse


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


def test_a_reader_that_falls_behind_is_dropped_and_let_go() -> None:
    async def scenario() -> Reader:
        reader = Reader(last_seq=0, max_bytes=100)
        for seq in range(1, 20):
            reader.push(Frame(seq, b"x" * 30))
        return reader

    reader = asyncio.run(scenario())
    assert reader.dropped
    assert reader.chunks == []
    assert reader.size == 0


def test_a_reader_takes_only_what_is_newer_and_coalesces_it() -> None:
    async def scenario() -> bytes:
        reader = Reader(last_seq=2)
        for seq in (1, 2, 3, 3, 4):
            reader.push(Frame(seq, f"[{seq}]".encode()))
        return reader.take()

    assert asyncio.run(scenario()) == b"[3][4]"


def test_one_read_of_the_log_serves_every_reader() -> None:
    reads: list[int] = []

    async def fetch(feed_id: int, seq: int) -> list[Frame]:
        reads.append(seq)
        return [Frame(s, f"{s}".encode()) for s in range(seq + 1, 4)]

    async def scenario() -> list[bytes]:
        hub = Hub(fetch, poll_seconds=60)
        readers = [hub.join(7, 0) for _ in range(3)]
        hub.notify(7)
        await asyncio.wait_for(readers[0].wake.wait(), 5)
        await asyncio.sleep(0)
        taken = [reader.take() for reader in readers]
        await hub.close()
        return taken

    assert asyncio.run(scenario()) == [b"123"] * 3
    assert reads[0] == 0
