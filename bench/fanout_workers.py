"""Every core from one command: ``livefeed serve --workers N``, and the most readers it holds.

``fanout.py --workers 2`` lands here: the same readers on ``livefeed serve --workers 1`` and then
on ``--workers 2`` (SQLite, the workers woken through the site's wake directory), each time on a
fresh site; readers held, deliveries a second in a burst and steady latency, the second as a
ratio to the first. ``fanout.py --scale 150000`` holds that many readers on one
``livefeed serve --workers W`` (W keeps each worker under 15,000 readers, the open-file limit
being 20,000 a process) and reports readers held, memory, exactly-once, steady and burst p99,
and what a post costs the cores: the workers' CPU and the load's, beyond what heartbeats alone
cost them (measured over 30 s first).

Neither pins anything: the workers and the load processes (``fanout_load_process.py``, each
holding at most 18,000 readers from source addresses of its own) share the machine's cores as
the kernel sees fit, so a figure is what this machine does with everything on it, load
included. Posts go through the API of one of the workers (the kernel picks which), and every
reader must get each post once, in order, whichever worker holds it.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from fanout_cluster import settle
from fanout_load_process import Load
from fanout_posts import post_body
from fanout_servers import (
    HOST,
    Server,
    children,
    cpu_seconds,
    free_port,
    launch,
    livefeed_server,
    prepare_site,
)

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
PLOTS = BENCH.parent / "docs" / "bench"
PER_LOAD = 18_000
PER_WORKER = 15_000
IDLE_SECONDS = 30.0  # two heartbeats: what they cost comes off the steady posts' CPU


@dataclass
class Run:
    """One server's figures: ``workers`` processes holding ``readers``."""

    workers: int
    readers: int
    loads: int
    steady_rate: float
    steady_posts: int
    burst_posts: int
    held: int = 0
    connect_seconds: float = 0.0
    per_worker: tuple[int, ...] = ()
    rss_before: int = 0
    rss_after: int = 0
    cpu_s: float = 0.0
    # CPU a second with nothing published (heartbeats), the server's and the load's; then the
    # steady posts' CPU beyond that: together, what a post costs the machine's cores before its
    # last reader can have it.
    idle_cpu_per_s: float = 0.0
    idle_load_cpu_per_s: float = 0.0
    steady_cpu_s: float = 0.0
    steady_load_cpu_s: float = 0.0
    delivered: int = 0
    expected: int = 0
    complete: int = 0
    missing: int = 0
    out_of_order: int = 0
    duplicates: int = 0
    steady_p50_ms: float = 0.0
    steady_p99_ms: float = 0.0
    burst_p99_ms: float = 0.0
    burst_ms: float = 0.0
    burst_deliveries_per_s: float = 0.0
    publish_ms_median: float = 0.0
    # Each load process's steady latencies, ms, at the 201 quantiles 0, 0.5 %, …, 100 %.
    quantiles: list[list[float]] = field(default_factory=list)


def payload(number: int) -> bytes:
    return json.dumps({"headline": f"Update {number}", "body": post_body(number)}).encode()


def start_workers(workdir: Path, workers: int) -> Server:
    port = free_port()
    site = workdir / f"workers-{workers}"
    site.mkdir()
    env, token = prepare_site(site, port)
    command = [str(Path(sys.executable).parent / "livefeed"), "serve", "--workers", str(workers)]
    command += ["--host", HOST, "--port", str(port)]
    process, log = launch(command, site, f"livefeed-{workers}", env, None)
    server = livefeed_server(f"livefeed --workers {workers}", process, port, token, log)
    server.wait_ready()
    # Spawned workers come up one after another: count them all before measuring.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        server.pids = [process.pid, *children(process.pid)]
        if workers == 1 or len(server.pids) > workers:
            break
        time.sleep(0.5)
    return server


def workers_of(server: Server) -> list[int]:
    """The processes serving: the one process, or the supervisor's spawned workers (not
    multiprocessing's resource tracker)."""
    spawned = []
    for pid in server.pids[1:]:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if b"resource_tracker" not in command:
            spawned.append(pid)
    return spawned or server.pids[:1]


def sockets_of(pid: int) -> int:
    try:
        return sum(
            1
            for fd in Path(f"/proc/{pid}/fd").iterdir()
            if fd.readlink().name.startswith("socket:")
        )
    except (FileNotFoundError, ProcessLookupError):
        return 0


def measure(run: Run, workdir: Path) -> Run:
    server = start_workers(workdir, run.workers)
    loads: list[Load] = []
    try:
        publisher = server.publisher()
        publisher.publish(payload(0))
        settle([server])
        run.rss_before = server.rss()
        share = math.ceil(run.readers / run.loads)
        sizes = [min(share, run.readers - i * share) for i in range(run.loads)]
        loads = [Load(f"127.0.{10 + i}", server.port, n, i % 2, 200) for i, n in enumerate(sizes)]
        started = time.perf_counter()
        connected = Load.ask_all(loads, {"do": "connect"})
        run.connect_seconds = time.perf_counter() - started
        run.held = sum(answer["connected"] for answer in connected)
        print(f"  {run.held:,} of {run.readers:,} held in {run.connect_seconds:.1f} s", flush=True)
        settle([server])
        run.rss_after = server.rss()
        # The listening socket and the wake directory's are a few; the rest are readers.
        run.per_worker = tuple(sockets_of(pid) for pid in workers_of(server))

        before, load_before, started = server.cpu(), load_seconds(loads), time.perf_counter()
        time.sleep(IDLE_SECONDS)
        idle = time.perf_counter() - started
        run.idle_cpu_per_s = cpu_seconds(before, server.cpu()) / idle
        run.idle_load_cpu_per_s = (load_seconds(loads) - load_before) / idle

        cpu, load_cpu, started = server.cpu(), load_seconds(loads), time.perf_counter()
        steady = publisher.run([payload(n + 1) for n in range(run.steady_posts)], run.steady_rate)
        keys = [k.decode() for k, _, _ in steady]
        Load.ask_all(loads, {"do": "wait", "keys": keys, "timeout": 120})
        took = time.perf_counter() - started
        run.steady_cpu_s = cpu_seconds(cpu, server.cpu()) - run.idle_cpu_per_s * took
        run.steady_load_cpu_s = load_seconds(loads) - load_cpu - run.idle_load_cpu_per_s * took
        settle([server])
        burst = publisher.run([payload(1000 + n) for n in range(run.burst_posts)], None)
        keys = [k.decode() for k, _, _ in burst]
        Load.ask_all(loads, {"do": "wait", "keys": keys, "timeout": 240})
        run.cpu_s = cpu_seconds(cpu, server.cpu())
        publisher.close()

        calls = steady + burst
        report = Load.report(steady, burst)
        answers = Load.ask_all(loads, report)
        run.delivered = sum(a["delivered"] for a in answers)
        run.expected = sum(a["expected"] for a in answers)
        run.complete = sum(a["complete_in_order_once"] for a in answers)
        run.missing = sum(a["missing_some"] for a in answers)
        run.out_of_order = sum(a["out_of_order"] for a in answers)
        run.duplicates = sum(a["duplicates"] for a in answers)
        weights = [a["readers"] for a in answers]
        run.steady_p50_ms = float(
            np.average([a["steady_p50_ms"] for a in answers], weights=weights)
        )
        run.steady_p99_ms = max(a["steady_p99_ms"] for a in answers)
        run.burst_p99_ms = max(a["burst_p99_ms"] for a in answers)
        run.burst_ms = max(a["burst_first_call_to_last_arrival_ms"] for a in answers)
        run.burst_deliveries_per_s = run.held * run.burst_posts / max(run.burst_ms / 1000, 1e-9)
        run.publish_ms_median = 1000 * float(np.median([took for _, _, took in calls]))
        run.quantiles = [a["latency_quantiles"] for a in answers]
        return run
    finally:
        for load in loads:
            load.stop()
        server.stop()


def load_seconds(loads: list[Load]) -> float:
    """CPU the load processes have used so far."""
    answers = Load.ask_all(loads, {"do": "cpu"})
    return sum(answer["cpu_so_far"] for answer in answers)


def per_reader(run: Run) -> float:
    return (run.rss_after - run.rss_before) / max(1, run.held)


def idle_cpu(run: Run) -> str:
    return f"{100 * run.idle_cpu_per_s:.1f} + {100 * run.idle_load_cpu_per_s:.1f}"


def steady_cpu(run: Run) -> str:
    return f"{run.steady_cpu_s:.1f} + {run.steady_load_cpu_s:.1f}"


def post_seconds(run: Run) -> str:
    """The soonest a post's last reader can have it, were every core at work on it alone."""
    spent = (run.steady_cpu_s + run.steady_load_cpu_s) / run.steady_posts
    return f"{spent / (os.cpu_count() or 1):.2f}"


def faults(run: Run) -> str:
    return f"{run.missing}, {run.out_of_order}, {run.duplicates}"


def table(runs: list[Run]) -> str:
    rows = [
        ("readers held", lambda r: f"{r.held:,} of {r.readers:,}"),
        ("readers per worker", lambda r: " / ".join(f"{n:,}" for n in r.per_worker)),
        ("connect time, s", lambda r: f"{r.connect_seconds:.1f}"),
        ("server memory per reader, KB", lambda r: f"{per_reader(r) / 1024:.1f}"),
        ("server resident set, MB", lambda r: f"{r.rss_before >> 20} → {r.rss_after >> 20}"),
        ("deliveries received", lambda r: f"{r.delivered:,} of {r.expected:,}"),
        ("readers with every post, in order, once", lambda r: f"{r.complete:,}"),
        ("readers missing a post, out of order, twice", faults),
        ("steady latency p50, ms", lambda r: f"{r.steady_p50_ms:,.0f}"),
        ("steady latency p99, ms", lambda r: f"{r.steady_p99_ms:,.0f}"),
        ("burst latency p99, ms", lambda r: f"{r.burst_p99_ms:,.0f}"),
        ("burst, first call to last arrival, ms", lambda r: f"{r.burst_ms:,.0f}"),
        ("burst deliveries/s", lambda r: f"{r.burst_deliveries_per_s:,.0f}"),
        ("publish call median, ms", lambda r: f"{r.publish_ms_median:.1f}"),
        ("server CPU, s", lambda r: f"{r.cpu_s:.1f}"),
        ("idle CPU, server + load, % of a core", idle_cpu),
        ("steady posts' CPU beyond idle, server + load, s", steady_cpu),
        ("a steady post's CPU ÷ cores, s", post_seconds),
    ]  # fmt: skip
    head = "| " + " | ".join(["", *(f"--workers {r.workers}" for r in runs)]) + " |"
    lines = [head, "|---" + "|--:" * len(runs) + "|"]
    lines += ["| " + " | ".join([label, *(cell(r) for r in runs)]) + " |" for label, cell in rows]
    return "\n".join(lines)


def finish(name: str, runs: list[Run], command: str, revision: str, started: float) -> None:
    print("\n" + table(runs))
    if len(runs) == 2:
        one, two = runs
        print(
            f"\n--workers {two.workers} ÷ --workers {one.workers}: burst deliveries/s "
            f"{two.burst_deliveries_per_s / one.burst_deliveries_per_s:.2f}×, steady p99 "
            f"{two.steady_p99_ms / one.steady_p99_ms:.2f}×, publish call "
            f"{two.publish_ms_median / one.publish_ms_median:.2f}×"
        )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(
        json.dumps(
            {
                "command": command,
                "revision": revision,
                "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
                "seconds": round(time.time() - started, 1),
                "load_average_at_start": Path("/proc/loadavg").read_text().split()[:3],
                "runs": [asdict(r) for r in runs],
            },
            indent=1,
        )
        + "\n"
    )
    print(f"results: {path.relative_to(BENCH.parent)}")
    print(f"plot: {plot(name, runs).relative_to(BENCH.parent)}")


def plot(name: str, runs: list[Run]) -> Path:
    """Each run's steady latency, one line per load process (its readers' share of the
    deliveries), so a load process the machine left behind shows apart from the rest."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = ("#4d4d4d", "#c2185b")
    fig, ax = plt.subplots(figsize=(7.5, 4.2), dpi=110)
    for run, colour in zip(runs, colours, strict=False):
        for number, quantiles in enumerate(run.quantiles):
            shares = [i / (len(quantiles) - 1) for i in range(len(quantiles))]
            label = f"--workers {run.workers}, {run.held:,} readers" if number == 0 else None
            ax.plot(quantiles, shares, color=colour, linewidth=1, alpha=0.8, label=label)
    ax.set_xscale("log")
    ax.set_xlabel("API call to arrival at the reader, ms (log scale), one line per load process")
    ax.set_ylabel("share of deliveries")
    ax.set_ylim(0, 1.01)
    ax.grid(True, which="both", alpha=0.3)
    run = runs[-1]
    ax.set_title(
        f"Steady phase: {run.steady_posts} posts at {run.steady_rate:g}/s, "
        f"every core of the machine shared by server and load",
        fontsize=10,
    )
    ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    path = PLOTS / f"{name}.png"
    fig.savefig(path)
    plt.close(fig)
    return path


def main_workers(readers: int, workers: int, command: str, revision: str) -> None:
    """The same readers on one worker, then on ``workers``."""
    started = time.time()
    loads = math.ceil(readers / PER_LOAD)
    runs = []
    with tempfile.TemporaryDirectory(prefix="fanout-workers-") as workdir:
        for count in (1, workers):
            print(f"livefeed serve --workers {count}, {readers:,} readers", flush=True)
            run = Run(count, readers, loads, steady_rate=2.0, steady_posts=20, burst_posts=20)
            runs.append(measure(run, Path(workdir)))
    finish("fanout-workers", runs, command, revision, started)


def main_scale(readers: int, rate: float, command: str, revision: str) -> None:
    """As many readers as asked, on as many workers as keep each under ``PER_WORKER``."""
    started = time.time()
    workers = math.ceil(readers / PER_WORKER)
    loads = math.ceil(readers / PER_LOAD)
    print(f"livefeed serve --workers {workers}, {readers:,} readers, {loads} load processes")
    # A post to every reader costs the machine seconds of CPU at this size, the load's part
    # included: below the rate the machine keeps up with, the steady latency is one post's.
    run = Run(workers, readers, loads, steady_rate=rate, steady_posts=10, burst_posts=10)
    with tempfile.TemporaryDirectory(prefix="fanout-scale-") as workdir:
        runs = [measure(run, Path(workdir))]
    finish("fanout-scale", runs, command, revision, started)
