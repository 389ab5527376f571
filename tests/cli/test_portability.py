"""``livefeed export`` and ``livefeed import``: a feed's .zip, a whole site's folder, and what
an import refuses, writing nothing."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from livefeed.access import accounts
from livefeed.distribution import reading
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import backups
from livefeed.store.database import Database
from tests.cli.conftest import Run, ok, user_error
from tests.factories import CHEAP_PASSWORDS, PASSWORD


@pytest.fixture
def published(summit: str, editor: str, run: Run) -> str:
    for number in range(3):
        ok(run("post", summit, "--headline", f"Update {number}", "--as", editor))
    return summit


@pytest.fixture
def other(tmp_path: Path, sqlite_template: Path) -> dict[str, str]:
    """A second, empty site: its own database and media folder."""
    shutil.copy(sqlite_template, tmp_path / "other.db")
    return {
        "LIVEFEED_DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}",
        "LIVEFEED_MEDIA_DIR": str(tmp_path / "other-media"),
    }


def rows(env: dict[str, str]) -> dict[str, int]:
    database = Database(env["LIVEFEED_DATABASE_URL"])
    try:
        return backups.row_counts(database)
    finally:
        database.dispose()


def rewrite(source: Path, target: Path, change: object) -> None:
    """A copy of the zip whose feed.json ``change`` has edited."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            data = old.read(name)
            if name == "feed.json":
                document = json.loads(data)
                change(document)  # type: ignore[operator]
                data = json.dumps(document).encode()
            new.writestr(name, data)


def test_a_feed_moves_to_another_site_once(
    published: str, run: Run, tmp_path: Path, other: dict[str, str]
) -> None:
    result = run("export", published, "summit.zip")
    assert "Exported summit: 3 posts" in ok(result)
    assert "summit: 3 posts, 0 comments" in result.stderr
    with zipfile.ZipFile(tmp_path / "summit.zip") as archive:
        assert json.loads(archive.read("feed.json"))["format"] == "livefeed-feed"
    # An empty site: the import needs an admin there to act as.
    ok(run("user", "add", "ada@elsewhere.test", "--role", "admin", input=PASSWORD + "\n", **other))
    imported = ok(run("import", "summit.zip", **other))
    assert imported.startswith("Imported summit: 3 posts, 0 comments: http://livefeed.test/")
    before = rows(other)
    assert ok(run("import", "summit.zip", **other)) == "Already here as summit: nothing imported\n"
    assert rows(other) == before


def test_a_taken_slug_is_refused_unless_renamed(
    published: str, run: Run, tmp_path: Path, svc: Services
) -> None:
    ok(run("export", published, "summit.zip"))
    rewrite(tmp_path / "summit.zip", tmp_path / "copy.zip", _new_uri)
    before = rows({"LIVEFEED_DATABASE_URL": svc.settings.database_url})
    user_error(run("import", "copy.zip"), "slug: ", "summit is taken")
    assert rows({"LIVEFEED_DATABASE_URL": svc.settings.database_url}) == before
    user_error(run("import", "copy.zip"), "slug")
    # The short codes are the old feed's: a copy on the same site cannot keep them.
    rewrite(tmp_path / "copy.zip", tmp_path / "fresh.zip", _without_codes)
    assert "Imported summit-copy" in ok(run("import", "fresh.zip", "--slug", "summit-copy"))
    page = reading.feed_page(svc, "summit-copy")
    assert [post.headline for post in page.posts] == ["Update 2", "Update 1", "Update 0"]


def _new_uri(document: dict[str, object]) -> None:
    document["uri"] = "https://elsewhere.example/feeds/summit"


def _without_codes(document: dict[str, object]) -> None:
    document["short_code"] = ""
    for post in document["posts"]:  # type: ignore[attr-defined]
        post["short_code"] = ""


def test_a_bad_file_names_the_place_and_writes_nothing(
    published: str, run: Run, tmp_path: Path, svc: Services
) -> None:
    ok(run("export", published, "summit.zip"))

    def broken(document: dict[str, object]) -> None:
        _new_uri(document)
        document["posts"][1]["published_at"] = "yesterday"  # type: ignore[index]

    rewrite(tmp_path / "summit.zip", tmp_path / "bad.zip", broken)
    before = rows({"LIVEFEED_DATABASE_URL": svc.settings.database_url})
    user_error(run("import", "bad.zip", "--slug", "other"), "posts[1].published_at: must be a date")
    assert rows({"LIVEFEED_DATABASE_URL": svc.settings.database_url}) == before
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    user_error(run("import", "junk.zip"), "file: is not a zip file")


def test_a_whole_site_moves_with_its_accounts(
    published: str, run: Run, tmp_path: Path, other: dict[str, str], env: dict[str, str]
) -> None:
    result = run("export", "--all", "site")
    assert ok(result) == "Exported 1 feeds into site\n"
    assert "[1/1] summit" in result.stderr
    assert sorted(path.name for path in (tmp_path / "site").iterdir()) == [
        "site.json", "summit.zip"
    ]  # fmt: skip
    # Into a site with no account yet: whoever runs the command fills it.
    result = run("import", "--all", "site", **other)
    assert ok(result) == "Imported 1 feeds (0 were here already)\n"
    moved = Services.build(Settings.from_env(env | other, env_file=None), passwords=CHEAP_PASSWORDS)
    try:
        session = accounts.log_in(moved, "anna@newsroom.test", PASSWORD, address="192.0.2.1")
        assert session.user.email == "anna@newsroom.test"
        assert len(reading.feed_page(moved, "summit").posts) == 3
    finally:
        moved.close()
    assert "were here already" in ok(run("import", "--all", "site", **other))
    user_error(run("export", "--all", "site"), "is not empty")


def test_export_asks_for_a_slug_and_a_file(published: str, run: Run) -> None:
    user_error(run("export", published), "give a SLUG and a FILE.zip")
    user_error(run("export", "nowhere", "x.zip"), "nowhere")


def test_only_an_admin_exports(published: str, run: Run) -> None:
    ok(run("user", "add", "mia@newsroom.test", input=PASSWORD + "\n"))
    user_error(run("export", published, "x.zip", "--as", "mia@newsroom.test"), "administrator")


def test_documents_are_read_whole_before_writing(published: str, run: Run) -> None:
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("feed.json", "{not json")
    Path("broken.zip").write_bytes(data.getvalue())
    user_error(run("import", "broken.zip"), "feed.json: is not JSON")


def test_db_backup_and_restore(published: str, run: Run, tmp_path: Path) -> None:
    assert ok(run("db", "backup", "copy.db")) == "Backed up to copy.db\n"
    restored = {"LIVEFEED_DATABASE_URL": f"sqlite:///{tmp_path / 'new' / 'site.db'}"}
    assert "Restored copy.db" in ok(run("db", "restore", "copy.db", **restored))
    assert rows(restored)["posts"] == 3
    user_error(run("db", "restore", "copy.db"), "holds a site already")
    user_error(run("db", "restore", "missing.db", **restored), "there is no file missing.db")


def test_db_move_wants_a_postgresql_address(published: str, run: Run) -> None:
    user_error(run("db", "move", "sqlite:///elsewhere.db"), "url: must be a postgresql://")
