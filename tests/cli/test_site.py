"""Readying and serving a site: ``db upgrade``, ``serve`` and ``demo`` (once for real), and
the one-line failures every command shares."""

from __future__ import annotations

import shutil
import stat
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from livefeed.access import accounts
from livefeed.cli.site import prepare
from livefeed.distribution import reading
from livefeed.domain.users import Role
from livefeed.services import Services
from livefeed.settings import Settings
from tests.cli.conftest import HEAD, Run, ok, user_error
from tests.factories import CHEAP_PASSWORDS
from tests.ports import free_port

COMMAND = shutil.which("livefeed") or str(Path(sys.executable).with_name("livefeed"))


def test_db_upgrade_migrates_then_has_nothing_to_do(run: Run) -> None:
    assert ok(run("db", "upgrade")) == f"Database upgraded to revision {HEAD}\n"
    assert ok(run("db", "upgrade")) == f"Database is up to date (revision {HEAD})\n"


def test_commands_refuse_a_database_not_yet_migrated(run: Run) -> None:
    user_error(run("token", "create", "anna@newsroom.test"), "livefeed db upgrade")


def test_an_unreachable_database_is_one_line(run: Run, tmp_path: Path) -> None:
    # A directory is not a database file.
    result = run("db", "upgrade", LIVEFEED_DATABASE_URL=f"sqlite:///{tmp_path}")
    user_error(result, "cannot reach the database")


def test_a_bad_setting_names_the_variable(run: Run) -> None:
    user_error(run("db", "upgrade", LIVEFEED_PORT="eighty"), "LIVEFEED_PORT")


def test_prepare_makes_the_first_admin_once(
    env: dict[str, str], svc: Services, tmp_path: Path
) -> None:
    first = prepare(svc)
    assert first[0] == f"Database upgraded to revision {HEAD}"
    path = tmp_path / "first-admin-password"
    assert first[1:] == [
        f"First admin: admin@livefeed.local; the password is in {path} (readable by you alone; "
        "delete it once you have logged in and changed it)"
    ]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    email, password = path.read_text().splitlines()
    assert email == "admin@livefeed.local"
    assert password not in " ".join(first)
    session = accounts.log_in(svc, "admin@livefeed.local", password, address="127.0.0.1")
    assert session.user.role is Role.ADMIN
    second = prepare(svc)
    assert second == [f"Database is up to date (revision {HEAD})"]
    assert path.read_text() == f"{email}\n{password}\n"


def test_someone_at_the_terminal_is_shown_the_password_once(
    env: dict[str, str], svc: Services, tmp_path: Path
) -> None:
    first = prepare(svc, show_password=True)
    password = (tmp_path / "first-admin-password").read_text().splitlines()[1]
    assert first[-1] == f"Password (shown this once): {password}"
    assert not any(password in line for line in prepare(svc, show_password=True))


def test_a_production_start_seeds_no_demo(env: dict[str, str], svc: Services) -> None:
    messages = prepare(svc)
    assert not any(m.startswith("Demo feed") for m in messages)
    assert reading.all_feeds(svc) == []


def test_prepare_seeds_the_demo_feed_when_asked(env: dict[str, str]) -> None:
    settings = Settings.from_env(env | {"LIVEFEED_SEED_DEMO": "true"}, env_file=None)
    svc = Services.build(settings, passwords=CHEAP_PASSWORDS)
    try:
        messages = prepare(svc)
        assert any(m.startswith("Demo feed: http://livefeed.test/feeds/") for m in messages)
        assert not any(m.startswith("Demo feed") for m in prepare(svc))
    finally:
        svc.close()


def test_demo_seeds_an_empty_site_only(run: Run, svc: Services) -> None:
    first, url = ok(run("demo")).splitlines()
    assert first.startswith("First admin: admin@livefeed.local; the password is in ")
    assert url.startswith("http://livefeed.test/feeds/")
    slug = url.rsplit("/", 1)[1]
    assert reading.feed_page(svc, slug).posts
    assert ok(run("demo")) == (
        "There is already a feed; the demo is only seeded into an empty site.\n"
    )


@contextmanager
def serving(
    env: dict[str, str],
    tmp_path: Path,
    *args: str,
    started: list[int] | None = None,
    workers: int = 1,
) -> Iterator[tuple[int, str]]:
    """The real command on a free port: its port, and what it printed until uvicorn was up.

    ``started`` receives the server's process id."""
    port = free_port()
    server = subprocess.Popen(
        [
            COMMAND,
            "serve",
            "--workers",
            str(workers),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *args,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={"PATH": "/usr/bin:/bin"} | env,
        cwd=tmp_path,
    )
    if started is not None:
        started.append(server.pid)
    try:
        assert server.stdout is not None
        lines: list[str] = []
        for line in server.stdout:
            lines.append(line)
            if "Uvicorn running on" in line:
                break
        yield port, "".join(lines)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout:
            server.stdout.close()


def test_serve_prepares_the_site_and_serves_it(env: dict[str, str], tmp_path: Path) -> None:
    """Migrate, first admin, demo feed (as ``make serve`` asks), then pages answer."""
    with serving(env, tmp_path, "--demo") as (port, output):
        assert "First admin: admin@livefeed.local" in output, output
        assert "Demo feed: http://livefeed.test/feeds/" in output, output
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
            home = response.read().decode()
        assert response.status == 200
        assert "Live" in home


def test_serve_does_not_name_the_server(migrated: dict[str, str], tmp_path: Path) -> None:
    with (
        serving(migrated, tmp_path) as (port, _),
        urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response,
    ):
        assert response.status == 200
        assert response.headers["Server"] is None
        assert response.headers["Date"]


def test_the_installed_command(env: dict[str, str], tmp_path: Path) -> None:
    assert Path(COMMAND).exists()

    def livefeed(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [COMMAND, *args],
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin"} | env | extra_env,
            cwd=tmp_path,
            check=False,
        )

    upgraded = livefeed("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout == f"Database upgraded to revision {HEAD}\n"
    failed = livefeed("post", "nowhere", "--headline", "H")
    assert failed.returncode == 1
    assert failed.stderr.splitlines() == [
        "livefeed: error: there is no admin yet: name the author with --as EMAIL"
    ]
    bad = livefeed("db", "upgrade", LIVEFEED_PORT="0")
    assert bad.returncode == 1
    assert bad.stderr.splitlines() == [
        "livefeed: error: LIVEFEED_PORT: must be between 1 and 65535"
    ]
    unknown = livefeed("post", "--frob")
    assert unknown.returncode == 1
    assert unknown.stderr == "livefeed: error: no such option '--frob' (see livefeed post --help)\n"
