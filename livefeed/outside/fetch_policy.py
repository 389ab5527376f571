"""Where a fetch may go: every check a URL passes before anything is sent to it.

The checks stand apart from the fetching because they are also asked alone: a webhook's address
is checked when it is saved (:func:`check_url`), long before anything is posted to it, and must
meet the very rules a page fetched for an editor meets.

Tests use local HTTP servers on random ports under names like ``news.test``. They pass a
:class:`FetchPolicy` with their own ``resolve`` (a dictionary), and either keep the production
``admits`` (to prove an address is refused) or pass one that admits only their server's
address (to fetch a page at all). The checks themselves are the same code either way.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from livefeed.domain.addresses import (
    IPAddress,
    NotAnAddress,
    host_address,
    is_local_name,
    is_public_address,
    unwrap,
)

Resolver = Callable[[str, int], Sequence[str]]

DEFAULT_PORTS = {"http": 80, "https": 443}

INSIDE = "that address points inside our network: give a public address"
TOO_SLOW = "the page took too long to load (more than {seconds:g} seconds)"

_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_NAME = re.compile(rf"(?=.{{1,253}}\Z){_LABEL}(?:\.{_LABEL})*")
_PATH_SAFE = "/%:@!$&'()*+,;=-._~?"


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (IPv4 and IPv6)."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in found]


@dataclass(frozen=True)
class FetchPolicy:
    """What a fetch may reach and how much it may take; the defaults are the production rules.

    ``admits`` decides whether a resolved address may be connected to, ``resolve`` turns a
    host name into addresses; tests replace them, never the checks that use them.
    """

    admits: Callable[[IPAddress], bool] = is_public_address
    resolve: Resolver = system_resolver
    ports: frozenset[int] = frozenset(DEFAULT_PORTS.values())
    timeout: float = 5.0
    max_bytes: int = 2 * 1024 * 1024
    max_redirects: int = 3
    # None: the system's trust store, certificates checked against the host name.
    tls: ssl.SSLContext | None = field(default=None, compare=False)
    # Receivers inside the network an admin listed (``LIVEFEED_WEBHOOK_ALLOW``): a host named
    # here, or whose every address lies in one of these blocks, is admitted on any port.
    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    def listed(self, host: str, addresses: Sequence[IPAddress]) -> bool:
        """Whether an admin let this receiver in: by its name, or by every address it has."""
        if host.rstrip(".").lower() in self.allowed_hosts:
            return True
        return bool(addresses) and all(
            any(unwrap(address) in network for network in self.allowed_networks)
            for address in addresses
        )


class Refused(Exception):
    """A page that may not, or could not, be fetched; the message tells the editor why."""


@dataclass(frozen=True)
class Target:
    """Where a checked URL leads: the name to speak to, and the addresses admitted for it."""

    url: str
    scheme: str
    host: str  # ASCII: for the Host header, SNI and the certificate check
    port: int
    path: str
    addresses: tuple[IPAddress, ...]

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


class Deadline:
    """The one deadline a whole fetch keeps, from the first lookup to the last byte."""

    def __init__(self, at: float) -> None:
        self.at = at

    def remaining(self) -> float:
        """The seconds left; :class:`TimeoutError` once there are none."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left


def checked_target(
    url: str, policy: FetchPolicy, deadline: Deadline, *, resolve: bool = True
) -> Target:
    """Every rule about where ``url`` leads, down to each address its host resolves to.

    Without ``resolve``, a host name is checked for its form only (an address given as a
    number is still checked): a webhook is registered before its receiver need exist.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused("that is not a valid web address") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise Refused("only http:// and https:// addresses can be fetched")
    if parts.username is not None or parts.password is not None:
        raise Refused("an address to fetch cannot hold a user name or password")
    host = parts.hostname or ""
    if not host:
        raise Refused("that address has no host name")
    port = DEFAULT_PORTS[scheme] if port is None else port
    try:
        literal = host_address(host)
    except NotAnAddress:
        raise Refused(f"“{host}” is not a valid address") from None
    named = policy.listed(host, [])
    if not (named or policy.allowed_networks):
        _check_port(port, policy)  # before any lookup, when no listed block could excuse it
    if literal is not None:
        name, found = str(literal), [literal]
    else:
        name = _ascii_name(host, local_allowed=named)
        found = _resolve(name, port, policy, deadline) if resolve else []
    if not (named or policy.listed(name, found)):
        _check_port(port, policy)
        if not all(policy.admits(address) for address in found):
            raise Refused(INSIDE)
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path += "?" + quote(parts.query, safe=_PATH_SAFE)
    return Target(url, scheme, name, port, path, tuple(unwrap(a) for a in found))


def _check_port(port: int, policy: FetchPolicy) -> None:
    if port not in policy.ports:
        *most, last = (str(p) for p in sorted(policy.ports))
        ports = f"{', '.join(most)} and {last}" if most else last
        raise Refused(f"only the standard web ports ({ports}) can be fetched, not {port}")


def _ascii_name(host: str, *, local_allowed: bool = False) -> str:
    try:
        name = host.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise Refused(f"“{host}” is not a valid host name") from None
    if not _NAME.fullmatch(name):
        raise Refused(f"“{host}” is not a valid host name")
    if is_local_name(name) and not local_allowed:
        raise Refused(INSIDE)
    return name


def _resolve(name: str, port: int, policy: FetchPolicy, deadline: Deadline) -> list[IPAddress]:
    try:
        answers = policy.resolve(name, port)
    except (OSError, UnicodeError):
        raise Refused(f"there is no site at “{name}”") from None
    deadline.remaining()
    if not answers:
        raise Refused(f"there is no site at “{name}”")
    found: list[IPAddress] = []
    for answer in answers:
        try:
            found.append(ipaddress.ip_address(answer))
        except ValueError:
            raise Refused(INSIDE) from None
    return found


def check_url(url: str, policy: FetchPolicy, *, resolve: bool = True) -> None:
    """Every check a fetch of ``url`` makes, without fetching; :class:`Refused` if one fails.

    ``resolve=False`` leaves out what the host name leads to (checked again at each fetch).
    """
    try:
        checked_target(url, policy, Deadline(time.monotonic() + policy.timeout), resolve=resolve)
    except TimeoutError:
        raise Refused(TOO_SLOW.format(seconds=policy.timeout)) from None
