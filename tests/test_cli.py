"""The ``livefeed`` command, run in-process on a SQLite file of its own (and once for real)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from livefeed import accounts, cli, reading
from livefeed.domain.posts import HEADLINE_LENGTH
from livefeed.domain.users import Role
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import accounts as account_store
from livefeed.store import migrate
from tests.factories import PASSWORD

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
    }


@pytest.fixture
def migrated(env: dict[str, str], tmp_path: Path, sqlite_template: Path) -> dict[str, str]:
    shutil.copy(sqlite_template, tmp_path / "livefeed.db")
    return env


@pytest.fixture
def run(env: dict[str, str]) -> Run:
    def invoke(*args: str, input: str | None = None, **extra_env: str) -> Result:
        return CliRunner().invoke(cli.cli, list(args), input=input, env=env | extra_env)

    return invoke


@pytest.fixture
def svc(env: dict[str, str]) -> Iterator[Services]:
    services = Services.build(Settings.from_env(env, env_file=None))
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


def test_user_add_reads_the_password_from_stdin(migrated: dict[str, str], run: Run) -> None:
    out = ok(run("user", "add", "Anna@Newsroom.test", "--name", "Anna", input=PASSWORD + "\n"))
    assert out == "Added member anna@newsroom.test (Anna)\n"
    svc = Services.build(Settings.from_env(migrated, env_file=None))
    session = accounts.log_in(svc, "anna@newsroom.test", PASSWORD, address="127.0.0.1")
    svc.close()
    assert session.user.role is Role.MEMBER


def test_user_add_takes_a_role(migrated: dict[str, str], run: Run, svc: Services) -> None:
    ok(run("user", "add", "ada@newsroom.test", "--role", "admin", input=PASSWORD))
    with svc.db.read() as conn:
        found = account_store.get_with_hash(conn, "ada@newsroom.test")
    assert found is not None
    assert found[0].role is Role.ADMIN
    assert found[0].display_name == "ada"


def test_a_second_account_for_the_same_address_is_refused(editor: str, run: Run) -> None:
    result = run("user", "add", editor, input=PASSWORD + "\n")
    user_error(result, "email: there is already an account for anna@newsroom.test")


def test_a_short_password_is_refused(migrated: dict[str, str], run: Run) -> None:
    user_error(run("user", "add", "bo@newsroom.test", input="short\n"), "password")


def test_token_create_prints_a_working_token(editor: str, run: Run, svc: Services) -> None:
    out = ok(run("token", "create", editor, "--name", "wire importer"))
    assert out.count("\n") == 1
    user = accounts.token_user(svc, out.strip())
    assert user is not None
    assert user.email == editor


def test_token_for_an_unknown_account(migrated: dict[str, str], run: Run) -> None:
    user_error(run("token", "create", "nobody@newsroom.test"), "nobody@newsroom.test")


def test_feed_create_prints_its_address(editor: str, run: Run, svc: Services) -> None:
    result = run(
        "feed", "create", "summit", "--title", "Summit in Geneva", "--lead-file", "-",
        "--tags", "politics,world", "--timezone", "Europe/London", "--as", editor,
        input="Leaders meet for a **second** day.\n",
    )  # fmt: skip
    assert ok(result) == "http://livefeed.test/feeds/summit\n"
    page = reading.feed_page(svc, "summit")
    assert page.feed.title == "Summit in Geneva"
    assert page.feed.tags == ("politics", "world")
    assert page.feed.timezone == "Europe/London"
    assert "<strong>second</strong>" in page.lead_html


def test_feed_create_reports_every_bad_field(editor: str, run: Run) -> None:
    result = run(
        "feed", "create", "A B", "--title", "T", "--timezone", "Mars/Olympus", "--as", editor
    )
    message = user_error(result, "slug: ", "timezone: ")
    assert "; " in message


def test_a_taken_slug_is_a_conflict(summit: str, editor: str, run: Run) -> None:
    result = run("feed", "create", summit, "--title", "Again", "--as", editor)
    user_error(result, "slug: ", "already exists")


def test_the_first_admin_acts_when_no_one_is_named(migrated: dict[str, str], run: Run) -> None:
    user_error(run("feed", "create", "summit", "--title", "T"), "no admin", "--as")
    ok(run("user", "add", "ada@newsroom.test", "--role", "admin", input=PASSWORD))
    assert ok(run("feed", "create", "summit", "--title", "T")).endswith("/feeds/summit\n")


def test_a_member_on_no_team_cannot_start_a_feed(migrated: dict[str, str], run: Run) -> None:
    ok(run("user", "add", "carl@newsroom.test", input=PASSWORD))
    result = run("feed", "create", "summit", "--title", "T", "--as", "carl@newsroom.test")
    user_error(result, "only administrators and feed editors can open a new feed")


def test_post_reads_its_body_from_stdin(summit: str, editor: str, run: Run, svc: Services) -> None:
    result = run(
        "post", summit, "--headline", "Talks resume", "--body-file", "-",
        "--quote", "We are close.", "--attribution", "A delegate",
        "--image-url", "https://img.example/p.jpg", "--alt", "Delegates at a table",
        "--read-more-url", "https://news.example/a", "--read-more-title", "Analysis",
        "--tags", "talks", "--key-event", "--pinned", "--as", editor,
        input="Delegates are *back*.\n",
    )  # fmt: skip
    page = reading.feed_page(svc, summit)
    assert page.pinned is not None
    posted = page.pinned
    assert ok(result) == f"http://livefeed.test/feeds/summit/posts/{posted.id}\n"
    assert posted.headline == "Talks resume"
    assert "<em>back</em>" in posted.body_html
    assert posted.quote is not None
    assert posted.quote.attribution == "A delegate"
    assert posted.image is not None
    assert posted.image.alt == "Delegates at a table"
    assert posted.read_more is not None
    assert posted.read_more.title == "Analysis"
    assert posted.tags == ("talks",)
    assert posted.key_event
    assert [p.id for p in page.key_events] == [posted.id]


def test_a_too_long_headline_stores_nothing(summit: str, run: Run, svc: Services) -> None:
    assert HEADLINE_LENGTH < 300
    result = run("post", summit, "--headline", "x" * 300, "--as", "anna@newsroom.test")
    user_error(result, "headline")
    assert reading.feed_page(svc, summit).posts == []
    assert reading.feed_page(svc, summit).feed.last_seq == 0


def test_post_to_an_unknown_feed(editor: str, run: Run) -> None:
    user_error(run("post", "nowhere", "--headline", "H", "--as", editor), "nowhere")


def test_post_takes_one_body_only(summit: str, editor: str, run: Run) -> None:
    result = run("post", summit, "--headline", "H", "--body", "a", "--body-file", "-", input="b")
    user_error(result, "--body")


def test_prepare_makes_the_first_admin_once(env: dict[str, str], svc: Services) -> None:
    first = cli.prepare(svc)
    assert first[0] == f"Database upgraded to revision {HEAD}"
    admin = [line for line in first if line.startswith("First admin: admin@livefeed.local")]
    assert len(admin) == 1
    password = admin[0].split("password: ")[1].split(" ")[0]
    session = accounts.log_in(svc, "admin@livefeed.local", password, address="127.0.0.1")
    assert session.user.role is Role.ADMIN
    second = cli.prepare(svc)
    assert second == [f"Database is up to date (revision {HEAD})"]
    assert password not in " ".join(second)


def test_prepare_seeds_the_demo_feed_when_asked(env: dict[str, str]) -> None:
    settings = Settings.from_env(env | {"LIVEFEED_SEED_DEMO": "true"}, env_file=None)
    svc = Services.build(settings)
    try:
        messages = cli.prepare(svc)
        assert any(m.startswith("Demo feed: http://livefeed.test/feeds/") for m in messages)
        assert not any(m.startswith("Demo feed") for m in cli.prepare(svc))
    finally:
        svc.close()


def test_demo_seeds_an_empty_site_only(run: Run, svc: Services) -> None:
    first, url = ok(run("demo")).splitlines()
    assert first.startswith("First admin: admin@livefeed.local / password: ")
    assert url.startswith("http://livefeed.test/feeds/")
    slug = url.rsplit("/", 1)[1]
    assert reading.feed_page(svc, slug).posts
    assert ok(run("demo")) == (
        "There is already a feed; the demo is only seeded into an empty site.\n"
    )


def test_serve_prepares_the_site_and_serves_it(env: dict[str, str], tmp_path: Path) -> None:
    """The real command on a free port: migrate, first admin, demo feed, then pages answer."""
    found = shutil.which("livefeed") or str(Path(sys.executable).with_name("livefeed"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [found, "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={"PATH": "/usr/bin:/bin"} | env | {"LIVEFEED_SEED_DEMO": "true"},
        cwd=tmp_path,
    )
    try:
        assert server.stdout is not None
        lines: list[str] = []
        for line in server.stdout:
            lines.append(line)
            if "Uvicorn running on" in line:
                break
        output = "".join(lines)
        assert "First admin: admin@livefeed.local" in output, output
        assert "Demo feed: http://livefeed.test/feeds/" in output, output
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as response:
            home = response.read().decode()
        assert response.status == 200
        assert "Live" in home
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stdout:
            server.stdout.close()


def test_the_installed_command(env: dict[str, str], tmp_path: Path) -> None:
    found = shutil.which("livefeed") or str(Path(sys.executable).with_name("livefeed"))
    assert Path(found).exists()

    def livefeed(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [found, *args],
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


def test_webhooks_are_added_and_their_log_read(run: Run, env: dict[str, str]) -> None:
    ok(run("db", "upgrade"))
    ok(run("user", "add", "ada@newsroom.test", "--role", "admin", input=PASSWORD + "\n"))
    # A public address written out: registering checks it without connecting (no DNS here).
    added = ok(run("webhook", "add", "https://93.184.216.34/livefeed")).splitlines()
    assert added[0] == "webhook 1: https://93.184.216.34/livefeed"
    assert added[1].startswith("secret: whsec_")
    assert ok(run("webhook", "log", "1")) == ""

    refused = run("webhook", "add", "http://127.0.0.1/hook")
    assert refused.exit_code == 1
    assert refused.output.startswith("livefeed: error: url: ")
    missing = run("webhook", "log", "9")
    assert missing.exit_code == 1
    assert "there is no webhook 9" in missing.output
