"""Backing a site up, restoring it, and moving it from SQLite to PostgreSQL.

These are the operator's commands, run on the server's own machine with the database's
address in hand: they ask for no account, like ``db upgrade``. Each refuses to write over
anything: a restore goes into an empty location, a move into an empty PostgreSQL database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from livefeed.domain.errors import Conflict, Invalid, Message
from livefeed.services import Services
from livefeed.store import backups, migrate
from livefeed.store.database import Database


@dataclass(frozen=True)
class Moved:
    rows: dict[str, int]


def backup(svc: Services, target: Path) -> Path:
    """A consistent copy of the site's SQLite database at ``target``, safe while serving."""
    source = backups.sqlite_path(svc.settings.database_url)
    if target.resolve() == source.resolve():
        raise Invalid.field("file", "the backup cannot take the database's own place")
    backups.backup_sqlite(source, target)
    return target


def restore(database_url: str, source: Path) -> Path:
    """Bring a backup back as the site's database, which must not exist yet or be empty."""
    target = backups.sqlite_path(database_url)
    backups.check_backup(source)
    if target.exists():
        existing = Database(database_url)
        try:
            empty = backups.is_empty(existing)
        finally:
            existing.dispose()
        if not empty:
            raise Conflict(
                Message(
                    "%(target)s holds a site already: restore into an empty location",
                    target=str(target),
                )
            )
        for stale in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
            stale.unlink(missing_ok=True)
    backups.backup_sqlite(source, target)
    restored = Database(database_url)
    try:
        migrate.upgrade(restored)  # a backup from an older release is brought up to date
    finally:
        restored.dispose()
    return target


def move(svc: Services, target_url: str, *, say: Callable[[str], None]) -> Moved:
    """Copy every table of this SQLite site into the empty PostgreSQL database ``target_url``.

    Ids and each feed's ``seq`` are kept, so links, short codes and readers' positions in
    the event log stay true. Media files stay where they are: point the new server's
    ``LIVEFEED_MEDIA_DIR`` at them (or copy the folder).
    """
    if not svc.db.is_sqlite:
        raise Invalid.field("database", "the site is on PostgreSQL already")
    if make_url(target_url).drivername.split("+")[0] not in ("postgresql", "postgres"):
        raise Invalid.field("url", "must be a postgresql:// address")
    if migrate.current_revision(svc.db) != migrate.head_revision():
        raise Conflict("the database is not up to date: run `livefeed db upgrade` first")
    target = Database(target_url, pool_size=1)
    try:
        if not backups.is_empty(target):
            raise Conflict("the PostgreSQL database holds a site already: give an empty one")
        say("creating the tables")
        migrate.upgrade(target)
        rows = backups.copy_tables(svc.db, target, say=say)
        if backups.row_counts(target) != rows:
            raise Conflict("the copy does not hold every row: nothing on the old site changed")
    finally:
        target.dispose()
    return Moved(rows)
