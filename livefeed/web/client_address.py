"""The client's address, believing ``X-Forwarded-For`` only from the proxies we trust.

Each proxy appends the address it received the request from, so the header's right end was
written by the proxy nearest to us and its left end by whoever sent the request, perhaps a
client making up addresses. Walking from the right past the trusted proxies (those of
``LIVEFEED_TRUSTED_PROXIES``), the first address not among them is the client. Anything that
is not an address stops the walk: the trusted hop that passed it on is the best we know, so
what a client writes into the header never becomes its address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from livefeed.settings import Network

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# What an address with nothing better to go on is counted as (no peer, e.g. a Unix socket).
UNKNOWN = "unknown"


def client_address(peer: str | None, forwarded: Sequence[str], trusted: Sequence[Network]) -> str:
    """The client's address, in canonical form (IPv4-mapped IPv6 shown as IPv4).

    ``peer`` is the direct peer's address; ``forwarded`` every ``X-Forwarded-For`` header
    line in the order received. A peer that is not an IP address is returned as it is.
    """
    if not peer:
        return UNKNOWN
    nearest = parse_address(peer)
    if nearest is None:
        return peer
    if not _is_trusted(nearest, trusted):
        return str(nearest)
    hops = [entry for line in forwarded for entry in line.split(",")]
    for entry in reversed(hops):
        hop = parse_address(entry)
        if hop is None:
            break
        if not _is_trusted(hop, trusted):
            return str(hop)
        nearest = hop
    return str(nearest)


def parse_address(text: str) -> IPAddress | None:
    """An address as proxies write it (``192.0.2.1``, ``2001:db8::1``, ``[2001:db8::1]``, also
    with a port), or ``None`` for anything else."""
    text = text.strip()
    if text.startswith("["):
        inside, bracket, port = text[1:].partition("]")
        if not bracket or (port and not _is_port(port)):
            return None
        text = inside
    elif text.count(":") == 1:
        text, _, port = text.partition(":")  # IPv4 with a port
        if not _is_port(":" + port):
            return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return None  # "fe80::1%eth0" names an interface of the writer's, not a client
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
    return address


def _is_port(text: str) -> bool:
    digits = text[1:]
    return (
        text.startswith(":")
        and 0 < len(digits) <= 5
        and digits.isascii()
        and digits.isdigit()
        and 0 < int(digits) < 65536
    )


def _is_trusted(address: IPAddress, trusted: Sequence[Network]) -> bool:
    return any(address in network for network in trusted)
