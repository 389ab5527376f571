"""The one place that reads configuration.

Every setting comes from a ``LIVEFEED_*`` environment variable (or a ``.env`` file beside the
process), is parsed once into a frozen :class:`Settings`, and is passed explicitly from there on.
A bad value stops start-up with a :class:`SettingsError` naming the variable: no silent default.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from livefeed.domain import setting_values as parse
from livefeed.domain.setting_table import SETTINGS as SETTINGS
from livefeed.domain.setting_table import Setting as Setting
from livefeed.domain.setting_values import Network as Network


class SettingsError(Exception):
    """A ``LIVEFEED_*`` variable holds a value that cannot be used."""


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
    site_name: str = "Livefeed"
    site_logo: str | None = None
    language: str = "en"
    vapid_private_key: str = field(default="", repr=False)
    meta_access_token: str = field(default="", repr=False)
    log_format: str = "text"
    metrics_token: str | None = None
    metrics_port: int | None = None

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
        if parsed["public_url"] is None:
            parsed["public_url"] = parse.served_origin(parsed["host"], parsed["port"])
        return cls(**parsed)

    def replace(self, **changes: Any) -> Settings:
        """A copy with some values changed (tests and the CLI's ``--host``/``--port``); a public
        URL that follows the address being served follows a new one too."""
        current = {f.name: getattr(self, f.name) for f in fields(self)}
        following = self.public_url == parse.served_origin(self.host, self.port)
        current.update(changes)
        if following and "public_url" not in changes:
            current["public_url"] = parse.served_origin(current["host"], current["port"])
        return Settings(**current)


def _refuse_unknown(names: list[str]) -> None:
    """A misspelt variable would otherwise leave its setting at the default without a word."""
    known = {env_name(s) for s in SETTINGS} | {f"{env_name(s)}_FILE" for s in SETTINGS}
    for name in names:
        # LIVEFEED_TEST_* belong to the test suite, not to the application.
        unknown = name.startswith("LIVEFEED_") and name not in known
        if unknown and not name.startswith("LIVEFEED_TEST_"):
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
    """The file's ``KEY=value`` lines (see :func:`~livefeed.domain.setting_values.env_lines`)."""
    if not path.is_file():
        return {}
    # Read first: a file that is not UTF-8 is said as such where files are read (the CLI's).
    text = path.read_text(encoding="utf-8")
    try:
        return parse.env_lines(text)
    except ValueError as error:
        raise SettingsError(f"{path}:{error}") from None
