"""What crawlers read: robots.txt, the sitemap of every feed and post, the news sitemap.

Sitemaps are written by an XML writer, never by pasting strings, and stream in batches: a site
with a million posts is sent as a sitemap index of files of at most 50,000 addresses each.
"""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from livefeed.distribution import sitemaps
from livefeed.domain.errors import Message, NotFound
from livefeed.domain.times import iso_utc
from livefeed.services import Services
from livefeed.web.security import services

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
XML_TYPE = "application/xml; charset=utf-8"

# Characters XML 1.0 cannot hold at all, not even escaped: they are dropped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _Writer:
    """An XML document written piece by piece; :meth:`take` hands over what is written so far."""

    def __init__(self) -> None:
        self._out = io.StringIO()
        self._xml = XMLGenerator(self._out, encoding="utf-8", short_empty_elements=True)
        self._xml.startDocument()

    def open(self, name: str, attrs: dict[str, str] | None = None) -> None:
        self._xml.startElement(name, AttributesImpl(attrs or {}))

    def close(self, name: str) -> None:
        self._xml.endElement(name)

    def leaf(self, name: str, text: str) -> None:
        self.open(name)
        self._xml.characters(_NOT_XML.sub("", text))
        self._xml.endElement(name)

    def newline(self) -> None:
        self._xml.ignorableWhitespace("\n")

    def take(self) -> bytes:
        text = self._out.getvalue()
        self._out.seek(0)
        self._out.truncate()
        return text.encode("utf-8")


def _urlset(batches: Iterable[list[sitemaps.Link]], limit: int) -> Iterator[bytes]:
    """A ``<urlset>`` of at most ``limit`` addresses, sent as each batch is read."""
    xml = _Writer()
    xml.open("urlset", {"xmlns": SITEMAP_NS})
    xml.newline()
    room = limit
    for batch in batches:
        # Posts published while the sitemap was counted and sent wait for the next reading.
        for link in batch[:room]:
            xml.open("url")
            xml.leaf("loc", link.url)
            xml.leaf("lastmod", iso_utc(link.lastmod))
            xml.close("url")
            xml.newline()
        room -= min(room, len(batch))
        yield xml.take()
        if not room:
            break
    xml.close("urlset")
    xml.newline()
    yield xml.take()


def _whole_site(svc: Services) -> Iterator[list[sitemaps.Link]]:
    yield from sitemaps.sitemap_links(svc, "feeds")
    yield from sitemaps.sitemap_links(svc, "posts")


def _streamed(chunks: Iterator[bytes], max_age: int) -> Response:
    # A sync iterator: Starlette reads it in a worker thread, where the database may block.
    return StreamingResponse(
        chunks, media_type=XML_TYPE, headers={"Cache-Control": f"public, max-age={max_age}"}
    )


async def sitemap(request: Request) -> Response:
    """Every feed and published post; past the protocol's limit, an index of smaller files."""
    svc = services(request)
    limit = sitemaps.SITEMAP_LIMIT
    if await run_in_threadpool(sitemaps.sitemap_size, svc) <= limit:
        return _streamed(_urlset(_whole_site(svc), limit), 600)
    parts = await run_in_threadpool(sitemaps.sitemap_parts, svc, limit)
    xml = _Writer()
    xml.open("sitemapindex", {"xmlns": SITEMAP_NS})
    xml.newline()
    for part in parts:
        xml.open("sitemap")
        xml.leaf("loc", f"{svc.urls.origin}/sitemaps/{part.kind}-{part.block}.xml")
        xml.leaf("lastmod", iso_utc(part.lastmod))
        xml.close("sitemap")
        xml.newline()
    xml.close("sitemapindex")
    xml.newline()
    return Response(
        xml.take(), media_type=XML_TYPE, headers={"Cache-Control": "public, max-age=600"}
    )


def _part(kind: sitemaps.SitemapKind) -> Callable[[Request], Awaitable[Response]]:
    async def part(request: Request) -> Response:
        """One file of the sitemap index: the feeds or posts of one block of ids.

        Only a block the index lists is a file: any other is a 404 before anything is sent,
        where a failure half-way through a stream could only cut it short under a 200.
        """
        block: int = request.path_params["block"]
        limit = sitemaps.SITEMAP_LIMIT
        svc = services(request)
        parts = await run_in_threadpool(sitemaps.sitemap_parts, svc, limit)
        if not any(part.kind == kind and part.block == block for part in parts):
            raise NotFound(
                Message("the sitemap has no file %(kind)s-%(block)s.xml", kind=kind, block=block)
            )
        links = sitemaps.sitemap_links(svc, kind, block=block, size=limit)
        return _streamed(_urlset(links, limit), 600)

    return part


async def news_sitemap(request: Request) -> Response:
    """Posts of the last two days, in Google's news sitemap form."""
    items = await run_in_threadpool(sitemaps.recent_news, services(request))
    xml = _Writer()
    xml.open("urlset", {"xmlns": SITEMAP_NS, "xmlns:news": NEWS_NS})
    xml.newline()
    for item in items:
        xml.open("url")
        xml.leaf("loc", item.url)
        xml.leaf("lastmod", iso_utc(item.lastmod))
        xml.open("news:news")
        xml.open("news:publication")
        xml.leaf("news:name", services(request).urls.site_name)
        xml.leaf("news:language", item.language)
        xml.close("news:publication")
        xml.leaf("news:publication_date", iso_utc(item.published))
        xml.leaf("news:title", item.title)
        xml.close("news:news")
        xml.close("url")
        xml.newline()
    xml.close("urlset")
    xml.newline()
    return Response(
        xml.take(), media_type=XML_TYPE, headers={"Cache-Control": "public, max-age=60"}
    )


# Pages only editors use, and the endpoints live pages poll or stream from.
_PRIVATE = (
    "/desk",
    "/login",
    "/api/",
    "/feeds/*/events",
    "/feeds/*/updates",
    "/feeds/*/posts/*/edit",
    "/feeds/*/posts/*/delete",
)


async def robots(request: Request) -> Response:
    origin = services(request).urls.origin
    lines = ["User-agent: *", "Allow: /", *(f"Disallow: {path}" for path in _PRIVATE), ""]
    lines += [f"Sitemap: {origin}/sitemap.xml", f"Sitemap: {origin}/sitemap-news.xml"]
    return PlainTextResponse(
        "\n".join(lines) + "\n", headers={"Cache-Control": "public, max-age=3600"}
    )


routes = [
    Route("/robots.txt", robots, methods=["GET"]),
    Route("/sitemap.xml", sitemap, methods=["GET"]),
    Route("/sitemap-news.xml", news_sitemap, methods=["GET"]),
    Route("/sitemaps/feeds-{block:int}.xml", _part("feeds"), methods=["GET"]),
    Route("/sitemaps/posts-{block:int}.xml", _part("posts"), methods=["GET"]),
]
