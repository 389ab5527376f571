"""How the settings of mail and webhooks are read: each parser takes the variable's text and
returns the value, or raises ``ValueError`` saying what is wrong (``settings.py`` names the
variable)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

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


def _not_a_network(item: str) -> str:
    try:
        block = ipaddress.ip_network(item, strict=False)
    except ValueError:
        return f"{item!r} is not an IP address or CIDR block"
    return f"{item!r} has bits set after its prefix length: did you mean {block}?"
