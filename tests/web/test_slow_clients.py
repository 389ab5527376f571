"""Slow and greedy clients against the server as ``livefeed serve`` runs it.

One client trickling request heads, or opening thousands of connections, must not lock out
everyone else: an unfinished head is answered 408 in time, and one address holds a bounded
number of connections. Proxies we trust speak for many readers and are not counted.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable, Iterator
from ipaddress import ip_network

import pytest

from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from livefeed.web.front import StreamFront
from tests.app_server import serving
from tests.factories import CHEAP_PASSWORDS

Serve = Callable[..., int]


@pytest.fixture
def serve(settings: Settings, clock: object) -> Iterator[Serve]:
    """Start ``livefeed serve``'s front on a free port with some settings changed."""
    with contextlib.ExitStack() as running:

        def start(**changes: object) -> int:
            changed = settings.replace(**changes)
            svc = Services.build(changed, passwords=CHEAP_PASSWORDS)
            running.callback(svc.close)  # after its server has stopped
            app = create_app(changed, svc)
            url = running.enter_context(serving(app, http=StreamFront.serving(app)))
            return int(url.rsplit(":", 1)[1])

        yield start


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.settimeout(5)
    return sock


def answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
    return received


def get(port: int, path: str = "/robots.txt") -> bytes:
    with connect(port) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        return answer(sock)


def test_a_head_never_finished_is_answered_408_and_let_go(serve: Serve) -> None:
    port = serve(request_head_timeout=1)
    with connect(port) as sock:
        sock.sendall(b"GET /feeds/summit/events HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        started = time.monotonic()
        received = answer(sock)
    assert received.startswith(b"HTTP/1.1 408 ")
    assert 0.5 < time.monotonic() - started < 4


def test_a_head_sent_in_time_is_served(serve: Serve) -> None:
    port = serve(request_head_timeout=1)
    with connect(port) as sock:
        sock.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n")
        time.sleep(0.3)
        sock.sendall(b"Connection: close\r\n\r\n")
        assert answer(sock).startswith(b"HTTP/1.1 200 ")


def test_one_address_holds_a_bounded_number_of_connections(serve: Serve) -> None:
    port = serve(connections_per_client=3)
    held = [connect(port) for _ in range(2)]
    try:
        # The third is the last one allowed: it is served.
        assert get(port).startswith(b"HTTP/1.1 200 ")
        held.append(connect(port))
        with connect(port) as refused:
            received = answer(refused)
        assert received.startswith(b"HTTP/1.1 503 ")
        assert b"Retry-After: 10" in received
    finally:
        for sock in held:
            sock.close()
    # Once they are gone, the address is welcome again.
    deadline = time.monotonic() + 5
    while not get(port).startswith(b"HTTP/1.1 200 "):
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_trusted_proxy_is_not_counted(serve: Serve) -> None:
    port = serve(connections_per_client=2, trusted_proxies=(ip_network("127.0.0.1/32"),))
    held = [connect(port) for _ in range(4)]
    try:
        assert get(port).startswith(b"HTTP/1.1 200 ")
    finally:
        for sock in held:
            sock.close()
