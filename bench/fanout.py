"""Fan-out of a feed's posts to N Server-Sent Events readers, against a lower bound and nchan.

Each server runs alone on core 0; this process pins itself to core 1 and is the load: N raw
asyncio readers of the stream (spread over several 127.0.1.x source addresses) and one
publisher. For each server, in turn:

1. connect N readers, at most 200 connects in flight: connects/s and server CPU per connect;
   resident memory before and after, per reader;
2. idle with heartbeats on (every 15 s everywhere): server CPU as a share of one core;
3. steady: posts of 512 bytes at 5/s, each timed from just before its API call to its arrival
   at every reader (p50, p99, max);
4. burst: 20 posts back to back: deliveries/s from the first call to the last arrival, server
   CPU per delivery, bytes per delivery; and what share of all deliveries arrived.

The servers: ``floor`` (``fanout_floor.py``, an ``asyncio.Protocol`` server writing one
pre-built frame to every transport; its "API call" is ``POST /publish``), ``nchan`` (nginx with
the Nchan module, one worker, if installed) and ``livefeed`` (``livefeed serve`` on SQLite,
publishing through ``POST /api/v1/feeds/bench/posts``). Every figure is also given as a ratio to
the floor. Then the polling path: ``GET /feeds/bench/updates?since=N`` answered 304 for its
ETag, against a bare Starlette route under the same uvicorn settings (``fanout_bare.py``).

A delivery's time is when the reader's kernel received it (``SO_TIMESTAMPNS``), not when this
busy process got round to reading it. The servers and this process run at the highest priority
this user may give (each server in a session of its own, so other sessions' work on a shared
machine yields to them); how long they still waited for their core is reported with each table.

    .venv/bin/python bench/fanout.py                       # N = 10,000
    .venv/bin/python bench/fanout.py --quick               # N = 1,000, shorter phases, no plots
    .venv/bin/python bench/fanout.py --sizes 1000,5000,10000,18000
    .venv/bin/python bench/fanout.py --instances 2 --readers 36000   # see fanout_cluster.py
    .venv/bin/python bench/fanout.py --pulse    # the newsroom's pulse's cost: fanout_pulse.py
    .venv/bin/python bench/fanout.py --workers 2 --readers 18000   # see fanout_workers.py
    .venv/bin/python bench/fanout.py --scale 150000                 # see fanout_workers.py

Results go to ``bench/results/fanout.json``; plots to ``docs/bench/fanout-latency.png`` and,
with two sizes or more, ``docs/bench/fanout-scaling.png``.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from time import perf_counter
from typing import Any

import numpy as np
from fanout_load import Arrivals, Crowd, Publisher, poll
from fanout_report import print_fanout, print_polling
from fanout_servers import (
    HOST,
    SLUG,
    Server,
    cpu_seconds,
    nchan_installed,
    nginx_version,
    raise_priority,
    restore_priority,
    sample_tasks,
    start_bare,
    start_floor,
    start_livefeed,
    start_nchan,
    wait_seconds,
)

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "fanout.json"
PLOTS = BENCH.parent / "docs" / "bench"
LOAD_CORE = 1
BODY_BYTES = 512
SPARE_FILES = 200
TEXT = (
    "Emergency crews reached the valley overnight after the river burst its banks, and the "
    "regional authority says the main road will stay closed until the bridge is inspected. "
)


def post_body(number: int) -> str:
    """A post body of exactly ``BODY_BYTES`` ASCII bytes."""
    text = f"Update {number}. " + TEXT * (BODY_BYTES // len(TEXT) + 1)
    return text[:BODY_BYTES]


def publish_payload(server: Server, number: int) -> bytes:
    """What the publisher POSTs: the post as JSON for Livefeed's API, the bare body elsewhere."""
    if server.name == "livefeed":
        post = {"headline": f"Update {number}", "body": post_body(number)}
        return json.dumps(post).encode()
    return post_body(number).encode()


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


def raise_file_limit(readers: int) -> int:
    """As many descriptors as allowed; the reader count that fits (the server needs as many)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return min(readers, hard - SPARE_FILES)


async def run(args: argparse.Namespace, options: Options, workdir: Path) -> dict[str, Any]:
    names = ["floor", *(["nchan"] if nchan_installed() else []), "livefeed"]
    if not nchan_installed():
        print("nchan: not installed (apt-get install nginx libnginx-mod-nchan); skipped")
    files = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    fanouts: dict[int, dict[str, Fanout]] = {}
    for n in args.sizes:
        fanouts[n] = {}
        for name in names:
            print(f"N = {n:,}: {name}", flush=True)
            place = Path(tempfile.mkdtemp(prefix=f"{name}-{n}-", dir=workdir))
            if name == "floor":
                server = start_floor(place)
            elif name == "nchan":
                server = start_nchan(place, files)
            else:
                server = start_livefeed(place)
            try:
                fanouts[n][name] = await fanout(server, n, options)
            finally:
                server.stop()
        print_fanout(n, fanouts[n], options)
    polls: dict[str, Polling] = {}
    if not args.no_polling:
        livefeed = start_livefeed(Path(tempfile.mkdtemp(prefix="poll-", dir=workdir)))
        try:
            publisher = livefeed.publisher()
            bodies = [publish_payload(livefeed, number) for number in range(20)]
            await asyncio.to_thread(publisher.run, bodies, None)
            publisher.close()
            path, etag = first_answer(livefeed)
            polls["livefeed"] = await polling(livefeed, path, etag, options)
        finally:
            livefeed.stop()
        bare = start_bare(Path(tempfile.mkdtemp(prefix="bare-", dir=workdir)))
        try:
            polls["bare"] = await polling(bare, path, etag, options)
        finally:
            bare.stop()
        print_polling(polls)
    return {
        "fanout": {str(n): {k: asdict(v) for k, v in by.items()} for n, by in fanouts.items()},
        "polling": {k: asdict(v) for k, v in polls.items()},
    }


def place_load() -> None:
    """This process on the load's core; the server gets the other."""
    if len(os.sched_getaffinity(0)) < 2:
        sys.exit("fanout: needs two cores, one for the server and one for the load")
    os.sched_setaffinity(0, {LOAD_CORE})


def code_revision() -> str:
    """The commit measured, and whether ``livefeed/`` had changes not yet committed."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BENCH.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "livefeed"],
            cwd=BENCH.parent,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} with uncommitted changes in livefeed/" if dirty else head


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, help="N (default 10,000; 36,000 with --instances 2)")
    parser.add_argument(
        "--instances",
        type=int,
        choices=(1, 2),
        default=1,
        help="2: two livefeed serve processes on PostgreSQL and Redis (fanout_cluster.py)",
    )
    parser.add_argument("--sizes", help="several N, comma-separated, e.g. 1000,5000,10000,18000")
    parser.add_argument("--quick", action="store_true", help="N = 1,000 and shorter phases")
    parser.add_argument("--idle", type=float, help="seconds of the idle phase (default 30)")
    parser.add_argument("--no-polling", action="store_true", help="skip the polling comparison")
    parser.add_argument("--no-plots", action="store_true", help="write no plots")
    parser.add_argument(
        "--rate",
        type=float,
        help="steady posts a second: with --instances 2 (4), with --scale (0.25)",
    )
    parser.add_argument(
        "--pulse", action="store_true", help="livefeed without and with the editors' pulse"
    )
    parser.add_argument(
        "--workers", type=int, help="livefeed serve --workers 1, then this many (fanout_workers.py)"
    )
    parser.add_argument(
        "--scale", type=int, metavar="N", help="hold N readers on one livefeed serve --workers W"
    )
    parser.add_argument("--rounds", type=int, default=2, help="with --pulse: rounds of each arm")
    parser.add_argument("--editors", type=int, default=5, help="with --pulse: editors' pages")
    args = parser.parse_args()
    if args.instances == 2:
        from fanout_cluster import main_cluster

        command = " ".join([".venv/bin/python", "bench/fanout.py", *sys.argv[1:]])
        main_cluster(args.readers or 36_000, args.rate or 4.0, command, code_revision())
        return
    command = " ".join([".venv/bin/python", "bench/fanout.py", *sys.argv[1:]])
    if args.workers or args.scale:
        from fanout_workers import main_scale, main_workers

        # Every load process and worker may hold this many descriptors.
        raise_file_limit(19_800)
        if args.scale:
            main_scale(args.scale, args.rate or 0.25, command, code_revision())
        else:
            main_workers(args.readers or 18_000, args.workers, command, code_revision())
        return
    args.readers = args.readers or 10_000
    if args.pulse:
        from fanout_pulse import main_pulse

        place_load()
        if raise_file_limit(args.readers) < args.readers:
            sys.exit(f"fanout: {args.readers:,} readers do not fit under the open-file limit")
        command = " ".join([".venv/bin/python", "bench/fanout.py", *sys.argv[1:]])
        main_pulse(args.readers, args.rounds, args.editors, command, code_revision())
        return
    options = Options()
    if args.quick:
        args.readers, args.no_plots = 1000, True
        options.idle_seconds, options.steady_posts, options.poll_seconds = 16.0, 20, 2.0
    if args.idle is not None:
        options.idle_seconds = args.idle
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [args.readers]
    place_load()
    priority = raise_priority()
    fits = raise_file_limit(max(sizes))
    if fits < max(sizes):
        print(f"fanout: at most {fits:,} readers fit under the open-file limit; capped")
    args.sizes = [min(n, fits) for n in sizes]

    started = time.time()
    load_average = Path("/proc/loadavg").read_text().split()[:3]
    revision = code_revision()
    try:
        with tempfile.TemporaryDirectory(prefix="fanout-") as workdir:
            results = asyncio.run(run(args, options, Path(workdir)))
    finally:
        restore_priority(priority)
    results |= {
        "command": " ".join([".venv/bin/python", "bench/fanout.py", *sys.argv[1:]]),
        "options": asdict(options),
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 1),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "nginx": nginx_version(),
            "load_average_at_start": load_average,
            "revision": revision,
        },
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(f"results: {RESULTS.relative_to(BENCH.parent)}")
    if not args.no_plots:
        from fanout_plot import plot

        for path in plot(results, PLOTS):
            print(f"plot: {path.relative_to(BENCH.parent)}")


if __name__ == "__main__":
    main()
