"""``livefeed serve --workers 2`` without Redis, on SQLite and on PostgreSQL.

The kernel spreads connections over the two workers (``SO_REUSEPORT``); a reader held by
either one must get every post exactly once, whichever worker its editor's request reached,
and a scheduled post must go out once although both workers run the scheduler.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx2 as httpx
import pytest

from livefeed.access import accounts
from livefeed.distribution import reading
from livefeed.domain.events import EventType
from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.newsroom import workflow
from livefeed.newsroom.workflow import When
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store.migrate import upgrade
from tests.conftest import announcing
from tests.factories import CHEAP_PASSWORDS, make_editor, make_feed
from tests.ports import free_port
from tests.sse_client import Event, StreamParser, request

WAIT = 20.0
START_TIMEOUT = 60.0  # two workers importing the app at once on a busy machine
POSTS = 6
LISTEN_WAIT = 30.0  # for both workers to hold a connection (the kernel spreads them over both)


def serving_pids(pid: int) -> set[int]:
    """The process and every descendant of it."""
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        found.add(current)
        with_children = Path(f"/proc/{current}/task/{current}/children")
        if with_children.exists():
            todo.extend(int(child) for child in with_children.read_text().split())
    return found


def owner(port: int, client: socket.socket, pids: set[int]) -> int | None:
    """Which process holds the server's end of ``client``'s connection, asked of /proc."""
    ours = client.getsockname()[1]
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1], fields[2]
        if int(local.rsplit(":")[1], 16) == port and int(remote.rsplit(":")[1], 16) == ours:
            inode = fields[9]
    if inode is None:
        return None
    for pid in pids:
        with_fds = Path(f"/proc/{pid}/fd")
        for fd in with_fds.iterdir() if with_fds.exists() else ():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    return None


@dataclass
class Site:
    svc: Services
    editor: User
    token: str
    port: int
    pid: int  # the command's; its workers are its children


class Reader:
    def __init__(self, port: int, last_event_id: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
        self.sock.sendall(request("/feeds/summit/events", f"127.0.0.1:{port}", str(last_event_id)))
        self.parser = StreamParser()
        self.events: list[Event] = []
        while self.parser.status is None:
            self.events += self.parser.feed(self.sock.recv(65536))
        assert self.parser.status == 200

    def read_until(self, count: int) -> list[Event]:
        deadline = time.monotonic() + WAIT
        while len(self.events) < count:
            assert time.monotonic() < deadline, f"{len(self.events)} of {count} events came"
            data = self.sock.recv(65536)
            assert data, "the server closed the stream"
            self.events += self.parser.feed(data)
        return self.events


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[Site]:
    """Two workers on a fresh database."""
    settings = Settings.from_env(
        {"LIVEFEED_DATABASE_URL": database_url, "LIVEFEED_SEED_DEMO": "false"}, env_file=None
    )
    svc = Services.build(settings, passwords=CHEAP_PASSWORDS)
    upgrade(svc.db)
    editor = make_editor(svc)
    make_feed(svc, editor)
    token = accounts.create_token(svc, editor.email)
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "LIVEFEED_DATABASE_URL": database_url,
        "LIVEFEED_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "LIVEFEED_SEED_DEMO": "false",
    }
    command = str(Path(sys.executable).with_name("livefeed"))
    log = tmp_path / "serve.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [command, "serve", "--workers", "2", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"not up:\n{log.read_text()}"
            time.sleep(0.1)
        with announcing(svc):
            yield Site(svc, editor, token, port, process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"livefeed serve --workers 2 ignored SIGTERM:\n{log.read_text()}")
        svc.close()


def test_readers_on_either_worker_get_every_post_once_and_a_scheduled_post_goes_out_once(
    site: Site,
) -> None:
    svc, token, port, pid = site.svc, site.token, site.port, site.pid
    start = reading.get_feed(svc, "summit").last_seq
    held: dict[int, Reader] = {}
    spare: list[Reader] = []
    try:
        # A worker that is still starting has not bound the port yet: until it has, every
        # connection reaches the other. Connections are tried until both hold one.
        deadline = time.monotonic() + LISTEN_WAIT
        while len(held) < 2 and time.monotonic() < deadline:
            reader = Reader(port, start)
            worker = owner(port, reader.sock, serving_pids(pid) - {pid})
            assert worker is not None, "no worker holds the connection"
            if worker in held:
                spare.append(reader)
                time.sleep(0.05)
            else:
                held[worker] = reader
        assert len(held) == 2, f"every connection for {LISTEN_WAIT} s reached the same worker"

        published = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=WAIT) as client:
            for n in range(POSTS):
                answer = client.post(
                    "/api/v1/feeds/summit/posts",
                    json={"headline": f"Update {n}"},
                    headers={"Authorization": f"Bearer {token}"},
                )
                assert answer.status_code == 201, answer.text
                published.append(answer.json()["seq"])
        due = svc.clock() + timedelta(seconds=2)
        scheduled = workflow.start_post(
            svc,
            site.editor,
            "summit",
            {"headline": "Due in two seconds"},
            state=PostState.SCHEDULED,
            publish_at=When(due.isoformat()),
        )
        for reader in [*held.values(), *spare]:
            events = reader.read_until(POSTS + 1)
            ids = [int(e.id or -1) for e in events]
            assert ids == list(range(start + 1, start + POSTS + 2)), ids
            assert ids[:POSTS] == published
        time.sleep(2.5)  # both schedulers have ticked past the due time more than once
        _feed, logged = reading.events_after(svc, reading.get_feed(svc, "summit").id, 0)
        out = [
            event
            for event, _post in logged
            if event.type is EventType.POST_PUBLISHED and event.data["id"] == scheduled.id
        ]
        assert len(out) == 1, "the scheduled post went out more than once, or never"
    finally:
        for reader in [*held.values(), *spare]:
            reader.sock.close()
