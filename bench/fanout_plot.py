"""The fan-out benchmark's plots, drawn from the results it writes to JSON.

- ``fanout-latency.png``: for one N, the distribution of the steady phase's latency from the API
  call to arrival, as a cumulative share of deliveries, one line per server;
- ``fanout-scaling.png``: with two sizes or more, burst deliveries/s and memory per reader
  against N.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

STYLE: dict[str, dict[str, Any]] = {
    "floor": {"color": "#4d4d4d", "linestyle": "--", "label": "raw asyncio floor"},
    "nchan": {"color": "#1b7837", "linestyle": "-.", "label": "nginx + Nchan, 1 worker"},
    "livefeed": {"color": "#c2185b", "linestyle": "-", "label": "livefeed serve"},
}
LATENCY_N = 10_000


def latency(results: dict[str, Any], path: Path) -> Path:
    sizes = sorted(int(n) for n in results["fanout"])
    n = LATENCY_N if LATENCY_N in sizes else sizes[-1]
    figures = results["fanout"][str(n)]
    options = results["options"]
    fig, ax = plt.subplots(figsize=(7.5, 4.2), dpi=110)
    for name, f in figures.items():
        quantiles = f["latency_quantiles"]
        if not quantiles:
            continue
        shares = [i / (len(quantiles) - 1) for i in range(len(quantiles))]
        p99 = f["steady_p99_ms"]
        ax.plot(quantiles, shares, **STYLE[name])
        ax.plot([p99], [0.99], marker="o", color=STYLE[name]["color"], markersize=4)
    ax.set_xscale("log")
    ax.set_xlabel("API call to arrival at the reader, ms (log scale); dot = p99")
    ax.set_ylabel("share of deliveries")
    ax.set_ylim(0, 1.01)
    ax.grid(True, which="both", alpha=0.3)
    ax.set_title(
        f"Steady phase: {options['steady_posts']} posts at {options['steady_rate']:g}/s "
        f"to {n:,} readers",
        fontsize=10,
    )
    ax.legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def scaling(results: dict[str, Any], path: Path) -> Path:
    sizes = sorted(int(n) for n in results["fanout"])
    names = [name for name in STYLE if name in results["fanout"][str(sizes[0])]]
    fig, (rate, memory) = plt.subplots(1, 2, figsize=(10, 4.2), dpi=110)
    for name in names:
        runs = [results["fanout"][str(n)].get(name) for n in sizes]
        xs = [n for n, f in zip(sizes, runs, strict=True) if f]
        rate.plot(xs, [f["burst_deliveries_per_s"] for f in runs if f], marker="o", **STYLE[name])
        memory.plot(
            xs, [f["bytes_per_reader"] / 1024 for f in runs if f], marker="o", **STYLE[name]
        )
    rate.set_title("Burst of 20 posts: deliveries per second", fontsize=10)
    rate.set_ylabel("deliveries/s")
    memory.set_title("Server memory per reader (RSS growth ÷ N)", fontsize=10)
    memory.set_ylabel("KB per reader")
    memory.axhline(10, color="#999999", linewidth=0.8, linestyle=":")
    memory.annotate("target ≤ 10 KB", (sizes[0], 10), fontsize=8, color="#666666")
    for ax in (rate, memory):
        ax.set_xlabel("readers (N)")
        ax.set_xticks(sizes)
        ax.set_xticklabels([f"{n // 1000}k" for n in sizes])
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
    rate.legend(loc="lower right", fontsize=9)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot(results: dict[str, Any], folder: Path) -> list[Path]:
    """Draw what the results allow; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [latency(results, folder / "fanout-latency.png")]
    if len(results["fanout"]) >= 2:
        written.append(scaling(results, folder / "fanout-scaling.png"))
    return written
