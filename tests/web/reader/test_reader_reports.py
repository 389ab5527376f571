"""An instance tells the others how many readers it has when that changes, and again before
they would forget it; not every few seconds when nothing changed."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

from livefeed.realtime.sibling_broker import SiblingBroker
from livefeed.web.reader.stream import _report_readers


def test_counts_are_reported_when_they_change_and_refreshed_before_they_expire(
    tmp_path: Path,
) -> None:
    """What a sibling worker would hear, read on a socket where one listens."""
    watcher = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    watcher.bind(str(tmp_path / "watcher.sock"))
    watcher.setblocking(False)
    broker = SiblingBroker(tmp_path, "reporting")
    counts: dict[int, int] = {}

    def heard() -> list[dict[str, int]]:
        reports: list[dict[str, int]] = []
        while True:
            try:
                message = watcher.recv(65536)
            except BlockingIOError:
                return reports
            kind, _, rest = message.partition(b" ")
            if kind == b"c":
                reports.append(json.loads(rest.partition(b" ")[2]))

    async def run() -> list[list[dict[str, int]]]:
        try:
            return await report_a_while()
        finally:
            await broker.close()

    async def report_a_while() -> list[list[dict[str, int]]]:
        seen = []
        reporting = asyncio.create_task(
            _report_readers(lambda: counts, broker, every=0.01, refresh=0.6)
        )
        await asyncio.sleep(0.2)
        seen.append(heard())  # none to begin with, said once
        counts[7] = 3
        counts[8] = 0
        await asyncio.sleep(0.2)
        seen.append(heard())  # a change, said at once, feeds without readers left out
        await asyncio.sleep(0.7)
        seen.append(heard())  # unchanged: said again once the refresh came
        counts.clear()
        await asyncio.sleep(0.2)
        seen.append(heard())  # none left: said once, never refreshed
        await asyncio.sleep(0.7)
        seen.append(heard())
        reporting.cancel()
        return seen

    try:
        started, changed, refreshed, emptied, quiet = asyncio.run(run())
    finally:
        watcher.close()
    assert started == [{}]
    assert changed == [{"7": 3}]
    assert refreshed == [{"7": 3}]
    assert emptied == [{}]
    assert quiet == []
