"""The ``livefeed`` command, run in-process on a SQLite file of its own (and once for real)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from livefeed import cli
from livefeed.access import accounts, tokens
from livefeed.distribution import reading
from livefeed.domain.posts import HEADLINE_LENGTH, PostState
from livefeed.domain.users import Role
from livefeed.newsroom import invitations, workflow
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import accounts as account_store
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
    svc = Services.build(Settings.from_env(migrated, env_file=None), passwords=CHEAP_PASSWORDS)
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
    svc = Services.build(settings, passwords=CHEAP_PASSWORDS)
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


# Access: invitations, accounts, teams, tokens, the audit log -------------------------------------


def add(run: Run, email: str, *extra: str) -> None:
    ok(run("user", "add", email, *extra, input=PASSWORD + "\n"))


def test_user_invite_prints_a_one_time_link(summit: str, run: Run, svc: Services) -> None:
    link = ok(run("user", "invite", "nina@newsroom.test", "--feed", summit, "--role", "moderator"))
    assert link.startswith("http://livefeed.test/invitations/")
    assert link.count("\n") == 1
    session = invitations.accept_new(
        svc, link.strip().rsplit("/", 1)[1], display_name="Nina", password=PASSWORD
    )
    assert session.user.email == "nina@newsroom.test"


def test_user_invite_by_a_contributor_is_refused(summit: str, run: Run) -> None:
    add(run, "carl@newsroom.test")
    ok(run("feed", "member", summit, "carl@newsroom.test", "--role", "contributor"))
    result = run(
        "user", "invite", "x@newsroom.test", "--feed", summit, "--as", "carl@newsroom.test"
    )
    user_error(result, "only the feed’s editors can change its team")


def test_user_invite_names_a_bad_role(summit: str, run: Run) -> None:
    user_error(run("user", "invite", "x@newsroom.test", "--feed", summit, "--role", "boss"),
               "role: must be editor, contributor or moderator")  # fmt: skip


def test_disable_and_enable_a_user(editor: str, run: Run, svc: Services) -> None:
    add(run, "carl@newsroom.test")
    secret = ok(run("token", "create", "carl@newsroom.test")).strip()
    assert ok(run("user", "disable", "carl@newsroom.test")) == "Disabled carl@newsroom.test\n"
    assert tokens.user_of(svc, secret) is None
    assert ok(run("user", "enable", "Carl@newsroom.test")) == "Enabled carl@newsroom.test\n"
    user_error(run("user", "disable", editor), "you cannot disable your own account")
    user_error(run("user", "role", editor, "member"), "needs an enabled administrator")
    assert ok(run("user", "role", "carl@newsroom.test", "admin")) == (
        "carl@newsroom.test is now admin\n"
    )


def test_only_an_admin_disables(editor: str, run: Run) -> None:
    add(run, "carl@newsroom.test")
    result = run("user", "disable", editor, "--as", "carl@newsroom.test")
    user_error(result, "only an administrator can do this")


def test_feed_member_adds_changes_and_removes(summit: str, run: Run, svc: Services) -> None:
    add(run, "carl@newsroom.test")
    out = ok(run("feed", "member", summit, "carl@newsroom.test", "--role", "contributor"))
    assert out == "carl@newsroom.test is contributor of summit\n"
    ok(run("feed", "member", summit, "carl@newsroom.test", "--role", "editor"))
    removed = ok(run("feed", "member", summit, "carl@newsroom.test", "--remove"))
    assert removed == "Removed carl@newsroom.test from the team of summit\n"
    user_error(run("feed", "member", summit, "carl@newsroom.test"), "--role ROLE or --remove")
    user_error(run("feed", "member", summit, "nobody@newsroom.test", "--role", "editor"),
               "invite them first")  # fmt: skip


def test_token_create_list_and_revoke(summit: str, editor: str, run: Run, svc: Services) -> None:
    result = run("token", "create", editor, "--name", "wire", "--feed", summit,
                 "--role", "contributor", "--expires", "30d")  # fmt: skip
    secret = ok(result).strip()
    assert result.stderr.startswith("token 1: summit; as contributor; expires ")
    user = tokens.authenticate(svc, secret)
    assert user.scope is not None
    listed = ok(run("token", "list", editor)).splitlines()
    assert len(listed) == 1
    assert listed[0].startswith("1\twire\tsummit; as contributor\tcreated ")
    assert listed[0].endswith("\tactive")
    assert ok(run("token", "revoke", "1")) == "Revoked token 1 (wire)\n"
    assert ok(run("token", "list", editor)).splitlines()[0].endswith("\trevoked")
    user_error(run("token", "revoke", "1"), "already revoked")
    user_error(run("token", "revoke", "one"), "id: must be a token's number")


def test_token_create_names_every_bad_choice(editor: str, run: Run) -> None:
    result = run("token", "create", editor, "--feed", "nowhere", "--expires", "soon")
    message = user_error(result, "expires: ", "feeds: there is no feed called")
    assert "; " in message


def test_audit_prints_one_line_per_entry_newest_first(
    summit: str, editor: str, run: Run, svc: Services
) -> None:
    add(run, "carl@newsroom.test")
    ok(run("feed", "member", summit, "carl@newsroom.test", "--role", "contributor"))
    lines = ok(run("audit", "--feed", summit)).splitlines()
    assert lines[0].startswith("#")
    assert " anna@newsroom.test member.added [summit] carl@newsroom.test " in lines[0]
    assert "role=contributor" in lines[0]
    assert "feed.created [summit]" in lines[-1]
    assert len(ok(run("audit", "--limit", "1")).splitlines()) == 1
    user_error(run("audit", "--as", "carl@newsroom.test"), "only an administrator")
    user_error(run("audit", "--feed", "nowhere"), "there is no feed called")


def test_post_keeps_a_draft_or_schedules_it(
    summit: str, editor: str, run: Run, svc: Services
) -> None:
    with svc.db.read() as conn:
        found = account_store.get_with_hash(conn, editor)
    assert found is not None
    anna = found[0]
    drafted = ok(run("post", summit, "--headline", "Not yet", "--draft", "--as", editor))
    soon = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    scheduled = ok(
        run("post", summit, "--headline", "Later", "--at", soon.isoformat(), "--as", editor)
    )

    [draft] = workflow.list_in_state(svc, anna, summit, PostState.DRAFT, limit=5)[1]
    [later] = workflow.queue(svc, anna, summit).scheduled
    assert drafted == f"http://livefeed.test/desk/feeds/summit/posts/{draft.id}\n"
    assert scheduled == f"http://livefeed.test/desk/feeds/summit/posts/{later.id}\n"
    assert later.publish_at == soon
    assert reading.feed_page(svc, summit).posts == []


def test_post_refuses_a_time_gone_by(summit: str, editor: str, run: Run, svc: Services) -> None:
    user_error(
        run("post", summit, "--headline", "H", "--at", "2020-01-01T18:00+01:00", "--as", editor),
        "publish_at",
        "in the future",
    )
    user_error(run("post", summit, "--headline", "H", "--at", "6pm", "--as", editor), "publish_at")
    user_error(
        run("post", summit, "--headline", "H", "--draft", "--at", "2030-01-01T18:00Z"), "--draft"
    )
    assert reading.get_feed(svc, summit).last_seq == 0
