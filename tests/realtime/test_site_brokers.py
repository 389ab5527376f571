"""Every process writing to a site wakes its serving processes the way they listen: a post from
the command line reaches a serving process's broker at once, by datagram in a SQLite site's
wake directory and by NOTIFY on PostgreSQL. So a serving process that hears every writer reads
a feed's log only when woken (and at each heartbeat), not every second."""

from __future__ import annotations

import asyncio
import os
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from livefeed.cli.main import cli
from livefeed.distribution import reading
from livefeed.realtime.broker import Broker, MemoryBroker
from livefeed.realtime.postgres_broker import PostgresBroker
from livefeed.realtime.sibling_broker import SiblingBroker
from livefeed.realtime.site_brokers import (
    open_wake_directory,
    serving_broker,
    wake_directory,
    writing_broker,
)
from livefeed.services import Services
from livefeed.settings import Settings
from tests.factories import make_editor, make_feed

WAIT = 10.0


@contextmanager
def listening(broker: Broker) -> Iterator[queue.Queue[int]]:
    """The broker run as a serving process runs it, on a loop of its own: the feeds it hears of."""
    heard: queue.Queue[int] = queue.Queue()
    ready = threading.Event()
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    async def serve() -> None:
        task = asyncio.create_task(broker.run(heard.put))
        deadline = time.monotonic() + WAIT
        while not broker.healthy and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.1)  # bound, or listening
        ready.set()
        await stop.wait()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await broker.close()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(WAIT), "the broker never listened"
    try:
        yield heard
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(WAIT)
        loop.close()


def test_a_post_from_the_command_line_wakes_the_serving_processes(
    svc: Services, settings: Settings
) -> None:
    editor = make_editor(svc)
    feed_id = make_feed(svc, editor).id
    url = settings.database_url
    directory = open_wake_directory(url)
    broker, hears_every_writer = serving_broker(url, None, "serving", directory)
    assert hears_every_writer
    assert isinstance(broker, PostgresBroker if url.startswith("postgres") else SiblingBroker)
    with listening(broker) as heard:
        env = {"LIVEFEED_DATABASE_URL": url, "LIVEFEED_SEED_DEMO": "false", "LC_ALL": "C.UTF-8"}
        command = ["post", "summit", "--headline", "Talks resume", "--as", editor.email]
        result = CliRunner().invoke(cli, command, env=env)
        assert result.exit_code == 0, result.output
        assert heard.get(timeout=WAIT) == feed_id
    assert reading.get_feed(svc, "summit").last_seq == 1
    if directory is not None:
        directory.rmdir()


def test_a_sqlite_sites_wake_directory_is_one_per_database_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = wake_directory(f"sqlite:///{tmp_path / 'site.db'}")
    assert here is not None
    monkeypatch.chdir(tmp_path)
    assert wake_directory("sqlite:///site.db?timeout=5") == here
    assert wake_directory(f"sqlite:///{tmp_path / 'other.db'}") != here
    # A socket's path stays well under the kernel's 107 bytes, wherever the database lies.
    deep = tmp_path / ("d" * 200) / "site.db"
    assert len(str(wake_directory(f"sqlite:///{deep}")) + "/worker-4194304.sock") < 100
    assert wake_directory("sqlite:///:memory:") is None
    assert wake_directory("postgresql://127.0.0.1/test") is None


def test_a_wake_directory_others_may_write_in_is_not_listened_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'site.db'}"
    made = open_wake_directory(url)
    assert made is not None
    assert made.stat().st_mode & 0o777 == 0o700
    os.chmod(made, 0o720)  # its group may write in it
    try:
        assert open_wake_directory(url) is None
        # Served alone then, it reads the log every second rather than trust the directory.
        broker, hears_every_writer = serving_broker(url, None, "serving", None)
        assert isinstance(broker, MemoryBroker)
        assert not hears_every_writer
    finally:
        os.rmdir(made)


def test_a_process_that_only_writes_announces_the_way_the_site_listens(tmp_path: Path) -> None:
    sqlite = writing_broker(f"sqlite:///{tmp_path / 'site.db'}", None, "cli-1")
    postgres = writing_broker("postgresql://127.0.0.1/test", None, "cli-1")
    try:
        assert isinstance(sqlite, SiblingBroker)
        assert isinstance(postgres, PostgresBroker)
    finally:
        asyncio.run(sqlite.close())
        asyncio.run(postgres.close())
