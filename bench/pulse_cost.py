"""What the newsroom's pulse costs the fan-out: the hub delivering batches to 10,000 readers
with and without the pulse's work, in the same run, rounds alternating.

The pulse adds two things beside the fan-out. The publish-to-screen beacons: one reader's page
in 100 measures each post, so every event brings 100 values, sent as beacons of 20; each is
read as the route reads it (its JSON, ``latencies_from``), kept (``Latencies.add``) and counted
in the histogram (``Metrics.screen_latencies``). The editors' live counts: each editor's page
asks every 5 s; counted pessimistically as ``--editors`` asks per event (a feed publishing every
5 s), each summing the readers, keeping the trail's point and taking the hour's percentiles
over samples filled to their bound. The database's counts (contributions, reports, composing)
are a few indexed reads per ask, not measured here.

The readers are the server's own ``SocketReader``s over a transport that takes the bytes and
drops them, as in ``bench/metrics_cost.py``. Prints each arm's CPU time per batch, their ratio,
and saves a plot to ``docs/bench/pulse-cost.png``.

    .venv/bin/python bench/pulse_cost.py [--readers 10000] [--batches 300] [--rounds 9]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from overhead import alternate, report, seconds_per_batch

from livefeed.domain import pulse
from livefeed.realtime.broker import MemoryBroker
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.metrics import Metrics

PLOT = Path(__file__).resolve().parent.parent / "docs" / "bench" / "pulse-cost.png"
BEACON = json.dumps({"latencies": [0.25 + n / 100 for n in range(pulse.BEACON_VALUES)]}).encode()


class PulseWork:
    """What the pulse asks of an instance for each event, done with the app's own parts."""

    def __init__(self, metrics: Metrics, readers: int, editors: int) -> None:
        self.metrics = metrics
        self.beacons = max(1, readers // pulse.READER_SAMPLE_ONE_IN // pulse.BEACON_VALUES)
        self.editors = editors
        self.latencies = pulse.Latencies()
        self.trail = pulse.ReaderTrail()
        self.broker = MemoryBroker()
        self.broker.report_readers({1: readers})
        now = time.time()
        # An hour of a busy feed's beacons: the samples at their bound.
        for _ in range(pulse.SAMPLES_PER_FEED // pulse.BEACON_VALUES):
            self.latencies.add(1, now, pulse.latencies_from(json.loads(BEACON)["latencies"]))

    async def per_event(self) -> None:
        now = time.time()
        for _ in range(self.beacons):
            values = pulse.latencies_from(json.loads(BEACON)["latencies"])
            self.latencies.add(1, now, values)
            self.metrics.screen_latencies(values)
        for _ in range(self.editors):
            readers = await self.broker.reader_total(1)
            self.trail.record(1, now, readers)
            self.trail.of(1, now)
            self.latencies.summary(1, now)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=10_000)
    parser.add_argument("--batches", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--editors", type=int, default=5)
    args = parser.parse_args()
    # The metrics' database readings are taken at a scrape, never here: any database will do.
    scratch = tempfile.mkdtemp()
    settings = Settings.from_env(
        {"LIVEFEED_DATABASE_URL": f"sqlite:///{scratch}/bench.db"}, env_file=None
    )
    svc = Services.build(settings)
    metrics = Metrics(svc)

    def with_pulse() -> PulseWork:
        return PulseWork(metrics, args.readers, args.editors)

    bare, pulsed = alternate(
        lambda extra, batches: asyncio.run(
            seconds_per_batch(args.readers, batches, per_event=extra().per_event if extra else None)
        ),
        with_pulse,
        args.batches,
        args.rounds,
    )
    svc.close()
    print(
        f"{args.readers:,} readers, {args.batches:,} batches of one event, {args.rounds} rounds, "
        f"{args.editors} editors' asks per event"
    )
    report("the pulse", bare, pulsed, args.readers, PLOT)


if __name__ == "__main__":
    main()
