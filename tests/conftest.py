"""Fixtures: a fresh database per test on SQLite and on PostgreSQL, a clock, personas.

PostgreSQL tests need the server on 127.0.0.1:5432; without it they are skipped on a laptop
and fail in CI (``CI=true``), where a missing service must never pass for a green run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, event, text

from livefeed.realtime.site_brokers import wake_directory, writing_broker
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store.database import Database
from livefeed.store.migrate import upgrade
from livefeed.store.tables import metadata
from tests.factories import CHEAP_PASSWORDS
from tests.mail_server import Mailbox, smtp_server
from tests.redis_server import RedisServer
from tests.s3_server import S3Server

PG_ADMIN_URL = os.environ.get("LIVEFEED_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI") == "true"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long modules first: the workers share out the others as they come free, so none is
    left running a long one alone at the end of the run."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


class CompiledOnce(dict[tuple[Any, ...], Any]):
    """SQLAlchemy's compiled statements, shared by every engine of this test process.

    Each test opens a database of its own, and SQLAlchemy keeps what it compiles per engine,
    keyed by the engine's dialect object: every test compiled every statement it ran again.
    Here the dialect is named by its kind and its server's version instead, which compile the
    same SQL. About a sixth of the time of the web tests went to compiling.
    """

    LIMIT = 20_000

    @staticmethod
    def _key(key: tuple[Any, ...]) -> tuple[Any, ...]:
        dialect = key[0]
        return (type(dialect), dialect.server_version_info, *key[1:])

    def get(self, key: tuple[Any, ...], default: Any = None) -> Any:
        return super().get(self._key(key), default)

    def __setitem__(self, key: tuple[Any, ...], value: Any) -> None:
        if len(self) >= self.LIMIT:
            self.clear()
        super().__setitem__(self._key(key), value)


_compiled = CompiledOnce()


@event.listens_for(Engine, "engine_connect")
def _share_compiled(conn: Connection) -> None:
    conn.execution_options(compiled_cache=_compiled)


class Clock:
    """The time as the tests say: starts at a fixed moment and moves only when told."""

    def __init__(self, start: datetime = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float = 60) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


def missing_service(message: str) -> None:
    if IN_CI:
        pytest.fail(f"{message} (CI must run every test)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating every time would be slow)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    database = Database(f"sqlite:///{path}")
    upgrade(database)
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of its own for this test run, migrated once, dropped at the end."""
    name = f"livefeed_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        missing_service(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error}")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    database = Database(url)
    upgrade(database)
    database.dispose()
    yield url
    emptier = _emptiers.pop(url, None)
    if emptier is not None:
        emptier.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# The tables' sequences, as TRUNCATE ... RESTART IDENTITY would set them: next value 1.
_RESTART_SEQUENCES = (
    "SELECT setval(s.oid, 1, false) FROM pg_class s"
    " JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') WHERE s.relkind = 'S'"
)
_emptiers: dict[str, Engine] = {}


def _empty_postgres(url: str) -> None:
    """Every row gone and every id back at 1, as at the start of a test.

    DELETE, children first, in one round trip: a test leaves a few rows, and TRUNCATE makes new
    files for every table whatever they hold (80 ms here against 1.4 ms, for each of the
    thousand-odd tests run on PostgreSQL)."""
    engine = _emptiers.get(url)
    if engine is None:
        engine = _emptiers[url] = Database(url).engine
    deletes = [str(t.delete().compile(engine)) for t in reversed(metadata.sorted_tables)]
    with engine.begin() as conn:
        conn.exec_driver_sql("; ".join([*deletes, _RESTART_SEQUENCES]))


def copied_database(source: Path, folder: Path) -> str:
    """The URL of a copy of the SQLite file ``source`` in ``folder``, the test's own."""
    path = folder / "livefeed.db"
    shutil.copy(source, path)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh migrated SQLite database of the test's own."""
    return copied_database(sqlite_template, tmp_path)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each test that asks for the database runs once on SQLite and once on PostgreSQL.

    That is for the layers where the two can differ: SQL, transactions, concurrency. The
    faces above them (pages, API, CLI, renderers) override this with ``sqlite_url`` alone.
    """
    if request.param == "sqlite":
        sqlite: str = request.getfixturevalue("sqlite_url")
        return sqlite
    url: str = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def clock() -> Clock:
    return Clock()


def site_settings(database_url: str, folder: Path) -> Settings:
    """A test site's settings over ``database_url``, its uploads in ``folder``."""
    return Settings.from_env(
        {
            "LIVEFEED_DATABASE_URL": database_url,
            "LIVEFEED_PUBLIC_URL": "http://livefeed.test",
            "LIVEFEED_SEED_DEMO": "false",
            # Uploads stay in the test's own folder, with PostgreSQL too.
            "LIVEFEED_MEDIA_DIR": str(folder / "media"),
        },
        env_file=None,
    )


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return site_settings(database_url, tmp_path)


@pytest.fixture
def svc(settings: Settings, clock: Clock) -> Iterator[Services]:
    services = Services.build(settings, clock=clock, passwords=CHEAP_PASSWORDS)
    yield services
    services.close()


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis of the test's own, not started yet, that it may stop to play an outage."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(binary).exists():
        missing_service("redis-server is not installed")
    server = RedisServer(binary, tmp_path)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """S3-compatible object storage on loopback (moto's server), one for the run: each test
    makes buckets of its own."""
    server = S3Server(tmp_path_factory.mktemp("s3"))
    yield server
    server.stop()


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    """A real SMTP server on loopback, and what it received."""
    with smtp_server() as running:
        yield running


@pytest.fixture
def mail_svc(settings: Settings, clock: Clock, mailbox: tuple[Mailbox, int]) -> Iterator[Services]:
    """The services of a site that sends its mail to ``mailbox``."""
    configured = settings.replace(smtp_url=f"smtp://127.0.0.1:{mailbox[1]}")
    services = Services.build(configured, clock=clock, passwords=CHEAP_PASSWORDS)
    yield services
    services.close()


@contextmanager
def announcing(svc: Services) -> Iterator[None]:
    """The test process's commits wake a ``livefeed serve`` running apart, as the CLI's do."""
    settings = svc.settings
    broker = writing_broker(settings.database_url, settings.redis_url, f"tests-{os.getpid()}")
    svc.listeners.append(broker.announce)
    try:
        yield
    finally:
        svc.listeners.remove(broker.announce)
        # On a thread of its own: a browser test's driver holds an event loop on this one.
        closing = threading.Thread(target=asyncio.run, args=(broker.close(),))
        closing.start()
        closing.join()
        # A server the test killed could not take its site's wake directory away.
        directory = wake_directory(settings.database_url)
        if directory is not None:
            with suppress(OSError):
                directory.rmdir()
