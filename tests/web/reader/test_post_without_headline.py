"""A one-line update without a headline: no empty heading, and its first sentence names it."""

from __future__ import annotations

import json
from html import unescape

import feedparser
from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.services import Services
from tests.factories import make_feed, make_post
from tests.web.reader.test_seo import NEWS, SM, json_ld, meta, xml_of

BODY = "The **bridge** is open again. Traffic is light.\n\nMore soon."
TITLE = "The bridge is open again."


def test_the_feed_page_shows_the_body_without_an_empty_heading(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="", body=BODY)

    html = client.get("/feeds/summit").text

    assert f'id="post-{post.id}-headline"' not in html
    assert f'aria-label="{TITLE}"' in html
    assert "<strong>bridge</strong> is open again" in html
    entry = json_ld(html)["liveBlogUpdate"][0]
    assert entry["headline"] == TITLE


def test_the_post_page_is_titled_by_its_first_sentence(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="", body=BODY)

    html = client.get(f"/feeds/summit/posts/{post.id}").text

    assert '<h1 class="post-headline"' not in html
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert unescape(title).startswith(TITLE + " – ")
    assert meta(html)["og:title"] == TITLE


def test_feed_documents_and_the_news_sitemap_title_it_by_its_first_sentence(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor, headline="", body=BODY)

    atom = feedparser.parse(client.get("/feeds/summit/feed.atom").content)
    assert atom.entries[0].title == TITLE
    rss = feedparser.parse(client.get("/feeds/summit/feed.rss").content)
    assert rss.entries[0].title == TITLE
    items = json.loads(client.get("/feeds/summit/feed.json").content)["items"]
    assert items[0]["title"] == TITLE
    root = xml_of(client.get("/sitemap-news.xml").content)
    assert root.findtext(f"{SM}url/{NEWS}news/{NEWS}title") == TITLE


def test_the_api_keeps_the_empty_headline_and_gives_the_title(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor, headline="", body=BODY)

    data = client.get(f"/api/v1/feeds/summit/posts/{post.id}").json()

    assert (data["headline"], data["title"]) == ("", TITLE)
