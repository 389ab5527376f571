"""Other people's web sites, played on loopback, and a DNS whose answers the test chooses.

:class:`Site` is a real HTTP server on 127.0.0.1 and a random port that answers each path with
the reply a test gave it and records every request it gets. :class:`Resolver` stands in for
DNS: a dictionary from names to addresses, counting the questions it is asked.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from livefeed.domain.addresses import IPAddress, is_public_address
from livefeed.outside.fetch_policy import FetchPolicy

HOST = "news.test"
LOOPBACK = ipaddress.IPv4Address("127.0.0.1")


@dataclass
class Reply:
    """What the site sends for a path; ``trickle`` sends the body a byte at a time."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    stall: bool = False  # send the headers, then nothing more
    trickle: bool = False
    sized: bool = True  # send Content-Length; else the body ends when the connection closes


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class Site:
    """A web server on loopback, with its replies set by the test."""

    def __init__(
        self, address: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
    ) -> None:
        self.replies: dict[str, Reply] = {}
        self.requests: list[Seen] = []
        self.released = threading.Event()
        self.address = ipaddress.ip_address(address)
        self._server = ThreadingHTTPServer((address, port), _handler(self))
        self._server.daemon_threads = True
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str = "/", host: str = HOST) -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def page(
        self, path: str, html: str | bytes, content_type: str = "text/html; charset=utf-8"
    ) -> None:
        body = html.encode("utf-8") if isinstance(html, str) else html
        self.replies[path] = Reply(body=body, headers={"Content-Type": content_type})

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.replies[path] = Reply(status=status, headers={"Location": location})

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            site.requests.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
            reply = site.replies.get(self.path, Reply(404, b"no such page"))
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.sized and not (reply.stall or reply.trickle):
                self.send_header("Content-Length", str(len(reply.body)))
            # else the body ends when the connection closes (and the connection stays open)
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.flush()
            if reply.stall:
                site.released.wait(60)
            elif reply.trickle:
                # One byte at a time, each well inside any per-read timeout, for a minute.
                for _ in range(600):
                    if site.released.wait(0.05):
                        break
                    self.wfile.write(b" ")
                    self.wfile.flush()
            else:
                self.wfile.write(reply.body)
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def running_site(
    address: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
) -> Iterator[Site]:
    site = Site(address, port, tls)
    site.start()
    try:
        yield site
    finally:
        site.stop()


class Resolver:
    """DNS as the test says: ``answers[name]`` is a list of addresses, or one per question."""

    def __init__(self, answers: dict[str, Sequence[str] | Sequence[Sequence[str]]]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        found = self.answers[host]
        if found and not isinstance(found[0], str):
            # One answer per question, the last one repeated: DNS that changes its mind.
            turn = min(self.asked.count(host), len(found)) - 1
            return list(found[turn])
        return [str(address) for address in found]


def local_policy(
    site: Site, resolver: Resolver, admitted: Sequence[IPAddress] = (LOOPBACK,)
) -> FetchPolicy:
    """The production policy, widened to reach ``site``: its port, and ``admitted`` addresses.

    Not for production: it admits a loopback address. Everything else is judged by the
    production rules, so that a happy path can be tested on a machine without the Internet
    while any other private address (a second loopback address included) is still refused.
    """
    allowed = frozenset(admitted)
    return FetchPolicy(
        admits=lambda address: address in allowed or is_public_address(address),
        resolve=resolver,
        ports=frozenset({80, 443, site.port}),
    )


def production_policy(site: Site, resolver: Resolver) -> FetchPolicy:
    """The production address check, with the test's DNS and its site's port allowed."""
    return FetchPolicy(resolve=resolver, ports=frozenset({80, 443, site.port}))
