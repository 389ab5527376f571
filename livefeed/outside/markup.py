"""Markdown in, safe HTML out: how post bodies, leads and notes become part of a page.

Two locks, not one: markdown-it is run with raw HTML off, and whatever it produces still goes
through nh3's allowlist. Links are checked on the parsed tokens, so a ``javascript:`` link is
refused with a message rather than silently turned into text.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from livefeed.domain.errors import Invalid
from livefeed.domain.text import link_scheme

LINK_SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_SCHEMES = frozenset({"http", "https"})

_TAGS = {
    "p", "br", "hr", "strong", "em", "s", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "img", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}


class Markup:
    """Renders Markdown for one site; links leaving ``public_url``'s host get ``nofollow``."""

    def __init__(self, public_url: str) -> None:
        self.own_host = urlsplit(public_url).netloc.lower()
        self._md = MarkdownIt("commonmark", {"html": False}).enable(["strikethrough", "table"])
        # Every destination is let through to the token stream so that a bad one can be named.
        self._md.validateLink = lambda url: True  # type: ignore[method-assign]
        self._cleaner = nh3.Cleaner(
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes=set(LINK_SCHEMES),
            link_rel=None,
            filter_style_properties={"text-align"},
        )

    def render(self, text: str, field: str) -> str:
        """Sanitised HTML for ``text``; :class:`Invalid` on ``field`` for a forbidden link."""
        if not text:
            return ""
        tokens = self._md.parse(text)
        self._check_links(tokens, field)
        html = self._md.renderer.render(tokens, self._md.options, {})
        return str(self._cleaner.clean(html))

    def clean(self, html: str) -> str:
        """HTML from elsewhere (an imported file's earlier wording) through the same allowlist
        as every body rendered here: nothing is taken on trust because it is already HTML."""
        return str(self._cleaner.clean(html)) if html else ""

    def is_outside(self, href: str) -> bool:
        parts = urlsplit(href)
        return bool(parts.netloc) and parts.netloc.lower() != self.own_host

    def _check_links(self, tokens: Sequence[Token], field: str) -> None:
        """Refuse a link or image with a forbidden scheme; mark links that leave the site."""
        for token in _walk(tokens):
            if token.type == "link_open":
                href = str(token.attrGet("href") or "")
                if not _allowed(href, LINK_SCHEMES):
                    raise Invalid.field(
                        field,
                        "links must be http, https or mailto, not “%(link)s”",
                        link=_shorten(href),
                    )
                if self.is_outside(href):
                    token.attrSet("rel", "nofollow noopener")
            elif token.type == "image":
                src = str(token.attrGet("src") or "")
                if not _allowed(src, IMAGE_SCHEMES):
                    raise Invalid.field(
                        field, "images must be http or https, not “%(link)s”", link=_shorten(src)
                    )


def _walk(tokens: Sequence[Token]) -> list[Token]:
    found: list[Token] = []
    for token in tokens:
        found.append(token)
        if token.children:
            found.extend(_walk(token.children))
    return found


def _allowed(url: str, schemes: frozenset[str]) -> bool:
    scheme = link_scheme(url)
    return scheme is None or scheme in schemes


def _shorten(url: str) -> str:
    return url if len(url) <= 40 else url[:39] + "…"


_EMBED_TAGS = {
    "p", "br", "a", "blockquote", "strong", "em", "b", "i", "span", "div", "ul", "ol", "li",
    "time", "small",
}  # fmt: skip
_EMBED_ATTRIBUTES = {"a": {"href", "title"}, "time": {"datetime"}, "p": {"lang", "dir"}}


def clean_embed(html: str) -> str:
    """A social site's embed markup with nothing left that runs or loads: no script, frame,
    picture, style or event handler, and only http(s) links, which search engines do not follow.

    The words and links stay: that is the snapshot readers see in place of the site's embed.
    """
    if not html:
        return ""
    return str(
        nh3.clean(
            html,
            tags=_EMBED_TAGS,
            attributes=_EMBED_ATTRIBUTES,
            url_schemes={"http", "https"},
            link_rel="nofollow noopener noreferrer",
            clean_content_tags={"script", "style", "iframe", "noscript"},
        )
    )
