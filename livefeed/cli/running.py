"""What every command runs with: services built for it alone, the account it acts as, and the
text it reads, so each command is left to parse, call a use case and print."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import click

from livefeed.access import accounts
from livefeed.cli.failures import Failure, why
from livefeed.domain.users import User
from livefeed.languages.catalogs import _
from livefeed.realtime.site_brokers import writing_broker
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import migrate

acting = click.option(
    "--as", "as_email", metavar="EMAIL", help="Who is acting (default: first admin)."
)


@contextmanager
def services(settings: Settings | None = None, *, needs_schema: bool = True) -> Iterator[Services]:
    """Services for one command, closed at its end; refuses a database not yet migrated."""
    if settings is None:
        settings = Settings.from_env()
    try:
        svc = Services.build(settings)
    except OSError as error:
        raise Failure(_("cannot open the database: %(reason)s", reason=error)) from None
    # What a command publishes wakes every serving instance at once, the way they listen.
    broker = writing_broker(settings.database_url, settings.redis_url, f"cli-{os.getpid()}")
    svc.listeners.append(broker.announce)
    try:
        if needs_schema and migrate.current_revision(svc.db) != migrate.head_revision():
            raise Failure(_("the database is not up to date: run `livefeed db upgrade` first"))
        yield svc
    finally:
        asyncio.run(broker.close())
        svc.close()


def acting_user(svc: Services, email: str | None) -> User:
    """The user named by ``--as``, or else the earliest enabled admin."""
    if email is not None:
        return accounts.by_email(svc, email)
    admin = accounts.earliest_admin(svc)
    if admin is None:
        raise Failure(_("there is no admin yet: name the author with --as EMAIL"))
    return admin


def read_password() -> str:
    """Asked twice at a terminal; otherwise the first line of standard input."""
    if sys.stdin.isatty():
        password: str = click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
        return password
    with _reading("-") as stdin:
        return stdin.readline().rstrip("\r\n")


def read_text(text: str | None, path: str | None, name: str) -> str:
    """``--NAME`` or else ``--NAME-file`` (a path, or ``-`` for standard input), never both."""
    if text is not None and path is not None:
        raise Failure(_("%(name)s: give --%(name)s or --%(name)s-file, not both", name=name))
    if path is None:
        return text or ""
    with _reading(path) as file:
        return file.read()


@contextmanager
def _reading(path: str) -> Iterator[IO[str]]:
    """``path`` (``-``: standard input) as strict UTF-8, whatever the locale would let through,
    so a stray Latin-1 byte is refused here rather than stored; a failure names the file."""
    where = _("standard input") if path == "-" else path
    try:
        with click.open_file(path, encoding="utf-8", errors="strict") as file:
            yield file
    except (OSError, UnicodeDecodeError) as error:
        raise Failure(
            _("cannot read %(place)s: %(reason)s", place=where, reason=why(error))
        ) from None
