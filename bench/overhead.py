"""What a piece of work beside the fan-out costs it: the fan-out timed without and with it in
the same run, rounds alternating, the medians' ratio printed and the rounds plotted.

Shared by ``metrics_cost.py`` and ``pulse_cost.py``.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


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
