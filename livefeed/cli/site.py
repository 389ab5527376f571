"""Readying a site and serving it: the schema, a first admin, the demo feed, then the server.

``serve`` does every step itself, so a fresh checkout serves with one command (``make serve``
adds ``--demo``); ``db upgrade`` and ``demo`` are the same steps for a site whose server is
started some other way.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from livefeed.access import accounts
from livefeed.cli import serving
from livefeed.cli.failures import Failure
from livefeed.cli.running import services
from livefeed.demo.seeding import seed_demo
from livefeed.languages.catalogs import _
from livefeed.operations import logs
from livefeed.portability import backups
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import migrate

PASSWORD_FILE = "first-admin-password"  # noqa: S105 (a file name, not a password)


def upgrade(svc: Services) -> str:
    """Apply the migrations; say what happened."""
    before = migrate.current_revision(svc.db)
    migrate.upgrade(svc.db)
    after = migrate.current_revision(svc.db)
    if before == after:
        return f"Database is up to date (revision {after})"
    return f"Database upgraded to revision {after}"


def prepare(svc: Services, *, demo: bool = False, show_password: bool = False) -> list[str]:
    """Make the site ready to serve: migrations, a first admin, the demo feed if wanted."""
    messages = [upgrade(svc), *first_admin(svc, show_password=show_password)]
    if demo or svc.settings.seed_demo:
        feed = seed_demo(svc)
        if feed is not None:
            messages.append(f"Demo feed: {svc.urls.feed(feed.slug)}")
    return messages


def first_admin(svc: Services, *, show_password: bool = False) -> list[str]:
    """On a site without users, make an admin and keep its password in a file only its owner
    may read, and say where: a console's output ends up in logs, which many people read.

    ``show_password`` (someone is at the terminal) shows it there too, this once.
    """
    admin = accounts.ensure_first_admin(svc)
    if admin is None:
        return []
    email, password = admin
    path = password_file(svc.settings)
    try:
        _write_private(path, f"{email}\n{password}\n")
    except OSError as error:
        raise Failure(
            _(
                "cannot write the first admin's password to %(path)s: %(reason)s",
                path=path,
                reason=error,
            )
        ) from None
    messages = [
        _(
            "First admin: %(email)s; the password is in %(path)s (readable by you alone; "
            "delete it once you have logged in and changed it)",
            email=email,
            path=path,
        )
    ]
    if show_password:
        messages.append(_("Password (shown this once): %(password)s", password=password))
    return messages


def password_file(settings: Settings) -> Path:
    """Beside an SQLite database file, else in the working directory."""
    url = settings.database_url
    if url.startswith("sqlite:///"):
        database = url.removeprefix("sqlite:///").split("?", 1)[0]
        if database and database != ":memory:":
            return Path(database).resolve().parent / PASSWORD_FILE
    return Path.cwd() / PASSWORD_FILE


def _write_private(path: Path, text: str) -> None:
    """Written with mode 0600 from the first byte, whatever the umask, replacing any old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        os.fchmod(file.fileno(), 0o600)
        file.write(text)


@click.command()
@click.option("--host", help="Address to listen on (default: LIVEFEED_HOST).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default: LIVEFEED_PORT).")
@click.option(
    "--loop",
    type=click.Choice(["auto", "uvloop", "asyncio"]),
    help="Event loop (default: LIVEFEED_LOOP).",
)
@click.option(
    "--workers",
    type=click.IntRange(0),
    help="Worker processes sharing the port (default: LIVEFEED_WORKERS; 0: one per core).",
)
@click.option("--demo", is_flag=True, help="Seed the demo feed into an empty site (make serve).")
def serve(
    host: str | None, port: int | None, loop: str | None, workers: int | None, demo: bool
) -> None:
    """Prepare the site and serve it.

    Applies migrations and creates a first admin on an empty site (its password goes to a file
    readable by its owner alone, and to the terminal if there is one). With --demo, or
    LIVEFEED_SEED_DEMO on, seeds the demo feed when there is no feed yet.
    """
    settings = Settings.from_env()
    settings = settings.replace(
        host=settings.host if host is None else host,
        port=settings.port if port is None else port,
        loop=settings.loop if loop is None else loop,
        workers=settings.workers if workers is None else workers,
    )
    chosen_loop = event_loop(settings.loop)
    logs.configure(settings.log_format)
    with services(settings, needs_schema=False) as svc:
        for message in prepare(svc, demo=demo, show_password=sys.stdout.isatty()):
            click.echo(message)

    count = settings.workers or os.cpu_count() or 1
    shown_host = f"[{settings.host}]" if ":" in settings.host else settings.host
    click.echo(
        f"Livefeed on http://{shown_host}:{settings.port}/ (event loop: {chosen_loop}"
        + (f", {count} workers)" if count > 1 else ")")
    )
    serving.run(settings, chosen_loop, count)


def event_loop(wanted: str) -> str:
    """The loop to run: uvloop when asked or, for ``auto``, when it can be imported."""
    if wanted == "asyncio":
        return "asyncio"
    try:
        import uvloop  # noqa: F401
    except ImportError:
        if wanted == "uvloop":
            raise Failure(_("LIVEFEED_LOOP: uvloop is not installed")) from None
        return "asyncio"
    return "uvloop"


@click.command()
def demo() -> None:
    """Seed the demo feed into an empty site.

    Applies migrations first, and makes the first admin if there is no user yet (the demo's own
    byline account would otherwise leave the site without anyone able to log in). Prints the
    feed's address last.
    """
    with services(needs_schema=False) as svc:
        upgrade(svc)
        for message in first_admin(svc, show_password=sys.stdout.isatty()):
            click.echo(message)
        click.echo(_("Seeding the demo feed…"), err=True)
        feed = seed_demo(svc)
        if feed is None:
            click.echo(_("There is already a feed; the demo is only seeded into an empty site."))
        else:
            click.echo(svc.urls.feed(feed.slug))


@click.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply any migrations not yet applied."""
    with services(needs_schema=False) as svc:
        click.echo(upgrade(svc))


@db.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def db_backup(file: Path) -> None:
    """Copy the SQLite database to FILE, safely while the site is serving.

    Uses SQLite's online backup API: one consistent snapshot, taken while editors go on
    publishing. On PostgreSQL use pg_dump (see the README).
    """
    with services() as svc:
        backups.backup(svc, file)
    click.echo(_("Backed up to %(file)s", file=file))


@db.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def db_restore(file: Path) -> None:
    """Bring a backup made by `db backup` back as LIVEFEED_DATABASE_URL.

    The place must be empty (no file, or a database with no rows): a restore never writes
    over a site. The schema is then brought up to date.
    """
    target = backups.restore(Settings.from_env().database_url, file)
    click.echo(_("Restored %(file)s to %(place)s", file=file, place=target))


@db.command("move")
@click.argument("url", metavar="postgresql://…")
def db_move(url: str) -> None:
    """Move the whole site from its SQLite database into an empty PostgreSQL database.

    Every row is copied with its id and each feed's event numbers, so links, short codes and
    open readers' positions hold. Then set LIVEFEED_DATABASE_URL to URL and start the site
    there; media files stay in LIVEFEED_MEDIA_DIR. Progress goes to standard error.
    """
    with services() as svc:
        moved = backups.move(svc, url, say=lambda line: click.echo(line, err=True))
    click.echo(
        _(
            "Moved %(rows)d rows; now set LIVEFEED_DATABASE_URL to %(url)s",
            rows=sum(moved.rows.values()),
            url=url,
        )
    )
