"""The ``livefeed`` command run in-process, each test on a SQLite file of its own."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from livefeed.cli.main import cli
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import migrate
from tests.factories import CHEAP_PASSWORDS, PASSWORD

Run = Callable[..., Result]

HEAD = migrate.head_revision()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A database file that does not exist yet; the working directory holds no ``.env``."""
    monkeypatch.chdir(tmp_path)
    return {
        "LIVEFEED_DATABASE_URL": f"sqlite:///{tmp_path / 'livefeed.db'}",
        "LIVEFEED_PUBLIC_URL": "http://livefeed.test",
        "LIVEFEED_SEED_DEMO": "false",
        # English, whatever the locale of the machine running the tests.
        "LC_ALL": "C.UTF-8",
    }


@pytest.fixture
def migrated(env: dict[str, str], tmp_path: Path, sqlite_template: Path) -> dict[str, str]:
    shutil.copy(sqlite_template, tmp_path / "livefeed.db")
    return env


@pytest.fixture
def run(env: dict[str, str]) -> Run:
    def invoke(*args: str, input: str | None = None, **extra_env: str) -> Result:
        return CliRunner().invoke(cli, list(args), input=input, env=env | extra_env)

    return invoke


@pytest.fixture
def svc(env: dict[str, str]) -> Iterator[Services]:
    services = Services.build(Settings.from_env(env, env_file=None), passwords=CHEAP_PASSWORDS)
    yield services
    services.close()


@pytest.fixture
def editor(migrated: dict[str, str], run: Run) -> str:
    # An admin: on a fresh site, only an admin can open the first feed.
    ok(
        run(
            "user", "add", "anna@newsroom.test", "--name", "Anna", "--role", "admin",
            input=PASSWORD + "\n",
        )
    )  # fmt: skip
    return "anna@newsroom.test"


@pytest.fixture
def summit(editor: str, run: Run) -> str:
    ok(run("feed", "create", "summit", "--title", "Summit in Geneva", "--as", editor))
    return "summit"


def ok(result: Result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def user_error(result: Result, *words: str) -> str:
    """Exit status 1, one line on stderr naming ``words``, and no traceback."""
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert result.stderr.startswith("livefeed: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr
    return result.stderr


def add(run: Run, email: str, *extra: str) -> None:
    ok(run("user", "add", email, *extra, input=PASSWORD + "\n"))
