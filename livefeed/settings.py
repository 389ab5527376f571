"""The one place that reads configuration.

Every setting comes from a ``LIVEFEED_*`` environment variable (or a ``.env`` file beside the
process), is parsed once into a frozen :class:`Settings`, and is passed explicitly from there on.
A bad value stops start-up with a :class:`SettingsError` naming the variable, so a typo never
turns into a silent default.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from livefeed.domain.setting_values import email_address, hosts_and_networks, smtp_url

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(Exception):
    """A ``LIVEFEED_*`` variable holds a value that cannot be used."""


def _url(schemes: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        scheme = urlsplit(value).scheme.split("+")[0]
        if scheme not in schemes:
            raise ValueError(f"must start with {' or '.join(s + '://' for s in schemes)}")
        return value

    return parse


def _optional_url(schemes: tuple[str, ...]) -> Callable[[str], str | None]:
    def parse(value: str) -> str | None:
        return _url(schemes)(value) if value else None

    return parse


def _public_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http:// or https:// origin")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("must be an origin only, without a path")
    return f"{parts.scheme}://{parts.netloc}"


def _optional_public_url(value: str) -> str | None:
    return _public_url(value) if value else None


def _media_url(value: str) -> str:
    parts = urlsplit(value)
    if value and (parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment):
        raise ValueError("must be empty (a folder) or s3://bucket or s3://bucket/prefix")
    return value


def _base_url(value: str) -> str:
    parts = urlsplit(value)
    if value and (parts.scheme not in ("http", "https") or not parts.netloc or parts.query):
        raise ValueError("must be empty or an absolute http:// or https:// address")
    return value.rstrip("/")


def _whole_number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"must be a whole number, not {value!r}") from None


def _port(value: str) -> int:
    port = _whole_number(value)
    if not 0 < port < 65536:
        raise ValueError("must be between 1 and 65535")
    return port


def _whole_number_or_zero(value: str) -> int:
    number = _whole_number(value)
    if number < 0:
        raise ValueError("must be a whole number of at least 0")
    return number


def _positive_int(value: str) -> int:
    number = _whole_number(value)
    if number < 1:
        raise ValueError("must be a whole number of at least 1")
    return number


def _networks(value: str) -> tuple[Network, ...]:
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


def _byte_size(value: str) -> int:
    """A size in bytes: ``20MB``, ``512KB``, ``1GB`` (powers of 1024) or a plain number."""
    text = value.strip().upper().replace(" ", "")
    number = text.rstrip("KMGB")
    unit = text[len(number) :]
    if not number.isdigit() or unit not in _BYTE_UNITS or int(number) < 1:
        raise ValueError(f"must be a size such as 20MB, 512KB or 1048576, not {value!r}")
    return int(number) * _BYTE_UNITS[unit]


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    return parse


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


@dataclass(frozen=True)
class Setting:
    """How one variable is parsed and documented (the README table is checked against these)."""

    name: str
    default: str
    parse: Callable[[str], Any]
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database_url",
        "sqlite:///./livefeed.db",
        _url(("sqlite", "postgresql", "postgres")),
        "Where posts live: `sqlite:///path.db` (embedded) or `postgresql://user@host/db`.",
    ),
    Setting(
        "redis_url",
        "",
        _optional_url(("redis", "rediss")),
        "Redis for fan-out between instances; empty means one instance, in-process.",
    ),
    Setting(
        "public_url",
        "http://127.0.0.1:8000",
        _public_url,
        "The canonical origin readers see; `https://` also marks cookies Secure.",
    ),
    Setting("host", "127.0.0.1", str, "Address `livefeed serve` listens on."),
    Setting("port", "8000", _port, "Port `livefeed serve` listens on."),
    Setting(
        "session_days",
        "14",
        _positive_int,
        "How many days a desk login lasts.",
    ),
    Setting(
        "login_attempts",
        "5",
        _positive_int,
        "Failed logins allowed per account from one client address in 15 minutes (four times "
        "as many in 24 hours), and ten times as many per address across accounts, except for "
        "accounts that have logged in from it in the last 90 days. No account is ever locked "
        "for everyone.",
    ),
    Setting(
        "seed_demo",
        "true",
        _bool,
        "Whether `livefeed serve` seeds the demo feed into an empty database.",
    ),
    Setting(
        "short_url",
        "",
        _optional_public_url,
        "Origin of short URLs (`https://lf.example` gives `https://lf.example/s/aB3xY9k`); "
        "empty means the public URL. It must send `/s/…` on to this app.",
    ),
    Setting(
        "media_dir",
        "",
        str,
        "Folder for uploaded pictures and videos; empty means `media` beside the SQLite "
        "database, or in the working directory with PostgreSQL.",
    ),
    Setting(
        "media_url",
        "",
        _media_url,
        "Where uploads go when not in a folder: `s3://bucket/prefix`, any S3-compatible "
        "object storage. Several instances need this, or one folder they all share.",
    ),
    Setting("media_endpoint", "", _base_url, "The object storage's address; empty: AWS S3."),
    Setting("media_region", "", str, "The bucket's region; empty: `us-east-1`."),
    Setting("media_access_key_id", "", str, "Object storage key; empty: AWS's own chain."),
    Setting("media_secret_access_key", "", str, "Its secret (best as `…_FILE`)."),
    Setting(
        "media_public_url",
        "",
        _base_url,
        "Public address of the bucket's prefix, or a CDN in front of it: readers are sent to "
        "it followed by the file's name. Empty: to addresses signed for an hour.",
    ),
    Setting(
        "media_max_bytes",
        "20MB",
        _byte_size,
        "Largest picture upload (`KB`, `MB`, `GB` or bytes); refused as soon as it is passed.",
    ),
    Setting(
        "media_max_video_bytes",
        "200MB",
        _byte_size,
        "Largest video upload (MP4 or WebM), in the same units.",
    ),
    Setting(
        "media_quota_per_user",
        "2GB",
        _byte_size,
        "How much each person's uploads may take in all, in the same units; an upload that "
        "would pass it is refused, saying how much is used.",
    ),
    Setting(
        "media_quota_per_feed",
        "10GB",
        _byte_size,
        "How much the uploads sent for one feed may take in all, whoever sent them.",
    ),
    Setting(
        "request_head_timeout",
        "10",
        _positive_int,
        "Seconds a client has to send a request's head before it is answered 408 and let go.",
    ),
    Setting(
        "connections_per_client",
        "500",
        _positive_int,
        "Open connections one client address may hold at once (proxies in "
        "`LIVEFEED_TRUSTED_PROXIES` are not counted); the next is answered 503.",
    ),
    Setting(
        "trusted_proxies",
        "",
        _networks,
        "Comma-separated addresses or CIDR blocks (IPv4 or IPv6) of the proxies in front; "
        "only from these is `X-Forwarded-For` believed for the client's address. Empty: none.",
    ),
    Setting(
        "corrections_policy_url",
        "",
        _optional_url(("http", "https")),
        "Address of the site's corrections policy, given to search engines as the publisher's "
        "`correctionsPolicy`; empty: none.",
    ),
    Setting(
        "publishing_principles_url",
        "",
        _optional_url(("http", "https")),
        "Address of the site's publishing principles (`publishingPrinciples`); empty: none.",
    ),
    Setting(
        "verification_policy_url",
        "",
        _optional_url(("http", "https")),
        "Address of how the newsroom verifies and fact-checks "
        "(`verificationFactCheckingPolicy`); empty: none.",
    ),
    Setting(
        "loop",
        "auto",
        _choice("auto", "uvloop", "asyncio"),
        "Event loop of `livefeed serve`: `uvloop` (installed by default, cheaper per reader), "
        "`asyncio` (the standard library's), or `auto` (uvloop when importable).",
    ),
    Setting(
        "stream_memory",
        "64MB",
        _byte_size,
        "Memory for the feeds' recent events, already encoded, kept past their last reader so "
        "that readers coming back at once catch up from it; the least recently used feed "
        "goes first (`KB`, `MB`, `GB` or bytes).",
    ),
    Setting(
        "workers",
        "0",
        _whole_number_or_zero,
        "Worker processes `livefeed serve` starts on the port (`SO_REUSEPORT`); `0` means "
        "one per core. They share wake-ups through Redis if configured, else among themselves.",
    ),
    Setting(
        "smtp_url",
        "",
        smtp_url,
        "The mail server: `smtp://host:25`, `smtp+starttls://user:password@host:587` or "
        "`smtps://user:password@host:465`. Empty: no mail is sent (password resets, "
        "emailed invitations and notices are then unavailable).",
    ),
    Setting(
        "smtp_from",
        "",
        email_address,
        "The sender of the site's mail; empty means `livefeed@` and the public URL's host.",
    ),
    Setting(
        "webhook_allow",
        "",
        hosts_and_networks,
        "Comma-separated host names, addresses or CIDR blocks inside your own network that "
        "webhooks may be sent to (`hooks.internal, 10.0.0.0/8`). Empty: public receivers only.",
    ),
    Setting(
        "secret_key",
        "",
        str,
        "The key of the site's keyed hashes (what a guest's ban remembers of them); empty "
        "means a random key made once and kept in the database.",
    ),
)


@dataclass(frozen=True)
class Settings:
    """Everything Livefeed can be told, already parsed."""

    database_url: str
    redis_url: str | None
    public_url: str
    host: str
    port: int
    session_days: int
    login_attempts: int
    seed_demo: bool
    short_url: str | None = None
    media_dir: str = ""
    media_url: str = ""
    media_endpoint: str = ""
    media_region: str = ""
    media_access_key_id: str = ""
    media_secret_access_key: str = field(default="", repr=False)
    media_public_url: str = ""
    media_max_bytes: int = 20 * 1024 * 1024
    media_max_video_bytes: int = 200 * 1024 * 1024
    media_quota_per_user: int = 2 * 1024**3
    media_quota_per_feed: int = 10 * 1024**3
    request_head_timeout: int = 10
    connections_per_client: int = 500
    trusted_proxies: tuple[Network, ...] = ()
    corrections_policy_url: str | None = None
    publishing_principles_url: str | None = None
    verification_policy_url: str | None = None
    loop: str = "auto"
    stream_memory: int = 64 * 1024 * 1024
    workers: int = 0
    smtp_url: str | None = None
    smtp_from: str = ""
    webhook_allow: tuple[str, ...] = ()
    secret_key: str = ""

    @property
    def media_path(self) -> Path:
        """Where uploads are kept: the setting, else ``media`` beside an SQLite database file,
        else ``media`` in the working directory."""
        if self.media_dir:
            return Path(self.media_dir)
        if self.database_url.startswith("sqlite:///"):
            database = self.database_url.removeprefix("sqlite:///").split("?", 1)[0]
            if database and database != ":memory:":
                return Path(database).parent / "media"
        return Path("media")

    @property
    def mail_sender(self) -> str:
        """Who the site's mail comes from: the setting, else ``livefeed@`` the public host."""
        return self.smtp_from or f"livefeed@{urlsplit(self.public_url).hostname}"

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
    ) -> Settings:
        """Parse settings from ``environ`` (default: the process), over values in ``env_file``."""
        from_file = read_env_file(env_file) if env_file else {}
        process = os.environ if environ is None else environ
        _refuse_unknown([*from_file, *process])
        parsed: dict[str, Any] = {}
        for setting in SETTINGS:
            variable = env_name(setting)
            # Source by source, so that NAME_FILE set in the process beats NAME in .env.
            raw = _read_secret(variable, process)
            if raw is None:
                raw = _read_secret(variable, from_file)
            try:
                parsed[setting.name] = setting.parse(setting.default if raw is None else raw)
            except ValueError as error:
                raise SettingsError(f"{variable}: {error}") from None
        return cls(**parsed)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed (tests and the CLI's ``--host``/``--port``)."""
        current = {f.name: getattr(self, f.name) for f in fields(self)}
        current.update(changes)
        return Settings(**current)


def _refuse_unknown(names: list[str]) -> None:
    """A misspelt variable would otherwise leave its setting at the default without a word."""
    known = {env_name(s) for s in SETTINGS} | {f"{env_name(s)}_FILE" for s in SETTINGS}
    for name in names:
        # LIVEFEED_TEST_* belong to the test suite, not to the application.
        if (
            name.startswith("LIVEFEED_")
            and name not in known
            and not name.startswith("LIVEFEED_TEST_")
        ):
            raise SettingsError(f"{name}: there is no such setting (see the README's table)")


def env_name(setting: Setting) -> str:
    return f"LIVEFEED_{setting.name.upper()}"


def _read_secret(variable: str, values: Mapping[str, str]) -> str | None:
    """``NAME`` wins; ``NAME_FILE`` names a file holding the value (for container secrets)."""
    if variable in values:
        return values[variable]
    path = values.get(f"{variable}_FILE")
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise SettingsError(f"{variable}_FILE: cannot read {path}: {error.strerror}") from None


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines; blank lines and ``#`` comments skipped, quotes around values removed."""
    if not path.is_file():
        return {}
    result: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        if not sep:
            raise SettingsError(f"{path}:{number}: expected KEY=value")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        result[key.strip()] = value
    return result
