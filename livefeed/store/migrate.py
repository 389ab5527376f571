"""Alembic, driven from code: ``livefeed db upgrade`` and ``serve`` both call :func:`upgrade`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from livefeed.store.database import Database

MIGRATIONS = Path(__file__).with_name("migrations")


# Any number, the same in every instance: instances starting together migrate one at a time.
_MIGRATION_LOCK = 0x6C6976656665


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema up to ``revision``; already there means nothing happens."""
    _migrate(database, command.upgrade, revision)


def downgrade(database: Database, revision: str) -> None:
    """Take the schema back to ``revision`` (``base``: nothing of ours left)."""
    _migrate(database, command.downgrade, revision)


def _migrate(database: Database, action: Callable[[Config, str], None], revision: str) -> None:
    """Run ``action`` on one connection.

    On PostgreSQL an advisory lock makes instances that start together wait for each other,
    so a migration never runs twice at once. (SQLite's own write lock does that there.)

    On SQLite, changing a column rebuilds its table (a copy, then DROP TABLE): with foreign keys
    enforced, dropping ``feeds`` would cascade to every post. So they are off while migrating,
    as SQLite's own guide to altering tables says, and checked once the schema is done.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.connect() as conn:
        if database.is_sqlite:
            # Outside any transaction: SQLite ignores this pragma inside one.
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        else:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK})
            conn.commit()
        try:
            config.attributes["connection"] = conn
            action(config, revision)
        finally:
            if database.is_sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]
            else:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK})
                conn.commit()
        if database.is_sqlite:
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            conn.commit()
            if broken:
                raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")


def current_revision(database: Database) -> str | None:
    """The revision the database is at; ``None`` before the first migration."""
    with database.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision this code knows."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()
