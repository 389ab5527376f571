"""The migrations build exactly the schema the code describes, and running them again is safe."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, inspect, text

from livefeed.distribution import reading
from livefeed.services import Services
from livefeed.store import accounts as account_store
from livefeed.store import search
from livefeed.store.database import Database, engine_url
from livefeed.store.migrate import current_revision, downgrade, head_revision, upgrade
from livefeed.store.schema import metadata
from tests.conftest import PG_ADMIN_URL
from tests.factories import make_editor, make_feed, make_post


def ours(name: str | None, kind: str, parents: Any) -> bool:
    """Everything but the full-text index, which the code's tables do not describe: FTS5's own
    tables on SQLite, an index over an expression on PostgreSQL (tests/store/test_search.py
    covers both)."""
    if kind == "table":
        return name not in search.SQLITE_TABLES
    return not (kind == "index" and name == search.POSTGRES_INDEX)


def differences(database: Database, target: MetaData = metadata) -> list[Any]:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "compare_server_default": True, "include_name": ours},
        )
        return list(compare_metadata(context, target))


@pytest.fixture
def empty_database(database_url: str, tmp_path: Path) -> Iterator[Database]:
    """A database with no tables at all, of the same kind as ``database_url``."""
    if database_url.startswith("sqlite"):
        database = Database(f"sqlite:///{tmp_path / 'empty.db'}")
        yield database
        database.dispose()
        return
    name = f"livefeed_empty_{uuid.uuid4().hex[:10]}"
    admin = create_engine(engine_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    database = Database(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_migrated_schema_matches_the_code(svc: Services) -> None:
    assert differences(svc.db) == []


def test_upgrading_an_empty_database_reaches_head(empty_database: Database) -> None:
    assert current_revision(empty_database) is None
    upgrade(empty_database)
    assert current_revision(empty_database) == head_revision() is not None
    tables = set(inspect(empty_database.engine).get_table_names()) - search.SQLITE_TABLES
    assert tables == set(metadata.tables) | {"alembic_version"}
    assert differences(empty_database) == []


def test_upgrading_again_changes_nothing(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    post = make_post(svc, editor)
    upgrade(svc.db)
    upgrade(svc.db)
    assert current_revision(svc.db) == head_revision()
    with svc.db.read() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert versions == [head_revision()]
    assert differences(svc.db) == []
    assert [p.id for p in reading.feed_page(svc, "summit").posts] == [post.id]


def test_downgrade_removes_everything_and_upgrade_brings_it_back(
    empty_database: Database,
) -> None:
    upgrade(empty_database)
    downgrade(empty_database, "base")
    assert current_revision(empty_database) is None
    assert set(inspect(empty_database.engine).get_table_names()) <= {"alembic_version"}
    upgrade(empty_database)
    assert differences(empty_database) == []


def test_the_comparison_would_see_a_schema_drift(svc: Services) -> None:
    """The check above is only worth something if a difference would show."""
    drifted = MetaData(naming_convention=metadata.naming_convention)
    for table in metadata.sorted_tables:
        table.to_metadata(drifted)
    drifted.tables["feeds"].append_column(Column("subtitle", String(200), nullable=True))
    Table("polls", drifted, Column("id", Integer, primary_key=True))
    found = {(diff[0], getattr(diff[-1], "name", None)) for diff in differences(svc.db, drifted)}
    assert ("add_column", "subtitle") in found
    assert ("add_table", "polls") in found


def test_going_down_and_up_keeps_every_post(svc: Services) -> None:
    """SQLite rebuilds a table to drop a column: that must never cascade to the rows below it."""
    editor = make_editor(svc)
    make_feed(svc, editor)
    posts = [make_post(svc, editor, headline=f"Update {n}").id for n in range(3)]
    downgrade(svc.db, "0004")
    upgrade(svc.db)
    assert [p.id for p in reading.feed_page(svc, "summit").posts] == posts[::-1]


def test_feeds_made_before_languages_are_in_english_and_people_have_chosen_none(
    svc: Services,
) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor, language="ru")
    downgrade(svc.db, "0021")
    upgrade(svc.db)
    assert reading.get_feed(svc, "summit").language == "en"
    with svc.db.read() as conn:
        assert account_store.require_user(conn, editor.id).language == ""
