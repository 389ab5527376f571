"""The phases that measure a server under N readers, and what each phase cost the machine.

``fanout.py`` runs them on the servers it compares, ``fanout_pulse.py`` on each of its arms and
``page_polling.py`` for its polls, so that a figure means the same thing in every report: the
server's CPU from the kernel's per-thread counters, the load's from ``getrusage``, the rest of
the machine's from ``/proc/stat``, and how long the server and the load waited for a core
another process held.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import resource
import time
from dataclasses import dataclass, field
from time import perf_counter

import numpy as np
from fanout_load import Arrivals, Crowd, Publisher, poll
from fanout_posts import publish_payload
from fanout_servers import HOST, SLUG, Server, cpu_seconds, sample_tasks, wait_seconds


@dataclass
class Options:
    concurrency: int = 200
    idle_seconds: float = 30.0
    steady_posts: int = 50
    steady_rate: float = 5.0
    burst_posts: int = 20
    poll_connections: int = 32
    poll_seconds: float = 5.0


@dataclass
class Cost:
    """What one phase cost: wall time, the server's CPU, this process's CPU, everyone else's,
    and how long the server and the load waited for a CPU another process held."""

    wall: float
    server_cpu: float
    load_cpu: float
    other_cpu: float
    server_wait: float
    load_wait: float


class Meter:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.started = time.time()
        self.server_cpu = server.cpu()
        self.load_cpu = load_cpu()
        self.load_tasks = sample_tasks([os.getpid()])
        self.machine = machine_busy()

    def cost(self) -> Cost:
        wall = time.time() - self.started
        server_now = self.server.cpu()
        server = cpu_seconds(self.server_cpu, server_now)
        load = load_cpu() - self.load_cpu
        machine = machine_busy() - self.machine
        return Cost(
            wall,
            server,
            load,
            max(0.0, machine - server - load),
            wait_seconds(self.server_cpu, server_now),
            wait_seconds(self.load_tasks, sample_tasks([os.getpid()])),
        )


def load_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_busy() -> float:
    """Seconds of CPU all processes on the machine used since boot."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@dataclass
class Fanout:
    server: str
    readers: int
    connected: int = 0
    connects_per_s: float = 0.0
    connect_cpu_us: float = 0.0
    connect: Cost | None = None
    rss_before: int = 0
    rss_after: int = 0
    bytes_per_reader: float = 0.0
    idle_cpu_percent: float = 0.0
    idle_heard: int = 0
    idle: Cost | None = None
    steady_p50_ms: float = 0.0
    steady_p99_ms: float = 0.0
    steady_max_ms: float = 0.0
    steady_expected: int = 0
    steady_got: int = 0
    steady_publish_ms: float = 0.0
    steady: Cost | None = None
    burst_deliveries_per_s: float = 0.0
    burst_cpu_us: float = 0.0
    burst_bytes: float = 0.0
    burst_expected: int = 0
    burst_got: int = 0
    burst_last_ms: float = 0.0
    burst: Cost | None = None
    delivered_percent: float = 0.0
    latency_quantiles: list[float] = field(default_factory=list)


async def settle(server: Server, *, quiet: float = 0.02, longest: float = 15.0) -> None:
    """Wait until the server uses under ``quiet`` of a core over half a second."""
    deadline = perf_counter() + longest
    while perf_counter() < deadline:
        meter = Meter(server)
        await asyncio.sleep(0.5)
        if meter.cost().server_cpu < quiet * 0.5:
            return


async def drain(arrivals: Arrivals, keys: list[bytes], expected: int, timeout: float) -> int:
    """Wait until ``expected`` deliveries of ``keys`` arrived, or nothing more comes."""
    deadline = perf_counter() + timeout
    got, moved = 0, perf_counter()
    while perf_counter() < deadline:
        now = arrivals.count(keys)
        if now >= expected:
            return now
        if now > got:
            got, moved = now, perf_counter()
        elif perf_counter() - moved > 10:
            break
        await asyncio.sleep(0.05)
    return arrivals.count(keys)


async def fanout(server: Server, n: int, options: Options) -> Fanout:
    result = Fanout(server.name, n)
    arrivals = Arrivals()
    crowd = Crowd(HOST, server.port, server.events_path, arrivals)
    publisher = server.publisher()
    try:
        # One post before anyone listens warms the publishing path (imports, caches).
        await asyncio.to_thread(publisher.publish, publish_payload(server, 0))
        await settle(server)
        result.rss_before = server.rss()

        meter = Meter(server)
        result.connected = await asyncio.wait_for(
            crowd.connect(n, concurrency=options.concurrency), 60 + n / 50
        )
        result.connect = meter.cost()
        result.connects_per_s = result.connected / result.connect.wall
        result.connect_cpu_us = result.connect.server_cpu / max(1, result.connected) * 1e6
        print(f"  {server.name}: {result.connected:,} of {n:,} readers connected", flush=True)
        await settle(server)
        result.rss_after = server.rss()
        result.bytes_per_reader = (result.rss_after - result.rss_before) / max(1, result.connected)

        meter = Meter(server)
        await asyncio.sleep(options.idle_seconds)
        result.idle = meter.cost()
        result.idle_cpu_percent = 100 * result.idle.server_cpu / result.idle.wall
        result.idle_heard = crowd.seen_since(meter.started)

        await steady(server, crowd, publisher, arrivals, options, result)
        await settle(server)
        await burst(server, crowd, publisher, arrivals, options, result)
        expected = result.steady_expected + result.burst_expected
        got = result.steady_got + result.burst_got
        result.delivered_percent = 100 * got / max(1, expected)
    finally:
        publisher.close()
        crowd.close()
    return result


async def steady(
    server: Server,
    crowd: Crowd,
    publisher: Publisher,
    arrivals: Arrivals,
    options: Options,
    result: Fanout,
) -> None:
    listening = crowd.open_count()
    bodies = [publish_payload(server, number + 1) for number in range(options.steady_posts)]
    meter = Meter(server)
    calls = await asyncio.to_thread(publisher.run, bodies, options.steady_rate)
    sent = {key: when for key, when, _ in calls}
    answered = [took for _, _, took in calls]
    keys = list(sent)
    got = await drain(arrivals, keys, listening * len(keys), 60)
    result.steady = meter.cost()
    latency = np.concatenate(
        [np.frombuffer(arrivals.times.get(key, b""), dtype=np.float64) - sent[key] for key in keys]
    )
    latency *= 1000
    if latency.size:
        result.steady_p50_ms = float(np.percentile(latency, 50))
        result.steady_p99_ms = float(np.percentile(latency, 99))
        result.steady_max_ms = float(latency.max())
        result.latency_quantiles = [float(v) for v in np.quantile(latency, np.linspace(0, 1, 501))]
    result.steady_publish_ms = 1000 * float(np.median(answered))
    result.steady_expected, result.steady_got = listening * len(keys), got


async def burst(
    server: Server,
    crowd: Crowd,
    publisher: Publisher,
    arrivals: Arrivals,
    options: Options,
    result: Fanout,
) -> None:
    listening = crowd.open_count()
    bodies = [publish_payload(server, 1000 + number) for number in range(options.burst_posts)]
    received = crowd.received()
    meter = Meter(server)
    calls = await asyncio.to_thread(publisher.run, bodies, None)
    keys = [key for key, _, _ in calls]
    first = calls[0][1]
    got = await drain(arrivals, keys, listening * len(keys), 120)
    result.burst = meter.cost()
    span = arrivals.last(keys) - first
    result.burst_last_ms = 1000 * span
    result.burst_deliveries_per_s = got / span if span > 0 else 0.0
    result.burst_cpu_us = result.burst.server_cpu / max(1, got) * 1e6
    result.burst_bytes = (crowd.received() - received) / max(1, got)
    result.burst_expected, result.burst_got = listening * len(keys), got


@dataclass
class Polling:
    server: str
    answers: dict[int, int]
    per_second: float
    cpu_us: float
    cost: Cost


def first_answer(server: Server) -> tuple[str, str]:
    """The poll URL ``?since=<last seq>`` and the ETag Livefeed gives for it."""
    client = http.client.HTTPConnection(HOST, server.port, timeout=10)
    try:
        client.request("GET", f"/feeds/{SLUG}/updates?since=0")
        answer = client.getresponse()
        body = json.loads(answer.read())
        return f"/feeds/{SLUG}/updates?since={body['last_seq']}", answer.headers["ETag"]
    finally:
        client.close()


async def polling(server: Server, path: str, etag: str, options: Options) -> Polling:
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{server.port}\r\nIf-None-Match: {etag}\r\n\r\n"
    ).encode()
    connections = options.poll_connections
    await poll(HOST, server.port, request, connections=connections, seconds=1.0)
    await settle(server)
    meter = Meter(server)
    answers, wall = await poll(
        HOST, server.port, request, connections=connections, seconds=options.poll_seconds
    )
    cost = meter.cost()
    total = sum(answers.values())
    return Polling(server.name, dict(answers), total / wall, cost.server_cpu / total * 1e6, cost)
