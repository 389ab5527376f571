"""The site as the newsroom's own: its name and logo in pages, feeds, structured data and link
previews; a favicon; compressed answers; our files at hashed names, cached for a year."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.web.app import create_app
from tests.conftest import Clock
from tests.factories import CHEAP_PASSWORDS, make_editor, make_feed, make_post
from tests.web.conftest import Page, static_url

NAME = "The Daily Planet"


@pytest.fixture
def planet(settings: Settings, clock: Clock) -> Iterator[tuple[TestClient, Services]]:
    named = settings.replace(site_name=NAME, site_logo="/media/planet.svg")
    svc = Services.build(named, clock=clock, passwords=CHEAP_PASSWORDS)
    with TestClient(create_app(named, svc), follow_redirects=False) as client:
        yield client, svc
    svc.close()


@pytest.fixture
def summit(planet: tuple[TestClient, Services]) -> TestClient:
    client, svc = planet
    anna = make_editor(svc)
    make_feed(svc, anna)
    make_post(svc, anna, headline="Talks resume")
    return client


def test_pages_carry_the_name_and_logo(summit: TestClient) -> None:
    html = summit.get("/feeds/summit").text
    page = Page(html)
    assert f"<title>Summit in Geneva: live – {NAME}</title>" in html
    logo = next(img for img in page.tags("img") if img.get("class") == "site-logo")
    assert logo == {
        "class": "site-logo",
        "src": "http://livefeed.test/media/planet.svg",
        "alt": NAME,
    }
    metas = {m.get("property"): m.get("content") for m in page.tags("meta") if m.get("property")}
    assert metas["og:site_name"] == NAME
    data = json.loads(re.search(r'<script type="application/ld\+json">([^<]*)</script>', html)[1])
    assert data["publisher"] == {
        "@type": "Organization",
        "name": NAME,
        "url": "http://livefeed.test/",
        "logo": {"@type": "ImageObject", "url": "http://livefeed.test/media/planet.svg"},
    }
    assert "Livefeed" not in html


def test_without_a_logo_the_name_is_the_header(client: TestClient) -> None:
    page = Page(client.get("/").text)
    assert not [img for img in page.tags("img") if img.get("class") == "site-logo"]
    assert "Livefeed</a>" in client.get("/").text


def test_feeds_for_apps_are_published_under_the_name(summit: TestClient) -> None:
    atom = summit.get("/feeds/summit/feed.atom").text
    assert f"<author><name>{NAME}</name></author>" in atom
    # The generator is the software that wrote the document, whoever publishes it.
    assert '<generator version="' in atom
    assert f"<title>{NAME}: live feeds</title>" in summit.get("/feeds.atom").text
    feed = summit.get("/feeds/summit/feed.json").json()
    assert feed["authors"] == [{"name": NAME}]
    assert f"<title>{NAME}: live feeds</title>" in summit.get("/feeds.rss").text
    assert f"<news:name>{NAME}</news:name>" in summit.get("/sitemap-news.xml").text


def test_the_favicon_is_ours(client: TestClient) -> None:
    page = Page(client.get("/").text)
    icons = {(link["rel"], link["href"]) for link in page.tags("link") if "icon" in link["rel"]}
    assert icons == {
        ("icon", static_url("favicon.svg")),
        ("icon", static_url("favicon.png")),
        ("apple-touch-icon", static_url("apple-touch-icon.png")),
    }
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200
    assert ico.headers["content-type"] == "image/x-icon"
    assert ico.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's own header
    svg = client.get(static_url("favicon.svg"))
    assert svg.status_code == 200
    assert svg.text.startswith("<svg")


def test_our_files_at_hashed_names_are_kept_for_a_year(client: TestClient) -> None:
    hashed = client.get(static_url("live.js"))
    assert hashed.status_code == 200
    assert hashed.headers["cache-control"] == "public, max-age=31536000, immutable"
    plain = client.get("/static/live.js")
    assert plain.content == hashed.content
    assert plain.headers["cache-control"] == "public, max-age=300"
    # A hash that was never ours (an old version) is not there, rather than served stale.
    assert client.get("/static/live.0000000000.js").status_code == 404
    page = client.get("/").text
    for link in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        assert re.fullmatch(r"/static/[a-z-]+\.[0-9a-f]{10}\.[a-z]+", link), link


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/", "text/html"),
        ("/feeds/summit/updates?since=0", "application/json"),
        ("/api/v1/feeds/summit/posts", "application/json"),
        ("STATIC:livefeed.css", "text/css"),
        ("STATIC:live.js", "text/javascript"),
    ],
)
def test_pages_json_styles_and_scripts_are_compressed(
    summit: TestClient, path: str, kind: str
) -> None:
    if path.startswith("STATIC:"):
        path = static_url(path.removeprefix("STATIC:"))
    plain = summit.get(path, headers={"Accept-Encoding": "identity"})
    packed = summit.get(path, headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert packed.headers["content-type"].startswith(kind)
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    assert "content-encoding" not in plain.headers
    assert int(packed.headers["content-length"]) < len(plain.content)


def test_the_event_stream_is_never_compressed(summit: TestClient) -> None:
    with summit.stream(
        "GET", "/feeds/summit/events?last_event_id=0", headers={"Accept-Encoding": "gzip"}
    ) as stream:
        assert stream.status_code == 200
        assert "content-encoding" not in stream.headers
        first = next(stream.iter_raw())
    assert first.startswith(b"retry:")
