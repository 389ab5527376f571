"""Revalidations and polls under concurrency, against a bare handler in the same run.

``livefeed serve --workers 1`` on SQLite with a feed of 20 posts of 512 bytes, and a one-route
Starlette app answering 304 to every path under the same uvicorn (``fanout_bare.py``), each
alone on core 0; from core 1, 32 keep-alive connections ask as fast as they are answered:

- the feed page, Atom and ``updates?since=<last>`` with a matching ``If-None-Match`` (304);
- ``updates?since=<last - 5>``: five events, the 200 a poller gets after a post or five;
- the feed page for an anonymous reader without a validator (200, from the page cache).

Each is given as answers/s and server CPU per answer, and as a ratio to the bare handler's. Both
servers run at once and each target is asked of both in turn, ``--rounds`` times with the order
swapped each round; the ratio is the median of the rounds', with their range.

    .venv/bin/python bench/page_polling.py [--seconds 5] [--rounds 3]

Results go to ``bench/results/page_polling.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import statistics
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from fanout import LOAD_CORE
from fanout_phases import Options, Polling, polling
from fanout_posts import publish_payload
from fanout_servers import HOST, SLUG, Server, start_bare, start_livefeed

RESULTS = Path(__file__).resolve().parent / "results" / "page_polling.json"
PLOT = Path(__file__).resolve().parent.parent / "docs" / "bench" / "page-polling.png"
POSTS = 20
NO_MATCH = '"none"'


def etag_of(server: Server, path: str) -> str:
    client = http.client.HTTPConnection(HOST, server.port, timeout=10)
    try:
        client.request("GET", path)
        answer = client.getresponse()
        answer.read()
        assert answer.status == 200, f"{path}: {answer.status}"
        return answer.headers["ETag"]
    finally:
        client.close()


def last_seq(server: Server) -> int:
    client = http.client.HTTPConnection(HOST, server.port, timeout=10)
    try:
        client.request("GET", f"/feeds/{SLUG}/updates?since=0")
        seq: int = json.loads(client.getresponse().read())["last_seq"]
        return seq
    finally:
        client.close()


async def run(workdir: Path, options: Options, rounds: int) -> dict[str, dict[str, list[Polling]]]:
    """Both servers up at once, each target asked of one then the other, ``rounds`` times, the
    order swapped each round: a slow minute of the machine falls on both, not on one."""
    livefeed = start_livefeed(Path(tempfile.mkdtemp(prefix="live-", dir=workdir)))
    bare = start_bare(Path(tempfile.mkdtemp(prefix="bare-", dir=workdir)))
    results: dict[str, dict[str, list[Polling]]] = {}
    try:
        publisher = livefeed.publisher()
        bodies = [publish_payload(livefeed, number) for number in range(POSTS)]
        await asyncio.to_thread(publisher.run, bodies, None)
        publisher.close()
        time.sleep(1.0)
        last = last_seq(livefeed)
        page, atom = f"/feeds/{SLUG}", f"/feeds/{SLUG}/feed.atom"
        poll = f"/feeds/{SLUG}/updates?since={last}"
        targets = {
            "feed page 304": (page, etag_of(livefeed, page)),
            "Atom 304": (atom, etag_of(livefeed, atom)),
            "updates?since 304": (poll, etag_of(livefeed, poll)),
            "updates?since, 5 new": (f"/feeds/{SLUG}/updates?since={last - 5}", NO_MATCH),
            "feed page 200": (page, NO_MATCH),
        }
        for turn in range(rounds):
            for name, (path, etag) in targets.items():
                by = results.setdefault(name, {"livefeed": [], "bare": []})
                order = [(livefeed, etag), (bare, '"1"')]
                for server, asked in order if turn % 2 == 0 else order[::-1]:
                    by[server.name].append(await polling(server, path, asked, options))
                ratio = by["livefeed"][-1].per_second / by["bare"][-1].per_second
                print(f"round {turn + 1}: {name}: {ratio:.2f}×", flush=True)
    finally:
        livefeed.stop()
        bare.stop()
    return results


def ratios(by: dict[str, list[Polling]]) -> list[float]:
    return [a.per_second / b.per_second for a, b in zip(by["livefeed"], by["bare"], strict=True)]


def middle(runs: list[Polling], field: str) -> float:
    return statistics.median(getattr(run, field) for run in runs)


def plot(results: dict[str, dict[str, list[Polling]]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 3.2))
    names = list(results)
    spans = [ratios(results[name]) for name in names]
    middles = [statistics.median(span) for span in spans]
    errors = [
        [m - min(span) for m, span in zip(middles, spans, strict=True)],
        [max(span) - m for m, span in zip(middles, spans, strict=True)],
    ]
    axes.barh(names, middles, xerr=errors, color="#4a7fb5", capsize=3)
    axes.axvline(0.7, color="#c0392b", linewidth=1)
    axes.axvline(0.5, color="#c0392b", linewidth=1, linestyle=":")
    for index, middle in enumerate(middles):
        axes.text(middle, index - 0.3, f" {middle:.2f}×", va="center")
    axes.set_xlabel(
        "answers/s, livefeed ÷ bare handler, median and range of the rounds\n"
        "(red: the 304 goal, 0.7×; dotted: the page's, 0.5×)"
    )
    axes.invert_yaxis()
    figure.tight_layout()
    PLOT.parent.mkdir(exist_ok=True)
    figure.savefig(PLOT, dpi=110)
    print(f"plot: {PLOT}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.sched_setaffinity(0, {LOAD_CORE})
    options = Options(poll_seconds=args.seconds)
    with tempfile.TemporaryDirectory(prefix="page-polling-") as workdir:
        results = asyncio.run(run(Path(workdir), options, args.rounds))
    print(
        "| request | livefeed answers/s | bare answers/s | ratio (median) | ratios |"
        " CPU µs livefeed | bare |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|")
    for name, by in results.items():
        live, bare = by["livefeed"], by["bare"]
        statuses = ",".join(str(s) for s in sorted({k for p in live for k in p.answers}))
        span = ratios(by)
        print(
            f"| {name} ({statuses}) | {middle(live, 'per_second'):,.0f} |"
            f" {middle(bare, 'per_second'):,.0f} | {statistics.median(span):.2f}× |"
            f" {min(span):.2f}–{max(span):.2f}× | {middle(live, 'cpu_us'):.0f} |"
            f" {middle(bare, 'cpu_us'):.0f} |"
        )
    plot(results)
    RESULTS.parent.mkdir(exist_ok=True)
    command = f"bench/page_polling.py --seconds {args.seconds} --rounds {args.rounds}"
    RESULTS.write_text(
        json.dumps(
            {
                "command": f".venv/bin/python {command}",
                "results": {
                    n: {k: [asdict(run) for run in runs] for k, runs in by.items()}
                    for n, by in results.items()
                },
            },
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
