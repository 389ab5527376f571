"""Readers held by processes of their own, each driven over its stdin and stdout.

One process cannot hold more readers than its open-file limit allows, nor read them on more
than one core; ``fanout_cluster.py`` and ``fanout_workers.py`` need both. Each load process
keeps, for every reader, the ids it received in order, and checks them itself, so that only a
summary comes back over the pipe.

A load process answers one JSON command a line:

- ``{"do": "connect"}``: connect its readers; how many held, in how long, at what CPU;
- ``{"do": "wait", "keys": [...], "timeout": s}``: until every open reader has those posts,
  nothing more came for 10 s or ``s`` seconds passed; deliveries got and expected;
- ``{"do": "heard", "since": t}``: how many open readers received something (a heartbeat)
  after the time ``t`` (``time.time()``);
- ``{"do": "cpu"}``: the CPU it has used so far, user and system;
- ``{"do": "report", ...}``: each reader's account of the posts sent (:func:`reader_report`);
- anything else: close the readers and end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
from functools import partial
from pathlib import Path
from time import perf_counter
from typing import Any

import numpy as np
from fanout_load import Arrivals, Crowd, Trail
from fanout_servers import HOST, SLUG, pin_to_core

# A post's key, when its call was made and how long it took (``Publisher.run``).
Call = tuple[bytes, float, float]


class Load:
    """A load process, driven over its stdin and stdout."""

    def __init__(self, prefix: str, port: int, n: int, core: int, concurrency: int) -> None:
        """``n`` readers of ``port`` from the addresses ``prefix``.1–8, on ``core``."""
        command = [sys.executable, str(Path(__file__).resolve()), "--load", str(port), str(n)]
        command += [prefix, str(concurrency)]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
            preexec_fn=partial(pin_to_core, core),
        )

    def send(self, command: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()

    def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("a load process ended early")
        answer: dict[str, Any] = json.loads(line)
        return answer

    @staticmethod
    def report(steady: list[Call], burst: list[Call]) -> dict[str, Any]:
        """The command for each reader's account of the posts ``steady`` and ``burst`` sent."""
        calls = steady + burst
        return {
            "do": "report",
            "keys": [k.decode() for k, _, _ in calls],
            "sent": [when for _, when, _ in calls],
            "steady": len(steady),
        }

    @staticmethod
    def ask_all(loads: list[Load], command: dict[str, Any]) -> list[dict[str, Any]]:
        """Send ``command`` to every load process at once, then collect their answers."""
        for load in loads:
            load.send(command)
        return [load.receive() for load in loads]

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self.send({"do": "quit"})
                self.process.wait(30)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(10)


def reader_report(
    trails: list[tuple[bool, Trail]], keys: list[bytes], sent: list[float], steady: int
) -> dict[str, Any]:
    """Per reader: were ``keys`` received each once and in this order? Latencies in ms."""
    wanted = set(keys)
    sent_at = dict(zip(keys, sent, strict=True))
    complete = duplicates = out_of_order = missing_readers = delivered = extra = 0
    steady_keys = set(keys[:steady])
    steady_ms: list[float] = []
    burst_ms: list[float] = []
    burst_last = 0.0
    for _, trail in trails:
        seen = [(k, t) for k, t in zip(trail.keys, trail.times, strict=True) if k in wanted]
        extra += len(trail.keys) - len(seen)
        order = [k for k, _ in seen]
        unique = set(order)
        delivered += len(unique)
        duplicates += len(order) - len(unique)
        if order == keys:
            complete += 1
        elif len(unique) < len(keys):
            missing_readers += 1
        else:
            out_of_order += 1
        first: dict[bytes, float] = {}
        for key, when in seen:
            first.setdefault(key, when)
        for key, when in first.items():
            if key in steady_keys:
                steady_ms.append(1000 * (when - sent_at[key]))
            else:
                burst_ms.append(1000 * (when - sent_at[key]))
                burst_last = max(burst_last, when)
    latency = np.array(steady_ms) if steady_ms else np.zeros(1)
    burst_first = sent[steady] if steady < len(sent) else 0.0
    return {
        "readers": len(trails),
        "open_at_end": sum(open_ for open_, _ in trails),
        "complete_in_order_once": complete,
        "missing_some": missing_readers,
        "out_of_order": out_of_order,
        "duplicates": duplicates,
        "other_frames": extra,
        "delivered": delivered,
        "expected": len(trails) * len(keys),
        "steady_p50_ms": float(np.percentile(latency, 50)),
        "steady_p99_ms": float(np.percentile(latency, 99)),
        "steady_max_ms": float(latency.max()),
        "burst_p99_ms": float(np.percentile(burst_ms, 99)) if burst_ms else 0.0,
        "burst_first_call_to_last_arrival_ms": 1000 * (burst_last - burst_first)
        if burst_last
        else 0.0,
        "latency_quantiles": [float(v) for v in np.quantile(latency, np.linspace(0, 1, 201))],
    }


def own_cpu() -> float:
    """CPU seconds this process has used, user and system."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def load_main(port: int, n: int, prefix: str, concurrency: int) -> None:
    """Answer one JSON command a line on stdin: connect, wait, heard, cpu, report, quit."""
    sources = tuple(f"{prefix}.{i}" for i in range(1, 9))
    arrivals = Arrivals()
    crowd = Crowd(HOST, port, f"/feeds/{SLUG}/events", arrivals, sources=sources, trails=True)

    def answer(value: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(value) + "\n")
        sys.stdout.flush()

    while line := await asyncio.to_thread(sys.stdin.readline):
        command = json.loads(line)
        if command["do"] == "connect":
            started, cpu = perf_counter(), own_cpu()
            connected = await crowd.connect(n, concurrency=concurrency)
            answer(
                {
                    "connected": connected,
                    "seconds": perf_counter() - started,
                    "cpu": own_cpu() - cpu,
                }
            )
        elif command["do"] == "wait":
            keys = [k.encode() for k in command["keys"]]
            expected = crowd.open_count() * len(keys)
            deadline, got, moved = perf_counter() + command["timeout"], -1, perf_counter()
            while perf_counter() < deadline:
                now = arrivals.count(keys)
                if now >= expected:
                    break
                if now > got:
                    got, moved = now, perf_counter()
                elif perf_counter() - moved > 10:
                    break
                await asyncio.sleep(0.05)
            answer({"got": arrivals.count(keys), "expected": expected})
        elif command["do"] == "heard":
            answer({"heard": crowd.seen_since(command["since"])})
        elif command["do"] == "cpu":
            answer({"cpu_so_far": own_cpu()})
        elif command["do"] == "report":
            keys = [k.encode() for k in command["keys"]]
            trails = [(r.open, r.arrivals) for r in crowd.readers]
            assert all(isinstance(t, Trail) for _, t in trails)
            cpu = own_cpu()
            report = reader_report(trails, keys, command["sent"], command["steady"])  # type: ignore[arg-type]
            report["load_cpu_s"] = cpu
            answer(report)
        else:
            break
    crowd.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--load", nargs=4, metavar=("PORT", "N", "PREFIX", "CONCURRENCY"))
    args = parser.parse_args()
    port_, n_, prefix_, concurrency_ = args.load
    resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE)[1:] * 2)
    asyncio.run(load_main(int(port_), int(n_), prefix_, int(concurrency_)))
