"""Settings: one frozen object from LIVEFEED_* variables, a .env file and *_FILE secrets."""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from pathlib import Path

import pytest

from livefeed.settings import SETTINGS, Settings, SettingsError, env_name, read_env_file


def test_defaults() -> None:
    settings = Settings.from_env({}, env_file=None)
    assert settings == Settings(
        database_url="sqlite:///./livefeed.db",
        redis_url=None,
        public_url="http://127.0.0.1:8000",
        host="127.0.0.1",
        port=8000,
        session_days=14,
        login_attempts=5,
        seed_demo=False,
    )
    assert settings.secure_cookies is False


def test_every_setting_is_read_from_its_variable() -> None:
    settings = Settings.from_env(
        {
            "LIVEFEED_DATABASE_URL": "postgresql://livefeed@db.internal/livefeed",
            "LIVEFEED_REDIS_URL": "rediss://cache.internal:6380/0",
            "LIVEFEED_PUBLIC_URL": "https://live.example.org/",
            "LIVEFEED_HOST": "10.1.2.3",
            "LIVEFEED_PORT": "8080",
            "LIVEFEED_SESSION_DAYS": "30",
            "LIVEFEED_LOGIN_ATTEMPTS": " 10 ",
            "LIVEFEED_SEED_DEMO": "Off",
            "OTHER_APP_PORT": "not ours",
        },
        env_file=None,
    )
    assert settings == Settings(
        database_url="postgresql://livefeed@db.internal/livefeed",
        redis_url="rediss://cache.internal:6380/0",
        public_url="https://live.example.org",
        host="10.1.2.3",
        port=8080,
        session_days=30,
        login_attempts=10,
        seed_demo=False,
    )
    assert settings.secure_cookies is True


def test_settings_are_frozen_and_replace_makes_a_copy() -> None:
    settings = Settings.from_env({}, env_file=None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.port = 9000  # type: ignore[misc]
    changed = settings.replace(port=9000)
    assert (changed.port, settings.port) == (9000, 8000)
    assert changed.database_url == settings.database_url


def test_every_setting_has_a_field_and_help() -> None:
    assert [s.name for s in SETTINGS] == [f.name for f in dataclasses.fields(Settings)]
    assert all(s.help.strip() for s in SETTINGS)


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("LIVEFEED_DATABASE_URL", "mysql://db/livefeed", "sqlite:// or postgresql://"),
        ("LIVEFEED_DATABASE_URL", "", "sqlite:// or postgresql://"),
        ("LIVEFEED_DATABASE_URL", "livefeed.db", "sqlite:// or postgresql://"),
        ("LIVEFEED_REDIS_URL", "http://cache.internal", "redis:// or rediss://"),
        ("LIVEFEED_PUBLIC_URL", "live.example.org", "absolute"),
        ("LIVEFEED_PUBLIC_URL", "ftp://live.example.org", "absolute"),
        ("LIVEFEED_PUBLIC_URL", "https://live.example.org/news", "origin only"),
        ("LIVEFEED_PUBLIC_URL", "https://live.example.org/?x=1", "origin only"),
        ("LIVEFEED_PORT", "eighty", "whole number"),
        ("LIVEFEED_PORT", "", "whole number"),
        ("LIVEFEED_PORT", "0", "between 1 and 65535"),
        ("LIVEFEED_PORT", "65536", "between 1 and 65535"),
        ("LIVEFEED_PORT", "80.5", "whole number"),
        ("LIVEFEED_SESSION_DAYS", "0", "at least 1"),
        ("LIVEFEED_SESSION_DAYS", "two weeks", "whole number"),
        ("LIVEFEED_LOGIN_ATTEMPTS", "-1", "at least 1"),
        ("LIVEFEED_SEED_DEMO", "maybe", "true or false"),
        ("LIVEFEED_SEED_DEMO", "", "true or false"),
        ("LIVEFEED_LOOP", "trio", "auto, uvloop, asyncio"),
        ("LIVEFEED_SITE_NAME", "  ", "must not be empty"),
        ("LIVEFEED_SITE_NAME", "N" * 81, "at most 80"),
        ("LIVEFEED_SITE_LOGO", "logo.png", "path starting with /"),
        ("LIVEFEED_SITE_LOGO", "javascript:alert(1)", "http:// or https://"),
        ("LIVEFEED_SITE_LOGO", "//elsewhere.example/logo.png", "http:// or https://"),
        ("LIVEFEED_LOG_FORMAT", "xml", "one of text, json"),
        ("LIVEFEED_METRICS_PORT", "metrics", "whole number"),
        ("LIVEFEED_METRICS_PORT", "70000", "between 1 and 65535"),
        ("LIVEFEED_LANGUAGE", "", "is required"),
        ("LIVEFEED_LANGUAGE", "Russian!", "not a language tag"),
    ],
)
def test_a_bad_value_stops_with_the_variable_named(variable: str, value: str, words: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({variable: value}, env_file=None)
    message = str(caught.value)
    assert message.startswith(f"{variable}: ")
    assert words in message


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_true_values(value: str) -> None:
    assert Settings.from_env({"LIVEFEED_SEED_DEMO": value}, env_file=None).seed_demo is True


def test_a_secret_can_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "database_url"
    secret.write_text("postgresql://livefeed:s3cret@db/livefeed\n", encoding="utf-8")
    settings = Settings.from_env({"LIVEFEED_DATABASE_URL_FILE": str(secret)}, env_file=None)
    assert settings.database_url == "postgresql://livefeed:s3cret@db/livefeed"


def test_the_variable_itself_wins_over_its_file(tmp_path: Path) -> None:
    secret = tmp_path / "port"
    secret.write_text("9000", encoding="utf-8")
    settings = Settings.from_env(
        {"LIVEFEED_PORT": "8001", "LIVEFEED_PORT_FILE": str(secret)}, env_file=None
    )
    assert settings.port == 8001


def test_a_missing_secret_file_names_the_file_variable(tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here"
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"LIVEFEED_REDIS_URL_FILE": str(missing)}, env_file=None)
    assert str(caught.value).startswith("LIVEFEED_REDIS_URL_FILE: cannot read ")
    assert str(missing) in str(caught.value)


def test_a_bad_value_in_a_secret_file_names_the_variable(tmp_path: Path) -> None:
    secret = tmp_path / "port"
    secret.write_text("http", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^LIVEFEED_PORT: "):
        Settings.from_env({"LIVEFEED_PORT_FILE": str(secret)}, env_file=None)


def test_env_file_parsing(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "\n".join(
            [
                "# Livefeed on the newsroom box",
                "",
                "LIVEFEED_PORT=8100",
                '  LIVEFEED_PUBLIC_URL = "https://live.example.org"  ',
                "LIVEFEED_HOST='10.0.0.5'",
                'LIVEFEED_REDIS_URL=""',
                "LIVEFEED_DATABASE_URL=sqlite:///./data/live=feed.db",
                "LIVEFEED_SESSION_DAYS='7\"",
            ]
        ),
        encoding="utf-8",
    )
    assert read_env_file(env) == {
        "LIVEFEED_PORT": "8100",
        "LIVEFEED_PUBLIC_URL": "https://live.example.org",
        "LIVEFEED_HOST": "10.0.0.5",
        "LIVEFEED_REDIS_URL": "",
        "LIVEFEED_DATABASE_URL": "sqlite:///./data/live=feed.db",
        "LIVEFEED_SESSION_DAYS": "'7\"",  # mismatched quotes are kept as they are
    }


def test_the_env_file_is_read_under_the_process_environment(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("LIVEFEED_PORT=8100\nLIVEFEED_HOST=10.0.0.5\n", encoding="utf-8")
    settings = Settings.from_env({"LIVEFEED_PORT": "8200"}, env_file=env)
    assert (settings.port, settings.host) == (8200, "10.0.0.5")


def test_a_file_secret_in_the_environment_beats_a_value_in_the_env_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("LIVEFEED_DATABASE_URL=sqlite:///./dev.db\n", encoding="utf-8")
    secret = tmp_path / "database_url"
    secret.write_text("postgresql://livefeed@db/livefeed", encoding="utf-8")
    settings = Settings.from_env({"LIVEFEED_DATABASE_URL_FILE": str(secret)}, env_file=env)
    assert settings.database_url == "postgresql://livefeed@db/livefeed"


def test_a_missing_env_file_is_no_error(tmp_path: Path) -> None:
    assert read_env_file(tmp_path / ".env") == {}
    assert Settings.from_env({}, env_file=tmp_path / ".env").port == 8000


def test_a_line_without_equals_stops_with_its_place(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("LIVEFEED_PORT=8100\nLIVEFEED_HOST\n", encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({}, env_file=env)
    assert str(caught.value) == f"{env}:2: expected KEY=value"


def test_a_bad_value_in_the_env_file_names_the_variable(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("LIVEFEED_LOGIN_ATTEMPTS=0\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"^LIVEFEED_LOGIN_ATTEMPTS: "):
        Settings.from_env({}, env_file=env)


def test_by_default_the_process_environment_and_dot_env_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("LIVEFEED_SESSION_DAYS=3\n", encoding="utf-8")
    for setting in SETTINGS:
        monkeypatch.delenv(env_name(setting), raising=False)
        monkeypatch.delenv(env_name(setting) + "_FILE", raising=False)
    monkeypatch.setenv("LIVEFEED_PORT", "8765")
    settings = Settings.from_env()
    assert (settings.port, settings.session_days) == (8765, 3)


def test_a_misspelt_variable_stops_start_up() -> None:
    with pytest.raises(SettingsError, match=r"^LIVEFEED_DATABASE_ULR: there is no such setting"):
        Settings.from_env({"LIVEFEED_DATABASE_ULR": "sqlite:///x.db"}, env_file=None)


def test_postgres_urls_of_either_spelling_are_taken() -> None:
    for url in ("postgres://u@h/db", "postgresql://u@h/db"):
        settings = Settings.from_env({"LIVEFEED_DATABASE_URL": url}, env_file=None)
        assert settings.database_url == url


def test_trusted_proxies_are_addresses_and_blocks_of_either_family() -> None:
    assert Settings.from_env({}, env_file=None).trusted_proxies == ()
    settings = Settings.from_env(
        {"LIVEFEED_TRUSTED_PROXIES": " 10.0.0.7, 172.16.0.0/12,,2001:db8::/32 , ::1 "},
        env_file=None,
    )
    assert settings.trusted_proxies == (
        ipaddress.ip_network("10.0.0.7/32"),
        ipaddress.ip_network("172.16.0.0/12"),
        ipaddress.ip_network("2001:db8::/32"),
        ipaddress.ip_network("::1/128"),
    )


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("proxy.internal", "'proxy.internal' is not an IP address or CIDR block"),
        ("10.0.0.300", "'10.0.0.300' is not an IP address"),
        ("10.0.0.0/33", "'10.0.0.0/33' is not an IP address"),
        ("10.0.0.1/8", "did you mean 10.0.0.0/8?"),
        ("10.0.0.1; 10.0.0.2", "is not an IP address"),
        ("2001:db8::1/32", "did you mean 2001:db8::/32?"),
    ],
)
def test_a_bad_trusted_proxy_stops_start_up(value: str, words: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"LIVEFEED_TRUSTED_PROXIES": value}, env_file=None)
    assert str(caught.value).startswith("LIVEFEED_TRUSTED_PROXIES: ")
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("http://mail.example.org", "must start with smtp://, smtp+starttls://, smtps://"),
        ("smtp://", "must name the mail server"),
        ("smtp://mail.example.org:99999", "has a port that is not a number"),
        ("smtp://news:secret@mail.example.org:25", "would send its password unencrypted"),
    ],
)
def test_a_bad_mail_server_url_is_refused_naming_the_variable(value: str, said: str) -> None:
    with pytest.raises(SettingsError, match=f"^LIVEFEED_SMTP_URL: {re.escape(said)}"):
        Settings.from_env({"LIVEFEED_SMTP_URL": value}, env_file=None)


def test_mail_and_webhook_settings_are_read() -> None:
    settings = Settings.from_env(
        {
            "LIVEFEED_SMTP_URL": "smtps://news:s3cret@mail.example.org",
            "LIVEFEED_WEBHOOK_ALLOW": "Hooks.Internal, 10.0.0.0/8, ::1",
            "LIVEFEED_PUBLIC_URL": "https://news.example.org",
        },
        env_file=None,
    )
    assert settings.smtp_url == "smtps://news:s3cret@mail.example.org"
    assert settings.mail_sender == "livefeed@news.example.org"
    assert settings.webhook_allow == ("hooks.internal", "10.0.0.0/8", "::1")
    with pytest.raises(
        SettingsError, match=r"LIVEFEED_WEBHOOK_ALLOW: '10\.0\.0\.1/8' has bits set"
    ):
        Settings.from_env({"LIVEFEED_WEBHOOK_ALLOW": "10.0.0.1/8"}, env_file=None)
    with pytest.raises(SettingsError, match="LIVEFEED_SMTP_FROM: must be an email address"):
        Settings.from_env({"LIVEFEED_SMTP_FROM": "news at example"}, env_file=None)


def test_links_follow_the_address_served_when_no_public_url_is_set() -> None:
    assert Settings.from_env({"LIVEFEED_PORT": "8100"}, env_file=None).public_url == (
        "http://127.0.0.1:8100"
    )
    wildcard = Settings.from_env({"LIVEFEED_HOST": "0.0.0.0"}, env_file=None)  # noqa: S104
    assert wildcard.public_url == "http://127.0.0.1:8000"
    ipv6 = Settings.from_env({"LIVEFEED_HOST": "::1", "LIVEFEED_PORT": "9000"}, env_file=None)
    assert ipv6.public_url == "http://[::1]:9000"


def test_serve_s_own_port_moves_links_that_follow_it_only() -> None:
    following = Settings.from_env({}, env_file=None)
    assert following.replace(port=8100).public_url == "http://127.0.0.1:8100"
    given = Settings.from_env({"LIVEFEED_PUBLIC_URL": "https://live.example"}, env_file=None)
    assert given.replace(port=8100).public_url == "https://live.example"


def test_the_newsroom_s_name_logo_logs_and_metrics() -> None:
    settings = Settings.from_env(
        {
            "LIVEFEED_SITE_NAME": "  The   Daily  Planet ",
            "LIVEFEED_SITE_LOGO": "/media/planet.svg",
            "LIVEFEED_LOG_FORMAT": "JSON",
            "LIVEFEED_METRICS_TOKEN": " t0ken ",
            "LIVEFEED_METRICS_PORT": "9100",
        },
        env_file=None,
    )
    assert settings.site_name == "The Daily Planet"
    assert settings.site_logo == "/media/planet.svg"
    assert settings.log_format == "json"
    assert settings.metrics_token == "t0ken"
    assert settings.metrics_port == 9100
    defaults = Settings.from_env({}, env_file=None)
    assert (defaults.site_name, defaults.site_logo, defaults.log_format) == (
        "Livefeed",
        None,
        "text",
    )
    assert (defaults.metrics_token, defaults.metrics_port) == (None, None)


def test_the_sites_language_is_english_unless_set_and_is_put_in_conventional_case() -> None:
    assert Settings.from_env({}, env_file=None).language == "en"
    assert Settings.from_env({"LIVEFEED_LANGUAGE": "pt_br"}, env_file=None).language == "pt-BR"


def test_the_media_folder_is_beside_the_sqlite_database_by_default(tmp_path: Path) -> None:
    beside = Settings.from_env(
        {"LIVEFEED_DATABASE_URL": f"sqlite:///{tmp_path}/a.db"}, env_file=None
    )
    working = Settings.from_env({"LIVEFEED_DATABASE_URL": "postgresql://db/x"}, env_file=None)
    chosen = Settings.from_env({"LIVEFEED_MEDIA_DIR": "/srv/media"}, env_file=None)
    assert beside.media_path == tmp_path / "media"
    assert working.media_path == Path("media")
    assert chosen.media_path == Path("/srv/media")
