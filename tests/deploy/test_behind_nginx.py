"""Three instances behind the shipped nginx configuration, on PostgreSQL and Redis.

Readers spread over the instances by nginx each get every post exactly once; one instance is
stopped as systemd stops it (SIGTERM) while posts go out, its streams end properly (nginx logs
no error), and its readers resume on the others through nginx with ``Last-Event-ID``, missing
nothing. Pages and scripts come compressed, streams never; static files come from nginx itself
with their cache lifetimes.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
import time

import httpx2 as httpx
import pytest

from tests.deploy.conftest import WAIT, Launch, Nginx, Site, publish
from tests.sse_client import Event, StreamParser, WireError, request

pytestmark = pytest.mark.postgres


class Reader(threading.Thread):
    """A browser's ``EventSource`` on a plain socket through nginx: when a stream ends it
    connects again with ``Last-Event-ID``, as a browser does."""

    def __init__(self, nginx: Nginx, name: str) -> None:
        super().__init__(daemon=True)
        self.nginx = nginx
        self.name = name
        self.events: list[Event] = []
        # How each stream ended but the last: "complete" (the last chunk came) or "cut".
        self.endings: list[str] = []
        self.statuses: list[int] = []
        self.encodings: list[str] = []
        self._changed = threading.Condition()
        self._stopping = False
        self._sock: socket.socket | None = None

    def run(self) -> None:
        while not self._stopping:
            ending = self._read_one_stream()
            with self._changed:
                if self._stopping:
                    return
                self.endings.append(ending)
                self._changed.notify_all()
            time.sleep(0.05)

    def _read_one_stream(self) -> str:
        last = self.events[-1].id if self.events else None
        head = request("/feeds/summit/events", f"127.0.0.1:{self.nginx.port}", last)
        head = head[:-2] + f"User-Agent: {self.name}\r\nAccept-Encoding: gzip\r\n\r\n".encode()
        parser = StreamParser()
        try:
            with socket.create_connection(("127.0.0.1", self.nginx.port), timeout=WAIT) as sock:
                sock.settimeout(None)
                self._sock = sock
                sock.sendall(head)
                while not parser.complete and (received := sock.recv(65536)):
                    arrived = parser.feed(received)
                    with self._changed:
                        if parser.status is not None and len(self.statuses) == len(self.endings):
                            self.statuses.append(parser.status)
                            self.encodings.append(parser.headers.get("content-encoding", ""))
                        self.events += arrived
                        self._changed.notify_all()
        except (OSError, WireError):
            pass
        return "complete" if parser.complete else "cut"

    def wait_for(self, count: int) -> list[Event]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.events) >= count, WAIT)
            return list(self.events)

    def wait_connected(self) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: self.statuses, WAIT), f"{self.name} waits"

    def close(self) -> None:
        with self._changed:
            self._stopping = True
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)
        self.join(WAIT)


def _open_readers(nginx: Nginx, count: int) -> list[Reader]:
    readers = []
    for number in range(count):
        reader = Reader(nginx, f"reader-{number}")
        reader.start()
        # One at a time, so that nginx's round robin deals them out in turn.
        reader.wait_connected()
        readers.append(reader)
    return readers


def _logged(nginx: Nginx, readers: list[Reader]) -> dict[str, list[str]]:
    """Each reader's streams as nginx logged them (a line is written as a stream ends)."""
    deadline = time.monotonic() + WAIT
    while True:
        found = {reader.name: nginx.upstreams(reader.name) for reader in readers}
        expected = {reader.name: len(reader.endings) + 1 for reader in readers}
        if all(len(found[name]) >= expected[name] for name in found):
            return found
        assert time.monotonic() < deadline, f"nginx logged {found}, not {expected}"
        time.sleep(0.05)


def test_readers_on_every_instance_get_each_post_once_while_one_instance_stops(
    launch: Launch, site: Site
) -> None:
    cluster = launch()
    nginx, (a, b, c) = cluster.nginx, cluster.instances
    token = site.token
    readers = _open_readers(nginx, 6)
    try:
        seqs = [publish(a.url, token, f"Before the stop {n}") for n in range(3)]
        for reader in readers:
            assert [e.id for e in reader.wait_for(3)] == [str(s) for s in seqs]

        b.process.send_signal(signal.SIGTERM)  # as systemd stops an instance
        seqs += [publish(c.url, token, f"While B stops {n}") for n in range(3)]
        # uvicorn winds up, then ends by the signal it was sent: a clean stop to systemd.
        assert b.process.wait(WAIT) in (0, -signal.SIGTERM), b.log.read_text()
        seqs += [publish(a.url, token, f"After the stop {n}") for n in range(3)]

        for reader in readers:
            ids = [e.id for e in reader.wait_for(len(seqs))]
            assert ids == [str(s) for s in seqs], reader.name
            assert set(reader.statuses) == {200}
            # nginx never compresses a stream: a reader would wait for the compressor.
            assert set(reader.encodings) == {""}
    finally:
        for reader in readers:
            reader.close()

    logged = _logged(nginx, readers)
    nginx.stop()
    first = {streams[0] for streams in logged.values()}
    assert first == {a.address, b.address, c.address}, "nginx did not spread the readers"
    for reader in readers:
        streams = logged[reader.name]
        if streams[0] == b.address:
            # B's readers: their streams ended properly, and they carried on elsewhere. A
            # request nginx sent B on a kept-alive connection as it stopped is answered too,
            # with a stream that ends at once, properly.
            assert reader.endings, reader.name
            assert set(reader.endings) == {"complete"}, reader.name
            assert streams[len(reader.endings)] != b.address, reader.name
        else:
            assert reader.endings == [], reader.name
    errors = nginx.error_log.read_text()
    assert "prematurely closed" not in errors
    assert "reset by peer" not in errors


def test_pages_compressed_static_files_from_nginx_streams_never_compressed(
    launch: Launch,
) -> None:
    nginx = launch().nginx
    gzip = {"Accept-Encoding": "gzip"}
    with httpx.Client(base_url=nginx.url, timeout=WAIT, headers=gzip) as client:
        page = client.get("/feeds/summit")
        assert page.status_code == 200
        assert page.headers["content-encoding"] == "gzip"
        assert "Summit" in page.text or "summit" in page.text

        script = client.get("/static/live.js", headers={"User-Agent": "static-check"})
        assert script.status_code == 200
        assert script.headers["content-encoding"] == "gzip"
        assert script.headers["cache-control"] == "public, max-age=86400"
        versioned = client.get("/static/live.js?v=1", headers={"User-Agent": "static-check"})
        assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"

        missing = client.get("/static/no-such-file.js", headers={"User-Agent": "static-check"})
        assert missing.status_code == 404
    nginx.stop()
    # nginx served the files it holds itself; the one it does not hold went to an instance.
    assert nginx.upstreams("static-check")[:2] == ["-", "-"]
    assert nginx.upstreams("static-check")[2] != "-"
