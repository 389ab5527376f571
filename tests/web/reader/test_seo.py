"""What crawlers and link previews read: JSON-LD, Open Graph, sitemaps and robots.txt."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

import pytest
from sqlalchemy import update
from starlette.testclient import TestClient

from livefeed.distribution import reading, sitemaps
from livefeed.domain.feeds import Feed, FeedStatus
from livefeed.domain.posts import Post
from livefeed.domain.times import iso_utc
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store.schema import posts as posts_table
from tests.conftest import Clock
from tests.factories import make_feed, make_post
from tests.web.conftest import Page, static_url

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
ORIGIN = "http://livefeed.test"
IMAGE = {"image.url": "https://images.example.org/hall.jpg", "image.alt": "The hall"}


class Scripts(HTMLParser):
    """Every <script> of a page with what is inside it, read the way a browser reads it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[dict[str, str], str]] = []
        self._open = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.found.append(({k: v or "" for k, v in attrs}, ""))
            self._open = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._open = False

    def handle_data(self, data: str) -> None:
        if self._open:
            attrs, text = self.found[-1]
            self.found[-1] = (attrs, text + data)


def json_ld(html: str) -> dict[str, Any]:
    blocks = [
        text for attrs, text in Scripts(html).found if attrs.get("type") == "application/ld+json"
    ]
    assert len(blocks) == 1, f"expected one JSON-LD block, found {len(blocks)}"
    data: dict[str, Any] = json.loads(blocks[0])
    return data


def meta(html: str) -> dict[str, str]:
    """The page's <meta property|name=… content=…> tags, by property or name."""
    found: dict[str, str] = {}
    for attrs in Page(html).tags("meta"):
        key = attrs.get("property") or attrs.get("name")
        if key:
            assert key not in found, f"<meta {key}> twice"
            found[key] = attrs.get("content", "")
    return found


def xml_of(body: bytes) -> ET.Element:
    # Our own response, parsed to check it is well-formed; nothing untrusted is read here.
    return ET.fromstring(body)  # noqa: S314


def locs(root: ET.Element) -> list[str]:
    return [loc.text or "" for loc in root.iter(f"{SM}loc")]


def expected_update(feed: Feed, post: Post, body: str | None) -> dict[str, Any]:
    update_: dict[str, Any] = {
        "@type": "BlogPosting",
        "headline": post.headline,
        "url": f"{ORIGIN}/feeds/{feed.slug}#post-{post.id}",
        "datePublished": iso_utc(post.published_at),
        "dateModified": iso_utc(post.updated_at),
    }
    if body:
        update_["articleBody"] = body
    update_["author"] = {"@type": "Person", "name": post.author_name}
    if post.image:
        update_["image"] = post.image.url
    return update_


# The feed page's JSON-LD


def test_the_feed_page_describes_itself_as_a_live_blog_posting(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor, coverage_start="2026-11-25T17:30:00+00:00", lead="The *second* day.")
    clock.advance(60)
    first = make_post(svc, editor, headline="Talks resume", body="Delegates are **back**.")
    clock.advance(60)
    second = make_post(svc, editor, headline="Photo from the hall", body="", **IMAGE)
    feed = reading.get_feed(svc, "summit")

    data = json_ld(client.get("/feeds/summit").text)

    assert data == {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "@id": f"{ORIGIN}/feeds/summit",
        "url": f"{ORIGIN}/feeds/summit",
        "mainEntityOfPage": f"{ORIGIN}/feeds/summit",
        "headline": feed.title,
        "inLanguage": "en",
        "description": "The second day.",
        "coverageStartTime": "2026-11-25T17:30:00Z",
        "datePublished": iso_utc(feed.created_at),
        "dateModified": iso_utc(feed.updated_at),
        "publisher": {"@type": "Organization", "name": "Livefeed", "url": f"{ORIGIN}/"},
        "image": IMAGE["image.url"],
        "liveBlogUpdate": [
            expected_update(feed, second, None),
            expected_update(feed, first, "Delegates are back."),
        ],
    }
    assert data["dateModified"] == "2026-11-25T18:02:00Z"


def test_coverage_ends_in_the_data_only_once_the_feed_has_ended(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    assert "coverageEndTime" not in json_ld(client.get("/feeds/summit").text)

    clock.advance(2 * 3600)
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.ENDED)
    ended = json_ld(client.get("/feeds/summit").text)
    assert ended["coverageEndTime"] == "2026-11-25T20:00:00Z"
    assert ended["coverageStartTime"] == "2026-11-25T18:00:00Z"

    clock.advance(60)
    publishing.set_feed_status(svc, editor, "summit", FeedStatus.LIVE)
    assert "coverageEndTime" not in json_ld(client.get("/feeds/summit").text)


def test_an_edit_moves_the_dates_modified_and_changes_the_update(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="Talks resume")
    before = json_ld(client.get("/feeds/summit").text)
    assert before["dateModified"] == before["liveBlogUpdate"][0]["dateModified"]

    clock.advance(600)
    publishing.edit_post(
        svc,
        editor,
        "summit",
        post.id,
        post.as_fields() | {"headline": "Talks resume at last", "body": "Now *really*."},
        seen_version=post.version,
    )
    after = json_ld(client.get("/feeds/summit").text)

    assert after["dateModified"] == "2026-11-25T18:10:00Z"
    (update_,) = after["liveBlogUpdate"]
    assert update_["headline"] == "Talks resume at last"
    assert update_["articleBody"] == "Now really."
    assert update_["datePublished"] == "2026-11-25T18:00:00Z"
    assert update_["dateModified"] == "2026-11-25T18:10:00Z"


def test_a_deleted_post_leaves_the_data(client: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    kept = make_post(svc, editor, headline="Kept")
    gone = make_post(svc, editor, headline="Gone")
    publishing.delete_post(svc, editor, "summit", gone.id)

    updates = json_ld(client.get("/feeds/summit").text)["liveBlogUpdate"]

    assert [u["url"] for u in updates] == [f"{ORIGIN}/feeds/summit#post-{kept.id}"]


@pytest.mark.parametrize(
    "headline",
    [
        "</script><script>alert(1)</script>",
        "</SCRIPT ><img src=x onerror=alert(1)>",
        "<!--<script>",
        "Tom & Jerry > Spike",
    ],
)
def test_a_headline_cannot_break_out_of_the_data_block(
    client: TestClient, svc: Services, editor: User, headline: str
) -> None:
    make_feed(svc, editor, title=headline)
    make_post(svc, editor, headline=headline, body=headline)

    html = client.get("/feeds/summit").text
    scripts = Scripts(html).found

    assert [attrs for attrs, _ in scripts] == [
        {"src": static_url("theme.js")},
        {"src": static_url("words.js"), "defer": ""},
        {"type": "application/ld+json"},
        {"src": static_url("share.js"), "defer": ""},
        *(
            {"src": static_url(f"{name}.js"), "defer": ""}
            for name in (
                "days",
                "older",
                "key-events",
                "follow",
                "clips",
                "live",
                "verification",
                "pause",
            )
        ),
        {"src": static_url("last-updated.js"), "defer": ""},
        {"src": static_url("catch-up.js"), "defer": ""},
        {"src": static_url("alerts.js"), "defer": ""},
        {"src": static_url("discussion.js"), "defer": ""},
    ]
    data = json_ld(html)
    assert data["headline"] == headline
    assert data["liveBlogUpdate"][0]["headline"] == headline
    assert data["liveBlogUpdate"][0]["articleBody"] == headline


def test_older_pages_carry_no_data_block(client: TestClient, svc: Services, editor: User) -> None:
    make_feed(svc, editor)
    for number in range(reading.PAGE_SIZE + 1):
        make_post(svc, editor, headline=f"Update {number}")
    first = reading.feed_page(svc, "summit")
    assert first.next_cursor is not None

    older = client.get("/feeds/summit", params={"cursor": first.next_cursor}).text

    assert not [a for a, _ in Scripts(older).found if a.get("type") == "application/ld+json"]
    assert meta(older)["og:url"] == f"{ORIGIN}/feeds/summit"


# Link previews


def test_the_feed_page_has_open_graph_and_twitter_tags(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor, lead="Leaders meet for a **second** day.\n\nMore " + "words " * 60)
    make_post(svc, editor, headline="No photo")
    assert meta(client.get("/feeds/summit").text)["twitter:card"] == "summary"

    make_post(svc, editor, headline="Photo", **IMAGE)
    tags = meta(client.get("/feeds/summit").text)

    assert tags["og:site_name"] == "Livefeed"
    assert tags["og:type"] == "article"
    assert tags["og:title"] == "Summit in Geneva: live"
    assert tags["og:description"].startswith("Leaders meet for a second day. More words")
    assert tags["og:description"].endswith("…")
    assert len(tags["og:description"]) <= 200
    assert tags["og:url"] == f"{ORIGIN}/feeds/summit"
    assert tags["og:image"] == IMAGE["image.url"]
    assert tags["og:image:alt"] == IMAGE["image.alt"]
    assert tags["twitter:card"] == "summary_large_image"


def test_the_post_page_has_open_graph_and_twitter_tags(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    clock.advance(60)
    post = make_post(svc, editor, headline="A & B <agree>", body="They *agree*.", **IMAGE)

    tags = meta(client.get(f"/feeds/summit/posts/{post.id}").text)

    assert tags["og:type"] == "article"
    assert tags["og:site_name"] == "Livefeed"
    assert tags["og:title"] == "A & B <agree>"
    assert tags["og:description"] == "They agree."
    assert tags["og:url"] == f"{ORIGIN}/feeds/summit/posts/{post.id}"
    assert tags["og:image"] == IMAGE["image.url"]
    assert tags["og:image:alt"] == IMAGE["image.alt"]
    assert tags["article:published_time"] == "2026-11-25T18:01:00Z"
    assert tags["twitter:card"] == "summary_large_image"


def test_a_post_without_an_image_is_a_summary_card(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, body="")

    tags = meta(client.get(f"/feeds/summit/posts/{post.id}").text)

    assert tags["twitter:card"] == "summary"
    assert "og:image" not in tags
    assert "og:description" not in tags


# Sitemaps


def test_the_sitemap_lists_every_feed_and_exactly_the_published_posts(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    make_feed(svc, editor, slug="election", title="Election night")
    kept = make_post(svc, editor, headline="Kept")
    clock.advance(300)
    other = make_post(svc, editor, slug="election", headline="Polls close")
    gone = make_post(svc, editor, headline="Gone")
    publishing.delete_post(svc, editor, "summit", gone.id)
    feeds = {slug: reading.get_feed(svc, slug) for slug in ("summit", "election")}

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    root = xml_of(response.content)
    assert root.tag == f"{SM}urlset"
    entries = {
        url.findtext(f"{SM}loc"): url.findtext(f"{SM}lastmod") for url in root.iter(f"{SM}url")
    }
    assert entries == {
        f"{ORIGIN}/feeds/summit": iso_utc(feeds["summit"].updated_at),
        f"{ORIGIN}/feeds/election": iso_utc(feeds["election"].updated_at),
        f"{ORIGIN}/feeds/summit/posts/{kept.id}": iso_utc(kept.updated_at),
        f"{ORIGIN}/feeds/election/posts/{other.id}": "2026-11-25T18:05:00Z",
    }
    assert len(locs(root)) == 4


def test_a_long_sitemap_is_read_in_batches(
    client: TestClient, svc: Services, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitemaps, "SITEMAP_BATCH", 2)
    make_feed(svc, editor)
    published = [make_post(svc, editor, headline=f"Update {n}").id for n in range(5)]

    root = xml_of(client.get("/sitemap.xml").content)

    assert locs(root) == [f"{ORIGIN}/feeds/summit"] + [
        f"{ORIGIN}/feeds/summit/posts/{post_id}" for post_id in published
    ]


def test_past_the_limit_the_sitemap_is_an_index_of_bounded_files(
    client: TestClient, svc: Services, editor: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitemaps, "SITEMAP_LIMIT", 3)
    make_feed(svc, editor)
    published = [make_post(svc, editor, headline=f"Update {n}").id for n in range(7)]
    publishing.delete_post(svc, editor, "summit", published[3])
    assert published == list(range(1, 8))

    index = xml_of(client.get("/sitemap.xml").content)

    assert index.tag == f"{SM}sitemapindex"
    parts = [s.findtext(f"{SM}loc") or "" for s in index.iter(f"{SM}sitemap")]
    assert parts == [
        f"{ORIGIN}/sitemaps/feeds-0.xml",
        f"{ORIGIN}/sitemaps/posts-0.xml",
        f"{ORIGIN}/sitemaps/posts-1.xml",
        f"{ORIGIN}/sitemaps/posts-2.xml",
    ]
    assert all(s.findtext(f"{SM}lastmod") for s in index.iter(f"{SM}sitemap"))
    listed: list[str] = []
    for part in parts:
        root = xml_of(client.get(part.removeprefix(ORIGIN)).content)
        assert root.tag == f"{SM}urlset"
        assert len(locs(root)) <= 3
        listed += locs(root)
    assert listed == [f"{ORIGIN}/feeds/summit"] + [
        f"{ORIGIN}/feeds/summit/posts/{n}" for n in (1, 2, 3, 5, 6, 7)
    ]


def test_the_news_sitemap_lists_only_the_last_two_days(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    old = make_post(svc, editor, headline="Day one")
    clock.advance(24 * 3600)
    recent = make_post(svc, editor, headline="Day two & more")
    clock.advance(24 * 3600 + 1)  # "Day one" is now just over 48 hours old
    newest = make_post(svc, editor, headline="Day three")

    response = client.get("/sitemap-news.xml")

    assert response.status_code == 200
    root = xml_of(response.content)
    assert root.tag == f"{SM}urlset"
    urls = list(root.iter(f"{SM}url"))
    assert [u.findtext(f"{SM}loc") for u in urls] == [
        f"{ORIGIN}/feeds/summit/posts/{newest.id}",
        f"{ORIGIN}/feeds/summit/posts/{recent.id}",
    ]
    assert old.id not in {int((u.findtext(f"{SM}loc") or "").rsplit("/", 1)[1]) for u in urls}
    news = urls[1].find(f"{NEWS}news")
    assert news is not None
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Livefeed"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}publication_date") == "2026-11-26T18:00:00Z"
    assert news.findtext(f"{NEWS}title") == "Day two & more"


def test_sitemaps_stay_valid_xml_whatever_a_headline_holds(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="placeholder")
    # A row from before the checks on input, or from an import: control characters and all.
    with svc.db.write() as conn:
        conn.execute(
            update(posts_table)
            .where(posts_table.c.id == post.id)
            .values(headline="Bell\x07 & <b>\x1f ]]> \ufffe end")
        )

    root = xml_of(client.get("/sitemap-news.xml").content)

    assert root.findtext(f"{SM}url/{NEWS}news/{NEWS}title") == "Bell & <b> ]]>  end"
    assert xml_of(client.get("/sitemap.xml").content).tag == f"{SM}urlset"


def test_a_sitemap_part_the_index_does_not_list_is_not_found(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor)

    assert locs(xml_of(client.get("/sitemaps/posts-0.xml").content)) != []
    for path in (
        "/sitemaps/posts-9.xml",
        "/sitemaps/feeds-1.xml",
        "/sitemaps/posts-99999999999999999999.xml",
        "/sitemaps/comments-0.xml",
        "/sitemaps/posts-x.xml",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "public" not in response.headers.get("cache-control", ""), path


# robots.txt


def test_robots_txt_keeps_crawlers_out_of_the_desk_and_the_streams(client: TestClient) -> None:
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == (
        "User-agent: *\n"
        "Allow: /\n"
        "Disallow: /desk\n"
        "Disallow: /login\n"
        "Disallow: /api/\n"
        "Disallow: /feeds/*/events\n"
        "Disallow: /feeds/*/updates\n"
        "Disallow: /feeds/*/posts/*/edit\n"
        "Disallow: /feeds/*/posts/*/delete\n"
        "\n"
        f"Sitemap: {ORIGIN}/sitemap.xml\n"
        f"Sitemap: {ORIGIN}/sitemap-news.xml\n"
    )


def test_the_page_description_is_plain_text_not_markdown(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(
        svc, editor, lead="Leaders meet for a **second** day in [Geneva](https://example.org)."
    )
    html = client.get("/feeds/summit").text
    found = re.search(r'<meta name="description" content="([^"]*)">', html)
    assert found
    assert found.group(1) == "Leaders meet for a second day in Geneva."
