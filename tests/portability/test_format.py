"""The portable document: what an export writes obeys docs/feed.schema.json, the schema and
the import's own checks agree on every key, and a broken document is named at its place."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from livefeed.domain import portable
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_editor
from tests.portability.rich_feed import make_rich_feed
from tests.portability.schema_check import problems
from tests.portability.test_round_trip import document, exported

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "feed.schema.json").read_text("utf-8")
)


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> dict[str, Any]:
    """One rich feed's document, made once for the module's checks."""
    import shutil

    from livefeed.settings import Settings
    from tests.factories import CHEAP_PASSWORDS

    folder = tmp_path_factory.mktemp("rich")
    shutil.copy(sqlite_template, folder / "site.db")
    settings = Settings.from_env(
        {
            "LIVEFEED_DATABASE_URL": f"sqlite:///{folder / 'site.db'}",
            "LIVEFEED_PUBLIC_URL": "http://livefeed.test",
            "LIVEFEED_MEDIA_DIR": str(folder / "media"),
        },
        env_file=None,
    )
    clock = Clock()
    svc = Services.build(settings, clock=clock, passwords=CHEAP_PASSWORDS)
    try:
        make_rich_feed(svc, clock, make_editor(svc))
        return document(exported(svc))
    finally:
        svc.close()


def test_an_export_obeys_the_shipped_schema(rich: dict[str, Any]) -> None:
    assert problems(rich, SCHEMA) == []
    assert portable.check_document(rich).found == {}


def test_the_schema_flags_what_breaks_it(rich: dict[str, Any]) -> None:
    broken = copy.deepcopy(rich)
    broken["posts"][3]["state"] = "lost"
    broken["comments"][0].pop("body")
    broken["version"] = "1"
    found = problems(broken, SCHEMA)
    assert (
        "posts[3].state: must be one of ['draft', 'submitted', 'scheduled', 'published', 'deleted']"
        in found
    )
    assert "comments[0].body: is missing" in found
    assert "version: is not integer" in found


def _schema_of(schema: dict[str, Any], *path: str) -> dict[str, Any]:
    for step in path:
        schema = schema["properties"][step]
        if schema.get("type") == "array":
            schema = schema["items"]
    return schema


@pytest.mark.parametrize(
    ("shape", "path"),
    [
        (portable.DOCUMENT, ()),
        (portable.POST, ("posts",)),
        (portable.COMMENT, ("comments",)),
        (portable.MEDIA, ("media",)),
        (portable.REVISION, ("posts", "revisions")),
        (portable.IMAGE, ("posts", "image")),
        (portable.MEMBER, ("team",)),
    ],
)
def test_the_schema_and_the_import_agree_on_every_key(
    shape: portable.Shape, path: tuple[str, ...]
) -> None:
    schema = _schema_of(SCHEMA, *path)
    assert set(schema["properties"]) == set(shape)
    assert set(schema["required"]) == {key for key, (_, required) in shape.items() if required}


def test_a_broken_document_is_named_at_each_place(rich: dict[str, Any]) -> None:
    broken = copy.deepcopy(rich)
    broken["posts"][4]["published_at"] = "2026-11-25 18:00"
    broken["posts"][2]["author"] = "nobody@elsewhere.test"
    broken["comments"][1]["parent"] = 99
    broken["posts"][5]["short_code"] = broken["posts"][6]["short_code"]
    found = portable.check_document(broken).found
    assert found["posts[4].published_at"] == "must include a time zone offset, like Z or +01:00"
    assert len(found) == 1  # the shape first: references are checked in a sound document
    del broken["posts"][4]
    found = portable.check_document(broken).found
    assert found["posts[2].author"] == "names nobody@elsewhere.test, who is not among people"
    assert found["comments[1].parent"] == "must name an earlier comment of this document"
    assert "is used by posts[" in found["posts[5].short_code"]


def test_a_newer_version_is_refused_by_name(rich: dict[str, Any]) -> None:
    newer = dict(rich, version=portable.VERSION + 1)
    assert portable.check_document(newer).found == {
        "version": f"is {portable.VERSION + 1}; this site reads up to version {portable.VERSION}"
    }


def test_an_address_that_is_no_email_is_named(
    svc: Services, clock: Clock, rich: dict[str, Any]
) -> None:
    from livefeed.domain.errors import Invalid
    from livefeed.portability import contents

    broken = copy.deepcopy(rich)
    broken["people"][1]["email"] = "carl at newsroom"
    with pytest.raises(Invalid) as refused:
        contents.prepare(svc, broken, {}, slug=None)
    assert refused.value.errors["people[1].email"].startswith("must be an email address")
