"""Other systems' feeds imported through the one import, on SQLite and PostgreSQL: each reads
as its source did, a second import writes nothing, and only an admin may import."""

from __future__ import annotations

from pathlib import Path

import pytest

from livefeed.distribution import reading
from livefeed.domain.errors import Conflict, Forbidden, NotFound
from livefeed.domain.users import Role
from livefeed.portability import exporting
from livefeed.portability.foreign import Options, import_foreign
from livefeed.services import Services
from tests.factories import make_editor, make_user

FIXTURES = Path(__file__).parent.parent / "domain" / "formats" / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_a_wordpress_liveblog_reads_as_it_did(svc: Services) -> None:
    admin = make_user(svc, "ada@newsroom.test", Role.ADMIN, "Ada")
    made = import_foreign(svc, admin, "wordpress", fixture("liveblog.wxr"), Options())
    assert (made.slug, made.created, made.posts) == ("storm-elin-live", True, 3)
    page = reading.feed_page(svc, "storm-elin-live")
    assert page.feed.title == "Storm Elin: live"
    # The deleted entry is gone from the page, as it was from the liveblog.
    warning, ferry = page.posts
    assert warning.key_event
    assert warning.author_name == "Jonas Berg"
    assert '<a href="https://met.example/warnings"' in warning.body_html
    assert ferry.body == "The ferry to Norholm is cancelled until tomorrow morning."
    assert ferry.author_name == "Mira Holt"
    assert ferry.version == 2
    again = import_foreign(svc, admin, "wordpress", fixture("liveblog.wxr"), Options())
    assert (again.slug, again.created) == ("storm-elin-live", False)
    exported = exporting.document(svc, admin, "storm-elin-live")
    states = [post["state"] for post in exported["posts"]]
    assert states == ["published", "published", "deleted"]
    assert exported["posts"][0]["revisions"][0]["fields"]["body"].startswith("The ferry")


def test_a_reddit_live_thread_reads_as_it_did(svc: Services) -> None:
    admin = make_user(svc, "ada@newsroom.test", Role.ADMIN, "Ada")
    made = import_foreign(svc, admin, "reddit-live", fixture("reddit-live.json"), Options())
    page = reading.feed_page(svc, made.slug)
    assert page.feed.title == "Marathon day in Harbour City"
    winner, struck, start = page.posts
    assert "<strong>Winner!</strong>" in winner.body_html
    assert winner.author_name == "u/harbour_desk"
    assert struck.retraction is not None
    assert struck.retraction.reason == "Struck out in the Reddit Live thread"
    assert "<blockquote>" in start.body_html


def test_ninjs_items_read_with_their_corrections_and_withdrawals(svc: Services) -> None:
    admin = make_user(svc, "ada@newsroom.test", Role.ADMIN, "Ada")
    options = Options(slug="quake")
    made = import_foreign(svc, admin, "ninjs", fixture("ninjs.json"), options)
    assert made.slug == "quake"
    page = reading.feed_page(svc, "quake")
    bridge, tsunami, quake = page.posts
    assert quake.headline == "Earthquake of magnitude 5.8 strikes off the coast"
    assert [c.note for c in quake.corrections] == ["Corrects magnitude to 5.8, from 6.1"]
    assert bridge.retraction is not None
    assert bridge.retraction.reason == "Withdrawn: the bridge was never closed"
    assert tsunami.version == 1


def test_only_an_admin_imports_and_a_taken_slug_is_refused(svc: Services) -> None:
    editor = make_editor(svc)
    with pytest.raises(Forbidden):
        import_foreign(svc, editor, "ninjs", fixture("ninjs.json"), Options(slug="quake"))
    admin = make_user(svc, "ada@newsroom.test", Role.ADMIN, "Ada")
    import_foreign(svc, admin, "ninjs", fixture("ninjs.json"), Options(slug="quake"))
    with pytest.raises(Conflict):
        import_foreign(svc, admin, "wordpress", fixture("liveblog.wxr"), Options(slug="quake"))
    with pytest.raises(NotFound):
        reading.feed_page(svc, "storm-elin-live")
