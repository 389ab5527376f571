"""A page as the site answers it leans on the site behind it; in a static copy it must stand
alone as a file, so each page is rewritten:

- links to the feed's pages and posts point at their files, relative, so the copy works from
  any folder and from ``file://``; "Show older posts" leads to ``page-2.html`` and on;
- files of ours the pages use (the stylesheet, our images) point at their copies beside them;
- every picture's renditions are copied too, and ``srcset`` names the copies, so no picture
  is fetched from a site that may be gone;
- what needs the site behind it goes: scripts (no stream, no polling), forms, the site's
  navigation (log in), Follow and the reading options (order, views, search), the live parts
  of a page (its status bar, the "new posts" button, the stream's data attributes) and the
  discussion's preview (its comments change, and the whole discussion is not part of the
  copy); a link to a page not in the copy (a tag) stays as its text only, except inside what
  an editor wrote (``.prose``), which keeps its full address;
- metadata in ``<head>`` (``<link rel=canonical>``) keeps pointing at the original, and a
  note at the top of each page links to the page it is a copy of.
"""

from __future__ import annotations

import posixpath
import re
from html import escape
from html.parser import HTMLParser
from typing import Protocol
from urllib.parse import urlsplit

POST_ANCHOR = re.compile(r"post-(\d+)")
# The site's navigation and the reading options: what only the site behind them can answer.
_SITE_NAVS = frozenset({"site-navigation", "feed-views"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# Where a page names a file it needs, as opposed to a page it links to.
_ASSET_ATTRS = {"img": "src", "source": "src", "video": "poster", "audio": "src"}
_ASSET_RELS = frozenset({"stylesheet", "icon", "apple-touch-icon", "preload"})
# What only a live page has: gone from a copy, with their contents.
_LIVE_CLASSES = frozenset({"discussion", "live-bar", "new-posts", "live-announcer"})
# The attributes the live script reads to find its stream.
_LIVE_ATTRS = frozenset({"data-live-feed", "data-last-seq", "data-discussion", "data-sort"})


def srcset_urls(srcset: str) -> list[str]:
    """The addresses of a ``srcset`` ("a.jpg 480w, b.jpg 960w")."""
    return [part.split()[0] for part in srcset.split(",") if part.strip()]


class Copy(Protocol):
    """What rewriting a page needs to know of the copy it is part of."""

    origin: str

    def site_path(self, link: str) -> str | None: ...

    def target(self, link: str) -> str | None: ...

    def original(self, name: str) -> str: ...

    def saved(self) -> str: ...


class Scan(HTMLParser):
    """What the exporter needs to know of a page before it is rewritten."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.post_ids: list[int] = []
        self.older: str | None = None
        self.assets: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = _attrs(attrs)
        anchor = POST_ANCHOR.fullmatch(found.get("id", ""))
        if tag == "article" and anchor:
            self.post_ids.append(int(anchor.group(1)))
        elif tag == "a" and "next" in found.get("rel", "").split():
            self.older = found.get("href")
        asset = _asset_link(tag, found)
        if asset:
            self.assets.append(asset)
        if found.get("srcset"):
            self.assets.extend(srcset_urls(found["srcset"]))


def _attrs(attrs: list[tuple[str, str | None]]) -> dict[str, str]:
    return {name: value or "" for name, value in attrs}


def _asset_link(tag: str, attrs: dict[str, str]) -> str | None:
    if tag == "link" and _ASSET_RELS & set(attrs.get("rel", "").lower().split()):
        return attrs.get("href")
    return attrs.get(_ASSET_ATTRS[tag]) if tag in _ASSET_ATTRS else None


class Rewriter(HTMLParser):
    """One page, its links rewritten for the copy; everything else passed through as it was."""

    def __init__(self, export: Copy, name: str) -> None:
        super().__init__(convert_charrefs=False)
        self.export = export
        self.name = name
        self.here = posixpath.dirname(name) or "."
        self.out: list[str] = []
        self.skipping: tuple[str, int] | None = None  # the dropped element's tag, its depth
        self.prose: tuple[str, int] | None = None

    def rewrite(self, html: str) -> str:
        self.feed(html)
        self.close()
        return "".join(self.out)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], *, closed: bool) -> None:
        opens = not closed and tag not in _VOID
        if self.skipping:
            if opens and tag == self.skipping[0]:
                self.skipping = (tag, self.skipping[1] + 1)
            return
        found = _attrs(attrs)
        if self._dropped(tag, found):
            if opens:
                self.skipping = (tag, 1)
            return
        if self.prose and opens and tag == self.prose[0]:
            self.prose = (tag, self.prose[1] + 1)
        elif not self.prose and opens and "prose" in found.get("class", "").split():
            self.prose = (tag, 1)
        changed = self._links(tag, attrs)
        if changed is None:
            if opens:
                self.skipping = (tag, 1)
            return
        if changed == attrs:
            self.out.append(self.get_starttag_text() or "")
        else:
            shown = "".join(
                f" {name}" if value is None else f' {name}="{escape(value)}"'
                for name, value in changed
            )
            self.out.append(f"<{tag}{shown}{' /' if closed else ''}>")
        if tag == "main":
            self.out.append(self._note())

    def _dropped(self, tag: str, attrs: dict[str, str]) -> bool:
        if tag == "form" or (tag == "script" and "src" in attrs):
            return True
        if _LIVE_CLASSES & set(attrs.get("class", "").split()):
            return True
        # Follow (the site's feed documents) and the reading options (views the site makes).
        if tag == "details" and "follow" in attrs.get("class", "").split():
            return True
        # Known by class, not by label: the label is in the page's language.
        return tag == "nav" and bool(_SITE_NAVS & set(attrs.get("class", "").split()))

    def _links(
        self, tag: str, attrs: list[tuple[str, str | None]]
    ) -> list[tuple[str, str | None]] | None:
        """The attributes with links rewritten; ``None`` leaves the whole element out."""
        export = self.export
        about_original = tag == "link" and not _asset_link(tag, _attrs(attrs))
        changed: list[tuple[str, str | None]] = []
        for name, value in attrs:
            if name in _LIVE_ATTRS:
                continue
            if name == "srcset" and value:
                changed.append((name, self._srcset(value)))
                continue
            if value is None or name not in ("href", "src", "poster"):
                changed.append((name, value))
                continue
            target = None if about_original else export.target(value)
            if target is not None:
                file, hash_, fragment = target.partition("#")
                changed.append((name, posixpath.relpath(file, self.here) + hash_ + fragment))
            elif export.site_path(value) is None:
                changed.append((name, value))  # elsewhere, or a #fragment of this page
            elif about_original or (tag == "a" and self.prose):
                changed.append((name, self._absolute(value)))
            elif tag != "a":
                return None
            # else: a link to a page not in the copy keeps its text, not its address
        return changed

    def _srcset(self, srcset: str) -> str:
        """Each candidate pointed at its copy; one of ours that was not copied is left out."""
        kept = []
        for part in srcset.split(","):
            words = part.split()
            if not words:
                continue
            target = self.export.target(words[0])
            if target is not None:
                words[0] = posixpath.relpath(target, self.here)
            elif self.export.site_path(words[0]) is not None:
                continue
            kept.append(" ".join(words))
        return ", ".join(kept)

    def _absolute(self, link: str) -> str:
        return link if urlsplit(link).netloc else self.export.origin + link

    def _note(self) -> str:
        original = escape(self.export.original(self.name))
        return (
            f'\n<p class="archive-note">A copy of <a class="archive-original" href="{original}">'
            f"the original page</a>, saved at {escape(self.export.saved())}.</p>"
        )

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[0]:
                depth = self.skipping[1] - 1
                self.skipping = (tag, depth) if depth else None
            return
        if self.prose and tag == self.prose[0]:
            depth = self.prose[1] - 1
            self.prose = (tag, depth) if depth else None
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        if not self.skipping:
            self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        if not self.skipping:
            self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        if not self.skipping:
            self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")
