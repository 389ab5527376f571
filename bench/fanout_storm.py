"""Connects and a reconnect storm, against the raw-asyncio floor in the same run.

For each server (``floor``, then ``livefeed serve --workers 1`` on SQLite), alone on core 0
while this process is the load on core 1:

1. connect: N readers, at most 200 connects in flight: connects/s and server CPU per connect;
2. storm: one post reaches every reader; every reader drops at once (a reset, no goodbye); M
   posts go out while nobody listens (on Livefeed the feed's channel has ended by then); all
   N come back at once with ``Last-Event-ID``: time until every reader has all M posts, server
   CPU per reconnect, and whether each reader got each post exactly once, in order.

    .venv/bin/python bench/fanout_storm.py --readers 2000 --missed 20

Results go to ``bench/results/fanout_storm.json``; ratios are Livefeed's over the floor's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import socket
import struct
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from fanout import LOAD_CORE, raise_file_limit
from fanout_load import IP_BIND_ADDRESS_NO_PORT, READ_BYTES, SOURCES
from fanout_posts import publish_payload
from fanout_servers import (
    HOST,
    Server,
    cpu_seconds,
    raise_priority,
    restore_priority,
    start_floor,
    start_livefeed,
    wait_seconds,
)

RESULTS = Path(__file__).resolve().parent / "results" / "fanout_storm.json"
PLOT = Path(__file__).resolve().parent.parent / "docs" / "bench" / "storm.png"
ID = re.compile(rb"(?:^|\n)id: (\d+)\n")
TIMEOUT = 300.0


class StormReader:
    """One stream on a raw socket: the ids it received, in order."""

    def __init__(self, sock: socket.socket, loop: asyncio.AbstractEventLoop) -> None:
        self.sock = sock
        self.loop = loop
        self.ids: list[int] = []
        self.head = False
        self.tail = b""
        self.open = True
        loop.add_reader(sock.fileno(), self.readable)

    def readable(self) -> None:
        try:
            data = self.sock.recv(READ_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self.close()
            return
        buffer = self.tail + data
        if not self.head:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self.tail = buffer
                return
            self.head = buffer.startswith(b"HTTP/1.1 200")
            buffer = buffer[end + 2 :]
        last = 0
        for match in ID.finditer(buffer):
            self.ids.append(int(match.group(1)))
            last = match.end()
        # What could still be the start of an id line split across two reads.
        self.tail = buffer[max(last, len(buffer) - 24) :]

    def close(self) -> None:
        if self.open:
            self.open = False
            self.loop.remove_reader(self.sock.fileno())
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.sock.close()


async def connect(
    server: Server, n: int, last_id: int | None, concurrency: int
) -> list[StormReader]:
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(concurrency)
    resume = "" if last_id is None else f"Last-Event-ID: {last_id}\r\n"
    request = (
        f"GET {server.events_path} HTTP/1.1\r\nHost: {HOST}:{server.port}\r\n"
        f"Accept: text/event-stream\r\n{resume}\r\n"
    ).encode()
    readers: list[StormReader] = []

    async def one(index: int) -> None:
        async with gate:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1)
            sock.bind((SOURCES[index % len(SOURCES)], 0))
            sock.setblocking(False)
            await loop.sock_connect(sock, (HOST, server.port))
            sock.send(request)
            reader = StormReader(sock, loop)
            readers.append(reader)
            while not reader.head and reader.open:
                await asyncio.sleep(0.005)

    await asyncio.gather(*(one(i) for i in range(n)))
    return readers


async def until(readers: list[StormReader], last: int) -> None:
    deadline = time.monotonic() + TIMEOUT
    while any(not r.ids or r.ids[-1] < last for r in readers):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not every reader reached {last} in {TIMEOUT:.0f} s")
        await asyncio.sleep(0.005)


@dataclass
class Storm:
    server: str
    readers: int
    missed: int
    connects_per_second: float
    cpu_per_connect_us: float
    storm_seconds: float
    cpu_per_reconnect_us: float
    exactly_once: int  # readers whose ids were exactly the missed posts, in order
    waited_for_cpu_s: float


async def storm(server: Server, n: int, missed: int) -> Storm:
    publisher = server.publisher()
    before = server.cpu()
    started = time.perf_counter()
    readers = await connect(server, n, None, 200)
    connect_wall = time.perf_counter() - started
    connect_cpu = cpu_seconds(before, server.cpu())
    assert all(r.head for r in readers), "a reader was refused"
    (key, _, _) = await asyncio.to_thread(publisher.publish, publish_payload(server, 0))
    position = int(key)
    await until(readers, position)
    for reader in readers:
        reader.close()
    await asyncio.sleep(2.0)  # every drop noticed: on Livefeed the channel ends
    bodies = [publish_payload(server, number) for number in range(1, missed + 1)]
    published = await asyncio.to_thread(publisher.run, bodies, None)
    publisher.close()
    last = int(published[-1][0])
    await asyncio.sleep(0.5)
    before = server.cpu()
    started = time.perf_counter()
    back = await connect(server, n, position, n)
    await until(back, last)
    storm_wall = time.perf_counter() - started
    after = server.cpu()
    storm_cpu = cpu_seconds(before, after)
    expected = list(range(position + 1, last + 1))
    exact = sum(r.ids == expected for r in back)
    for reader in back:
        reader.close()
    return Storm(
        server.name,
        n,
        missed,
        n / connect_wall,
        connect_cpu / n * 1e6,
        storm_wall,
        storm_cpu / n * 1e6,
        exact,
        wait_seconds(before, after),
    )


async def run(n: int, missed: int, workdir: Path) -> dict[str, Storm]:
    results = {}
    for name in ("floor", "livefeed"):
        place = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=workdir))
        server = start_floor(place) if name == "floor" else start_livefeed(place)
        try:
            results[name] = await storm(server, n, missed)
        finally:
            server.stop()
        print(results[name], flush=True)
    return results


def plot(ratios: dict[str, float], n: int, missed: int) -> None:
    """Livefeed's figures as multiples of the floor's, with the issue's bounds marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bounds = {"connect_rate": 0.6, "cpu_per_connect": 2.0, "storm_time": 2.0}
    figure, axes = plt.subplots(figsize=(7, 3.2))
    names = list(ratios)
    axes.bar(names, [ratios[name] for name in names], color="#4a7fb5")
    for index, name in enumerate(names):
        if name in bounds:
            axes.hlines(bounds[name], index - 0.4, index + 0.4, colors="#c0392b")
        axes.text(index, ratios[name], f"{ratios[name]:.2f}×", ha="center", va="bottom")
    axes.set_ylabel("livefeed ÷ floor")
    axes.set_title(f"Connects and a full reconnect storm, N = {n:,}, {missed} posts missed")
    figure.tight_layout()
    PLOT.parent.mkdir(exist_ok=True)
    figure.savefig(PLOT, dpi=110)
    print(f"plot: {PLOT}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=2000)
    parser.add_argument("--missed", type=int, default=20)
    args = parser.parse_args()
    os.sched_setaffinity(0, {LOAD_CORE})
    priority = raise_priority()
    n = raise_file_limit(args.readers)
    try:
        with tempfile.TemporaryDirectory(prefix="storm-") as workdir:
            results = asyncio.run(run(n, args.missed, Path(workdir)))
    finally:
        restore_priority(priority)
    floor, livefeed = results["floor"], results["livefeed"]
    ratios = {
        "connect_rate": livefeed.connects_per_second / floor.connects_per_second,
        "cpu_per_connect": livefeed.cpu_per_connect_us / floor.cpu_per_connect_us,
        "storm_time": livefeed.storm_seconds / floor.storm_seconds,
        "cpu_per_reconnect": livefeed.cpu_per_reconnect_us / floor.cpu_per_reconnect_us,
    }
    print(f"N = {n:,}, {args.missed} posts missed; livefeed / floor:")
    for name, value in ratios.items():
        print(f"  {name}: {value:.2f}x")
    print(f"  exactly once: livefeed {livefeed.exactly_once:,} / {n:,} readers")
    plot(ratios, n, args.missed)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "command": f".venv/bin/python bench/fanout_storm.py --readers {args.readers}"
                f" --missed {args.missed}",
                "started": time.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "results": {k: asdict(v) for k, v in results.items()},
                "ratios": ratios,
            },
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
