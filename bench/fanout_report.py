"""The fan-out benchmark's tables: every figure per server, and Livefeed's and nchan's as a
ratio to the raw-asyncio floor, next to the target. Printed as Markdown tables, so a run's output
can go into ``docs/benchmarks.md`` as it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class Options(Protocol):
    steady_posts: int
    steady_rate: float
    burst_posts: int
    idle_seconds: float
    poll_connections: int
    poll_seconds: float


@dataclass(frozen=True)
class Row:
    label: str
    value: Callable[[Any], float]
    form: str
    target: str
    compare: bool = True


ROWS = [
    Row("connects/s", lambda f: f.connects_per_s, "{:,.0f}", "≥ 0.5× floor"),
    Row("server CPU per connect, µs", lambda f: f.connect_cpu_us, "{:,.0f}", ""),
    Row("memory per reader, KB", lambda f: f.bytes_per_reader / 1024, "{:,.1f}", "≤ 10 KB"),
    Row("idle CPU, % of a core", lambda f: f.idle_cpu_percent, "{:.2f}", "≤ 0.5 %", False),
    Row("steady latency p50, ms", lambda f: f.steady_p50_ms, "{:,.1f}", ""),
    Row("steady latency p99, ms", lambda f: f.steady_p99_ms, "{:,.1f}", "≤ 2.5× floor"),
    Row("steady latency max, ms", lambda f: f.steady_max_ms, "{:,.1f}", ""),
    Row("publish call (median), ms", lambda f: f.steady_publish_ms, "{:,.2f}", ""),
    Row("burst deliveries/s", lambda f: f.burst_deliveries_per_s, "{:,.0f}", "≥ 0.5× floor"),
    Row("burst, first call to last arrival, ms", lambda f: f.burst_last_ms, "{:,.0f}", ""),
    Row("server CPU per delivery, µs", lambda f: f.burst_cpu_us, "{:,.2f}", "≤ 2× floor"),
    Row("bytes per delivery", lambda f: f.burst_bytes, "{:,.0f}", ""),
    Row("delivered, %", lambda f: f.delivered_percent, "{:.3f}", "100 %", False),
]


def ratio(value: float, floor: float) -> str:
    if floor <= 0 or value <= 0:
        return "—"
    shown = value / floor
    return f"{shown:,.2f}×" if shown < 100 else f"{shown:,.0f}×"


def markdown(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(row: list[str]) -> str:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        return "| " + " | ".join(cells) + " |"

    rule = "|" + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths)) + "|"
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


def fanout_table(figures: dict[str, Any]) -> str:
    floor = figures["floor"]
    others = [name for name in ("nchan", "livefeed") if name in figures]
    head = ["", "floor"]
    for name in others:
        head += [name, f"{name} ÷ floor"]
    rows = [[*head, "target"]]
    for row in ROWS:
        base = row.value(floor)
        cells = [row.label, row.form.format(base)]
        for name in others:
            value = row.value(figures[name])
            cells += [row.form.format(value), ratio(value, base) if row.compare else ""]
        rows.append([*cells, row.target])
    return markdown(rows)


def notes(figures: dict[str, Any], options: Options) -> list[str]:
    """What the table cannot show: readers connected, heartbeats heard, who else used the CPU."""
    lines = []
    for name, f in figures.items():
        phases = [p for p in (f.connect, f.idle, f.steady, f.burst) if p is not None]
        others = max((p.other_cpu / p.wall for p in phases), default=0.0)
        load = [100 * p.load_cpu / p.wall for p in (f.connect, f.burst) if p is not None]
        waited = max((1000 * p.server_wait / p.wall for p in phases), default=0.0)
        load_waited = max((1000 * p.load_wait / p.wall for p in phases), default=0.0)
        lines.append(
            f"{name}: {f.connected:,}/{f.readers:,} readers connected; "
            f"{f.idle_heard:,} heard a heartbeat in {options.idle_seconds:.0f} s idle; "
            f"load process at {' and '.join(f'{x:.0f}' for x in load)} % of its core "
            f"(connect, burst); other processes used up to {others:.2f} cores; the server "
            f"waited for its core up to {waited:.0f} ms/s, the load {load_waited:.0f} ms/s"
        )
    return lines


def print_fanout(n: int, figures: dict[str, Any], options: Options) -> None:
    print()
    print(
        f"Fan-out to {n:,} readers: steady {options.steady_posts} posts at "
        f"{options.steady_rate:g}/s, burst of {options.burst_posts}"
    )
    print()
    print(fanout_table(figures))
    print()
    for line in notes(figures, options):
        print(f"- {line}")
    print(flush=True)


def polling_table(polls: dict[str, Any]) -> str:
    bare = polls["bare"]
    rows = [["", "bare handler", "livefeed 304", "livefeed ÷ bare", "target"]]
    rows.append(
        [
            "answers/s",
            f"{bare.per_second:,.0f}",
            f"{polls['livefeed'].per_second:,.0f}",
            ratio(polls["livefeed"].per_second, bare.per_second),
            "≥ 0.5×",
        ]
    )
    rows.append(
        [
            "server CPU per answer, µs",
            f"{bare.cpu_us:,.0f}",
            f"{polls['livefeed'].cpu_us:,.0f}",
            ratio(polls["livefeed"].cpu_us, bare.cpu_us),
            "",
        ]
    )
    return markdown(rows)


def print_polling(polls: dict[str, Any]) -> None:
    print()
    print("Polling: GET /feeds/bench/updates?since=N with If-None-Match")
    print()
    print(polling_table(polls))
    print()
    for name, poll in polls.items():
        statuses = ", ".join(f"{count:,} × {status}" for status, count in poll.answers.items())
        load = 100 * poll.cost.load_cpu / poll.cost.wall
        waited = 1000 * poll.cost.server_wait / poll.cost.wall
        print(
            f"- {name}: {statuses}; load process at {load:.0f} % of its core; "
            f"server waited for its core {waited:.0f} ms/s"
        )
    print(flush=True)
