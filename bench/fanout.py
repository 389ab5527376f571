"""Fan-out of a feed's posts to N Server-Sent Events readers, against a lower bound and nchan.

Each server runs alone on core 0; this process pins itself to core 1 and is the load: N raw
asyncio readers of the stream (spread over several 127.0.1.x source addresses) and one
publisher. For each server, in turn (the phases are in ``fanout_phases.py``):

1. connect N readers, at most 200 connects in flight: connects/s and server CPU per connect;
   resident memory before and after, per reader;
2. idle with heartbeats on (every 15 s everywhere): server CPU as a share of one core;
3. steady: posts of 512 bytes at 5/s, each timed from just before its API call to its arrival
   at every reader (p50, p99, max);
4. burst: 20 posts back to back: deliveries/s from the first call to the last arrival, server
   CPU per delivery, bytes per delivery; and what share of all deliveries arrived.

The servers: ``floor`` (``fanout_floor.py``, an ``asyncio.Protocol`` server writing one
pre-built frame to every transport; its "API call" is ``POST /publish``), ``nchan`` (nginx with
the Nchan module, one worker, if installed: ``fanout_nchan.py``) and ``livefeed``
(``livefeed serve`` on SQLite, publishing through ``POST /api/v1/feeds/bench/posts``). Every
figure is also given as a ratio to the floor. Then the polling path:
``GET /feeds/bench/updates?since=N`` answered 304 for its ETag, against a bare Starlette route
under the same uvicorn settings (``fanout_bare.py``).

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
    .venv/bin/python bench/fanout.py --idle-together  # idle, both servers at once: fanout_idle.py

Results go to ``bench/results/fanout.json``; plots to ``docs/bench/fanout-latency.png`` and,
with two sizes or more, ``docs/bench/fanout-scaling.png``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fanout_nchan import nchan_installed, nginx_version, start_nchan
from fanout_phases import Fanout, Options, Polling, fanout, first_answer, polling
from fanout_posts import publish_payload
from fanout_report import print_fanout, print_polling
from fanout_servers import raise_priority, restore_priority, start_bare, start_floor, start_livefeed

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "fanout.json"
PLOTS = BENCH.parent / "docs" / "bench"
LOAD_CORE = 1
SPARE_FILES = 200


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
    parser.add_argument(
        "--idle-together",
        action="store_true",
        help="idle only, the floor and livefeed held and measured at once (fanout_idle.py)",
    )
    parser.add_argument(
        "--windows", type=int, default=4, help="with --idle-together: windows measured"
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
    if args.idle_together:
        from fanout_idle import main_idle

        place_load()
        raise_file_limit(args.readers)
        priority = raise_priority()
        try:
            main_idle(
                args.readers,
                args.windows,
                args.idle or 60.0,
                command,
                code_revision(),
                not args.no_plots,
            )
        finally:
            restore_priority(priority)
        return
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
