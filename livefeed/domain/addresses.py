"""Which network addresses the server may reach when it fetches a page for someone.

A host in a URL can spell an address in many ways: ``127.0.0.1``, ``127.1``, ``2130706433``,
``0x7f.1``, ``017700000001``, ``[::1]``, ``[::ffff:127.0.0.1]``. Browsers and the C resolver
read all of them as the same loopback address, so :func:`host_address` reads them the same way
(the WHATWG URL rules for IPv4) instead of handing them to a resolver that might disagree with
the check. :func:`is_public_address` then says whether an address is on the public Internet.
"""

from __future__ import annotations

import ipaddress
import re

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_HEX = re.compile(r"^0[xX][0-9a-fA-F]*$")
_OCTAL = re.compile(r"^0[0-7]+$")
_DECIMAL = re.compile(r"^(?:0|[1-9][0-9]*)$")
_NUMERIC = re.compile(r"^(?:[0-9]+|0[xX][0-9a-fA-F]*)$")


class NotAnAddress(ValueError):
    """A host that looks like a numeric address but is not a valid one (``1.2.3.999``)."""


def host_address(host: str) -> IPAddress | None:
    """The address ``host`` spells, in any notation a browser accepts; ``None`` for a name.

    ``host`` is a URL's host without brackets (``urlsplit(url).hostname``). A host whose last
    label is a number is an IPv4 address to a browser, so an invalid one is
    :class:`NotAnAddress` rather than a name to look up.
    """
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise NotAnAddress(f"{host} is not a valid IPv6 address") from None
    labels = host.split(".")
    if len(labels) > 1 and labels[-1] == "":
        labels.pop()  # "127.0.0.1." is the same host as "127.0.0.1"
    if not labels or not _NUMERIC.match(labels[-1]):
        return None
    return _ipv4(labels, host)


def _number(label: str) -> int | None:
    if _HEX.match(label):
        return int(label[2:] or "0", 16)
    if _OCTAL.match(label):
        return int(label[1:], 8)
    if _DECIMAL.match(label):
        return int(label)
    return None


def _ipv4(labels: list[str], host: str) -> ipaddress.IPv4Address:
    """``a``, ``a.b``, ``a.b.c`` or ``a.b.c.d``, each part decimal, octal or hex (inet_aton)."""
    numbers = [_number(label) for label in labels]
    if len(labels) > 4 or any(number is None for number in numbers):
        raise NotAnAddress(f"{host} is not a valid IPv4 address")
    parts = [number for number in numbers if number is not None]
    *front, last = parts
    if any(part > 255 for part in front) or last >= 256 ** (5 - len(parts)):
        raise NotAnAddress(f"{host} is not a valid IPv4 address")
    value = last
    for index, part in enumerate(front):
        value += part << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def is_public_address(address: IPAddress) -> bool:
    """Whether ``address`` is a unicast address on the public Internet.

    Loopback, private, shared (100.64/10), link-local (169.254/16, fe80::/10, where cloud
    metadata lives), unique-local, multicast, reserved, documentation and unspecified
    addresses are refused. An IPv6 address that carries an IPv4 one (mapped ``::ffff:a.b.c.d``,
    6to4, NAT64) is judged by the IPv4 address it reaches too; Teredo and site-local are refused.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public_address(address.ipv4_mapped)
        if address in _NAT64:
            return is_public_address(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.sixtofour is not None and not is_public_address(address.sixtofour):
            return False
        if address.teredo is not None or address.is_site_local or address.scope_id:
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
    )


def unwrap(address: IPAddress) -> IPAddress:
    """The address to connect to: an IPv4-mapped IPv6 address as the IPv4 address it maps."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_local_name(host: str) -> bool:
    """``localhost`` and its subdomains: loopback by definition (RFC 6761), whatever DNS says."""
    name = host.rstrip(".").lower()
    return name == "localhost" or name.endswith(".localhost")
