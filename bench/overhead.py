"""What a piece of work beside the fan-out costs it: the fan-out timed without and with it in
the same run, rounds alternating, the medians' ratio printed and the rounds plotted.

The fan-out is the app's own: 10,000 of the server's ``SocketReader``s joined to a real
``Hub``, over a transport that takes the bytes and drops them (what a socket's ``write`` costs
is the same in both arms and not the question). ``metrics_cost.py`` measures the metrics with it;
the newsroom's pulse is measured end to end instead (``fanout.py --pulse``).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from livefeed.domain.feeds import Feed
from livefeed.realtime.connections import SocketReader
from livefeed.realtime.hub import Frame, Hub, OnBatch

T = TypeVar("T")
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


async def seconds_per_batch(
    readers: int,
    batches: int,
    *,
    on_batch: OnBatch | None = None,
    per_event: Callable[[], Awaitable[None]] | None = None,
) -> float:
    """CPU time per batch of one event fanned out to ``readers``, with ``on_batch`` told of each
    batch by the hub and ``per_event`` done beside each event."""
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
        if per_event is not None:
            await per_event()
        while probe.last_seq < seq:
            await asyncio.sleep(0)
    elapsed = time.process_time() - started
    await hub.close()
    return elapsed / batches


def alternate(
    measure: Callable[[T | None, int], float], work: T, batches: int, rounds: int
) -> tuple[list[float], list[float]]:
    """Seconds per batch without ``work`` (``None``) and with it, ``rounds`` times each."""
    bare: list[float] = []
    treated: list[float] = []
    arms: list[tuple[T | None, list[float]]] = [(None, bare), (work, treated)]
    # A round of each first, not kept: the first run pays for warming the allocator up.
    for arm, _ in arms:
        measure(arm, max(1, batches // 4))
    for number in range(rounds):
        # Each arm goes first every other round, so neither always runs on a warmer machine.
        for arm, times in arms if number % 2 == 0 else arms[::-1]:
            times.append(measure(arm, batches))
    return bare, treated


def report(what: str, bare: list[float], treated: list[float], readers: int, plot: Path) -> None:
    """Each round, the medians and their ratio; the rounds as a box plot in ``plot``."""
    base, with_it = statistics.median(bare), statistics.median(treated)
    without_label, with_label = f"without {what}", f"with {what}"
    width = max(len(without_label), len(with_label)) + 1
    print("CPU time per batch, each round:")
    for label, times in ((without_label, bare), (with_label, treated)):
        print(f"  {label + ':':<{width}} " + " ".join(f"{t * 1e3:.2f}" for t in times) + " ms")
    for label, median in ((without_label, base), (with_label, with_it)):
        print(f"{label + ':':<{width}} {median * 1e3:.3f} ms per batch (median)")
    print(f"ratio: {with_it / base:.4f} ({(with_it / base - 1) * 100:+.2f} %)")
    _plot(bare, treated, (without_label, with_label), readers, plot)
    print(f"plot: {plot.relative_to(plot.parents[2])}")


def _plot(
    bare: list[float], treated: list[float], labels: tuple[str, str], readers: int, path: Path
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(6, 3.2))
    axes.boxplot([[s * 1e3 for s in bare], [s * 1e3 for s in treated]])
    axes.set_xticks([1, 2], list(labels))
    axes.set_ylabel("ms per batch")
    axes.set_title(f"Fan-out of one event to {readers:,} readers")
    axes.set_ylim(bottom=0)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
