"""Copies of a whole database: SQLite's online backup, and every table moved to PostgreSQL.

A live SQLite file in WAL mode cannot be copied safely with ``cp``: the newest commits may be
in the ``-wal`` file, and a copy taken mid-checkpoint is torn. SQLite's backup API copies the
pages of one consistent snapshot while the server keeps writing. A move to PostgreSQL copies
every table row for row, ids and ``seq`` included, so links, short codes and readers'
positions in each feed's event log mean the same on the new server.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Integer, func, insert, select, text
from sqlalchemy.engine import make_url

from livefeed.domain.errors import Conflict, Invalid, Message
from livefeed.store.database import Database
from livefeed.store.tables import metadata

BATCH = 1000


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite:///`` URL; :class:`Invalid` for any other database."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        raise Invalid.field("database", "this works on a SQLite database file only")
    if parsed.database == ":memory:":
        raise Invalid.field("database", "an in-memory database has nothing to keep")
    return Path(parsed.database)


def backup_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of ``source`` at ``target``, taken while others write to it. The copy
    appears under its name only once it is whole."""
    if not source.exists():
        raise Invalid.field("database", "there is no database at %(path)s", path=str(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".backup-", dir=target.parent)
    os.close(handle)
    try:
        _copy(source, Path(temporary))
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def _copy(source: Path, target: Path) -> None:
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=10)
    copy = sqlite3.connect(target)
    try:
        # In one step: one read transaction, one snapshot. Under WAL the server's writers go
        # on meanwhile; copied in steps, each of their commits would restart the copy.
        origin.backup(copy, pages=-1)
        # One file, whole: the copy keeps no -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        found = copy.execute("PRAGMA integrity_check").fetchone()
        if found is None or found[0] != "ok":
            raise Conflict(Message("the copy failed its integrity check: %(found)s", found=found))
    finally:
        copy.close()
        origin.close()


def check_backup(path: Path) -> None:
    """That ``path`` is a sound SQLite database holding a Livefeed site."""
    if not path.is_file():
        raise Invalid.field("file", "there is no file %(path)s", path=str(path))
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = connection.execute("PRAGMA integrity_check").fetchone()
            tables = {
                row[0]
                for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise Invalid.field(
            "file", "%(path)s is not a SQLite database (%(reason)s)", path=str(path), reason=error
        ) from None
    if found is None or found[0] != "ok":
        raise Invalid.field("file", "%(path)s fails SQLite's integrity check", path=str(path))
    if not {"alembic_version", "feeds", "posts", "events"} <= tables:
        raise Invalid.field("file", "%(path)s does not hold a Livefeed site", path=str(path))


def is_empty(database: Database) -> bool:
    """No table of ours holds a row (a database just migrated, or not at all)."""
    with database.engine.connect() as conn:
        present = set(conn.dialect.get_table_names(conn))
        for table in metadata.sorted_tables:
            if table.name in present and conn.execute(select(table).limit(1)).first():
                return False
    return True


def copy_tables(
    source: Database, target: Database, *, say: Callable[[str], None]
) -> dict[str, int]:
    """Every row of every table from ``source`` to ``target`` (migrated, empty), parents
    before children, read in one transaction so the copy is one moment of the site."""
    counts: dict[str, int] = {}
    with source.read() as reading, target.write() as writing:
        for table in metadata.sorted_tables:
            keys = list(table.primary_key.columns)
            rows = reading.execute(select(table).order_by(*keys)).mappings()
            copied = 0
            while batch := rows.fetchmany(BATCH):
                writing.execute(insert(table), [dict(row) for row in batch])
                copied += len(batch)
            counts[table.name] = copied
            say(f"{table.name}: {copied} rows")
        if not target.is_sqlite:
            _advance_sequences(writing)
    return counts


def _advance_sequences(conn: Connection) -> None:
    """PostgreSQL's id sequences start after the ids copied, so the next row gets a new one."""
    for table in metadata.sorted_tables:
        column = table.columns.get("id")
        if column is None or not isinstance(column.type, Integer) or not column.primary_key:
            continue
        highest = conn.execute(select(func.max(column))).scalar()
        if highest is None:
            continue
        conn.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :value)"),
            {"table": table.name, "value": highest},
        )


def row_counts(database: Database) -> dict[str, int]:
    with database.read() as conn:
        return {
            table.name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for table in metadata.sorted_tables
        }
