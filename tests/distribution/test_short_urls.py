"""Short codes: random, unique across feeds and posts, never given twice; clicks by day."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import delete, event, inspect, select

from livefeed.distribution import reading
from livefeed.distribution import short_urls as shorturls
from livefeed.domain.errors import Forbidden, NotFound
from livefeed.domain.posts import parse_post_input
from livefeed.domain.shortcodes import ALPHABET, CODE_LENGTH, Gone, is_code, new_code
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store import posts as post_store
from livefeed.store import short_urls as short_store
from livefeed.store.migrate import downgrade, upgrade
from livefeed.store.schema import short_codes
from tests.conftest import Clock
from tests.factories import make_contributor, make_editor, make_feed, make_post

CODE = re.compile(rf"[0-9A-Za-z]{{{CODE_LENGTH}}}")


def all_codes(svc: Services) -> list[str]:
    with svc.db.read() as conn:
        return list(conn.execute(select(short_codes.c.code)).scalars())


# The codes themselves -----------------------------------------------------------------------


def test_a_code_is_seven_letters_and_digits() -> None:
    codes = [new_code() for _ in range(200)]
    assert all(CODE.fullmatch(code) for code in codes)
    assert all(is_code(code) for code in codes)
    assert len(ALPHABET) == len(set(ALPHABET)) == 62


@pytest.mark.parametrize(
    "text", ["", "abc123", "abc12345", "abc-123", "abc_123", "abc 123", "abc/123", "abcdéf1"]
)
def test_anything_else_is_not_a_code(text: str) -> None:
    assert not is_code(text)


def test_feeds_and_posts_get_their_code_when_they_are_made(svc: Services) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor)
    post = make_post(svc, editor)

    assert CODE.fullmatch(feed.short_code)
    assert CODE.fullmatch(post.short_code)
    assert feed.short_code != post.short_code
    # Read back the same way everywhere a feed or post is read.
    assert reading.get_feed(svc, "summit").short_code == feed.short_code
    assert reading.feed_page(svc, "summit").posts[0].short_code == post.short_code
    assert reading.get_post(svc, "summit", post.id)[1].short_code == post.short_code
    assert sorted(all_codes(svc)) == sorted([feed.short_code, post.short_code])


def test_two_thousand_codes_are_all_different_and_follow_no_order(svc: Services) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor)
    data = parse_post_input({"headline": "Update"})
    with svc.db.write() as conn:
        for seq in range(1, 2_000):
            post_store.insert_post(
                conn, feed_id=feed.id, data=data, body_html="", author_id=editor.id,
                now=svc.clock(), seq=seq,
            )  # fmt: skip
    with svc.db.read() as conn:
        in_order = list(
            conn.execute(
                select(short_codes.c.code).order_by(
                    short_codes.c.feed_id.is_(None), short_codes.c.feed_id, short_codes.c.post_id
                )
            ).scalars()
        )

    assert len(in_order) == 2_000
    assert len(set(in_order)) == 2_000, "a code was given twice"
    assert all(CODE.fullmatch(code) for code in in_order)
    # Not counted up from the ids: neither sorted, nor neighbours differing only at the end.
    assert in_order != sorted(in_order)
    assert not any(a[:6] == b[:6] for a, b in itertools.pairwise(in_order))
    # Drawn from the whole alphabet: with 2,000 draws every first letter turns up.
    assert len({code[0] for code in in_order}) >= 55


def test_a_taken_code_is_never_given_again_even_after_its_post_is_deleted(
    svc: Services,
) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor)
    gone = make_post(svc, editor)
    publishing.delete_post(svc, editor, "summit", gone.id)
    post = make_post(svc, editor)
    assert gone.short_code in all_codes(svc)

    with svc.db.write() as conn:
        # The post loses its code here only to be given one again below.
        conn.execute(delete(short_codes).where(short_codes.c.post_id == post.id))
        draws: Iterator[str] = iter([gone.short_code, feed.short_code, "Fresh42"])
        given = short_store.assign(conn, post_id=post.id, now=svc.clock(), draw=lambda: next(draws))

    assert given == "Fresh42"
    assert reading.get_post(svc, "summit", post.id)[1].short_code == "Fresh42"


def test_a_code_source_that_only_repeats_itself_is_an_error_not_a_loop(svc: Services) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor)
    post = make_post(svc, editor)

    with svc.db.write() as conn:
        conn.execute(delete(short_codes).where(short_codes.c.post_id == post.id))
        with pytest.raises(RuntimeError, match="no free short code"):
            short_store.assign(conn, post_id=post.id, now=svc.clock(), draw=lambda: feed.short_code)


# Where a code leads -------------------------------------------------------------------------


def test_a_code_leads_to_the_canonical_page_of_its_feed_or_post(svc: Services) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor)
    post = make_post(svc, editor)

    assert shorturls.resolve(svc, feed.short_code) == "http://livefeed.test/feeds/summit"
    assert shorturls.resolve(svc, post.short_code) == (
        f"http://livefeed.test/feeds/summit/posts/{post.id}"
    )


def test_a_feed_renamed_is_followed_by_its_code(svc: Services) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor)
    post = make_post(svc, editor)
    publishing.update_feed(svc, editor, "summit", feed.as_input() | {"slug": "summit-day-2"})

    assert shorturls.resolve(svc, feed.short_code) == "http://livefeed.test/feeds/summit-day-2"
    assert shorturls.resolve(svc, post.short_code).endswith(f"/feeds/summit-day-2/posts/{post.id}")


def test_a_deleted_posts_code_is_gone(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    post = make_post(svc, editor)
    publishing.delete_post(svc, editor, "summit", post.id)

    with pytest.raises(Gone):
        shorturls.resolve(svc, post.short_code)


def test_an_unknown_code_is_not_found(svc: Services) -> None:
    make_feed(svc, make_editor(svc))
    with pytest.raises(NotFound):
        shorturls.resolve(svc, "Zz9Zz9Z")


@pytest.mark.parametrize("text", ["abc", "abcdefgh", "abc-def", "../../x", "%2F%2Fevil"])
def test_a_malformed_code_is_not_found_without_asking_the_database(
    svc: Services, text: str
) -> None:
    statements: list[str] = []

    def seen(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(svc.db.engine, "before_cursor_execute", seen)
    try:
        with pytest.raises(NotFound):
            shorturls.resolve(svc, text)
    finally:
        event.remove(svc.db.engine, "before_cursor_execute", seen)
    assert statements == []


def test_the_statement_counter_would_see_a_lookup(svc: Services) -> None:
    """The test above is only worth something if a real lookup shows up."""
    statements: list[str] = []
    event.listen(svc.db.engine, "before_cursor_execute", lambda *a: statements.append(str(a[2])))
    with pytest.raises(NotFound):
        shorturls.resolve(svc, "Zz9Zz9Z")
    assert any("short_codes" in statement for statement in statements)


# Clicks -------------------------------------------------------------------------------------


def test_clicks_are_counted_per_code_and_day(svc: Services, clock: Clock) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor)
    post = make_post(svc, editor)

    shorturls.count_click(svc, feed.short_code)
    shorturls.count_click(svc, feed.short_code)
    shorturls.count_click(svc, post.short_code)
    clock.advance(24 * 3600)
    shorturls.count_click(svc, feed.short_code)

    feed_stats = shorturls.feed_clicks(svc, editor, "summit")
    post_stats = shorturls.post_clicks(svc, editor, "summit", post.id)
    assert feed_stats.short_url == f"http://livefeed.test/s/{feed.short_code}"
    assert feed_stats.clicks == [(date(2026, 11, 25), 2), (date(2026, 11, 26), 1)]
    assert post_stats.clicks == [(date(2026, 11, 25), 1)]


def test_the_day_is_the_utc_day(svc: Services, clock: Clock) -> None:
    editor = make_editor(svc)
    feed = make_feed(svc, editor, timezone="Pacific/Auckland")
    clock.advance(5 * 3600 + 59 * 60)  # 23:59 UTC on the 25th, already the 26th in Auckland

    shorturls.count_click(svc, feed.short_code)

    assert shorturls.feed_clicks(svc, editor, "summit").clicks == [(date(2026, 11, 25), 1)]


def test_a_click_keeps_nothing_about_who_clicked(svc: Services) -> None:
    columns = {column["name"] for column in inspect(svc.db.engine).get_columns("short_clicks")}
    assert columns == {"code", "day", "count"}


def test_only_editors_see_clicks(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    post = make_post(svc, editor)
    contributor = make_contributor(svc)

    with pytest.raises(Forbidden):
        shorturls.feed_clicks(svc, contributor, "summit")
    with pytest.raises(Forbidden):
        shorturls.post_clicks(svc, None, "summit", post.id)
    with pytest.raises(NotFound):
        shorturls.feed_clicks(svc, editor, "nowhere")
    with pytest.raises(NotFound):
        shorturls.post_clicks(svc, editor, "summit", post.id + 1)


# Feeds and posts made before short URLs -----------------------------------------------------


def test_the_migration_gives_existing_feeds_and_posts_codes(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    make_feed(svc, editor, slug="storm", title="Storm")
    posts = [make_post(svc, editor, headline=f"Update {n}") for n in range(3)]
    publishing.delete_post(svc, editor, "summit", posts[0].id)

    downgrade(svc.db, "0002")
    try:
        assert "short_codes" not in inspect(svc.db.engine).get_table_names()
    finally:
        upgrade(svc.db)

    feeds = [reading.get_feed(svc, slug) for slug in ("summit", "storm")]
    kept = [reading.get_post(svc, "summit", post.id)[1] for post in posts]
    codes = [item.short_code for item in [*feeds, *kept]]
    assert all(CODE.fullmatch(code) for code in codes), codes
    assert len(set(codes)) == len(codes) == len(all_codes(svc))
    assert shorturls.resolve(svc, feeds[1].short_code) == "http://livefeed.test/feeds/storm"
    assert shorturls.resolve(svc, kept[1].short_code).endswith(f"/posts/{posts[1].id}")
    with pytest.raises(Gone):
        shorturls.resolve(svc, kept[0].short_code)
    # And new ones go on being given codes as before.
    assert CODE.fullmatch(make_post(svc, editor, headline="After").short_code)
