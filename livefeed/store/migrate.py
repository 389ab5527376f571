"""Alembic, driven from code: ``livefeed db upgrade`` and ``serve`` both call :func:`upgrade`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from livefeed.store.database import Database

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = database.engine
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema up to ``revision``; already there means nothing happens."""
    command.upgrade(_config(database), revision)


def current_revision(database: Database) -> str | None:
    """The revision the database is at; ``None`` before the first migration."""
    with database.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision this code knows."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()
