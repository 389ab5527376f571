"""Search within a feed, in each database's own full-text index (FTS5, tsvector)."""

from __future__ import annotations

import pytest

from livefeed.domain.feed_views import search_words
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store import feeds, search
from tests.factories import make_editor, make_feed, make_post


@pytest.fixture
def editor(svc: Services) -> User:
    anna = make_editor(svc)
    make_feed(svc, anna)
    make_feed(svc, anna, slug="other", title="Another story")
    return anna


def found(svc: Services, query: str, slug: str = "summit") -> list[str]:
    with svc.db.read() as conn:
        feed = feeds.require_feed(conn, slug)
        return [post.headline for post in search.find(conn, feed.id, search_words(query), limit=50)]


def test_a_post_is_found_by_a_word_of_its_body_the_moment_it_is_published(
    svc: Services, editor: User
) -> None:
    make_post(svc, editor, headline="Opening", body="Delegates arrive.")
    make_post(svc, editor, headline="Later", body="The **ceasefire** is signed.")
    make_post(svc, editor, "other", headline="Elsewhere", body="A ceasefire elsewhere.")

    assert found(svc, "ceasefire") == ["Later"]
    assert found(svc, "CEASE") == ["Later"]  # the last word is a prefix too
    assert found(svc, "ceasefire delegates") == []  # every word must be there
    assert found(svc, "delegates") == ["Opening"]


def test_an_edit_and_a_deletion_keep_the_index_in_step(svc: Services, editor: User) -> None:
    post = make_post(svc, editor, headline="Vote", body="The count begins.")
    publishing.edit_post(
        svc, editor, "summit", post.id, post.as_fields() | {"body": "The recount begins."},
        seen_version=post.version,
    )  # fmt: skip
    assert found(svc, "count") == []
    assert found(svc, "recount") == ["Vote"]
    publishing.delete_post(svc, editor, "summit", post.id)
    assert found(svc, "recount") == []
    assert found(svc, "vote") == []


@pytest.mark.parametrize(
    "query",
    [
        '" OR 1=1 --',
        "NEAR(a b)",
        "headline:x",
        "*",
        "'); DROP TABLE posts; --",
        "a & b | !c",
        "x:* <-> y",
        "\x00\\",
        "",
    ],
)
def test_hostile_text_is_harmless(svc: Services, editor: User, query: str) -> None:
    make_post(svc, editor, headline="Safe", body="Nothing to see.")
    found(svc, query)
    assert found(svc, "safe") == ["Safe"]


def test_the_baseline_scan_finds_what_the_index_finds(svc: Services, editor: User) -> None:
    for number in range(5):
        make_post(svc, editor, headline=f"Update {number}", body=f"Word{number} and talks.")
    with svc.db.read() as conn:
        feed = feeds.require_feed(conn, "summit")
        words = search_words("talks word3")
        indexed = [p.id for p in search.find(conn, feed.id, words, limit=50)]
        scanned = [p.id for p in search.scan(conn, feed.id, words, limit=50)]
    assert indexed == scanned != []
