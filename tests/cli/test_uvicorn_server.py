"""``livefeed serve`` looks at its clock once a second, yet stops as soon as it is told to, and
stops gracefully: the lifespan's shutdown runs and the process says it finished."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
import urllib.request
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from tests.cli.test_site import COMMAND
from tests.ports import free_port

WAIT = 10.0
# Spawning the workers and starting each app takes long on a busy machine.
STARTING = 60.0


class Served:
    """The real command on a free port, each line it prints kept with when it came."""

    def __init__(self, env: dict[str, str], tmp_path: Path, workers: int) -> None:
        self.port = free_port()
        command = [COMMAND, "serve", "--workers", str(workers), "--host", "127.0.0.1"]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={"PATH": "/usr/bin:/bin"} | env,
            cwd=tmp_path,
        )
        self.lines: list[tuple[float, str]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append((time.monotonic(), line))

    def when(self, words: str, count: int = 1, wait: float = WAIT) -> list[float]:
        """When the first ``count`` lines holding ``words`` were printed (waiting for them)."""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            found = [at for at, line in list(self.lines) if words in line]
            if len(found) >= count:
                return found[:count]
            time.sleep(0.01)
        raise AssertionError(f"no {words!r} in {''.join(line for _, line in self.lines)}")

    def close(self) -> None:
        # Terminated, not killed: the workers of a killed parent would live on.
        self.process.terminate()
        self.process.wait(WAIT)
        self._reader.join(WAIT)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_signal_to_stop_is_heard_at_once_and_the_stop_is_graceful(
    migrated: dict[str, str], tmp_path: Path, workers: int
) -> None:
    served = Served(migrated, tmp_path, workers)
    try:
        # A worker binds its shared socket before its app starts, and says nothing of it.
        served.when("Application startup complete", workers, STARTING)
        told = time.monotonic()
        served.process.send_signal(signal.SIGTERM)
        heard = served.when("Shutting down", workers)
        # The loop wakes once a second: a stop waiting for that wake-up would take 0.5 s on
        # average, up to a whole second.
        assert max(heard) - told < 0.4
        served.when("Finished server process", workers)
        assert served.process.wait(WAIT) in (0, -signal.SIGTERM)
    finally:
        served.close()


def test_the_date_header_moves_on_with_the_clock(migrated: dict[str, str], tmp_path: Path) -> None:
    served = Served(migrated, tmp_path, 1)
    try:
        served.when("Uvicorn running on", wait=STARTING)
        dates = []
        for _ in range(2):
            before = time.time()
            with urllib.request.urlopen(f"http://127.0.0.1:{served.port}/healthz") as response:
                date = parsedate_to_datetime(response.headers["Date"]).timestamp()
            # The header is renewed as each second of the clock begins.
            assert int(before) - 1 <= date <= time.time()
            dates.append(date)
            time.sleep(1.2)
        assert dates[1] > dates[0]
    finally:
        served.close()
