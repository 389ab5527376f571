"""Export, import into an empty site, export again: the two documents are equal but for the
site's own numbering, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from livefeed.domain.users import Role
from livefeed.portability import exporting, importing
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import migrate
from tests.conftest import Clock
from tests.factories import CHEAP_PASSWORDS, make_editor, make_user
from tests.portability.rich_feed import make_rich_feed


@pytest.fixture
def other_site(settings: Settings, clock: Clock, tmp_path: Path) -> Iterator[Services]:
    """A second, empty site on the same kind of database, with its own media folder."""
    if settings.database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'other.db'}"
    else:
        url = settings.database_url.rsplit("/", 1)[0] + "/livefeed_other"
    other = settings.replace(database_url=url, media_dir=str(tmp_path / "other-media"))
    services = Services.build(other, clock=clock, passwords=CHEAP_PASSWORDS)
    if not settings.database_url.startswith("sqlite"):
        _fresh_postgres(url)
    migrate.upgrade(services.db)
    yield services
    services.close()


def _fresh_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    admin = create_engine(
        admin_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    name = url.rsplit("/", 1)[1]
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def exported(svc: Services, slug: str = "summit") -> bytes:
    admin = _admin(svc)
    target = io.BytesIO()
    exporting.export_feed(svc, admin, slug, target)
    return target.getvalue()


def _admin(svc: Services) -> Any:
    from livefeed.access import accounts

    found = accounts.earliest_admin(svc)
    return found or make_user(svc, "ada@newsroom.test", Role.ADMIN, "Ada Admin")


def document(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return json.loads(archive.read("feed.json"))


def without_numbering(found: dict[str, Any]) -> dict[str, Any]:
    """The document less what each site numbers its own way: a post's address holds its id."""
    copy = json.loads(json.dumps(found))
    for post in copy["posts"]:
        post.pop("uri")
    return copy


def test_a_feed_with_everything_comes_back_the_same(
    svc: Services, clock: Clock, other_site: Services
) -> None:
    make_rich_feed(svc, clock, make_editor(svc))
    first = exported(svc)
    before = document(first)
    assert {p["state"] for p in before["posts"]} == {"published", "draft", "scheduled", "deleted"}
    imported = importing.import_feed(other_site, _admin(other_site), io.BytesIO(first))
    assert imported.created
    assert imported.slug == "summit"
    after = document(exported(other_site))
    assert without_numbering(after) == without_numbering(before)
    with (
        zipfile.ZipFile(io.BytesIO(first)) as one,
        zipfile.ZipFile(io.BytesIO(exported(other_site))) as two,
    ):
        assert sorted(one.namelist()) == sorted(two.namelist())
