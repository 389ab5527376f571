"""Export, import into an empty site, export again: the two documents are equal but for the
site's own numbering, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from livefeed.domain.errors import Conflict, Invalid
from livefeed.domain.users import Role
from livefeed.portability import exporting, importing
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store.schema import short_codes
from tests.conftest import Clock
from tests.factories import CHEAP_PASSWORDS, make_editor, make_feed, make_user
from tests.portability.rich_feed import make_rich_feed


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
    _has_every_kind(before)
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


def _has_every_kind(found: dict[str, Any]) -> None:
    """What the rich feed holds, so that equal documents mean something was compared."""
    posts = found["posts"]
    assert {post["state"] for post in posts} >= {"published", "draft", "scheduled", "deleted"}
    assert any(post["submitted_at"] and post["review_note"] for post in posts)
    assert any(post["corrections"] for post in posts)
    assert any(post["retraction"] for post in posts)
    kinds = {revision["kind"] for post in posts for revision in post["revisions"]}
    assert kinds == {"edit", "correction", "retraction"}
    assert any(post["pinned"] for post in posts)
    assert any(post["key_event"] for post in posts)
    assert any(post["quote"] and post["read_more"] for post in posts)
    assert any((post["image"] or {}).get("href", "").startswith("media/") for post in posts)
    assert any((post["video"] or {}).get("href", "").startswith("media/") for post in posts)
    assert {item["contenttype"] for item in found["media"]} == {"image/jpeg", "video/mp4"}
    comments = found["comments"]
    assert {c["state"] for c in comments} == {"approved", "rejected", "pending", "hidden"}
    assert any(c["parent"] for c in comments)
    assert any(c["reported_by"] for c in comments)
    assert any(c["featured"] for c in comments)
    assert any(c["guest_name"] for c in comments)
    assert {member["role"] for member in found["team"]} == {"editor", "contributor", "moderator"}


def rows(svc: Services) -> dict[str, int]:
    from livefeed.store import backups

    return backups.row_counts(svc.db)


def test_the_same_file_twice_makes_one_feed(
    svc: Services, clock: Clock, other_site: Services
) -> None:
    make_rich_feed(svc, clock, make_editor(svc), video=False)
    data = exported(svc)
    admin = _admin(other_site)
    assert importing.import_feed(other_site, admin, io.BytesIO(data)).created
    before = rows(other_site)
    again = importing.import_feed(other_site, admin, io.BytesIO(data), slug="summit-again")
    assert not again.created
    assert again.slug == "summit"
    assert rows(other_site) == before


def test_a_failure_while_writing_leaves_nothing(
    svc: Services, clock: Clock, other_site: Services
) -> None:
    """A short code taken on the site is found only while the feed is being written: the
    transaction goes back, and the media files it had put in place go too."""
    make_rich_feed(svc, clock, make_editor(svc), video=False)
    data = exported(svc)
    code = document(data)["posts"][-1]["short_code"]
    admin = _admin(other_site)
    make_feed(other_site, admin, slug="other-feed")
    with other_site.db.write() as conn:
        conn.execute(short_codes.update().where(short_codes.c.kind == "feed").values(code=code))
    before = rows(other_site)
    media_before = set(other_site.settings.media_path.glob("*"))
    with pytest.raises(Conflict) as refused:
        importing.import_feed(other_site, admin, io.BytesIO(data))
    assert refused.value.field == f"posts[{len(document(data)['posts']) - 1}].short_code"
    assert rows(other_site) == before
    assert set(other_site.settings.media_path.glob("*")) == media_before


def _rezipped(data: bytes, change: Any) -> bytes:
    """The same archive with its document changed by ``change``."""
    target = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "feed.json":
                found = json.loads(body)
                change(found)
                body = json.dumps(found).encode()
            copy.writestr(item, body)
    return target.getvalue()


def test_a_feeds_language_travels_with_it(
    svc: Services, clock: Clock, other_site: Services
) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor, slug="secim", title="Seçim", language="tr", tags="Isparta")
    data = exported(svc, "secim")
    assert document(data)["inLanguage"] == "tr"
    assert document(data)["keywords"] == ["ısparta"]
    importing.import_feed(other_site, _admin(other_site), io.BytesIO(data))
    with other_site.db.read() as conn:
        feed = feed_store.require_feed(conn, "secim")
    assert (feed.language, feed.tags) == ("tr", ("ısparta",))


def test_a_document_from_before_languages_is_in_the_importing_sites(
    svc: Services, clock: Clock, other_site: Services
) -> None:
    make_feed(svc, make_editor(svc), language="ru")
    older = _rezipped(exported(svc), lambda found: found.pop("inLanguage"))
    turkish_site = Services.build(
        other_site.settings.replace(language="tr"), clock=clock, passwords=CHEAP_PASSWORDS
    )
    try:
        importing.import_feed(turkish_site, _admin(turkish_site), io.BytesIO(older))
        with turkish_site.db.read() as conn:
            assert feed_store.require_feed(conn, "summit").language == "tr"
    finally:
        turkish_site.close()


def test_a_document_in_no_language_is_refused_naming_the_place(
    svc: Services, clock: Clock, other_site: Services
) -> None:
    make_feed(svc, make_editor(svc))
    bad = _rezipped(exported(svc), lambda found: found.update(inLanguage="not a tag"))
    with pytest.raises(Invalid) as caught:
        importing.import_feed(other_site, _admin(other_site), io.BytesIO(bad))
    assert "inLanguage" in caught.value.errors
