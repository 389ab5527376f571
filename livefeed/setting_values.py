"""How a setting's text becomes a value: the parsers the settings table names.

Each takes the variable's text and returns the value, or raises ``ValueError`` with words that
follow the variable's name in the one-line message (``LIVEFEED_PORT: must be …``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def url(schemes: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        scheme = urlsplit(value).scheme.split("+")[0]
        if scheme not in schemes:
            raise ValueError(f"must start with {' or '.join(s + '://' for s in schemes)}")
        return value

    return parse


def optional_url(schemes: tuple[str, ...]) -> Callable[[str], str | None]:
    def parse(value: str) -> str | None:
        return url(schemes)(value) if value else None

    return parse


def public_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http:// or https:// origin")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("must be an origin only, without a path")
    return f"{parts.scheme}://{parts.netloc}"


def optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """Empty means unset (``None``); anything else must parse."""
    return lambda value: parse(value) if value.strip() else None


def served_origin(host: str, port: int) -> str:
    """The origin of ``livefeed serve`` itself, for links when no public URL is set.

    A wildcard address is no place to send a browser: the same machine's loopback stands in.
    """
    if host in ("", "0.0.0.0"):  # noqa: S104 (naming the wildcard, not binding to it)
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def site_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise ValueError("must not be empty")
    if len(name) > 80:
        raise ValueError("must be at most 80 characters")
    return name


def image_address(value: str) -> str:
    """Absolute http(s), or a path on this site (``/media/logo.png``)."""
    parts = urlsplit(value)
    local = value.startswith("/") and not value.startswith("//")
    if not local and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise ValueError("must be an http:// or https:// address, or a path starting with /")
    return value


def choice(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value.strip().lower() not in choices:
            raise ValueError(f"must be {' or '.join(choices)}")
        return value.strip().lower()

    return parse


def whole_number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"must be a whole number, not {value!r}") from None


def port(value: str) -> int:
    port = whole_number(value)
    if not 0 < port < 65536:
        raise ValueError("must be between 1 and 65535")
    return port


def positive_int(value: str) -> int:
    number = whole_number(value)
    if number < 1:
        raise ValueError("must be a whole number of at least 1")
    return number


def networks(value: str) -> tuple[Network, ...]:
    """Comma-separated addresses and CIDR blocks, IPv4 or IPv6 (``10.0.0.0/8, ::1``)."""
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item))
        except ValueError:
            raise ValueError(_not_a_network(item)) from None
    return tuple(networks)


def _not_a_network(item: str) -> str:
    try:
        # Host bits after the prefix are most likely a typo for the block's own address.
        block = ipaddress.ip_network(item, strict=False)
    except ValueError:
        return f"{item!r} is not an IP address or CIDR block"
    return f"{item!r} has bits set after its prefix length: did you mean {block}?"


_BYTE_UNITS = {"": 1, "B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def byte_size(value: str) -> int:
    """A size in bytes: ``20MB``, ``512KB``, ``1GB`` (powers of 1024) or a plain number."""
    text = value.strip().upper().replace(" ", "")
    number = text.rstrip("KMGB")
    unit = text[len(number) :]
    if not number.isdigit() or unit not in _BYTE_UNITS or int(number) < 1:
        raise ValueError(f"must be a size such as 20MB, 512KB or 1048576, not {value!r}")
    return int(number) * _BYTE_UNITS[unit]


def boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")
