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
from pathlib import Path

from overhead import alternate, report, seconds_per_batch

from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.metrics import Metrics

PLOT = Path(__file__).resolve().parent.parent / "docs" / "bench" / "metrics-cost.png"


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
        lambda hook, batches: asyncio.run(seconds_per_batch(args.readers, batches, on_batch=hook)),
        metrics.batch_sent,
        args.batches,
        args.rounds,
    )
    svc.close()
    print(f"{args.readers:,} readers, {args.batches:,} batches of one event, {args.rounds} rounds")
    report("metrics", bare, counted, args.readers, PLOT)


if __name__ == "__main__":
    main()
