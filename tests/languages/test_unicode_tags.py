"""Tags in any script stored, counted and found by both databases exactly as written: no
database folds case or collation into a comparison of its own."""

from __future__ import annotations

from livefeed.distribution import reading
from livefeed.domain.feeds import Feed
from livefeed.domain.posts import Post
from livefeed.services import Services
from tests.factories import make_editor, make_feed, make_post


def headlines(posts: list[tuple[Post, Feed]]) -> list[str]:
    return [post.headline for post, _ in posts]


def test_tags_in_every_script_are_found_and_counted(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor, slug="vybory", title="Выборы", language="ru", tags="Выборы")
    make_post(svc, editor, "vybory", headline="Явка", tags="Выборы, Явка")
    make_feed(svc, editor, slug="qimma", title="القمة", language="ar")
    make_post(svc, editor, "qimma", headline="افتتاح", tags="قمة")
    make_feed(svc, editor, slug="greece", title="Ελλάδα", language="el")
    make_post(svc, editor, "greece", headline="Εκλογές", tags="ΕΚΛΟΓΕΣ")

    assert headlines(reading.tag_page(svc, "выборы").posts) == ["Явка"]
    assert [feed.slug for feed in reading.tag_page(svc, "выборы").feeds] == ["vybory"]
    assert headlines(reading.tag_page(svc, "قمة").posts) == ["افتتاح"]
    assert headlines(reading.tag_page(svc, "εκλογες").posts) == ["Εκλογές"]
    assert dict(reading.tag_counts(svc)) == {"выборы": 1, "явка": 1, "قمة": 1, "εκλογες": 1}
    page = reading.feed_page(svc, "vybory", params={"tag": "Явка"})
    assert [post.headline for post in page.posts] == ["Явка"]


def test_turkish_dotless_and_dotted_is_stay_apart_from_englishs(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor, slug="secim", title="Seçim", language="tr")
    make_post(svc, editor, "secim", headline="Türkçe", tags="İstanbul, ISPARTA")
    make_feed(svc, editor, slug="election", title="Election", language="en")
    make_post(svc, editor, "election", headline="English", tags="ISPARTA, istanbul")

    assert headlines(reading.tag_page(svc, "ısparta").posts) == ["Türkçe"]
    assert headlines(reading.tag_page(svc, "isparta").posts) == ["English"]
    assert sorted(headlines(reading.tag_page(svc, "istanbul").posts)) == ["English", "Türkçe"]
    turkish = reading.feed_page(svc, "secim", params={"tag": "Isparta"})
    english = reading.feed_page(svc, "election", params={"tag": "Isparta"})
    assert [post.headline for post in turkish.posts] == ["Türkçe"]
    assert [post.headline for post in english.posts] == ["English"]
