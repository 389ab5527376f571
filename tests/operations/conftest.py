"""``livefeed serve`` for real, on a loopback port, with what it logs kept for the test to read."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ports import free_port

COMMAND = Path(sys.executable).with_name("livefeed")
START_TIMEOUT = 30.0


@dataclass
class Served:
    url: str
    port: int
    log: Path
    process: subprocess.Popen[bytes]

    def at(self, path: str) -> str:
        return self.url + path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


Serve = Callable[..., Served]


@pytest.fixture
def serve(sqlite_template: Path, tmp_path: Path) -> Iterator[Serve]:
    """Start ``livefeed serve`` over a migrated SQLite file with extra ``LIVEFEED_*`` values;
    waits until ``/healthz`` answers; stopped at the test's end."""
    started: list[Served] = []

    def start(*args: str, migrated: bool = True, **settings: str) -> Served:
        database = tmp_path / "livefeed.db"
        if migrated and not database.exists():
            shutil.copy(sqlite_template, database)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEFEED_")}
        env.update(
            LIVEFEED_DATABASE_URL=f"sqlite:///{database}",
            LIVEFEED_PORT=str(port),
            PYTHONUNBUFFERED="1",
            **settings,
        )
        log = tmp_path / f"serve-{len(started)}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [str(COMMAND), "serve", *args],
                env=env,
                cwd=tmp_path,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        served = Served(f"http://127.0.0.1:{port}", port, log, process)
        started.append(served)
        _wait_until_up(served)
        return served

    yield start
    for served in started:
        served.stop()


def _wait_until_up(served: Served) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if served.process.poll() is not None:
            pytest.fail(f"livefeed serve exited:\n{served.output()}")
        try:
            with urllib.request.urlopen(served.at("/healthz"), timeout=2):  # noqa: S310
                return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"livefeed serve did not answer in time:\n{served.output()}")
        time.sleep(0.05)
