"""A second, empty site for the tests that move a feed from one site to another."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import migrate
from tests.conftest import Clock
from tests.factories import CHEAP_PASSWORDS


@pytest.fixture
def other_site(settings: Settings, clock: Clock, tmp_path: Path) -> Iterator[Services]:
    """A second, empty site on the same kind of database, with its own media folder.

    On PostgreSQL its database is named after this worker's own, so workers running the
    portability tests side by side never share (and drop) each other's.
    """
    sqlite = settings.database_url.startswith("sqlite")
    url = f"sqlite:///{tmp_path / 'other.db'}" if sqlite else settings.database_url + "_other"
    other = settings.replace(database_url=url, media_dir=str(tmp_path / "other-media"))
    if not sqlite:
        _postgres(url, "DROP DATABASE IF EXISTS", "CREATE DATABASE")
    services = Services.build(other, clock=clock, passwords=CHEAP_PASSWORDS)
    migrate.upgrade(services.db)
    yield services
    services.close()
    if not sqlite:
        _postgres(url, "DROP DATABASE IF EXISTS")


def _postgres(url: str, *statements: str) -> None:
    """Each statement applied to the database ``url`` names, from the server's own database."""
    base, name = url.rsplit("/", 1)
    admin = create_engine(
        (base + "/postgres").replace("postgresql://", "postgresql+psycopg://"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        for statement in statements:
            force = " WITH (FORCE)" if statement.startswith("DROP") else ""
            conn.execute(text(f'{statement} "{name}"{force}'))
    admin.dispose()
