"""The real server in a subprocess and a real headless Chromium to drive it.

Starting ``livefeed serve`` costs seconds, so the tests of a module share one, over a fresh
SQLite database of the module's own. ``live_server`` is one test's part of it: a feed address
and an editor (whose password the tests know) that no other test uses, so that no test sees
another's posts, sessions or rate limits, nor a page cached for another's feed. A test that
stops the server, or needs the whole site to itself, asks for ``own_server`` instead. The
browser reaches nothing but loopback (``NO_OUTSIDE``).
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ProxySettings,
    expect,
    sync_playwright,
)

from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store.migrate import upgrade
from tests.conftest import announcing, copied_database, missing_service
from tests.factories import CHEAP_PASSWORDS, PASSWORD, make_editor
from tests.ports import free_port

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
# A page that points at an outside image must not wait on a network this machine does not
# have: every host but loopback goes to a proxy that is not there (the discard port, closed), so
# its request fails at once. Chromium's own proxy setting rather than Playwright's routing, which
# would pass every request through this process and turn the browser's cache off.
NO_OUTSIDE: ProxySettings = {"server": "http://127.0.0.1:9", "bypass": "127.0.0.1,localhost"}
START_TIMEOUT = 30.0
# Room for the counter after it, well inside a slug's 80 characters.
SLUG_STEM = 40

expect.set_options(timeout=10_000)


@dataclass
class Server:
    """A running ``livefeed serve``; ``svc`` opens the same database from the test process."""

    url: str
    svc: Services
    settings: Settings
    directory: Path
    process: subprocess.Popen[bytes] | None = None
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def log(self) -> Path:
        return self.directory / "serve.log"

    def at(self, path: str) -> str:
        return self.url + path

    def start(self) -> None:
        """Start (or start again, on the same port and database) and wait until it answers."""
        assert self.process is None
        port = self.url.rsplit(":", 1)[1]
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [str(COMMAND), "serve", "--workers", "1", "--host", "127.0.0.1", "--port", port],
                env=server_env(self.settings),
                cwd=self.directory,  # no stray .env from the checkout
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(self.process, self.url + "/", self.log)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def check_running(self) -> None:
        """A test of the module that killed the server fails by itself, not every one after."""
        if self.process is None or self.process.poll() is not None:
            pytest.fail(f"the module's livefeed serve is not running:\n{self.log.read_text()}")

    def new_slug(self, test_name: str) -> str:
        """A feed address unique on this server that names the test: the log says whose it is."""
        words = re.findall(r"[a-z0-9]+", test_name.lower().removeprefix("test_"))
        stem = "-".join(words)[:SLUG_STEM].rstrip("-") or "feed"
        return f"{stem}-{next(self.numbers)}"


@dataclass
class LiveServer:
    """One test's part of a running server: the feed address and the editor that are its own.

    Only a test that owns the server may stop it: the others of its module still need it.
    """

    server: Server
    editor: User
    slug: str
    owns_server: bool = False
    password: str = PASSWORD

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def svc(self) -> Services:
        return self.server.svc

    def at(self, path: str) -> str:
        return self.server.at(path)

    def email(self, address: str) -> str:
        """``address``, made this test's own: accounts (and their limits) are per test too."""
        return tagged(address, self.slug)

    def start(self) -> None:
        self.server.start()

    def stop(self) -> None:
        if not self.owns_server:
            pytest.fail("this server is shared by the module: stop only one from own_server")
        self.server.stop()


COMMAND = Path(sys.executable).with_name("livefeed")


def tagged(address: str, slug: str) -> str:
    """``anna@newsroom.test`` for the test of feed ``slug``: its own account, never another's."""
    local, domain = address.split("@")
    return f"{local}.{slug}@{domain}"


def server_env(settings: Settings) -> dict[str, str]:
    """The test runner's environment without its own ``LIVEFEED_*`` values, plus ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEFEED_")}
    env.update(
        LIVEFEED_DATABASE_URL=settings.database_url,
        LIVEFEED_PUBLIC_URL=settings.public_url,
        LIVEFEED_SEED_DEMO="true" if settings.seed_demo else "false",
        PYTHONUNBUFFERED="1",
    )
    if settings.smtp_url:
        env["LIVEFEED_SMTP_URL"] = settings.smtp_url
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


@contextmanager
def serving(
    database_url: str, directory: Path, extra: dict[str, str] | None = None
) -> Iterator[Server]:
    """``livefeed serve`` on a free loopback port over a migrated database, until the end;
    ``extra`` holds more ``LIVEFEED_*`` settings (those ``server_env`` passes on)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = Settings.from_env(
        {
            "LIVEFEED_DATABASE_URL": database_url,
            "LIVEFEED_PUBLIC_URL": url,
            "LIVEFEED_SEED_DEMO": "false",
            **(extra or {}),
        },
        env_file=None,
    )
    svc = Services.build(settings, passwords=CHEAP_PASSWORDS)
    upgrade(svc.db)
    server = Server(url, svc, settings, directory)
    try:
        with announcing(svc):
            try:
                server.start()
                yield server
            finally:
                server.stop()
    finally:
        svc.close()


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Browser tests on SQLite alone: where the databases differ lies below, tested on both."""
    return sqlite_url


@pytest.fixture(scope="module")
def module_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """One server and one database for the tests of a module, which share them by feed."""
    directory = tmp_path_factory.mktemp("server")
    with serving(copied_database(sqlite_template, directory), directory) as server:
        yield server


@pytest.fixture
def live_server(module_server: Server, request: pytest.FixtureRequest) -> LiveServer:
    """The module's server, with a feed address and an editor (Anna) no other test uses."""
    module_server.check_running()
    slug = module_server.new_slug(request.node.name)
    editor = make_editor(module_server.svc, email=tagged("anna@newsroom.test", slug))
    return LiveServer(module_server, editor, slug)


@pytest.fixture
def own_server(database_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """A server of the test's own, which it may stop and start: over a database holding Anna,
    the editor, and nothing else; its feed is "summit"."""
    with serving(database_url, tmp_path) as server:
        yield LiveServer(server, make_editor(server.svc), "summit", owns_server=True)


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
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, proxy=NO_OUTSIDE
    )
    yield chromium
    chromium.close()


NewContext = Callable[..., BrowserContext]


@pytest.fixture
def new_context(browser: Browser) -> Iterator[NewContext]:
    """Fresh contexts (own cookies, own viewport), closed at the end."""
    opened: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(**options)
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
