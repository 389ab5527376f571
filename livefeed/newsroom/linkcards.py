"""Read more cards filled in for the editor: from the article's page, or from our own database.

Pasting an article's address asks the server for its title, summary and image; the editor
checks and edits them before publishing, so nothing here is published as it is fetched. A link
to one of our own feeds or posts makes its card from the database, without any request. Any
other address is fetched under the rules of :mod:`livefeed.outside.fetching`, and each refusal
names the ``url`` field. The page is read with the standard library's tolerant ``html.parser``: only
``<head>`` tags are needed, broken markup must not stop it, and it never loads anything itself.

Where a page says nothing better, the card is left for the editor rather than guessed: the
first ``<img>`` of a page is more often a logo or a tracking pixel than the article's picture.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import replace
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit

from livefeed.access.permissions import require_editor
from livefeed.distribution import reading
from livefeed.domain.addresses import NotAnAddress, host_address, is_local_name, is_public_address
from livefeed.domain.errors import Invalid, NotFound
from livefeed.domain.posts import HEADLINE_LENGTH, SUMMARY_LENGTH, ReadMore
from livefeed.domain.text import clean_web_url
from livefeed.domain.users import User
from livefeed.outside.fetch_policy import DEFAULT_PORTS, Refused
from livefeed.outside.fetching import Page, fetch_html
from livefeed.services import Services

FIELD = "url"
TITLE_KEYS = ("og:title", "twitter:title")
SUMMARY_KEYS = ("og:description", "twitter:description", "description")
IMAGE_KEYS = (
    "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src",
)  # fmt: skip

_FEED_PATH = re.compile(r"/feeds/([^/]+)/?")
_POST_PATH = re.compile(r"/feeds/([^/]+)/posts/([0-9]+)/?")
_MAX_POST_ID = 2**31 - 1
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# The WHATWG Encoding Standard reads these labels as windows-1252, as browsers do.
_AS_WINDOWS_1252 = frozenset({"iso8859-1", "ascii"})
# Python text codecs that no web page is written in (the WHATWG Encoding Standard has none).
_NOT_PAGE_ENCODINGS = frozenset({"unicode-escape", "raw-unicode-escape", "punycode", "utf-7"})


def fetch_card(svc: Services, actor: User | None, url: object) -> ReadMore:
    """A card for the article at ``url``, for an editor to check; :class:`Invalid` on ``url``.

    Only editors may make the server fetch a page. The card's ``url``
    is where the article was finally found (after redirects), or the canonical address of our
    own feed or post.
    """
    with svc.db.read() as conn:
        require_editor(conn, actor)
    address = clean_web_url(url, FIELD, required=True)
    own = _own_card(svc, address)
    if own is not None:
        return own
    try:
        page = fetch_html(address, svc.fetch_policy)
    except Refused as error:
        raise Invalid.field(FIELD, str(error)) from None
    card = card_from_page(page)
    try:
        clean_web_url(card.url, FIELD)
    except Invalid:
        # Redirected somewhere a card may not link to (too long, say): keep what was typed.
        return replace(card, url=address)
    return card


def card_from_page(page: Page) -> ReadMore:
    """Open Graph first, then Twitter card tags, then the page's ``<title>`` and description."""
    head = _Head.read(decode(page.body, page.charset))
    base = urljoin(page.url, head.base) if head.base else page.url
    title = next((head.meta[key] for key in TITLE_KEYS if head.meta.get(key)), head.title)
    summary = next((head.meta[key] for key in SUMMARY_KEYS if head.meta.get(key)), "")
    images = [head.meta[key] for key in IMAGE_KEYS if head.meta.get(key)] + head.image_links
    image = next((found for found in (_image_url(base, i) for i in images) if found), "")
    return ReadMore(
        page.url, shorten(title, HEADLINE_LENGTH), shorten(summary, SUMMARY_LENGTH), image
    )


# Our own feeds and posts ---------------------------------------------------------------------


def _own_card(svc: Services, url: str) -> ReadMore | None:
    """The card of one of our feeds or posts, read from the database; ``None`` for elsewhere."""
    if _origin(url) != _origin(svc.urls.origin):
        return None
    path = urlsplit(url).path
    # A short URL of ours would be resolved here too, once there are short URLs.
    if found := _POST_PATH.fullmatch(path):
        return _post_card(svc, unquote(found.group(1)), int(found.group(2)))
    if found := _FEED_PATH.fullmatch(path):
        return _feed_card(svc, unquote(found.group(1)))
    raise Invalid.field(FIELD, "a link to this site must be to one of its feeds or posts")


def _post_card(svc: Services, slug: str, post_id: int) -> ReadMore:
    missing = Invalid.field(FIELD, "there is no such post on this site")
    if post_id > _MAX_POST_ID:
        raise missing
    try:
        feed, post = reading.get_post(svc, slug, post_id)
    except NotFound:
        raise missing from None
    if not post.is_published:
        raise missing
    text = plain_text(post.body_html) or (post.quote.text if post.quote else "")
    return ReadMore(
        svc.urls.post(feed.slug, post.id),
        shorten(post.headline, HEADLINE_LENGTH),
        shorten(text, SUMMARY_LENGTH),
        post.image.url if post.image else "",
    )


def _feed_card(svc: Services, slug: str) -> ReadMore:
    try:
        feed = reading.get_feed(svc, slug)
    except NotFound:
        raise Invalid.field(FIELD, "there is no such feed on this site") from None
    lead = plain_text(svc.markup.render(feed.lead, "lead"))
    return ReadMore(
        svc.urls.feed(feed.slug),
        shorten(feed.title, HEADLINE_LENGTH),
        shorten(lead, SUMMARY_LENGTH),
        "",
    )


def _origin(url: str) -> tuple[str, str, int | None]:
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        return scheme, (parts.hostname or "").rstrip("."), parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        return "", "", None


# Reading a page ------------------------------------------------------------------------------


def decode(body: bytes, declared: str | None) -> str:
    """The page's text: by its byte order mark, its header, its ``<meta charset>``, else UTF-8."""
    for mark, encoding in _BOMS:
        if body.startswith(mark):
            return body[len(mark) :].decode(encoding, "replace")
    in_page = _META_CHARSET.search(body[:4096])
    meta = in_page.group(1).decode("ascii") if in_page else None
    for label in (declared, meta):
        named = _encoding(label)
        if named and named.startswith("utf-16") and label is meta:
            named = "utf-8"  # a page that could read its own <meta> is not UTF-16
        if named:
            return body.decode(named, "replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", "replace")


def _encoding(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
        b"a".decode(name, "replace")  # refuses codecs that are not text encodings (base64…)
    except (LookupError, UnicodeError):
        return None
    if name in _NOT_PAGE_ENCODINGS:
        return None
    return "cp1252" if name in _AS_WINDOWS_1252 else name


class _Stop(Exception):
    """The head has been read: the rest of the page is not needed."""


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.base = ""
        self.image_links: list[str] = []
        self._title: list[str] | None = None

    @classmethod
    def read(cls, html: str) -> _Head:
        head = cls()
        try:
            head.feed(html)
            head.close()
        except _Stop:
            pass
        return head

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name.lower(): value or "" for name, value in attrs}
        if tag == "meta":
            key = (found.get("property") or found.get("name") or "").strip().lower()
            if key and found.get("content", "").strip():
                self.meta.setdefault(key, found["content"])
        elif tag == "title" and not self.title and self._title is None:
            self._title = []
        elif tag == "base" and not self.base:
            self.base = found.get("href", "").strip()
        elif tag == "link" and "image_src" in found.get("rel", "").lower().split():
            self.image_links.append(found.get("href", ""))
        elif tag == "body":
            raise _Stop

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._title is not None:
            self.title = "".join(self._title)
            self._title = None
        elif tag == "head":
            raise _Stop

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)


def _image_url(base: str, raw: str) -> str:
    """An absolute http(s) address for an image a reader's browser may load, or ""."""
    url = urljoin(base, raw.strip())
    try:
        url = clean_web_url(url, "image_url")
        host = urlsplit(url).hostname or ""
        literal = host_address(host)
    except (Invalid, ValueError, NotAnAddress):
        return ""
    # Not the server's concern (it never loads the image) but every reader's browser would.
    if is_local_name(host) or (literal is not None and not is_public_address(literal)):
        return ""
    return url


# Text ------------------------------------------------------------------------------------------

_BLOCKS = frozenset({"p", "br", "li", "blockquote", "pre", "h2", "h3", "h4", "tr", "td", "th"})


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.handle_starttag(tag, [])

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """The words of sanitised ``html`` on one line."""
    reader = _Text()
    reader.feed(html)
    reader.close()
    return one_line("".join(reader.parts))


def one_line(text: str) -> str:
    """``text`` in NFC on one line: control characters and runs of white space made one space."""
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in unicodedata.normalize("NFC", text)
    )
    return " ".join(text.split())


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters, with "…" if cut."""
    line = one_line(text)
    if len(line) <= limit:
        return line
    cut = line[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"
