"""Fetching a web page for an editor without letting anyone aim the server at itself (SSRF).

The rules, each one a :class:`~livefeed.outside.fetch_policy.Refused` with a message for the
editor when broken:

- only ``http`` and ``https``, only ports 80 and 443, no user name or password in the URL;
- the host is resolved once, and **every** address it resolves to must be public
  (:func:`livefeed.domain.addresses.is_public_address`); a numeric host is read the way a
  browser reads it (``2130706433``, ``0x7f.1``, ``127.1``…), never handed to a resolver;
- the socket is connected to one of those checked addresses, by number, and the request then
  carries the original ``Host`` header (and, for https, the original name for SNI and for the
  certificate check), so a resolver that answers differently the second time (DNS rebinding)
  is never asked a second time;
- each redirect is a new URL that goes through every check again, at most 3 of them;
- 5 seconds in all, from the first lookup to the last byte: every read and write is given only
  the time that is left, so a server that trickles a byte at a time cannot stretch it;
- at most 2 MB of body, refused beyond; only ``text/html`` (or XHTML) is returned;
- no cookies are sent or kept, no proxy from the environment is used, nothing is cached.

Where an address may lead is checked in :mod:`livefeed.outside.fetch_policy`; what is here
connects only to the addresses it admitted, and reads within the time and size it allows.

Why the standard library rather than an HTTP client library: the one thing this needs that
clients do not offer plainly is connecting to an address we chose while speaking to a host
name; ``http.client`` over a socket we connect ourselves does exactly that, in view, while a
library needs a custom transport or network backend, its cookie jar, connection pool and
environment proxies (``HTTP_PROXY`` would route around every check here) switched off, and
still has no overall deadline, only per-operation timeouts.
"""

from __future__ import annotations

import http.client
import io
import socket
import ssl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast
from urllib.parse import urljoin

from livefeed import __version__
from livefeed.outside.fetch_policy import (
    TOO_SLOW,
    Deadline,
    FetchPolicy,
    Refused,
    Target,
    checked_target,
)

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

REDIRECTS = frozenset({301, 302, 303, 307, 308})
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
JSON_TYPES = frozenset({"application/json", "application/json+oembed", "text/json"})
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
USER_AGENT = f"Mozilla/5.0 (compatible; Livefeed/{__version__}; +link preview)"


@dataclass(frozen=True)
class Page:
    """A page as fetched: the URL it was finally found at, its bytes and declared charset."""

    url: str
    body: bytes
    charset: str | None
    content_type: str = "text/html"


class Unsuccessful(Refused):
    """The site answered, with a status saying there is nothing to give (404, 410, 500…)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def fetch_html(url: str, policy: FetchPolicy) -> Page:
    """GET ``url`` under ``policy``, following checked redirects; :class:`Refused` otherwise."""
    return fetch(url, policy, HTML_TYPES, HTML_ACCEPT)


def fetch(url: str, policy: FetchPolicy, types: frozenset[str], accept: str) -> Page:
    """GET ``url`` as :func:`fetch_html` does, for a body of one of ``types`` (JSON, a picture)."""
    deadline = Deadline(time.monotonic() + policy.timeout)
    try:
        for _ in range(policy.max_redirects + 1):
            target = checked_target(url, policy, deadline)
            found = _get(target, policy, deadline, types, accept)
            if isinstance(found, Page):
                return found
            url = found
    except TimeoutError:
        raise Refused(TOO_SLOW.format(seconds=policy.timeout)) from None
    raise Refused(f"the page redirects too many times (more than {policy.max_redirects})")


@contextmanager
def _exchange(
    target: Target, policy: FetchPolicy, deadline: Deadline
) -> Iterator[_PinnedConnection]:
    """A connection to the checked address for one request; its failures said in words."""
    connection = _PinnedConnection(target, policy, deadline)
    try:
        yield connection
    except http.client.HTTPException:
        raise Refused("the site did not answer like a web server") from None
    except TimeoutError:
        raise
    except OSError:
        raise Refused(f"the connection to “{target.host}” failed") from None
    finally:
        connection.close()
        connection.release()


def _get(
    target: Target, policy: FetchPolicy, deadline: Deadline, types: frozenset[str], accept: str
) -> Page | str:
    """One request: the page, or the next URL to check when the answer is a redirect."""
    with _exchange(target, policy, deadline) as connection:
        connection.putrequest("GET", target.path, skip_host=True, skip_accept_encoding=True)
        for name, value in (
            ("Host", target.host_header),
            ("User-Agent", USER_AGENT),
            ("Accept", accept),
            ("Accept-Encoding", "identity"),
            ("Connection", "close"),
        ):
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        if response.status in REDIRECTS:
            location = (response.getheader("Location") or "").strip()
            if not location:
                raise Refused("the site sent a redirect without saying where to")
            return urljoin(target.url, location)
        if not 200 <= response.status < 300:
            raise Unsuccessful(
                f"the site answered “{response.status} {response.reason}”", response.status
            )
        return _read_page(target, response, policy, types)


def _read_page(
    target: Target, response: http.client.HTTPResponse, policy: FetchPolicy, types: frozenset[str]
) -> Page:
    headers = response.headers
    kind = headers.get_content_type()
    if kind not in types:
        if types is HTML_TYPES:
            raise Refused(f"that address is not an HTML page (it is {kind})")
        raise Refused(f"the site answered with {kind}, not what was asked for")
    if (headers.get("Content-Encoding") or "identity").strip().lower() != "identity":
        raise Refused("the site sent the page compressed, though asked not to")
    limit = f"the page is larger than {policy.max_bytes / (1024 * 1024):g} MB"
    declared = headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > policy.max_bytes:
        raise Refused(limit)
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(64 * 1024):
        size += len(chunk)
        if size > policy.max_bytes:
            raise Refused(limit)
        chunks.append(chunk)
    return Page(target.url, b"".join(chunks), headers.get_content_charset(), kind)


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP/1.1 to ``target.host``, over a socket connected to one of its checked addresses."""

    def __init__(self, target: Target, policy: FetchPolicy, deadline: Deadline) -> None:
        super().__init__(target.host, target.port)
        self._target = target
        self._tls = policy.tls
        self._deadline = deadline
        self._socket: socket.socket | None = None

    def connect(self) -> None:
        self._socket = self._open()
        # http.client only sends, makes a reader and closes: the stand-in does those three.
        self.sock = cast(socket.socket, _DeadlineSocket(self._socket, self._deadline))

    def release(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def _open(self) -> socket.socket:
        target = self._target
        for address in target.addresses:
            family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(self._deadline.remaining())
                sock.connect((str(address), target.port))
            except TimeoutError:
                sock.close()
                raise
            except OSError:
                sock.close()
                continue
            if target.scheme == "https":
                return self._secure(sock)
            return sock
        raise Refused(f"could not connect to “{target.host}”")

    def _secure(self, sock: socket.socket) -> socket.socket:
        context = self._tls or ssl.create_default_context()
        try:
            sock.settimeout(self._deadline.remaining())
            return context.wrap_socket(sock, server_hostname=self._target.host)
        except ssl.SSLCertVerificationError:
            sock.close()
            raise Refused(f"the certificate of “{self._target.host}” is not valid") from None
        except TimeoutError:
            sock.close()
            raise
        except (ssl.SSLError, OSError):
            sock.close()
            raise Refused(f"could not open a secure connection to “{self._target.host}”") from None


class _DeadlineSocket:
    """What ``http.client`` uses of a socket, each read and write given only the time left.

    Closing is left to :meth:`_PinnedConnection.release`: ``http.client`` closes its socket as
    soon as a ``Connection: close`` response has begun, while the body is still to be read.
    """

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(self._deadline.remaining())
        self._sock.sendall(data)

    def makefile(self, mode: str) -> io.BufferedReader:
        assert mode == "rb", mode
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))

    def close(self) -> None:
        pass


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        super().__init__()
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        self._sock.settimeout(self._deadline.remaining())
        return self._sock.recv_into(buffer)


def post_json(url: str, body: bytes, headers: dict[str, str], policy: FetchPolicy) -> int:
    """POST ``body`` (JSON) to ``url`` under ``policy``'s checks; the response status."""
    return post_bytes(url, body, "application/json", headers, policy)


def post_bytes(
    url: str, body: bytes, content_type: str, headers: dict[str, str], policy: FetchPolicy
) -> int:
    """POST ``body`` to ``url`` under ``policy``'s checks; the response status.

    Redirects are not followed (a webhook receiver or push service answers where it was
    registered); the response body is not read. :class:`Refused` when the address may not or
    could not be reached.
    """
    deadline = Deadline(time.monotonic() + policy.timeout)
    try:
        target = checked_target(url, policy, deadline)
        with _exchange(target, policy, deadline) as connection:
            connection.putrequest("POST", target.path, skip_host=True, skip_accept_encoding=True)
            for name, value in (
                ("Host", target.host_header),
                ("User-Agent", USER_AGENT),
                ("Content-Type", content_type),
                ("Content-Length", str(len(body))),
                ("Connection", "close"),
                *headers.items(),
            ):
                connection.putheader(name, value)
            connection.endheaders(body)
            return connection.getresponse().status
    except TimeoutError:
        raise Refused(TOO_SLOW.format(seconds=policy.timeout)) from None
