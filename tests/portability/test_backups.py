"""Backups and moves of a whole site: SQLite's online backup while another process writes,
a restore, pg_dump and pg_restore as the README gives them, and a move from SQLite to
PostgreSQL that loses nothing and keeps every feed's event numbers."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text

from livefeed.access import accounts
from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.portability import backups
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import events, migrate
from livefeed.store import feeds as feed_store
from livefeed.store.database import Database
from livefeed.store.schema import events as events_table
from livefeed.store.schema import feeds, posts
from tests.conftest import PG_ADMIN_URL, Clock, _empty_postgres, missing_service
from tests.factories import CHEAP_PASSWORDS, make_editor, make_feed, make_post
from tests.portability.rich_feed import make_rich_feed
from tests.portability.test_round_trip import document, exported

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from livefeed.access import accounts
    from livefeed.newsroom import publishing
    from livefeed.services import Services
    from livefeed.settings import Settings

    settings = Settings.from_env({"LIVEFEED_DATABASE_URL": sys.argv[1],
                                  "LIVEFEED_PUBLIC_URL": "http://livefeed.test"}, env_file=None)
    svc = Services.build(settings)
    editor = accounts.by_email(svc, "anna@newsroom.test")
    stop = Path(sys.argv[2])
    number = 0
    while not stop.exists():
        number += 1
        publishing.publish_post(svc, editor, "summit", {"headline": f"Update {number}"})
        print(number, flush=True)
    """
)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """An empty PostgreSQL database of the test's own (no tables at all)."""
    name = f"livefeed_move_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        missing_service(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error}")
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def gap_free(database: Database) -> int:
    """Every feed's log numbered 1..last_seq with no gap, each published post's event there;
    returns how many posts the copy holds."""
    with database.read() as conn:
        for feed_id, last in conn.execute(select(feeds.c.id, feeds.c.last_seq)).all():
            seqs = conn.execute(
                select(events_table.c.seq)
                .where(events_table.c.feed_id == feed_id)
                .order_by(events_table.c.seq)
            ).scalars()
            assert list(seqs) == list(range(1, last + 1))
        orphans = conn.execute(
            select(func.count())
            .select_from(posts)
            .where(posts.c.state == "published")
            .where(~posts.c.seq.in_(select(events_table.c.seq)))
        ).scalar_one()
        assert orphans == 0
        return int(conn.execute(select(func.count()).select_from(posts)).scalar_one())


def test_a_backup_taken_while_another_process_writes_is_whole(
    svc: Services, tmp_path: Path
) -> None:
    make_feed(svc, make_editor(svc))
    stop = tmp_path / "stop"
    copies = []
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, svc.settings.database_url, str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    ) as writer:
        try:
            assert writer.stdout is not None
            for number in range(3):
                # The writer has published once more since the last copy, and goes on.
                writer.stdout.readline()
                target = tmp_path / f"backup-{number}.db"
                backups.backup(svc, target)
                copies.append(target)
        finally:
            stop.touch()
            writer.communicate(timeout=60)
    assert writer.returncode == 0
    counted = []
    for copy in copies:
        database = Database(f"sqlite:///{copy}")
        try:
            assert migrate.current_revision(database) == migrate.head_revision()
            counted.append(gap_free(database))
        finally:
            database.dispose()
        assert not Path(f"{copy}-wal").exists()
    assert counted == sorted(counted)
    assert counted[-1] > counted[0]  # each copy was taken while the writer went on
    with svc.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(posts)).scalar_one() >= counted[-1]


def test_a_backup_comes_back_into_an_empty_place_only(
    svc: Services, clock: Clock, tmp_path: Path
) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    make_post(svc, editor)
    backups.backup(svc, tmp_path / "copy.db")
    restored_url = f"sqlite:///{tmp_path / 'restored' / 'livefeed.db'}"
    backups.restore(restored_url, tmp_path / "copy.db")
    restored = Services.build(
        svc.settings.replace(database_url=restored_url), clock=clock, passwords=CHEAP_PASSWORDS
    )
    try:
        assert document(exported(restored)) == document(exported(svc))
    finally:
        restored.close()
    with pytest.raises(Conflict, match="holds a site already"):
        backups.restore(svc.settings.database_url, tmp_path / "copy.db")
    (tmp_path / "not.db").write_bytes(b"hello")
    with pytest.raises(Invalid, match="not a SQLite database"):
        backups.restore(f"sqlite:///{tmp_path / 'other.db'}", tmp_path / "not.db")


def pg_tool(name: str) -> str:
    """Where Debian puts each PostgreSQL version's tools, or the PATH."""
    found = shutil.which(name) or next(
        iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        missing_service(f"{name} is not installed")
    return str(found)


@pytest.mark.postgres
def test_pg_dump_and_pg_restore_as_the_readme_gives_them(
    postgres_url: str, postgres_database: str, clock: Clock, tmp_path: Path
) -> None:
    _empty_postgres(postgres_url)
    settings = Settings.from_env(
        {
            "LIVEFEED_DATABASE_URL": postgres_url,
            "LIVEFEED_PUBLIC_URL": "http://livefeed.test",
            "LIVEFEED_MEDIA_DIR": str(tmp_path / "media"),
        },
        env_file=None,
    )
    site = Services.build(settings, clock=clock, passwords=CHEAP_PASSWORDS)
    try:
        make_rich_feed(site, clock, make_editor(site), video=False)
        dump = tmp_path / "livefeed.dump"
        subprocess.run(
            [pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}",
             postgres_url], check=True, timeout=120,
        )  # fmt: skip
        subprocess.run(
            [pg_tool("pg_restore"), "--no-owner", f"--dbname={postgres_database}", str(dump)],
            check=True, timeout=120,
        )  # fmt: skip
        restored = Services.build(
            settings.replace(database_url=postgres_database), clock=clock,
            passwords=CHEAP_PASSWORDS,
        )  # fmt: skip
        try:
            assert document(exported(restored)) == document(exported(site))
            # The restored site goes on numbering where the old one stopped.
            editor = publishing_editor(restored)
            made = publishing.publish_post(restored, editor, "summit", {"headline": "After"})
            with restored.db.read() as conn:
                feed = feed_store.require_feed(conn, "summit")
            assert made.seq == feed.last_seq
        finally:
            restored.close()
    finally:
        site.close()


def publishing_editor(svc: Services) -> User:
    return accounts.by_email(svc, "anna@newsroom.test")


@pytest.mark.postgres
def test_a_site_moves_from_sqlite_to_postgresql_with_nothing_lost(
    svc: Services, clock: Clock, postgres_database: str, tmp_path: Path
) -> None:
    make_rich_feed(svc, clock, make_editor(svc))
    make_feed(svc, make_editor(svc, "ed@newsroom.test"), slug="election", title="Election")
    with svc.db.read() as conn:
        highest = conn.execute(select(func.max(posts.c.id))).scalar_one()
    said: list[str] = []
    moved = backups.move(svc, postgres_database, say=said.append)
    assert moved.rows["posts"] > 10
    assert "posts: " + str(moved.rows["posts"]) + " rows" in said
    there = Services.build(
        svc.settings.replace(database_url=postgres_database), clock=clock,
        passwords=CHEAP_PASSWORDS,
    )  # fmt: skip
    try:
        for slug in ("summit", "election"):
            assert document(exported(there, slug)) == document(exported(svc, slug))
        # A reader who had seen seq 5 here resumes there with the same events after it.
        with svc.db.read() as conn:
            feed = feed_store.require_feed(conn, "summit")
            here = events.after(conn, feed.id, 5)
        with there.db.read() as conn:
            assert events.after(conn, feed.id, 5) == here
        # New rows get new ids there: the sequences start after what was copied.
        editor = publishing_editor(there)
        made = publishing.publish_post(there, editor, "summit", {"headline": "From PostgreSQL"})
        assert made.seq == feed.last_seq + 1
        assert made.id == highest + 1
    finally:
        there.close()
    with pytest.raises(Conflict, match="holds a site already"):
        backups.move(svc, postgres_database, say=said.append)
