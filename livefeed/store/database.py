"""Connections and transactions, with the same guarantees on SQLite and PostgreSQL.

Reads and writes are asked for separately: on SQLite a write transaction starts with
``BEGIN IMMEDIATE``, so two writers queue on the lock up front (waiting up to the busy timeout)
instead of failing half-way through with "database is locked".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

BUSY_TIMEOUT_MS = 10_000


def engine_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here; the setting need not know driver names."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


class Database:
    """One engine and the two ways to use it: :meth:`read` and :meth:`write`."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = engine_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = _sqlite_engine(self.url)
        else:
            self.engine = create_engine(
                self.url,
                pool_size=pool_size,
                max_overflow=pool_size,
                pool_pre_ping=True,
                # A failed statement's values (a session's hash, an email) stay out of the
                # message, and so out of the logs.
                hide_parameters=True,
            )

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A transaction for consistent reads; it writes nothing."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed, durably, when the block ends; rolled back on error."""
        with self.engine.connect() as conn:
            if self.is_sqlite:
                conn = conn.execution_options(sqlite_immediate=True)
            with conn.begin():
                yield conn

    def pool_use(self) -> tuple[int, int]:
        """(connections lent out now, connections the pool keeps): what an operator watches to
        see requests queue for a connection."""
        pool = self.engine.pool
        in_use = getattr(pool, "checkedout", None)
        size = getattr(pool, "size", None)
        return (in_use() if in_use else 0, size() if size else 0)

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_size=8, max_overflow=8, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def configure(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Transactions are begun by the "begin" hook below, not by the driver's guesswork.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a commit is on disk before it is acknowledged, even after a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
