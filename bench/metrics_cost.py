"""What counting costs the fan-out: the hub delivering batches to 10,000 readers with and
without the metrics' ``on_batch``, in the same run, rounds alternating.

The readers are the server's own ``SocketReader``s over a transport that takes the bytes and
drops them (what a socket's ``write`` costs is the same in both arms and not the question);
the metrics are the app's own ``Metrics.batch_sent``. Prints each arm's CPU time per batch, their
ratio, and saves a plot to ``docs/bench/metrics-cost.png``.

    .venv/bin/python bench/metrics_cost.py [--readers 10000] [--batches 2000] [--rounds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from overhead import alternate, report

from livefeed.domain.feeds import Feed
from livefeed.realtime.connections import SocketReader
from livefeed.realtime.hub import Frame, Hub, OnBatch
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.metrics import Metrics

PLOT = Path(__file__).resolve().parent.parent / "docs" / "bench" / "metrics-cost.png"
FRAME = b'id: 1\nevent: post.published\ndata: {"seq":1,"html":"' + b"x" * 900 + b'"}\n\n'


class Drain:
    """A transport that is always ready and keeps nothing."""

    def __init__(self) -> None:
        self.written = 0

    def write(self, data: bytes) -> None:
        self.written += len(data)

    def get_write_buffer_size(self) -> int:
        return 0

    def close(self) -> None: ...

    def abort(self) -> None: ...


async def seconds_per_batch(readers: int, batches: int, on_batch: OnBatch | None) -> float:
    seq = 0

    async def fetch(feed_id: int, after: int, limit: int) -> list[Frame]:
        return [Frame.of(after + 1, FRAME, created=time.time())] if after < seq else []

    async def lookup(slug: str) -> Feed | None:
        return None

    hub = Hub(fetch, lookup, tick_seconds=3600, on_batch=on_batch)
    drain = Drain()
    joined = [SocketReader(drain, 0) for _ in range(readers)]  # type: ignore[arg-type]
    for reader in joined:
        reader.release()
        hub.join(1, 0, reader)
    probe = joined[0]
    # CPU time of this process: on a shared machine, wall time also counts whoever else ran.
    started = time.process_time()
    for _ in range(batches):
        seq += 1
        hub.notify(1)
        while probe.last_seq < seq:
            await asyncio.sleep(0)
    elapsed = time.process_time() - started
    await hub.close()
    return elapsed / batches


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=10_000)
    parser.add_argument("--batches", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    # The metrics' database readings are taken at a scrape, never here: any database will do.
    scratch = tempfile.mkdtemp()
    settings = Settings.from_env(
        {"LIVEFEED_DATABASE_URL": f"sqlite:///{scratch}/bench.db"}, env_file=None
    )
    svc = Services.build(settings)
    metrics = Metrics(svc)
    bare, counted = alternate(
        lambda hook, batches: asyncio.run(seconds_per_batch(args.readers, batches, hook)),
        metrics.batch_sent,
        args.batches,
        args.rounds,
    )
    svc.close()
    print(f"{args.readers:,} readers, {args.batches:,} batches of one event, {args.rounds} rounds")
    report("metrics", bare, counted, args.readers, PLOT)


if __name__ == "__main__":
    main()
