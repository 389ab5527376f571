"""Server time of the feed page and the API's first page, each against a minimal handler.

Builds a site (``page_site.py``) with two feeds, one of 20 posts and one of ``--posts`` posts,
published through the same use case the desk uses; serves it with uvicorn in a subprocess, next
to a one-route Starlette app served with the same settings; then times sequential requests over
one keep-alive HTTP/1.1 connection per page on loopback, from sending the request to the last
byte received. The minimal handler's time is the unit: a ratio of 3 means three times what the
framework and the server cost on their own.

    .venv/bin/python bench/page.py [--posts 10000] [--requests 300] [--postgres]

Results go to ``bench/results/page.json`` and the plot to ``docs/bench/page.png``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from page_site import SMALL, Opener, Site, build_site, postgres_database, sqlite_database

from livefeed.distribution.reading import PAGE_SIZE

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results" / "page.json"
PLOT = ROOT / "docs" / "bench" / "page.png"
HOST = "127.0.0.1"
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
WARMUP = 50
# Requests are taken in rounds, every page in turn, so a slow minute of the machine falls on
# all of them alike rather than on whichever page happened to be measured then.
ROUNDS = 5
AIM = 5.0


# --- Serving and timing --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def uvicorn(factory: str, env: dict[str, str], cpu: int | None) -> Iterator[int]:
    """One uvicorn process, one worker, serving ``apps:<factory>``; yields its port."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", f"apps:{factory}", "--factory",
        "--app-dir", str(BENCH), "--host", HOST, "--port", str(port),
        "--no-access-log", "--log-level", "warning", "--timeout-keep-alive", "300",
    ]  # fmt: skip
    process = subprocess.Popen(command, env=os.environ | env, cwd=ROOT)
    try:
        if cpu is not None:
            os.sched_setaffinity(process.pid, {cpu})
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"uvicorn serving {factory} exited with {process.returncode}")
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    port: int
    path: str
    # Something the body must hold, so that a fast error page is never taken for a fast page.
    expect: bytes


@dataclass(frozen=True)
class Measured:
    name: str
    label: str
    path: str
    median_ms: float
    p90_ms: float
    ratio: float
    bytes: int


class Client:
    """One keep-alive connection; times a GET from the request sent to the last byte read."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.connection = http.client.HTTPConnection(HOST, target.port)
        self.size = 0

    def get(self) -> float:
        started = time.perf_counter_ns()
        self.connection.request("GET", self.target.path)
        response = self.connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter_ns() - started
        if response.status != 200 or self.target.expect not in body:
            raise RuntimeError(f"GET {self.target.path} answered {response.status}")
        if response.getheader("connection", "").lower() == "close":
            raise RuntimeError(f"GET {self.target.path} did not keep the connection alive")
        self.size = len(body)
        return elapsed / 1e6

    def close(self) -> None:
        self.connection.close()


def measure(targets: list[Target], requests: int) -> list[Measured]:
    clients = [Client(target) for target in targets]
    times: list[list[float]] = [[] for _ in targets]
    try:
        for client in clients:
            for _ in range(WARMUP):
                client.get()
        for round_number in range(ROUNDS):
            share = requests // ROUNDS + (round_number < requests % ROUNDS)
            for client, samples in zip(clients, times, strict=True):
                samples.extend(client.get() for _ in range(share))
    finally:
        for client in clients:
            client.close()
    baseline = statistics.median(times[0])
    return [
        Measured(
            name=target.name,
            label=target.label,
            path=target.path,
            median_ms=statistics.median(samples),
            p90_ms=statistics.quantiles(samples, n=10, method="inclusive")[-1],
            ratio=statistics.median(samples) / baseline,
            bytes=client.size,
        )
        for target, samples, client in zip(targets, times, clients, strict=True)
    ]


def api(slug: str) -> str:
    return f"/api/v1/feeds/{slug}/posts"


def run_backend(site: Site, requests: int, cpus: tuple[int, int] | None) -> list[Measured]:
    server_cpu = cpus[1] if cpus else None
    env = {
        "LIVEFEED_DATABASE_URL": site.database_url,
        "LIVEFEED_SEED_DEMO": "false",
    }
    with uvicorn("minimal", {}, server_cpu) as minimal, uvicorn("livefeed", env, server_cpu) as app:
        big = f"{site.posts:,} posts"
        post, listed = b'class="post', b'"posts":[{'
        targets = [
            Target("minimal", "minimal handler", minimal, "/", b"ok"),
            Target("page_small", f"feed page, {SMALL} posts", app, "/feeds/small", post),
            Target("page_big", f"feed page, {big}", app, "/feeds/big", post),
            Target(
                "page_deep",
                f"feed page {site.deep_page}, {big}",
                app,
                f"/feeds/big?cursor={site.deep_cursor}",
                post,
            ),
            Target("api_small", f"API first page, {SMALL} posts", app, api("small"), listed),
            Target("api_big", f"API first page, {big}", app, api("big"), listed),
        ]
        return measure(targets, requests)


# --- Reporting -----------------------------------------------------------------------------------


def table(rows: list[Measured]) -> str:
    lines = [
        "| Request | Median ms | p90 ms | × minimal | Response KiB |",
        "|---|--:|--:|--:|--:|",
    ]
    lines += [
        f"| {row.label} | {row.median_ms:.2f} | {row.p90_ms:.2f} | {row.ratio:.1f} "
        f"| {row.bytes / 1024:.1f} |"
        for row in rows
    ]
    return "\n".join(lines)


def machine() -> dict[str, object]:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    revision = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "revision": revision,
        "cpu": model,
        "cpus": len(os.sched_getaffinity(0)),
        "system": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        **{name: version(name) for name in ("starlette", "uvicorn", "sqlalchemy", "jinja2")},
    }


def plot(results: dict[str, list[Measured]], posts: int, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    names = [row.label for row in next(iter(results.values()))]
    figure, axes = pyplot.subplots(figsize=(10, 5.2), layout="constrained")
    width = 0.8 / len(results)
    for index, (backend, rows) in enumerate(results.items()):
        xs = [n + (index - (len(results) - 1) / 2) * width for n in range(len(rows))]
        bars = axes.bar(xs, [row.median_ms for row in rows], width, label=backend)
        axes.bar_label(bars, [f"{row.ratio:.1f}×" for row in rows], padding=2, fontsize=8)
        baseline = rows[0].median_ms
        axes.axhline(AIM * baseline, color=bars[0].get_facecolor(), linestyle="--", linewidth=0.8)
    axes.set_xticks(range(len(names)), [name.replace(", ", ",\n") for name in names], fontsize=8)
    axes.set_ylabel("median ms per request (loopback, keep-alive)")
    axes.set_title(
        f"Livefeed feed page and API, {posts:,} posts: median time, and ratio to a minimal "
        f"Starlette handler\n(dashed: the {AIM:.0f}× aim)",
        fontsize=10,
    )
    axes.legend()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=10_000, help="posts in the big feed")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page")
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    parser.add_argument(
        "--postgres-url", default=POSTGRES_ADMIN, help="server and database to create ours from"
    )
    args = parser.parse_args(argv)
    if args.posts < 2 * PAGE_SIZE:
        parser.error(f"--posts must be at least {2 * PAGE_SIZE}, for a page deep in the feed")

    info = machine()
    cpus = sorted(os.sched_getaffinity(0))
    pinned = (cpus[0], cpus[1]) if len(cpus) >= 2 else None
    if pinned:
        # The client on one core, both servers on the other: neither steals the other's time.
        os.sched_setaffinity(0, {pinned[0]})

    backends: list[tuple[str, Opener]] = [("SQLite", sqlite_database)]
    if args.postgres:
        backends.append(("PostgreSQL", lambda: postgres_database(args.postgres_url)))

    results: dict[str, list[Measured]] = {}
    builds: dict[str, float] = {}
    loads: dict[str, float] = {}
    for backend, database in backends:
        with database() as url:
            print(f"{backend}: publishing {SMALL} + {args.posts:,} posts…")
            site = build_site(url, args.posts)
            builds[backend] = site.publish_seconds
            rate = (SMALL + args.posts) / site.publish_seconds
            print(f"  published in {site.publish_seconds:.1f} s ({rate:.0f} posts/s)")
            print(f"{backend}: timing {args.requests} requests per page after {WARMUP} warm-up…")
            results[backend] = run_backend(site, args.requests, pinned)
            # Other work on the machine slows complex pages more than the minimal handler.
            loads[backend] = os.getloadavg()[0]
        print(f"\n{backend} (load average {loads[backend]:.1f})\n{table(results[backend])}\n")

    report = {
        "command": " ".join(["bench/page.py", *(argv if argv is not None else sys.argv[1:])]),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": info,
        "posts": args.posts,
        "requests": args.requests,
        "warmup": WARMUP,
        "cpu_pinning": pinned is not None,
        "publish_seconds": builds,
        "load_average": loads,
        "results": {name: [asdict(row) for row in rows] for name, rows in results.items()},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    plot(results, args.posts, PLOT)
    print(f"Wrote {RESULTS.relative_to(ROOT)} and {PLOT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
