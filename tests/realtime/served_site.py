"""The real ``livefeed serve`` in a subprocess, and blocking clients of its event streams.

What readers must be able to count on is checked where it is hardest to keep, against the
server as it is deployed: ``test_stream_resuming.py`` (many readers dropping and resuming while
posts pour in; the server going away and coming back) and ``test_stream_backlog.py`` (a reader
that stops reading, one resuming from far back). Time limits there only stop a test that would
hang; how fast things arrive is for the benchmarks. Memory and sockets are read from ``/proc``,
so Linux only.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import signal
import socket
import subprocess
import sys
import termios
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store.migrate import upgrade
from tests.conftest import announcing
from tests.factories import CHEAP_PASSWORDS, make_editor, make_feed
from tests.ports import free_port
from tests.sse_client import Event, StreamParser, request

SLUG = "summit"
PATH = f"/feeds/{SLUG}/events"
WAIT = 10.0  # for something that should come at once
START_TIMEOUT = 30.0
# What these measure is the server's own buffering, the same whatever the database; 5,000 posts of
# 8 KB take half a minute more on PostgreSQL, for nothing more learnt.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TCP_ESTABLISHED = 1  # the "st" column of /proc/net/tcp (include/net/tcp_states.h)


@dataclass
class Site:
    """``livefeed serve`` on a fixed loopback port; ``svc`` writes to its database from here."""

    svc: Services
    editor: User
    settings: Settings
    port: int
    log: Path
    workdir: Path
    process: subprocess.Popen[bytes] | None = None
    environment: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LIVEFEED_")}
        env.update(
            LIVEFEED_DATABASE_URL=self.settings.database_url,
            LIVEFEED_PUBLIC_URL=self.url,
            LIVEFEED_SEED_DEMO="false",
            PYTHONUNBUFFERED="1",
            # Fewer malloc arenas, so that RSS follows what the server holds rather than
            # which worker thread last freed memory (the noise is ~15 MB otherwise).
            MALLOC_ARENA_MAX="2",
        )
        env.update(self.environment)
        command = Path(sys.executable).with_name("livefeed")
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [
                    str(command),
                    "serve",
                    "--workers",
                    "1",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                env=env,
                cwd=self.workdir,  # no stray .env from the checkout
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_up()

    def stop(self) -> None:
        """SIGTERM, as a process manager stops it; killed only if it will not go."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"livefeed serve ignored SIGTERM:\n{self.log.read_text()}")

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """The server stopped in its tracks (SIGSTOP) until the block ends."""
        os.kill(self.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.pid, signal.SIGCONT)

    def memory_kb(self) -> dict[str, int]:
        """``VmRSS`` (resident now) and ``VmHWM`` (the peak so far) of the server, in kB."""
        found: dict[str, int] = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found[name] = int(value.split()[0])
        return found

    def publish(self, headline: str, body: str = "Delegates are back.", *, slug: str = SLUG) -> int:
        post = publishing.publish_post(
            self.svc, self.editor, slug, {"headline": headline, "body": body}
        )
        return post.seq

    def _wait_until_up(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"livefeed serve exited early:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2):  # noqa: S310 (loopback)
                    return
            except urllib.error.HTTPError:
                return  # it answered
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"livefeed serve did not come up:\n{self.log.read_text()}")
            time.sleep(0.05)


@contextlib.contextmanager
def running_site(
    database_url: str, tmp_path: Path, environment: dict[str, str] | None = None
) -> Iterator[Site]:
    """A running server over a fresh database with one editor and one live feed, ``summit``;
    ``environment`` holds settings of the server beyond the database."""
    settings = Settings.from_env(
        {
            "LIVEFEED_DATABASE_URL": database_url,
            "LIVEFEED_PUBLIC_URL": "http://127.0.0.1",
            "LIVEFEED_SEED_DEMO": "false",
        },
        env_file=None,
    )
    svc = Services.build(settings, passwords=CHEAP_PASSWORDS)
    try:
        upgrade(svc.db)
        editor = make_editor(svc)
        make_feed(svc, editor, slug=SLUG)
        served = Site(
            svc,
            editor,
            settings,
            free_port(),
            tmp_path / "serve.log",
            tmp_path,
            environment=environment or {},
        )
        served.start()
        try:
            with announcing(svc):
                yield served
        finally:
            served.stop()
    finally:
        svc.close()


class Reader:
    """One stream on a blocking socket, read on the caller's thread."""

    def __init__(
        self, site: Site, last_event_id: str | None = None, *, rcvbuf: int | None = None
    ) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            # Before connecting: the window offered in the handshake is sized from it.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(WAIT)
        try:
            self.sock.connect(("127.0.0.1", site.port))
            self.sock.sendall(request(PATH, f"127.0.0.1:{site.port}", last_event_id))
        except OSError:
            self.sock.close()
            raise
        self.parser = StreamParser()
        self.events: list[Event] = []
        self.ended = False  # the server closed or reset the connection
        self.received = 0  # bytes of the response so far

    def read_head(self, timeout: float = WAIT) -> int:
        """The response's status, once its head has come."""
        deadline = time.monotonic() + timeout
        while self.parser.status is None and not self.ended:
            left = deadline - time.monotonic()
            assert left > 0, f"no answer in {timeout} s"
            self.receive(left)
        assert self.parser.status is not None, "the server closed without answering"
        return self.parser.status

    def read_until(self, count: int, timeout: float = WAIT) -> list[Event]:
        """Read until ``count`` events in all have arrived (fail if they do not in time)."""
        deadline = time.monotonic() + timeout
        while len(self.events) < count and not self.ended:
            left = deadline - time.monotonic()
            assert left > 0, f"{len(self.events)} of {count} events arrived in {timeout} s"
            self.receive(left)
        assert len(self.events) >= count, f"the stream ended after {len(self.events)} events"
        return self.events

    def read_to_end(self, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while not self.ended:
            left = deadline - time.monotonic()
            assert left > 0, f"the server kept the stream open for {timeout} s"
            self.receive(left)

    def receive(self, timeout: float) -> None:
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(256 * 1024)
        except ConnectionResetError:
            data = b""
        if not data:
            self.ended = True
            return
        self.received += len(data)
        self.events.extend(self.parser.feed(data))

    def queued_bytes(self) -> int:
        """Bytes the kernel holds for this socket that nobody has read yet."""
        buffer = bytearray(4)
        fcntl.ioctl(self.sock.fileno(), termios.FIONREAD, buffer)
        return int.from_bytes(buffer, sys.byteorder)

    def held_by_server(self, site: Site) -> bool:
        """Whether the server still has this connection open, asked of the kernel.

        When the server lets go, its kernel still owes us what it had queued, and sends the
        FIN after that; so our end stays established while we do not read, and only the
        server's end shows that it was closed (``FIN_WAIT1``) or is gone.
        """
        ours = self.sock.getsockname()[1]
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            local, remote, state = line.split()[1:4]
            if (
                int(local.rsplit(":")[1], 16) == site.port
                and int(remote.rsplit(":")[1], 16) == ours
            ):
                return int(state, 16) == TCP_ESTABLISHED
        return False

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked reading it
        self.sock.close()


def ids(events: list[Event]) -> list[int]:
    return [int(e.id or -1) for e in events]


def first_difference(got: list[int], expected: list[int]) -> str:
    for index, (a, b) in enumerate(zip(got, expected, strict=False)):
        if a != b:
            return f"at position {index} got {got[index : index + 5]}…, expected {b}"
    return f"got {len(got)} ids, expected {len(expected)} (last got {got[-1:]})"


def wait_for(condition: Callable[[], bool], timeout: float, failure: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.01)


class Background(threading.Thread):
    """A thread whose exception is kept for the test to raise, not lost in a warning."""

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.work()
        except BaseException as error:
            self.error = error


PUBLISHERS = 2
LOAD_TIMEOUT = 180.0


class Publishers:
    """``count`` publications split between threads, each publishing as fast as it can.

    ``publish(worker, n)`` is called once for each ``n`` in ``range(count)``. Leaving the
    ``with`` block stops and joins them, whatever happened.
    """

    def __init__(self, count: int, publish: Callable[[int, int], object]) -> None:
        self.stop = threading.Event()

        def work(worker: int) -> None:
            for n in range(worker, count, PUBLISHERS):
                if self.stop.is_set():
                    return
                publish(worker, n)

        self.threads = [Background(functools.partial(work, w)) for w in range(PUBLISHERS)]

    def __enter__(self) -> Publishers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(WAIT)

    def running(self) -> bool:
        return any(thread.is_alive() for thread in self.threads)

    def join(self) -> None:
        """Wait for the last publication; fail if one failed."""
        for thread in self.threads:
            thread.join(LOAD_TIMEOUT)
        assert not self.running(), f"publishing took more than {LOAD_TIMEOUT} s"
        errors = [t.error for t in self.threads if t.error is not None]
        if errors:
            raise errors[0]
