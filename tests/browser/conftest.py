"""The real server in a subprocess and a real headless Chromium to drive it.

``live_server`` starts ``livefeed serve`` on a free loopback port over a fresh database (SQLite,
and PostgreSQL where it runs), with an editor whose password the tests know. Browser contexts
reach nothing but loopback: a page that points at an outside image must not wait on a network
this machine does not have.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Route,
    expect,
    sync_playwright,
)

from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store.migrate import upgrade
from tests.conftest import missing_service
from tests.factories import CHEAP_PASSWORDS, PASSWORD, make_editor

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = frozenset({"127.0.0.1", "localhost"})
START_TIMEOUT = 30.0

expect.set_options(timeout=10_000)


@dataclass
class LiveServer:
    """A running ``livefeed serve``; ``svc`` opens the same database from the test process."""

    url: str
    svc: Services
    editor: User
    password: str
    settings: Settings
    directory: Path
    process: subprocess.Popen[bytes] | None = None

    def at(self, path: str) -> str:
        return self.url + path

    def start(self) -> None:
        """Start (or start again, on the same port and database) and wait until it answers."""
        assert self.process is None
        port = self.url.rsplit(":", 1)[1]
        log = self.directory / "serve.log"
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                [str(COMMAND), "serve", "--host", "127.0.0.1", "--port", port],
                env=server_env(self.settings),
                cwd=self.directory,  # no stray .env from the checkout
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(self.process, self.url + "/", log)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


COMMAND = Path(sys.executable).with_name("livefeed")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(settings: Settings) -> dict[str, str]:
    """The test runner's environment without its own ``LIVEFEED_*`` values, plus ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEFEED_")}
    env.update(
        LIVEFEED_DATABASE_URL=settings.database_url,
        LIVEFEED_PUBLIC_URL=settings.public_url,
        LIVEFEED_SEED_DEMO="true" if settings.seed_demo else "false",
        PYTHONUNBUFFERED="1",
    )
    return env


def wait_until_up(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Return once ``GET url`` answers; fail with the server's output if it dies or hangs."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            pytest.fail(f"livefeed serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own loopback URL)
                return
        except urllib.error.HTTPError:
            return  # it answered, even if not with 200
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"livefeed serve did not answer {url} in time:\n{log.read_text()}")
        time.sleep(0.05)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Browser tests on SQLite alone: where the databases differ lies below, tested on both."""
    return sqlite_url


@pytest.fixture
def live_server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """``livefeed serve`` over a migrated database holding one editor and nothing else."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings.from_env(
        {
            "LIVEFEED_DATABASE_URL": database_url,
            "LIVEFEED_PUBLIC_URL": url,
            "LIVEFEED_SEED_DEMO": "false",
        },
        env_file=None,
    )
    svc = Services.build(settings, passwords=CHEAP_PASSWORDS)
    upgrade(svc.db)
    editor = make_editor(svc)
    server = LiveServer(url, svc, editor, PASSWORD, settings, tmp_path)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        svc.close()


def only_loopback(route: Route) -> None:
    if urlsplit(route.request.url).hostname in LOOPBACK:
        route.continue_()
    else:
        route.abort()


# Per module, not per session: Playwright's driver keeps an event loop running in this thread
# while it lives, and tests after these ones call asyncio.run.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        missing_service(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


NewContext = Callable[..., BrowserContext]


@pytest.fixture
def new_context(browser: Browser) -> Iterator[NewContext]:
    """Fresh contexts (own cookies, own viewport) that reach loopback only; closed at the end."""
    opened: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(**options)
        context.route("**/*", only_loopback)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


def log_in(page: Page, server: LiveServer) -> None:
    """Sign the editor in through the login form; ends on the desk."""
    page.goto(server.at("/login"))
    page.get_by_label("Email address").fill(server.editor.email)
    page.get_by_label("Password").fill(server.password)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(server.at("/desk"))
