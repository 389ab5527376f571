"""What the newsroom's pulse costs a live feed's fan-out, end to end: ``livefeed serve`` with N
readers, without and with the pulse's work, arms alternating, each on a fresh server.

The pulse arm adds what a big night brings beside the readers:

- the editors' pages following the pulse (``--editors``, 5): each an editor signed in and holding
  ``/feeds/bench/pulse`` as an event stream; the server reads the feed's pulse every 2 s for all
  of them and sends each page what changed;
- the publish-to-screen beacons: one reader's page in 100 measures each post and sends a beacon
  when it holds 20 values, each page from an address of its own, as readers have; so N / 100
  beacons for every 20 posts.

Each arm runs the phases of ``bench/fanout.py`` (connect, idle, steady, burst). Compared: the
server's CPU as a share of a core while idle, and its CPU per delivery in the steady and burst
phases. Every reader must get every post exactly once in both arms.

    .venv/bin/python bench/fanout.py --pulse [--readers 10000] [--rounds 2] [--editors 5]

Results go to ``bench/results/fanout-pulse.json``, the plot to ``docs/bench/fanout-pulse.png``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import secrets
import statistics
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx2 as httpx
from fanout import RESULTS
from fanout_load import Publisher
from fanout_phases import Meter, Options, fanout, settle
from fanout_servers import HOST, SLUG, start_livefeed

from livefeed.access import accounts
from livefeed.domain.pulse import BEACON_VALUES, READER_SAMPLE_ONE_IN
from livefeed.domain.users import Role
from livefeed.services import Services
from livefeed.settings import Settings

PULSE_RESULTS = RESULTS.with_name("fanout-pulse.json")
PLOT = RESULTS.parents[2] / "docs" / "bench" / "fanout-pulse.png"
ARMS = ("without the pulse", "with the pulse")
# Rounds of every sampled page's beacon, sent alone to price one.
BEACON_ROUNDS = 10


class Beacons:
    """The sampled readers' pages: every :data:`BEACON_VALUES` posts, each sends one beacon."""

    def __init__(self, port: int, pages: int) -> None:
        self.port = port
        self.pages = pages
        self.sent = 0
        self.refused = 0
        self.posts = 0
        self.tasks: set[asyncio.Task[None]] = set()
        self.loop = asyncio.get_running_loop()

    def post_arrived(self) -> None:
        """From the publisher's thread: one more post is out."""
        self.posts += 1
        if self.posts % BEACON_VALUES == 0:
            self.loop.call_soon_threadsafe(self.send_round)

    def send_round(self) -> None:
        task = self.loop.create_task(self._send_all())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _send_all(self) -> None:
        room = asyncio.Semaphore(20)
        values = [0.2 + n / 1000 for n in range(BEACON_VALUES)]
        body = json.dumps({"latencies": values}).encode()

        async def one(page: int) -> None:
            async with room:
                source = f"127.0.2.{page % 250 + 1}" if page < 250 else f"127.0.3.{page % 250 + 1}"
                reader, writer = await asyncio.open_connection(
                    HOST, self.port, local_addr=(source, 0)
                )
                head = (
                    f"POST /feeds/{SLUG}/latency HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
                    f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                    "Connection: close\r\n\r\n"
                )
                writer.write(head.encode() + body)
                status = await reader.readline()
                writer.close()
                if b" 204 " in status:
                    self.sent += 1
                else:
                    self.refused += 1

        await asyncio.gather(*(one(page) for page in range(self.pages)))

    async def finish(self) -> None:
        while self.tasks:
            await asyncio.gather(*self.tasks)


class Editors:
    """Editors signed in, each holding the feed's pulse as an event stream."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.pulses = 0
        self.tasks: list[asyncio.Task[None]] = []
        self.writers: list[asyncio.StreamWriter] = []

    async def open(self, database_url: str, count: int) -> None:
        cookies = await asyncio.to_thread(self._sign_in, database_url, count)
        for cookie in cookies:
            reader, writer = await asyncio.open_connection(HOST, self.port)
            writer.write(
                (
                    f"GET /feeds/{SLUG}/pulse HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
                    f"Accept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
                ).encode()
            )
            self.writers.append(writer)
            self.tasks.append(asyncio.get_running_loop().create_task(self._read(reader)))

    def _sign_in(self, database_url: str, count: int) -> list[str]:
        """Editors of the site (admins edit every feed), signed in through the login form."""
        settings = Settings.from_env({"LIVEFEED_DATABASE_URL": database_url}, env_file=None)
        svc = Services.build(settings)
        password = secrets.token_urlsafe(18)
        emails = [f"desk{number}@bench.example" for number in range(count)]
        try:
            for email in emails:
                accounts.add_user(svc, email, password, role=Role.ADMIN)
        finally:
            svc.close()
        cookies = []
        for email in emails:
            with httpx.Client(base_url=f"http://{HOST}:{self.port}", timeout=30) as client:
                page = client.get("/login").text
                found = re.search(r'name="csrf_token" value="([^"]+)"', page)
                assert found, "the login page has no form token"
                data = {"email": email, "password": password, "csrf_token": found.group(1)}
                answer = client.post("/login", data=data)
                if answer.status_code != 303:
                    raise RuntimeError(f"{email} could not sign in: {answer.status_code}")
                cookies.append("; ".join(f"{k}={v}" for k, v in client.cookies.items()))
        return cookies

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            if line.startswith(b"event: pulse"):
                self.pulses += 1

    def close(self) -> None:
        for writer in self.writers:
            writer.close()
        for task in self.tasks:
            task.cancel()


async def one_arm(place: Path, readers: int, editors: int, options: Options) -> dict[str, Any]:
    """One fresh server and the phases of ``fanout.py``; with ``editors``, the pulse's work."""
    server = start_livefeed(place)
    database_url = f"sqlite:///{place / 'livefeed' / 'bench.db'}"
    extra: dict[str, Any] = {}
    try:
        if not editors:
            return {"fanout": asdict(await fanout(server, readers, options))}
        desk = Editors(server.port)
        await desk.open(database_url, editors)
        beacons = Beacons(server.port, max(1, readers // READER_SAMPLE_ONE_IN))
        made = server.publisher

        def beaconing() -> Publisher:
            inner = made()
            run = inner.publish

            def publish(body: bytes) -> tuple[bytes, float, float]:
                done = run(body)
                beacons.post_arrived()
                return done

            inner.publish = publish  # type: ignore[method-assign]
            return inner

        measured = await fanout(dataclasses.replace(server, publisher=beaconing), readers, options)
        await beacons.finish()
        extra = {"pulses_heard": desk.pulses, "beacons": beacons.sent, "refused": beacons.refused}
        desk.close()
        # The beacons alone, the readers gone: what one costs the server, too small to tell
        # apart from the fan-out's own spread above.
        await settle(server)
        before = beacons.sent
        meter = Meter(server)
        for _ in range(BEACON_ROUNDS):
            beacons.send_round()
            await beacons.finish()
        extra["beacon_cpu_us"] = meter.cost().server_cpu / max(1, beacons.sent - before) * 1e6
        return {"fanout": asdict(measured), **extra}
    finally:
        server.stop()


def figures(run: dict[str, Any]) -> dict[str, float]:
    found = run["fanout"]
    return {
        "idle CPU, % of a core": found["idle_cpu_percent"],
        "steady CPU per delivery, µs": found["steady"]["server_cpu"]
        / max(1, found["steady_got"])
        * 1e6,
        "burst CPU per delivery, µs": found["burst_cpu_us"],
        "delivered, %": found["delivered_percent"],
    }


async def run_pulse(readers: int, rounds: int, editors: int) -> dict[str, Any]:
    options = Options()
    runs: dict[str, list[dict[str, Any]]] = {arm: [] for arm in ARMS}
    with tempfile.TemporaryDirectory(prefix="fanout-pulse-") as workdir:
        for number in range(rounds):
            order = ARMS if number % 2 == 0 else ARMS[::-1]
            for arm in order:
                print(f"round {number + 1}: {arm}", flush=True)
                place = Path(tempfile.mkdtemp(prefix="arm-", dir=workdir))
                count = editors if arm == ARMS[1] else 0
                runs[arm].append(await one_arm(place, readers, count, options))
    return runs


def report(runs: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, float]]:
    medians: dict[str, dict[str, float]] = {}
    for arm, done in runs.items():
        each = [figures(run) for run in done]
        medians[arm] = {name: statistics.median(f[name] for f in each) for name in each[0]}
    width = max(len(name) for name in medians[ARMS[0]]) + 1
    print(f"{'':<{width}} {ARMS[0]:>18} {ARMS[1]:>18} {'ratio':>8}")
    for name in medians[ARMS[0]]:
        base, pulsed = medians[ARMS[0]][name], medians[ARMS[1]][name]
        ratio = pulsed / base if base else float("nan")
        print(f"{name:<{width}} {base:>18.2f} {pulsed:>18.2f} {ratio:>8.3f}")
    heard = [run.get("pulses_heard", 0) for run in runs[ARMS[1]]]
    beacons = [run.get("beacons", 0) for run in runs[ARMS[1]]]
    refused = [run.get("refused", 0) for run in runs[ARMS[1]]]
    print(f"pulses heard by the editors: {heard}; beacons taken: {beacons}; refused: {refused}")
    beacon = statistics.median(run["beacon_cpu_us"] for run in runs[ARMS[1]])
    readers = runs[ARMS[0]][0]["fanout"]["readers"]
    per_event = beacon * max(1, readers // READER_SAMPLE_ONE_IN) / BEACON_VALUES
    event = medians[ARMS[0]]["steady CPU per delivery, µs"] * readers
    print(
        f"one beacon: {beacon:.0f} µs of server CPU; {per_event / 1000:.2f} ms per post at "
        f"{readers:,} readers, {100 * per_event / event:.2f} % of the post's fan-out "
        f"({event / 1000:.0f} ms)"
    )
    medians["beacons"] = {"cpu_us_each": beacon, "share_of_fanout_percent": 100 * per_event / event}
    return medians


def plot(runs: dict[str, list[dict[str, Any]]], readers: int, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = ["steady CPU per delivery, µs", "burst CPU per delivery, µs"]
    figure, axes = plt.subplots(1, 2, figsize=(8, 3.2))
    for axis, name in zip(axes, names, strict=True):
        values = [[figures(run)[name] for run in runs[arm]] for arm in ARMS]
        axis.boxplot(values)
        axis.set_xticks([1, 2], ["without", "with the pulse"])
        axis.set_title(name, fontsize=10)
        axis.set_ylim(bottom=0)
    figure.suptitle(f"livefeed serve, {readers:,} readers: the newsroom's pulse", fontsize=11)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)


def main_pulse(readers: int, rounds: int, editors: int, command: str, revision: str) -> None:
    started = time.time()
    runs = asyncio.run(run_pulse(readers, rounds, editors))
    medians = report(runs)
    PULSE_RESULTS.parent.mkdir(exist_ok=True)
    PULSE_RESULTS.write_text(
        json.dumps(
            {
                "command": command,
                "revision": revision,
                "readers": readers,
                "editors": editors,
                "seconds": round(time.time() - started, 1),
                "medians": medians,
                "runs": runs,
            },
            indent=1,
        )
        + "\n"
    )
    plot(runs, readers, PLOT)
    print(f"results: {PULSE_RESULTS.relative_to(RESULTS.parents[1])}; plot: {PLOT.name}")
