"""Idle CPU of Livefeed and of the floor measured over the same windows, side by side.

``fanout.py`` measures idle one server after the other, minutes apart, and on a shared virtual
machine the floor's own figure moves as much between two such runs (0.56 % to 0.73 % of a core)
as the 1.2× the goal allows. Here both servers hold N readers at once, on the same core, with
their loads (``fanout_load_process.py``) on the other, and each window's CPU is read for both
at the same moments: whatever slows the machine in a window slows both.

Both servers send a heartbeat to every reader every 15 s and do nothing else a reader could
see; a window reports each server's CPU as a share of one core, their ratio, and how many of
each server's readers heard a heartbeat in it.

    .venv/bin/python bench/fanout.py --idle-together            # N = 10,000, 4 windows of 60 s
    .venv/bin/python bench/fanout.py --idle-together --readers 5000 --windows 2 --idle 30

Results go to ``bench/results/fanout_idle.json``; the plot to ``docs/bench/fanout-idle.png``.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fanout_cluster import settle
from fanout_load_process import Load
from fanout_posts import publish_payload
from fanout_servers import cpu_seconds, start_floor, start_livefeed

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "fanout_idle.json"
PLOT = BENCH.parent / "docs" / "bench" / "fanout-idle.png"
LOAD_CORE = 1
NAMES = ("floor", "livefeed")


def ratio(percent: dict[str, float]) -> float:
    """Livefeed's CPU as a multiple of the floor's."""
    return percent["livefeed"] / max(1e-9, percent["floor"])


@dataclass
class Window:
    seconds: float
    percent: dict[str, float]
    heard: dict[str, int]

    @property
    def ratio(self) -> float:
        return ratio(self.percent)


@dataclass
class IdleRun:
    readers: int
    held: dict[str, int] = field(default_factory=dict)
    windows: list[Window] = field(default_factory=list)

    def overall(self) -> dict[str, float]:
        wall = sum(w.seconds for w in self.windows)
        return {
            name: sum(w.percent[name] * w.seconds for w in self.windows) / max(1e-9, wall)
            for name in NAMES
        }


def measure(readers: int, windows: int, seconds: float, workdir: Path) -> IdleRun:
    run = IdleRun(readers)
    servers = {
        "floor": start_floor(Path(tempfile.mkdtemp(prefix="floor-", dir=workdir))),
        "livefeed": start_livefeed(Path(tempfile.mkdtemp(prefix="livefeed-", dir=workdir))),
    }
    loads: dict[str, Load] = {}
    try:
        for server in servers.values():
            # One post before anyone listens, as in fanout.py: imports and caches warmed.
            publisher = server.publisher()
            publisher.publish(publish_payload(server, 0))
            publisher.close()
        for index, (name, server) in enumerate(servers.items()):
            loads[name] = Load(f"127.0.{20 + index}", server.port, readers, LOAD_CORE, 200)
        answers = Load.ask_all(list(loads.values()), {"do": "connect"})
        for name, answer in zip(loads, answers, strict=True):
            run.held[name] = answer["connected"]
            print(f"  {name}: {answer['connected']:,} of {readers:,} readers held", flush=True)
        settle(list(servers.values()), quiet=0.01, longest=20.0)
        for number in range(1, windows + 1):
            before = {name: s.cpu() for name, s in servers.items()}
            started, since = time.monotonic(), time.time()
            time.sleep(seconds)
            after = {name: s.cpu() for name, s in servers.items()}
            wall = time.monotonic() - started
            heard = Load.ask_all(list(loads.values()), {"do": "heard", "since": since})
            window = Window(
                wall,
                {n: 100 * cpu_seconds(before[n], after[n]) / wall for n in NAMES},
                {n: answer["heard"] for n, answer in zip(loads, heard, strict=True)},
            )
            run.windows.append(window)
            print(
                f"  window {number}: floor {window.percent['floor']:.2f} %, livefeed "
                f"{window.percent['livefeed']:.2f} % of a core: {window.ratio:.2f}×",
                flush=True,
            )
    finally:
        for load in loads.values():
            load.stop()
        for server in servers.values():
            server.stop()
    return run


def print_idle(run: IdleRun, seconds: float) -> None:
    print(f"\nN = {run.readers:,}, windows of {seconds:.0f} s, both servers held at once\n")
    print(
        "| window | floor, % of a core | livefeed, % of a core | ÷     | heard (floor / livefeed) |"
    )
    print(
        "|-------:|-------------------:|----------------------:|------:|--------------------------|"
    )
    for number, w in enumerate(run.windows, 1):
        print(
            f"| {number:>6} | {w.percent['floor']:>18.2f} | {w.percent['livefeed']:>21.2f} | "
            f"{w.ratio:.2f}× | {w.heard['floor']:,} / {w.heard['livefeed']:,} |"
        )
    total = run.overall()
    print(
        f"|    all | {total['floor']:>18.2f} | {total['livefeed']:>21.2f} | {ratio(total):.2f}× | "
        f"goal ≤ 1.2× |"
    )


def plot(run: IdleRun, path: Path) -> Path:
    """One pair of bars a window, and the pair of all windows together, each with its ratio."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    total = run.overall()
    pairs = [(str(i), w.percent) for i, w in enumerate(run.windows, 1)] + [("all", total)]
    places = range(len(pairs))
    fig, ax = plt.subplots(figsize=(7.5, 4.0), dpi=110)
    width = 0.38
    for offset, name, color, label in (
        (-width / 2, "floor", "#4d4d4d", "raw asyncio floor"),
        (width / 2, "livefeed", "#c2185b", "livefeed serve"),
    ):
        heights = [percent[name] for _, percent in pairs]
        ax.bar([i + offset for i in places], heights, width, color=color, label=label)
    for i, (_, percent) in zip(places, pairs, strict=True):
        ax.annotate(f"{ratio(percent):.2f}×", (i, max(percent.values())), ha="center", va="bottom")
    ax.set_xticks(list(places), [label for label, _ in pairs])
    ax.set_ylim(0, 1.3 * max(max(p.values()) for _, p in pairs))
    ax.set_xlabel(f"window of {run.windows[0].seconds:.0f} s, both servers measured at once")
    ax.set_ylabel("server CPU, % of one core")
    ax.set_title(f"Idle with {run.readers:,} readers each, heartbeats every 15 s")
    ax.legend(loc="upper left", ncol=2)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def main_idle(
    readers: int, windows: int, seconds: float, command: str, revision: str, plots: bool
) -> None:
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="fanout-idle-") as workdir:
        run = measure(readers, windows, seconds, Path(workdir))
    print_idle(run, seconds)
    results = asdict(run) | {
        "overall": run.overall(),
        "command": command,
        "revision": revision,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(f"results: {RESULTS.relative_to(BENCH.parent)}")
    if plots:
        print(f"plot: {plot(run, PLOT).relative_to(BENCH.parent)}")
