"""The event stream and the polling fallback, over a real server on loopback."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2 as httpx
import pytest

from livefeed.domain import times
from livefeed.domain.feeds import FeedStatus
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from livefeed.web.front import StreamFront
from tests.app_server import serving
from tests.conftest import announcing
from tests.factories import CHEAP_PASSWORDS, make_editor, make_feed, make_post

WAIT = 10.0  # how long a test waits for something that should come at once, before failing


@dataclass
class Message:
    id: str | None
    event: str
    data: str

    @property
    def json(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.data)
        return parsed


def parse_sse(lines: Iterator[str]) -> Iterator[Message]:
    """A reader of the wire format written from the spec, independent of our encoder."""
    event_id: str | None = None
    event, data = "", []
    for line in lines:
        if line == "":
            if data:
                yield Message(event_id, event or "message", "\n".join(data))
            event, data = "", []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            data.append(value)
        elif name == "event":
            event = value
        elif name == "id":
            event_id = value


@pytest.fixture(params=["front", "asgi"])
def server(request: pytest.FixtureRequest, settings: Settings, svc: Services) -> Iterator[str]:
    """The server as ``livefeed serve`` runs it (streams on the socket), and plain ASGI."""
    app = create_app(settings, svc)
    with serving(app, StreamFront.serving(app) if request.param == "front" else "auto") as url:
        yield url


@pytest.fixture
def editor(svc: Services) -> User:
    user = make_editor(svc)
    make_feed(svc, user)
    return user


class Stream:
    """An open event stream on a plain socket, read message by message in a thread of its own.

    A plain socket, so that closing it from the test ends the read at once.
    """

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.messages: list[Message] = []
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.closed = False
        self._arrived = threading.Condition()
        parts = httpx.URL(url)
        self._sock = socket.create_connection((parts.host, parts.port or 80), timeout=WAIT)
        self._sock.settimeout(None)
        target = parts.raw_path.decode()
        request = f"GET {target} HTTP/1.1\r\nHost: {parts.host}\r\nAccept: text/event-stream\r\n"
        request += "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items()) + "\r\n"
        self._sock.sendall(request.encode())
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            wire = self._sock.makefile("rb")
            status_line = wire.readline().decode()
            header_lines = []
            while (line := wire.readline().decode().strip()) != "":
                header_lines.append(line)
            with self._arrived:
                self.status = int(status_line.split()[1])
                self.headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (h.partition(":") for h in header_lines)
                }
                self._arrived.notify_all()
            for message in parse_sse(_lines(_chunks(wire))):
                with self._arrived:
                    self.messages.append(message)
                    self._arrived.notify_all()
        except (OSError, ValueError):
            pass
        finally:
            with self._arrived:
                self.closed = True
                self._arrived.notify_all()

    def wait_for(self, count: int) -> list[Message]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.messages) >= count or self.closed, WAIT)
            assert len(self.messages) >= count, f"only {self.messages} arrived"
            return list(self.messages)

    def wait_closed(self) -> None:
        with self._arrived:
            assert self._arrived.wait_for(lambda: self.closed, WAIT), "the stream stayed open"

    def connected(self) -> int:
        with self._arrived:
            self._arrived.wait_for(lambda: self.status is not None or self.closed, WAIT)
        assert self.status is not None
        return self.status

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        self._thread.join(WAIT)


def _chunks(wire: Any) -> Iterator[bytes]:
    """The body of a chunked HTTP/1.1 response, chunk by chunk."""
    while True:
        size = int(wire.readline().split(b";")[0], 16)
        if size == 0:
            return
        yield wire.read(size)
        wire.readline()


def _lines(chunks: Iterator[bytes]) -> Iterator[str]:
    pending = b""
    for chunk in chunks:
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield line.decode().removesuffix("\r")


@pytest.fixture
def open_stream(server: str) -> Iterator[Any]:
    streams: list[Stream] = []

    def open_(query: str = "", headers: dict[str, str] | None = None) -> Stream:
        stream = Stream(f"{server}/feeds/summit/events{query}", headers)
        streams.append(stream)
        assert stream.connected() == 200
        return stream

    yield open_
    for stream in streams:
        stream.close()


def test_a_published_post_reaches_an_open_stream(
    svc: Services, editor: User, open_stream: Any
) -> None:
    stream = open_stream()
    assert stream.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert stream.headers["cache-control"] == "no-store"
    assert stream.headers["x-accel-buffering"] == "no"
    post = make_post(svc, editor, headline="Ceasefire announced")
    [message] = stream.wait_for(1)
    assert message.event == "post.published"
    assert message.id == str(post.seq)
    assert message.json["data"]["headline"] == "Ceasefire announced"
    assert "Delegates are back." in message.json["html"]
    # Its header and footer are the page's to build: the moment, worded, and where to share it.
    assert message.json["post"]["at"] == times.iso_utc(post.published_at)
    assert message.json["post"]["short"] == svc.urls.short(post.short_code)


def test_edits_and_deletes_follow_in_order(svc: Services, editor: User, open_stream: Any) -> None:
    stream = open_stream()
    post = make_post(svc, editor)
    edited = publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"headline": "Talks stall"},
        seen_version=post.version,
    )  # fmt: skip
    # Read before the deletion: once a post is deleted, its earlier events carry only its
    # tombstone, so a reader catching up afterwards never gets its words.
    assert stream.wait_for(2)[1].json["data"]["headline"] == "Talks stall"
    publishing.delete_post(svc, editor, "summit", post.id)
    messages = stream.wait_for(3)
    assert [m.event for m in messages] == ["post.published", "post.updated", "post.deleted"]
    assert [int(m.id or 0) for m in messages] == [post.seq, edited.seq, edited.seq + 1]
    assert messages[2].json["html"] is None


def test_changes_committed_elsewhere_arrive_too(
    settings: Settings, svc: Services, editor: User, open_stream: Any
) -> None:
    """Another process writing to the site (the CLI, another instance) wakes this one the way
    it listens: by NOTIFY on PostgreSQL. An app with no way to hear it (SQLite, served without
    the site's wake directory) reads the log every second and finds it there."""
    stream = open_stream()
    elsewhere = Services.build(settings, clock=svc.clock, passwords=CHEAP_PASSWORDS)
    try:
        with announcing(elsewhere):
            make_post(elsewhere, editor, headline="Filed from the command line")
    finally:
        elsewhere.close()
    [message] = stream.wait_for(1)
    assert message.json["data"]["headline"] == "Filed from the command line"


def test_resume_replays_exactly_what_was_missed(
    svc: Services, editor: User, open_stream: Any
) -> None:
    posts = [make_post(svc, editor, headline=f"Update {n}") for n in range(5)]
    stream = open_stream(headers={"Last-Event-ID": str(posts[1].seq)})
    replayed = stream.wait_for(3)
    assert [int(m.id or 0) for m in replayed] == [p.seq for p in posts[2:]]
    later = make_post(svc, editor, headline="After the reconnect")
    messages = stream.wait_for(4)
    assert [int(m.id or 0) for m in messages] == [*(p.seq for p in posts[2:]), later.seq]


def test_the_header_wins_over_the_query(svc: Services, editor: User, open_stream: Any) -> None:
    posts = [make_post(svc, editor) for _ in range(3)]
    stream = open_stream(
        f"?last_event_id={posts[0].seq}", headers={"Last-Event-ID": str(posts[1].seq)}
    )
    assert [int(m.id or 0) for m in stream.wait_for(1)] == [posts[2].seq]


def test_resume_from_the_query_on_first_connect(
    svc: Services, editor: User, open_stream: Any
) -> None:
    posts = [make_post(svc, editor) for _ in range(3)]
    stream = open_stream(f"?last_event_id={posts[0].seq}")
    assert [int(m.id or 0) for m in stream.wait_for(2)] == [posts[1].seq, posts[2].seq]


@pytest.mark.parametrize("position", ["latest", "empty"])
def test_at_the_latest_nothing_comes_until_the_next(
    svc: Services, editor: User, open_stream: Any, position: str
) -> None:
    last = make_post(svc, editor).seq if position == "latest" else 0
    stream = open_stream(headers={"Last-Event-ID": str(last)})
    following = make_post(svc, editor, headline="The next one")
    [message] = stream.wait_for(1)
    assert message.id == str(following.seq)


@pytest.mark.parametrize("garbage", ["abc", "-1", str(10**30), "9" * 300, "%00", "99"])
def test_an_unknown_position_gets_a_reset(
    svc: Services, editor: User, open_stream: Any, garbage: str
) -> None:
    make_post(svc, editor)
    stream = open_stream(f"?last_event_id={garbage}")
    [message] = stream.wait_for(1)
    assert message.event == "reset"
    assert message.json["seq"] == 1
    following = make_post(svc, editor)
    assert stream.wait_for(2)[1].id == str(following.seq)


def test_an_ended_feed_says_so_then_answers_204(
    server: str, svc: Services, editor: User, open_stream: Any
) -> None:
    stream = open_stream()
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    [message] = stream.wait_for(1)
    assert message.event == "feed.ended"
    stream.wait_closed()
    with httpx.Client() as client:
        again = client.get(f"{server}/feeds/summit/events", headers={"Last-Event-ID": "1"})
    assert again.status_code == 204


def test_polling_returns_the_same_events_with_a_validator(
    server: str, svc: Services, editor: User
) -> None:
    first = make_post(svc, editor, headline="One")
    second = make_post(svc, editor, headline="Two")
    with httpx.Client(base_url=server) as client:
        answer = client.get("/feeds/summit/updates", params={"since": first.seq})
        assert answer.status_code == 200
        body = answer.json()
        assert [e["seq"] for e in body["events"]] == [second.seq]
        assert body["events"][0]["data"]["headline"] == "Two"
        assert body["last_seq"] == second.seq
        assert "max-age" in answer.headers["cache-control"]
        etag = answer.headers["etag"]
        unchanged = client.get(
            "/feeds/summit/updates", params={"since": first.seq}, headers={"If-None-Match": etag}
        )
        assert unchanged.status_code == 304
        make_post(svc, editor, headline="Three")
        # Pollers may be answered from a look-up up to a second old; then the change shows.
        deadline = time.monotonic() + WAIT
        while True:
            changed = client.get(
                "/feeds/summit/updates",
                params={"since": first.seq},
                headers={"If-None-Match": etag},
            )
            if changed.status_code != 304 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert changed.status_code == 200
        assert [e["data"]["headline"] for e in changed.json()["events"]] == ["Two", "Three"]
        bad = client.get("/feeds/summit/updates", params={"since": "abc"})
        assert bad.status_code == 422
