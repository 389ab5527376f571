"""How each kind of setting is read: each parser takes the variable's text and returns the
value, or raises ``ValueError`` saying what is wrong (``settings.py`` names the variable)."""

from __future__ import annotations

import base64
import binascii
import ipaddress
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from livefeed.domain.errors import Invalid
from livefeed.domain.languages import clean_language

_SMTP_SCHEMES = ("smtp", "smtp+starttls", "smtps")


def smtp_url(value: str) -> str | None:
    """``smtp://``, ``smtp+starttls://`` or ``smtps://``, with ``user:password@`` if needed."""
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in _SMTP_SCHEMES:
        raise ValueError(f"must start with {', '.join(s + '://' for s in _SMTP_SCHEMES)}")
    if not parts.hostname:
        raise ValueError("must name the mail server, as in smtp+starttls://mail.example.org:587")
    try:
        parts.port  # noqa: B018 - reading it is what checks it
    except ValueError:
        raise ValueError("has a port that is not a number between 1 and 65535") from None
    local = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.password and parts.scheme == "smtp" and not local:
        raise ValueError(
            "would send its password unencrypted: use smtp+starttls:// or smtps:// for a "
            "server that is not on this machine"
        )
    return value


def email_address(value: str) -> str:
    if value and (value.count("@") != 1 or " " in value.strip() or value.startswith("@")):
        raise ValueError(f"must be an email address such as news@example.org, not {value!r}")
    return value.strip()


def hosts_and_networks(value: str) -> tuple[str, ...]:
    """Comma-separated host names, addresses and CIDR blocks, each checked, host names lowered."""
    items = []
    for item in (part.strip().lower() for part in value.split(",")):
        if not item:
            continue
        if "/" in item or ":" in item or item.replace(".", "").isdigit():
            try:
                ipaddress.ip_network(item)
            except ValueError:
                raise ValueError(_not_a_network(item)) from None
        elif not all(label and label.replace("-", "").isalnum() for label in item.split(".")):
            raise ValueError(f"{item!r} is not a host name, IP address or CIDR block")
        items.append(item)
    return tuple(items)


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


def optional_public_url(value: str) -> str | None:
    return public_url(value) if value else None


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


def media_url(value: str) -> str:
    parts = urlsplit(value)
    if value and (parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment):
        raise ValueError("must be empty (a folder) or s3://bucket or s3://bucket/prefix")
    return value


def base_url(value: str) -> str:
    parts = urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.netloc or parts.query):
        raise ValueError("must be empty or an absolute http:// or https:// address")
    return value.rstrip("/")


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


def whole_number_or_zero(value: str) -> int:
    number = whole_number(value)
    if number < 0:
        raise ValueError("must be a whole number of at least 0")
    return number


def positive_int(value: str) -> int:
    number = whole_number(value)
    if number < 1:
        raise ValueError("must be a whole number of at least 1")
    return number


def networks(value: str) -> tuple[Network, ...]:
    """Comma-separated addresses and CIDR blocks, IPv4 or IPv6 (``10.0.0.0/8, ::1``)."""
    found = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            found.append(ipaddress.ip_network(item))
        except ValueError:
            raise ValueError(_not_a_network(item)) from None
    return tuple(found)


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


def choice(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        chosen = value.strip().lower()
        if chosen not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, not {value!r}")
        return chosen

    return parse


def boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


def vapid_key(value: str) -> str:
    """Empty, a PEM private key, or a P-256 private key's 32 bytes in URL-safe base64."""
    text = value.strip()
    if not text or (text.startswith("-----BEGIN") and "PRIVATE KEY-----" in text):
        return text
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 32:
        raise ValueError("expected a PEM EC private key or 32 bytes in URL-safe base64")
    return text


def language(value: str) -> str:
    """A BCP 47 tag in its conventional case (``pt-BR``)."""
    try:
        return clean_language(value.strip(), "language")
    except Invalid as error:
        raise ValueError(error.errors["language"]) from None


def env_lines(text: str) -> dict[str, str]:
    """A ``.env`` file's ``KEY=value`` lines; blank lines and ``#`` comments skipped, quotes
    around values removed. A line that is neither says its number."""
    result: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        if not sep:
            raise ValueError(f"{number}: expected KEY=value")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        result[key.strip()] = value
    return result
