"""Revalidations and polls under concurrency, against a bare handler in the same run.

``livefeed serve --workers 1`` on SQLite with a feed of 20 posts of 512 bytes, and a one-route
Starlette app answering 304 to every path under the same uvicorn (``fanout_bare.py``), each
alone on core 0; from core 1, 32 keep-alive connections ask as fast as they are answered:

- the feed page, Atom and ``updates?since=<last>`` with a matching ``If-None-Match`` (304);
- ``updates?since=<last - 5>``: five events, the 200 a poller gets after a post or five;
- the feed page for an anonymous reader without a validator (200, from the page cache).

Each is given as answers/s and server CPU per answer, and as a ratio to the bare handler's.

    .venv/bin/python bench/page_polling.py [--seconds 5]

Results go to ``bench/results/page_polling.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from fanout import LOAD_CORE, Options, Polling, polling, publish_payload
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


async def run(workdir: Path, options: Options) -> dict[str, dict[str, Polling]]:
    livefeed = start_livefeed(Path(tempfile.mkdtemp(prefix="live-", dir=workdir)))
    results: dict[str, dict[str, Polling]] = {}
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
        for name, (path, etag) in targets.items():
            results[name] = {"livefeed": await polling(livefeed, path, etag, options)}
            print(name, results[name]["livefeed"].per_second, flush=True)
    finally:
        livefeed.stop()
    bare = start_bare(Path(tempfile.mkdtemp(prefix="bare-", dir=workdir)))
    try:
        for name, (path, _etag) in targets.items():
            results[name]["bare"] = await polling(bare, path, '"1"', options)
    finally:
        bare.stop()
    return results


def plot(ratios: dict[str, float]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 3.2))
    names = list(ratios)
    axes.barh(names, [ratios[name] for name in names], color="#4a7fb5")
    axes.axvline(0.7, color="#c0392b", linewidth=1)
    for index, name in enumerate(names):
        axes.text(ratios[name], index, f" {ratios[name]:.2f}×", va="center")
    axes.set_xlabel("answers/s, livefeed ÷ bare handler (red: the 304 goal, 0.7×)")
    axes.invert_yaxis()
    figure.tight_layout()
    PLOT.parent.mkdir(exist_ok=True)
    figure.savefig(PLOT, dpi=110)
    print(f"plot: {PLOT}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    os.sched_setaffinity(0, {LOAD_CORE})
    options = Options(poll_seconds=args.seconds)
    with tempfile.TemporaryDirectory(prefix="page-polling-") as workdir:
        results = asyncio.run(run(Path(workdir), options))
    print("| request | livefeed answers/s | bare answers/s | ratio | CPU µs livefeed | bare |")
    print("|---|--:|--:|--:|--:|--:|")
    for name, by in results.items():
        live, bare = by["livefeed"], by["bare"]
        statuses = ",".join(str(s) for s in sorted(live.answers))
        print(
            f"| {name} ({statuses}) | {live.per_second:,.0f} | {bare.per_second:,.0f} |"
            f" {live.per_second / bare.per_second:.2f}× | {live.cpu_us:.0f} | {bare.cpu_us:.0f} |"
        )
    plot({name: by["livefeed"].per_second / by["bare"].per_second for name, by in results.items()})
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "command": f".venv/bin/python bench/page_polling.py --seconds {args.seconds}",
                "results": {n: {k: asdict(v) for k, v in by.items()} for n, by in results.items()},
            },
            indent=1,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
