"""The HTML other systems store their entries in, read back into Markdown: paragraphs, line
breaks, links, emphasis and quotations survive; every other tag is dropped and its text kept
(the site renders and sanitises the result like anything an editor types)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any

from livefeed.domain.errors import Invalid
from livefeed.domain.formats.document import plain

_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption"}


class _Markdown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.quote = 0
        self.links: list[str] = []

    def _end_block(self) -> None:
        text = re.sub(r"[ \t]+", " ", "".join(self.current)).strip()
        if text:
            prefix = "> " if self.quote else ""
            self.blocks.append("\n".join(prefix + line.strip() for line in text.split("\n")))
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self._end_block()
        elif tag == "blockquote":
            self._end_block()
            self.quote += 1
        elif tag == "br":
            self.current.append("\n")
        elif tag in ("strong", "b"):
            self.current.append("**")
        elif tag in ("em", "i"):
            self.current.append("*")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href if href.startswith(("http://", "https://")) else "")
            if self.links[-1]:
                self.current.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._end_block()
        elif tag == "blockquote":
            self._end_block()
            self.quote = max(0, self.quote - 1)
        elif tag in ("strong", "b"):
            self.current.append("**")
        elif tag in ("em", "i"):
            self.current.append("*")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.current.append(f"]({href.replace(')', '%29').replace(' ', '%20')})")

    def handle_data(self, data: str) -> None:
        if not data.strip():
            self.current.append(data)
            return
        before = data[: len(data) - len(data.lstrip())]
        after = data[len(data.rstrip()) :]
        self.current.append(before + plain(data) + after)


def markdown_of(html: str) -> str:
    reader = _Markdown()
    # Text with no tags at all keeps its blank lines as paragraph breaks.
    reader.feed(html.replace("\r\n", "\n").replace("\n\n", "<p>"))
    reader.close()
    reader._end_block()
    return "\n\n".join(reader.blocks)


def load_json(text: str) -> Any:
    """The source's JSON, or :class:`Invalid` naming the line and column where it breaks."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}"
        raise Invalid.field(
            where, "column %(column)d: %(reason)s", column=error.colno, reason=error.msg
        ) from None
